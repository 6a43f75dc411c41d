// The Source Control view (VS Code's SCM view is the model): the commit message box (Ctrl+Enter commits) with the
// AI message one click away, Commit / Amend, and the Merge Changes, Staged Changes and Changes groups with
// per-file open / stage / unstage / discard. What it does lives in ScmController.
import type { GitChange } from '@pa/shared';
import { type ReactNode, useState } from 'react';
import { baseName, parentOf } from '../explorer/tree';
import { FileIcon } from '../workbench/file-icon';
import { Icons } from '../workbench/icons';
import { useObservable } from '../workbench/observable';
import { markOf } from './decorations';
import { groupsOf, letterOf, type ScmController } from './scm-controller';

type GroupId = 'conflicts' | 'staged' | 'changes';

export function ScmView({ controller }: { controller: ScmController }) {
  const state = useObservable(controller.state);
  const { status, message, busy, generating } = state;
  if (!status) return <div className="scm__empty">Reading the repository…</div>;
  if (!status.repository)
    return (
      <div className="scm__empty" data-testid="scm-no-repo">
        The open folder is not a git repository. Run <code>git init</code> in a terminal to start one.
      </div>
    );
  const groups = groupsOf(status);
  const branch = status.branch.head ?? (status.branch.oid ? status.branch.oid.slice(0, 8) : 'no commits yet');
  const canCommit = !busy && message.trim() !== '' && (groups.staged.length > 0 || groups.changes.length > 0);
  const commit = (amend = false) => {
    if (!amend && groups.staged.length === 0 && groups.changes.length > 0) {
      // VS Code's smart commit: nothing staged commits every change
      void controller
        .stage(groups.changes.map((change) => change.path))
        .then((staged) => staged && controller.commit(false));
      return;
    }
    void controller.commit(amend);
  };
  return (
    <div className="scm" data-testid="scm-view">
      {!status.trusted && (
        <div className="scm__notice" role="status">
          This workspace is not trusted: git reads it with the repository's hooks, filters and fsmonitor off. Staging,
          committing, switching branches and syncing need trust.{' '}
          <button type="button" className="link-button" onClick={() => void controller.trust()}>
            Trust workspace…
          </button>
        </div>
      )}
      <div className="scm__box">
        <div className="scm__message-wrap">
          <textarea
            className="scm__message"
            aria-label="Commit message"
            placeholder={`Message (Ctrl+Enter to commit on "${branch}")`}
            value={message}
            disabled={generating}
            onChange={(event) => controller.setMessage(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
                event.preventDefault();
                if (canCommit) commit();
              }
            }}
          />
          <button
            type="button"
            className="icon-button scm__sparkle"
            title="Generate Commit Message"
            aria-label="Generate commit message"
            disabled={generating || groups.staged.length === 0}
            onClick={() => void controller.generateMessage()}
          >
            ✦
          </button>
        </div>
        <div className="scm__commit-row">
          <button type="button" className="button button--small" disabled={!canCommit} onClick={() => commit()}>
            {busy === 'commit' ? 'Committing…' : '✓ Commit'}
          </button>
          <button
            type="button"
            className="button button--small button--secondary"
            title="Commit (Amend): replace the last commit"
            disabled={!!busy || !status.branch.oid}
            onClick={() => commit(true)}
          >
            Amend
          </button>
        </div>
      </div>
      {groups.conflicts.length > 0 && (
        <Group id="conflicts" title="Merge Changes" changes={groups.conflicts} controller={controller} />
      )}
      {groups.staged.length > 0 && (
        <Group id="staged" title="Staged Changes" changes={groups.staged} controller={controller} />
      )}
      <Group id="changes" title="Changes" changes={groups.changes} controller={controller} />
      {groups.staged.length + groups.changes.length + groups.conflicts.length === 0 && (
        <div className="scm__empty">No changes. The working tree matches {branch}.</div>
      )}
    </div>
  );
}

function Group({
  id,
  title,
  changes,
  controller,
}: {
  id: GroupId;
  title: string;
  changes: GitChange[];
  controller: ScmController;
}) {
  const [open, setOpen] = useState(true);
  const paths = changes.map((change) => change.path);
  return (
    <div aria-label={title} data-testid={`scm-group-${id}`} role="tree">
      <div
        className="scm-group__head"
        role="treeitem"
        tabIndex={0}
        aria-expanded={open}
        onClick={() => setOpen(!open)}
        onKeyDown={(event) => {
          if (event.key === 'Enter') setOpen(!open);
        }}
      >
        {open ? Icons.chevronDown() : Icons.chevronRight()}
        <span className="scm-group__title">{title}</span>
        <span className="scm-row__actions" style={{ display: 'flex' }}>
          {id === 'staged' && (
            <GroupAction label="Unstage All Changes" glyph="−" run={() => controller.unstage(paths)} />
          )}
          {id === 'changes' && changes.length > 0 && (
            <>
              <GroupAction label="Discard All Changes" glyph="↶" run={() => controller.discard(changes)} />
              <GroupAction label="Stage All Changes" glyph="+" run={() => controller.stage(paths)} />
            </>
          )}
        </span>
        <span className="scm-count">{changes.length}</span>
      </div>
      {open && changes.map((change) => <Row key={change.path} change={change} group={id} controller={controller} />)}
    </div>
  );
}

function GroupAction({ label, glyph, run }: { label: string; glyph: ReactNode; run: () => unknown }) {
  return (
    <button
      type="button"
      className="icon-button"
      title={label}
      aria-label={label}
      onClick={(event) => {
        event.stopPropagation();
        void run();
      }}
    >
      {glyph}
    </button>
  );
}

function Row({ change, group, controller }: { change: GitChange; group: GroupId; controller: ScmController }) {
  const side = group === 'staged' ? 'index' : 'worktree';
  const letter = letterOf(change, side);
  const mark = markOf(change, change[side]);
  const open = () =>
    group === 'conflicts' ? void controller.openConflict(change.path) : void controller.openChange(change, group);
  return (
    <div
      className={`scm-row${letter === 'D' ? ' scm-row--deleted' : ''}`}
      role="treeitem"
      tabIndex={0}
      data-path={change.path}
      title={change.origPath ? `${change.origPath} → ${change.path}` : change.path}
      onClick={open}
      onKeyDown={(event) => {
        if (event.key === 'Enter') open();
      }}
    >
      <FileIcon name={baseName(change.path)} />
      <span className={`scm-row__name git--${mark}`}>{baseName(change.path)}</span>
      <span className="scm-row__dir">{parentOf(change.path)}</span>
      <span className="scm-row__actions">
        <GroupAction label="Open File" glyph={Icons.files(14)} run={() => controller.openFile(change.path)} />
        {group === 'changes' && (
          <>
            <GroupAction label="Discard Changes" glyph="↶" run={() => controller.discard([change])} />
            <GroupAction label="Stage Changes" glyph="+" run={() => controller.stage([change.path])} />
          </>
        )}
        {group === 'staged' && (
          <GroupAction label="Unstage Changes" glyph="−" run={() => controller.unstage([change.path])} />
        )}
        {group === 'conflicts' && (
          <GroupAction label="Mark Resolved (Stage)" glyph="+" run={() => controller.stage([change.path])} />
        )}
      </span>
      <span className={`scm-letter git--${mark}`}>{letter}</span>
    </div>
  );
}
