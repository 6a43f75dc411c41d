// A Plan or Agent turn in the chat panel: its mode and model, the rules in effect, the streamed text, a card per tool
// call (a command's output live in it), the approval cards, and once done the review of the files it changed and
// "Restore to here". State is the AgentController's; this renders it and calls its methods.
import type { AgentEdit, AgentMode } from '@pa/shared';
import { type ReactNode, useId, useState } from 'react';
import type { CodeActions } from '../ai/Markdown';
import { Markdown } from '../ai/Markdown';
import { useObservable, useSelected } from '../workbench/observable';
import {
  type AgentController,
  type AgentTurn,
  type ApprovalCard,
  type ApprovalChoice,
  type Conflict,
  type FileReject,
  forceable,
  type ToolCard,
  type ToolStatus,
} from './agent-controller';
import { type DiffLine, diffLines, diffStats, proposedChange } from './diff';
import './agent.css';

const MODES: Array<{ mode: AgentMode; label: string; title: string }> = [
  { mode: 'ask', label: 'Ask', title: 'Ask: answers questions; changes nothing' },
  { mode: 'plan', label: 'Plan', title: 'Plan: reads the workspace and writes a plan; changes nothing' },
  { mode: 'agent', label: 'Agent', title: 'Agent: reads, edits files and runs commands, asking first where needed' },
];

/** Ask / Plan / Agent as a segmented control: native radio buttons (arrow keys move the choice). */
export function ModeSelector({ agent, disabled }: { agent: AgentController; disabled?: boolean }) {
  const mode = useObservable(agent.mode);
  const name = useId();
  return (
    <div className="agent-modes" role="radiogroup" aria-label="Mode" data-testid="agent-mode">
      {MODES.map((item) => (
        <label
          key={item.mode}
          className={`agent-modes__item${mode === item.mode ? ' agent-modes__item--on' : ''}`}
          title={item.title}
        >
          <input
            type="radio"
            name={name}
            value={item.mode}
            checked={mode === item.mode}
            disabled={disabled}
            onChange={() => agent.mode.set(item.mode)}
          />
          {item.label}
        </label>
      ))}
    </div>
  );
}

/** Text with `code` spans (an approval's summary: "run `npm test`"). */
function Inline({ text }: { text: string }) {
  return (
    <>
      {text.split('`').map((part, index) =>
        // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one fixed string
        index % 2 === 1 ? <code key={index}>{part}</code> : <span key={index}>{part}</span>,
      )}
    </>
  );
}

type IconName =
  | 'check'
  | 'cross'
  | 'block'
  | 'stop'
  | 'wait'
  | 'shield'
  | 'restore'
  | 'lock'
  | 'chevron'
  | 'terminal'
  | 'play';

function Icon({ name, className = '' }: { name: IconName; className?: string }) {
  const paths: Record<IconName, ReactNode> = {
    check: <path d="M3.5 8.5l3 3 6-7" />,
    cross: <path d="M4.5 4.5l7 7M11.5 4.5l-7 7" />,
    block: (
      <>
        <circle cx="8" cy="8" r="5.5" />
        <path d="M4.2 11.8l7.6-7.6" />
      </>
    ),
    stop: <rect x="4.5" y="4.5" width="7" height="7" rx="1" />,
    wait: (
      <>
        <circle cx="8" cy="8" r="5.5" />
        <path d="M8 5v3.2l2 1.3" />
      </>
    ),
    shield: <path d="M8 1.8l5 2v3.7c0 3.1-2.1 5.5-5 6.7-2.9-1.2-5-3.6-5-6.7V3.8z" />,
    restore: (
      <>
        <path d="M3 8a5 5 0 1 0 1.5-3.6" />
        <path d="M3 2.5v3h3" />
      </>
    ),
    lock: (
      <>
        <rect x="3.5" y="7" width="9" height="6.5" rx="1.2" />
        <path d="M5.5 7V5a2.5 2.5 0 0 1 5 0v2" />
      </>
    ),
    chevron: <path d="M6 4l4 4-4 4" />,
    terminal: (
      <>
        <rect x="1.8" y="2.8" width="12.4" height="10.4" rx="1.6" />
        <path d="M4.6 6.4l2 1.6-2 1.6M8.4 10h3" />
      </>
    ),
    play: <path d="M5 3.5v9l7-4.5z" />,
  };
  return (
    <svg
      className={`agent-icon agent-icon--${name} ${className}`.trim()}
      viewBox="0 0 16 16"
      width="14"
      height="14"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.5"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
    >
      {paths[name]}
    </svg>
  );
}

const STATUS_LABEL: Record<ToolStatus, string> = {
  running: 'running',
  awaiting: 'needs approval',
  done: 'done',
  error: 'failed',
  denied: 'denied',
  stopped: 'stopped',
};

function StatusIcon({ status }: { status: ToolStatus }) {
  if (status === 'running') return <span className="agent-spinner" aria-hidden="true" />;
  if (status === 'awaiting') return <Icon name="wait" />;
  if (status === 'done') return <Icon name="check" />;
  if (status === 'denied') return <Icon name="block" />;
  if (status === 'stopped') return <Icon name="stop" />;
  return <Icon name="cross" />;
}

/** What a call works on, shown beside its name: the path, the command, the pattern. */
function hintOf(args: Record<string, unknown>): string {
  for (const key of ['command', 'path', 'from', 'pattern', 'query', 'url']) {
    const value = args[key];
    if (typeof value === 'string' && value) return value;
  }
  return '';
}

function pretty(args: Record<string, unknown>): string {
  return JSON.stringify(args, null, 2);
}

function ToolCardView({ tool, agent }: { tool: ToolCard; agent: AgentController }) {
  // a command's card is open while it runs (its output live), closed once it is done; a click decides from then on
  const [chosen, setChosen] = useState<boolean | null>(null);
  const open =
    chosen ??
    (tool.name === 'run_command' && !tool.terminal && (tool.status === 'running' || tool.status === 'awaiting'));
  const setOpen = (value: boolean) => setChosen(value);
  const hint = hintOf(tool.arguments);
  return (
    <div
      className={`agent-tool agent-tool--${tool.status}${open ? ' agent-tool--open' : ''}`}
      data-testid="agent-tool"
      data-tool={tool.name}
      data-status={tool.status}
    >
      <button type="button" className="agent-tool__head" aria-expanded={open} onClick={() => setOpen(!open)}>
        <Icon name="chevron" />
        <span className="agent-tool__status-icon" title={STATUS_LABEL[tool.status]}>
          <StatusIcon status={tool.status} />
        </span>
        <span className="agent-tool__name">{tool.name}</span>
        {hint && (
          <span className="agent-tool__hint" title={hint}>
            {hint}
          </span>
        )}
        <span className="agent-tool__status">{STATUS_LABEL[tool.status]}</span>
      </button>
      {tool.terminal && (
        <div className="agent-tool__terminal" data-testid="agent-tool-terminal">
          <Icon name="terminal" />
          <span>
            {tool.status === 'running' ? 'Running in the terminal ' : 'Ran in the terminal '}
            <span className="agent-tool__terminal-name">{tool.terminal.name}</span>
          </span>
          <button
            type="button"
            className="agent-chip-button"
            onClick={() => agent.showTerminal((tool.terminal as { id: string }).id)}
          >
            Show terminal
          </button>
        </div>
      )}
      {open && (
        <div className="agent-tool__body">
          <div className="agent-label">Arguments</div>
          <pre className="agent-pre">{pretty(tool.arguments)}</pre>
          {tool.output && (
            <>
              <div className="agent-label">Output{tool.outputCut ? ' (last part)' : ''}</div>
              <pre className="agent-pre agent-output" data-testid="agent-tool-output">
                {tool.output}
              </pre>
            </>
          )}
          {tool.result !== null && (
            <>
              <div className="agent-label">Result</div>
              <pre className="agent-pre agent-tool__result">{tool.result || '(empty)'}</pre>
            </>
          )}
        </div>
      )}
    </div>
  );
}

/** What the call will do: the change an edit makes, the command line, or else its arguments. */
function ApprovalPreview({ card }: { card: ApprovalCard }) {
  const change = proposedChange(card.name, card.arguments);
  if (change) return <DiffBlock lines={change} className="agent-approval__change" />;
  const { command, cwd } = card.arguments;
  if (card.name === 'run_command' && typeof command === 'string')
    return (
      <pre className="agent-pre agent-approval__command">
        {typeof cwd === 'string' && cwd ? <span className="agent-approval__cwd">{cwd} </span> : null}
        <span className="agent-approval__prompt">$ </span>
        {command}
      </pre>
    );
  return <pre className="agent-pre agent-approval__args">{pretty(card.arguments)}</pre>;
}

const CHOICE_LABEL: Record<ApprovalChoice, string> = {
  once: 'Allowed once',
  always: 'Always allowed in this workspace',
  deny: 'Denied',
};
const EXPIRED = 'Not answered';

function ApprovalCardView({ card, onAnswer }: { card: ApprovalCard; onAnswer(choice: ApprovalChoice): void }) {
  const answered = card.choice !== null || card.expired;
  const state = card.choice ? CHOICE_LABEL[card.choice] : card.expired ? EXPIRED : null;
  return (
    <section
      className={`agent-approval${answered ? ' agent-approval--answered' : ''}${card.choice === 'deny' ? ' agent-approval--denied' : ''}`}
      aria-label={`Approval: ${card.summary}`}
      data-testid="agent-approval"
    >
      <div className="agent-approval__head">
        <Icon name="shield" className="agent-approval__icon" />
        <span className="agent-approval__title">
          {answered ? 'Asked to ' : 'The agent wants to '}
          <Inline text={card.summary} />
        </span>
        {state && (
          <span className="agent-approval__state" data-testid="agent-approval-state">
            {card.choice && card.choice !== 'deny' ? <Icon name="check" /> : <Icon name="block" />}
            {state}
            {card.sending && '…'}
          </span>
        )}
      </div>
      {!answered && <ApprovalPreview card={card} />}
      {card.error && <div className="agent-approval__error">{card.error}</div>}
      {!answered && (
        <div className="agent-approval__actions">
          <button type="button" className="ai-button ai-button--primary" onClick={() => onAnswer('once')}>
            Allow once
          </button>
          <button type="button" className="ai-button" onClick={() => onAnswer('always')}>
            Always allow in this workspace
          </button>
          <button type="button" className="ai-button agent-button--deny" onClick={() => onAnswer('deny')}>
            Deny
          </button>
        </div>
      )}
    </section>
  );
}

function Stat({ added, removed }: { added: number; removed: number }) {
  return (
    <span className="agent-stat">
      <span className="agent-stat__add">+{added}</span>
      <span className="agent-stat__del">−{removed}</span>
    </span>
  );
}

/** The most diff lines the review renders per file; the rest are a click away in the diff editor. */
const DIFF_LINES = 400;

function DiffBlock({ lines, className = '' }: { lines: DiffLine[]; className?: string }) {
  const shown = lines.slice(0, DIFF_LINES);
  return (
    <pre className={`agent-diff ${className}`.trim()} data-testid="agent-diff">
      {shown.map((line, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the lines of one fixed diff
        <span key={index} className={`agent-diff__line agent-diff__line--${line.kind}`}>
          {line.text || ' '}
        </span>
      ))}
      {lines.length > shown.length && (
        <span className="agent-diff__line agent-diff__line--meta">
          … {lines.length - shown.length} more lines (Open diff shows them all)
        </span>
      )}
    </pre>
  );
}

const KIND_LETTER: Record<AgentEdit['kind'], string> = { created: 'A', modified: 'M', deleted: 'D', renamed: 'R' };

function RejectState({
  state,
  edit,
  agent,
  turnId,
}: {
  state: FileReject;
  edit: AgentEdit;
  agent: AgentController;
  turnId: string;
}) {
  if (state.phase === 'busy') return <span className="agent-file__state">Rejecting…</span>;
  if (state.phase === 'rejected')
    return (
      <span className="agent-file__actions">
        <span className="agent-file__state agent-file__state--rejected" data-testid="agent-file-rejected">
          <Icon name="block" />
          Rejected
        </span>
        <button
          type="button"
          className="agent-chip-button"
          title="Bring the turn's version of this file back"
          onClick={() => void agent.undoReject(turnId, edit.path)}
        >
          Undo
        </button>
      </span>
    );
  const canForce = state.reason === 'edited' || state.reason === 'edited_between';
  return (
    <span className="agent-file__actions">
      <span
        className="agent-file__state agent-file__state--conflict"
        data-testid="agent-file-conflict"
        title={state.error ?? undefined}
      >
        {state.reason ? `Left alone: ${CONFLICT_REASON[state.reason]}` : 'Reject failed'}
      </span>
      {canForce && (
        <button
          type="button"
          className="agent-chip-button agent-chip-button--deny"
          title="Overwrite the changes made since the turn too"
          onClick={() => void agent.reject(turnId, edit, true)}
        >
          Reject anyway
        </button>
      )}
    </span>
  );
}

function ReviewFile({
  edit,
  agent,
  turnId,
  reverted,
  rejected,
  canReject,
}: {
  edit: AgentEdit;
  agent: AgentController;
  turnId: string;
  reverted: boolean;
  rejected: FileReject | undefined;
  canReject: boolean;
}) {
  const done = rejected?.phase === 'rejected';
  // a rejected file's diff folds away (it is no longer on disk); a click decides from then on
  const [chosen, setChosen] = useState<boolean | null>(null);
  const open = chosen ?? !done;
  const setOpen = (value: boolean) => setChosen(value);
  const stats = diffStats(edit.diff);
  return (
    <div
      className={`agent-file${done ? ' agent-file--rejected' : ''}`}
      data-testid="agent-review-file"
      data-path={edit.path}
      data-state={rejected?.phase ?? 'pending'}
    >
      <div className="agent-file__head">
        <button
          type="button"
          className={`agent-file__toggle${open ? ' agent-file__toggle--open' : ''}`}
          aria-expanded={open}
          aria-label={open ? `Hide the diff of ${edit.path}` : `Show the diff of ${edit.path}`}
          onClick={() => setOpen(!open)}
        >
          <Icon name="chevron" />
        </button>
        <span className={`agent-file__kind agent-file__kind--${edit.kind}`} title={edit.kind}>
          {KIND_LETTER[edit.kind]}
        </span>
        <button
          type="button"
          className="agent-file__path"
          title={edit.from ? `${edit.from} → ${edit.path}` : `Open ${edit.path}`}
          onClick={() => agent.openFile(edit.path)}
          disabled={edit.kind === 'deleted'}
        >
          {edit.path}
        </button>
        <Stat added={stats.added} removed={stats.removed} />
        {!reverted && rejected && <RejectState state={rejected} edit={edit} agent={agent} turnId={turnId} />}
        {!reverted && !rejected && (
          <span className="agent-file__actions">
            <button type="button" className="agent-chip-button" onClick={() => void agent.openDiff(edit)}>
              Open diff
            </button>
            <button
              type="button"
              className="agent-chip-button agent-chip-button--accept"
              title="Accept this change (it leaves the review)"
              aria-label={`Accept ${edit.path}`}
              onClick={() => agent.keep(turnId, edit.path)}
            >
              <Icon name="check" />
              Accept
            </button>
            {canReject && (
              <button
                type="button"
                className="agent-chip-button agent-chip-button--deny"
                title="Put this file back as it was before the turn"
                aria-label={`Reject ${edit.path}`}
                onClick={() => void agent.reject(turnId, edit)}
              >
                <Icon name="cross" />
                Reject
              </button>
            )}
          </span>
        )}
      </div>
      {open && <DiffBlock lines={diffLines(edit.diff)} />}
    </div>
  );
}

function Review({ turn, agent }: { turn: AgentTurn; agent: AgentController }) {
  const pending = turn.edits.filter((edit) => !turn.kept.includes(edit.path));
  if (turn.edits.length === 0) return null;
  const reverted = turn.restore.phase === 'restored' && turn.restore.restored.length > 0;
  const rejectedCount = pending.filter((edit) => turn.rejected[edit.path]?.phase === 'rejected').length;
  const open = pending.length - rejectedCount;
  const totals = pending.reduce(
    (sum, edit) => {
      const stats = diffStats(edit.diff);
      return { added: sum.added + stats.added, removed: sum.removed + stats.removed };
    },
    { added: 0, removed: 0 },
  );
  if (pending.length === 0)
    return (
      <div className="agent-review agent-review--done" data-testid="agent-review">
        <Icon name="check" />
        {turn.edits.length === 1 ? 'Change accepted.' : `All ${turn.edits.length} changes accepted.`}
      </div>
    );
  return (
    <section
      className={`agent-review${reverted ? ' agent-review--reverted' : ''}`}
      aria-label="Review changes"
      data-testid="agent-review"
    >
      <div className="agent-review__head">
        <span className="agent-review__title">Review changes</span>
        <span className="agent-review__count" data-testid="agent-review-count">
          {pending.length} {pending.length === 1 ? 'file' : 'files'}
          {rejectedCount > 0 ? ` · ${rejectedCount} rejected` : ''}
          {turn.kept.length > 0 ? ` · ${turn.kept.length} accepted` : ''}
        </span>
        <Stat added={totals.added} removed={totals.removed} />
        {reverted && <span className="agent-review__reverted">restored</span>}
      </div>
      {pending.map((edit) => (
        <ReviewFile
          key={edit.path}
          edit={edit}
          agent={agent}
          turnId={turn.id}
          reverted={reverted}
          rejected={turn.rejected[edit.path]}
          canReject={turn.checkpointId !== null}
        />
      ))}
      {!reverted && open > 0 && (
        <div className="agent-review__foot">
          <button type="button" className="ai-button" onClick={() => agent.keepAll(turn.id)}>
            Accept all
          </button>
          {turn.checkpointId !== null && (
            <button
              type="button"
              className="ai-button agent-button--deny"
              title="Undo every change of this turn"
              disabled={turn.restore.phase === 'busy'}
              onClick={() => void agent.restore(turn.id)}
            >
              Reject all
            </button>
          )}
        </div>
      )}
    </section>
  );
}

const CONFLICT_REASON: Record<Conflict['reason'], string> = {
  edited: 'changed since the turn',
  edited_between: 'changed by a later turn',
  unsettled: 'still being written',
  outside_workspace: 'outside the workspace',
  not_a_file: 'not a file any more',
  failed: 'could not be written',
};

function RestoreBar({ turn, agent }: { turn: AgentTurn; agent: AgentController }) {
  const { restore } = turn;
  if (turn.checkpointId === null || turn.running) return null;
  const busy = restore.phase === 'busy';
  const blocked = restore.conflicts.filter(forceable);
  const files = (paths: string[]) => (paths.length === 1 ? paths[0] : `${paths.length} files`);
  return (
    <div className="agent-restore" data-testid="agent-restore">
      {(restore.phase === 'idle' || restore.phase === 'undone' || (busy && restore.restored.length === 0)) && (
        <button
          type="button"
          className="agent-restore__button"
          data-testid="agent-restore-button"
          disabled={busy}
          title="Put every file this turn changed back as it was before it"
          onClick={() => void agent.restore(turn.id)}
        >
          <Icon name="restore" />
          {busy ? 'Restoring…' : 'Restore to here'}
        </button>
      )}
      {restore.phase === 'undone' && restore.restored.length > 0 && (
        <span className="agent-restore__note">Restore undone.</span>
      )}
      {restore.phase === 'restored' && restore.restored.length > 0 && (
        <span className="agent-restore__note agent-restore__note--ok" data-testid="agent-restored">
          <Icon name="check" />
          Restored {files(restore.restored)}.
        </span>
      )}
      {(restore.phase === 'restored' || (busy && restore.restored.length > 0)) && restore.undoCheckpointId !== null && (
        <button
          type="button"
          className="agent-chip-button"
          data-testid="agent-undo-restore"
          disabled={busy}
          onClick={() => void agent.undoRestore(turn.id)}
        >
          Undo restore
        </button>
      )}
      {restore.conflicts.length > 0 && (
        <div className="agent-conflicts" data-testid="agent-conflicts">
          <div className="agent-conflicts__title">
            {restore.conflicts.length === 1
              ? 'One file was left alone:'
              : `${restore.conflicts.length} files were left alone:`}
          </div>
          <ul>
            {restore.conflicts.map((conflict) => (
              <li key={conflict.path}>
                <span className="agent-conflicts__path">{conflict.path}</span> — {CONFLICT_REASON[conflict.reason]}
              </li>
            ))}
          </ul>
          {blocked.length > 0 && !restore.forced && restore.phase === 'restored' && (
            <button
              type="button"
              className="ai-button agent-button--deny"
              data-testid="agent-restore-force"
              disabled={busy}
              title="Overwrite the changes made since the turn too"
              onClick={() => void agent.restore(turn.id, true)}
            >
              Restore anyway
            </button>
          )}
        </div>
      )}
      {restore.error && <div className="ai-message__error">{restore.error}</div>}
    </div>
  );
}

function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

const STOP_REASON: Record<string, string> = {
  'step-limit': 'Stopped at the step limit.',
  'token-budget': 'Stopped at the token budget.',
  'repeated-failure': 'Stopped: the same call kept failing.',
};

export function AgentTurnView({
  agent,
  turnId,
  actions,
}: {
  agent: AgentController;
  turnId: string;
  actions: CodeActions;
}) {
  const turn = useSelected(agent.turns, (turns) => turns.get(turnId));
  if (!turn) return null;
  const route = turn.answer?.route;
  const model = route ? `${route.providerId} · ${route.model}` : turn.picked || 'Auto';
  const calls = turn.items.filter((item) => item.kind === 'tool').length;
  const status = turn.running
    ? calls > 0
      ? 'Working…'
      : 'Thinking…'
    : turn.cancelled
      ? 'Stopped'
      : turn.error
        ? 'Failed'
        : turn.answer
          ? 'Done'
          : '';
  const stats = turn.answer
    ? [
        route ? `${route.providerId} · ${route.model}` : null,
        `${turn.answer.toolCalls} tool ${turn.answer.toolCalls === 1 ? 'call' : 'calls'}`,
        `${turn.answer.steps} ${turn.answer.steps === 1 ? 'step' : 'steps'}`,
        seconds(turn.answer.totalMs),
      ]
        .filter(Boolean)
        .join(' · ')
    : null;
  return (
    <div className={`agent-turn agent-turn--${turn.mode}`} data-testid="agent-turn" data-running={turn.running}>
      <div className="agent-turn__head">
        <span className={`agent-mode agent-mode--${turn.mode}`} data-testid="agent-turn-mode">
          {turn.mode === 'agent' ? 'Agent' : 'Plan'}
        </span>
        <span className="agent-turn__model" data-testid="agent-turn-model" title={route?.reasons.join(' · ')}>
          {model}
        </span>
        <span className="agent-turn__status">
          {turn.running && <span className="agent-spinner" aria-hidden="true" />}
          {status}
        </span>
      </div>
      {turn.plan && (
        <div className="agent-plan" data-testid="agent-plan">
          <div className="agent-label">Running the plan</div>
          <ol className="agent-plan__steps">
            {turn.plan.map((step, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: the steps of one fixed plan
              <li key={index}>
                <Inline text={step} />
              </li>
            ))}
          </ol>
        </div>
      )}
      {turn.rules.length > 0 && (
        <div className="agent-rules" data-testid="agent-rules" title={turn.rules.join('\n')}>
          Rules in effect: {turn.rules.join(', ')}
        </div>
      )}
      {turn.items.map((item, index) => {
        switch (item.kind) {
          case 'text':
            // biome-ignore lint/suspicious/noArrayIndexKey: a turn's transcript only grows at its end
            return <Markdown key={index} text={item.text} actions={actions} />;
          case 'notice':
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: a turn's transcript only grows at its end
              <div key={index} className="agent-notice" data-testid="agent-notice">
                {item.text}
              </div>
            );
          case 'tool':
            return <ToolCardView key={`tool-${item.id}`} tool={item} agent={agent} />;
          case 'approval':
            return (
              <ApprovalCardView
                key={`approval-${item.approvalId}`}
                card={item}
                onAnswer={(choice) => void agent.approve(turn.id, item.approvalId, choice)}
              />
            );
        }
        return null;
      })}
      {turn.running && turn.items.at(-1)?.kind === 'text' && <span className="ai-cursor" title="answering" />}
      {turn.answer && STOP_REASON[turn.answer.stopReason] && (
        <div className="agent-notice">{STOP_REASON[turn.answer.stopReason]}</div>
      )}
      {turn.error && <div className="ai-message__error">{turn.error}</div>}
      {turn.redactions > 0 && (
        <div className="agent-redacted" data-testid="agent-redacted">
          <Icon name="lock" />
          {turn.redactions === 1 ? '1 secret redacted' : `${turn.redactions} secrets redacted`} from what was sent to
          the model
        </div>
      )}
      {!turn.running && <Review turn={turn} agent={agent} />}
      {turn.mode === 'plan' && !turn.running && turn.answer && !turn.error && turn.answer.text.trim() && (
        <div className="agent-run-plan">
          {turn.planRun ? (
            <span className="agent-run-plan__note" data-testid="agent-plan-sent">
              <Icon name="check" />
              Running in Agent mode below.
            </span>
          ) : (
            <button
              type="button"
              className="ai-button ai-button--primary"
              data-testid="agent-run-plan"
              title="Start an Agent turn that carries out this plan (it asks before anything the workspace does not allow)"
              onClick={() => void agent.runPlan(turn.id)}
            >
              <Icon name="play" />
              Run this plan
            </button>
          )}
        </div>
      )}
      {!turn.running && (
        <div className="agent-turn__foot">
          <RestoreBar turn={turn} agent={agent} />
          {stats && (
            <span className="agent-turn__stats" data-testid="agent-answered-by" title={route?.reasons.join(' · ')}>
              {stats}
            </span>
          )}
        </div>
      )}
    </div>
  );
}
