// The collab feature in the workbench: a "Live Share" side-bar view (share, join, participants, follow), a status
// bar item (peers, relay, sync state) and commands. State lives in CollabController, one per activation of the
// feature; components only render it.
import { useState } from 'react';
import type { Contribution } from '../workbench/contributions';
import { FeatureSlot } from '../workbench/feature-slot';
import { FeatureIcon } from '../workbench/icons';
import { type Observable, useObservable } from '../workbench/observable';
import { CollabController, type ShareCandidates } from './controller';
import './collab.css';
import type { SessionStatus } from './session';

/** Two arrows passing each other: edits going both ways (drawn, not a font glyph, so it shows offline). */
const SHARE_ICON =
  '<svg viewBox="0 0 24 24" width="22" height="22" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round" stroke-linejoin="round"><path d="M4 8.5h15M15 4.5l4 4-4 4"/><path d="M20 15.5H5M9 11.5l-4 4 4 4"/></svg>';

/** One labelled text input of the share form. */
function TextField(props: {
  label: string;
  testId: string;
  value: string;
  onChange: (value: string) => void;
  type?: 'text' | 'password';
  placeholder?: string;
}) {
  return (
    <label className="collab-field">
      <span>{props.label}</span>
      <input
        data-testid={props.testId}
        type={props.type ?? 'text'}
        placeholder={props.placeholder}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
      />
    </label>
  );
}

function SharePanel({ collab }: { collab: CollabController }) {
  const settings = useObservable(collab.settings);
  const busy = useObservable(collab.busy);
  const candidates = useObservable(collab.candidates);
  const [code, setCode] = useState('');
  const update = (patch: Partial<typeof settings>) => collab.updateSettings(patch);
  return (
    <div className="collab-form">
      <TextField label="Your name" testId="collab-name" value={settings.name} onChange={(name) => update({ name })} />
      <TextField
        label="Relay URL"
        testId="collab-relay-url"
        placeholder="wss://relay.example.com"
        value={settings.relayUrl}
        onChange={(relayUrl) => update({ relayUrl })}
      />
      <TextField
        label="Relay token"
        testId="collab-relay-token"
        type="password"
        value={settings.relayToken}
        onChange={(relayToken) => update({ relayToken })}
      />
      {candidates ? (
        <FileChooser
          candidates={candidates}
          busy={busy}
          onCancel={() => collab.cancelChoice()}
          onShare={(files, options) => void collab.share(files, options)}
        />
      ) : (
        <button
          type="button"
          className="collab-primary"
          data-testid="collab-share"
          disabled={busy}
          onClick={() => void collab.chooseFiles()}
        >
          Share session…
        </button>
      )}
      <div className="collab-divider">or join one</div>
      <TextField label="Invite code" testId="collab-invite-input" placeholder="pa1-…" value={code} onChange={setCode} />
      <button
        type="button"
        data-testid="collab-join"
        disabled={busy || code.trim() === ''}
        onClick={() => void collab.join(code)}
      >
        Join session
      </button>
    </div>
  );
}

const SKIPPED_TEXT: Record<string, string> = {
  binary: 'binary (not UTF-8 text)',
  'line-endings': 'mixed line endings',
  'too-large': 'over 2 MB',
  protected: 'protected',
};

/** The host picks what to share; everything shareable starts selected, skipped files say why. */
function FileChooser(props: {
  candidates: ShareCandidates;
  busy: boolean;
  onCancel(): void;
  onShare(files: string[], options: { allowFileChanges: boolean; saveGuestEdits: boolean }): void;
}) {
  const { candidates } = props;
  const [selected, setSelected] = useState(() => new Set(candidates.files));
  const [allowFileChanges, setAllowFileChanges] = useState(false);
  const [saveGuestEdits, setSaveGuestEdits] = useState(true);
  const toggle = (path: string) =>
    setSelected((current) => {
      const next = new Set(current);
      if (!next.delete(path)) next.add(path);
      return next;
    });
  return (
    <div className="collab-chooser" data-testid="collab-chooser">
      <div className="collab-heading">
        Files to share ({selected.size} of {candidates.files.length})
      </div>
      <ul className="collab-files">
        {candidates.files.map((path) => (
          <li key={path}>
            <label>
              <input type="checkbox" checked={selected.has(path)} onChange={() => toggle(path)} />
              <span>{path}</span>
            </label>
          </li>
        ))}
        {candidates.skipped.map(({ path, reason }) => (
          <li key={path} className="collab-skipped" title="Not shared">
            <span>{path}</span>
            <span className="collab-file">{SKIPPED_TEXT[reason]}</span>
          </li>
        ))}
      </ul>
      <label className="collab-option">
        <input
          type="checkbox"
          data-testid="collab-allow-file-changes"
          checked={allowFileChanges}
          onChange={(e) => setAllowFileChanges(e.target.checked)}
        />
        <span>Let guests create and delete files (never in .git, .vscode, .powerautomation, …)</span>
      </label>
      <label className="collab-option">
        <input
          type="checkbox"
          data-testid="collab-save-guest-edits"
          checked={saveGuestEdits}
          onChange={(e) => setSaveGuestEdits(e.target.checked)}
        />
        <span>Guests' edits can be saved into this folder (off: they stay in the session)</span>
      </label>
      <div className="collab-actions">
        <button
          type="button"
          className="collab-primary"
          data-testid="collab-start"
          disabled={props.busy || selected.size === 0}
          onClick={() =>
            props.onShare(
              candidates.files.filter((path) => selected.has(path)),
              { allowFileChanges, saveGuestEdits },
            )
          }
        >
          Start sharing
        </button>
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </div>
  );
}

function SessionPanel({ collab, status }: { collab: CollabController; status: SessionStatus }) {
  const invite = useObservable(collab.invite);
  return (
    <div className="collab-form">
      <div className="collab-summary">
        {status.role === 'host' ? 'Hosting' : 'Joined'} · <StatusText status={status} />
      </div>
      {status.full && (
        <div className="collab-warning" role="alert" data-testid="collab-full">
          This session is full: every guest seat of the host's edition is taken. You are let in when someone leaves.
        </div>
      )}
      {status.overLimit && (
        <div className="collab-warning" role="alert">
          More people joined than your edition admits; extra peers are not connected directly.
        </div>
      )}
      {status.role === 'host' && (
        <div className="collab-note" data-testid="collab-file-changes">
          {status.allowFileChanges
            ? 'Guests may edit shared files, create new ones and delete shared ones.'
            : 'Guests may edit the text of shared files only.'}
        </div>
      )}
      {status.refused.length > 0 && (
        <ul className="collab-refused" data-testid="collab-refused">
          {status.refused.map((refusal) => (
            <li key={refusal.message}>{refusal.message}</li>
          ))}
        </ul>
      )}
      {status.unsaved.length > 0 && (
        <div className="collab-unsaved" data-testid="collab-unsaved">
          <div className="collab-heading">Unsaved shared changes ({status.unsaved.length})</div>
          <ul className="collab-files">
            {status.unsaved.map((path) => (
              <li key={path}>{path}</li>
            ))}
          </ul>
          <button type="button" data-testid="collab-save" onClick={() => void collab.saveShared()}>
            Save shared files
          </button>
        </div>
      )}
      {invite && (
        <label className="collab-field">
          <span>Invite code</span>
          <div className="collab-invite">
            <input data-testid="collab-invite" readOnly value={invite} onFocus={(e) => e.target.select()} />
            <button type="button" onClick={() => void navigator.clipboard?.writeText(invite)}>
              Copy
            </button>
          </div>
        </label>
      )}
      <div className="collab-heading">Participants</div>
      <ul className="collab-participants" data-testid="collab-participants">
        {status.participants.map((participant) => (
          <li key={participant.clientId}>
            <span className="collab-dot" style={{ background: participant.color }} />
            <span className="collab-name">
              {participant.name}
              {participant.self ? ' (you)' : ''}
            </span>
            <span className="collab-file">{participant.file ?? ''}</span>
            {!participant.self && (
              <button
                type="button"
                className={status.following === participant.clientId ? 'collab-toggle on' : 'collab-toggle'}
                onClick={() => collab.toggleFollow(participant.clientId)}
              >
                {status.following === participant.clientId ? 'Following' : 'Follow'}
              </button>
            )}
          </li>
        ))}
      </ul>
      <div className="collab-actions">
        <button type="button" data-testid="collab-offline" onClick={() => collab.setOffline(!status.offline)}>
          {status.offline ? 'Go online' : 'Work offline'}
        </button>
        <button type="button" className="collab-danger" onClick={() => void collab.leave()}>
          Leave session
        </button>
      </div>
    </div>
  );
}

const RELAY_TEXT: Record<SessionStatus['relay'], string> = {
  none: 'no relay',
  reachable: 'relay ✓',
  unreachable: 'relay ✗',
};

function StatusText({ status }: { status: SessionStatus }) {
  const relay = status.full ? 'session full' : RELAY_TEXT[status.relay];
  return (
    <span data-testid="collab-status-text">
      {status.peers} {status.peers === 1 ? 'peer' : 'peers'} · {relay} · {status.sync}
    </span>
  );
}

function CollabView({ collab }: { collab: CollabController }) {
  const session = useObservable(collab.session);
  return (
    <div className="collab-view" data-testid="collab-view">
      {session ? <SessionStatusPanel collab={collab} status={session.status} /> : <SharePanel collab={collab} />}
    </div>
  );
}

function SessionStatusPanel({ collab, status }: { collab: CollabController; status: SessionStatusSource }) {
  return <SessionPanel collab={collab} status={useObservable(status)} />;
}

type SessionStatusSource = Observable<SessionStatus>;

function CollabStatusSession({ collab }: { collab: CollabController }) {
  const session = useObservable(collab.session);
  return session ? <CollabStatusFor status={session.status} /> : null;
}

function CollabStatusFor({ status }: { status: SessionStatusSource }) {
  const value = useObservable(status);
  return (
    <span className={`collab-status collab-${value.sync}`} data-testid="collab-status" title="Shared session">
      <FeatureIcon icon={SHARE_ICON} size={14} />
      <StatusText status={value} />
    </span>
  );
}

export function collabFeature(): Contribution {
  const controller = new FeatureSlot<CollabController>();
  return {
    id: 'collab',
    views: [
      {
        id: 'collab',
        title: 'Live Share',
        icon: SHARE_ICON,
        location: 'sidebar',
        order: 40,
        component: controller.view(
          (collab) => <CollabView collab={collab} />,
          <div className="collab-view">Collaboration is starting…</div>,
        ),
      },
    ],
    statusItems: [
      {
        id: 'collab.status',
        align: 'left',
        order: 50,
        component: controller.view((collab) => <CollabStatusSession collab={collab} />),
      },
    ],
    commands: [
      { id: 'collab.share', title: 'Collaboration: Share Session', run: (api) => api.showView('collab') },
      { id: 'collab.join', title: 'Collaboration: Join Session', run: (api) => api.showView('collab') },
    ],
    activate: (api) =>
      controller.fill(() => {
        const collab = new CollabController(api);
        void collab.restore();
        return collab;
      }),
  };
}
