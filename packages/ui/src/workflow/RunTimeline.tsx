// The live step timeline of one run: state, duration, logs and outputs per step, diffs in Monaco, failures that
// open the file at the line, and the approve / reject buttons of a waiting step.
import type { RunDetail, StepRecord } from '@pa/shared';
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { DiffView } from '../editor/DiffView';
import { useWorkbench } from '../workbench/contributions';
import { durationOf, isFinished, reviewCommentsOf, type TimelineRow, timeline } from './run-state';

const STATE_GLYPH: Record<string, string> = {
  pending: '○',
  running: '●',
  waiting: '⏸',
  succeeded: '✓',
  failed: '✕',
  skipped: '↷',
  cancelled: '⊘',
  interrupted: '!',
  reused: '↺',
};

const LOG_TAIL = 20_000;

/** The two answers to an `approve` step. */
const DECISIONS = [
  { approved: true, label: 'Approve', className: 'button', testId: 'wf-approve-yes' },
  { approved: false, label: 'Reject', className: 'button button--secondary', testId: 'wf-approve-no' },
] as const;

interface Failure {
  file: string;
  line: number;
  name: string;
  message: string;
}

function useNow(active: boolean): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}

export function RunTimeline({
  detail,
  onApprove,
}: {
  detail: RunDetail;
  onApprove(stepId: string, approved: boolean): void;
}) {
  const now = useNow(!isFinished(detail.state));
  return (
    <ol className="wf-timeline" data-testid="wf-timeline">
      {timeline(detail).map((row) => (
        <TimelineItem key={row.key} row={row} now={now} onApprove={onApprove} />
      ))}
    </ol>
  );
}

function TimelineItem({
  row,
  now,
  onApprove,
}: {
  row: TimelineRow;
  now: number;
  onApprove(stepId: string, approved: boolean): void;
}) {
  const step = row.record;
  const state = step?.state ?? (row.skipped ? 'skipped' : 'pending');
  const important = state === 'failed' || state === 'waiting' || (row.plan.kind === 'edit' && state === 'succeeded');
  const [open, setOpen] = useState(important);
  useEffect(() => {
    if (important) setOpen(true);
  }, [important]);
  return (
    <li
      className={`wf-step wf-step--${state}`}
      style={{ paddingLeft: `${row.plan.depth * 16}px` }}
      data-testid={`wf-step-${row.plan.id}`}
      data-state={state}
    >
      <button
        type="button"
        className="wf-step__head"
        onClick={() => setOpen(!open)}
        disabled={!step}
        aria-expanded={open}
      >
        <span className="wf-step__glyph" aria-hidden>
          {STATE_GLYPH[state] ?? '○'}
        </span>
        <span className="wf-step__name">{row.plan.name}</span>
        <span className="wf-step__kind">{row.plan.kind}</span>
        {row.iterations > 1 && <span className="wf-step__iter">×{row.iterations}</span>}
        <span className="wf-step__time">
          {step && state !== 'skipped' && state !== 'reused' ? durationOf(step, now) : state === 'pending' ? '' : state}
        </span>
      </button>
      {step && open && <StepBody step={step} onApprove={onApprove} />}
    </li>
  );
}

function StepBody({ step, onApprove }: { step: StepRecord; onApprove(stepId: string, approved: boolean): void }) {
  const input = (step.input ?? {}) as Record<string, unknown>;
  const output = (step.output ?? {}) as Record<string, unknown>;
  const failures = Array.isArray(output.failures) ? (output.failures as Failure[]) : [];
  const comments = reviewCommentsOf(step);
  const changes = Array.isArray(output.changes)
    ? (output.changes as Array<{ path: string; action: string; before: string; after: string }>)
    : [];
  return (
    <div className="wf-step__body">
      {step.error && <p className="wf-step__error">{step.error}</p>}
      {step.kind === 'run' && typeof input.display === 'string' && (
        <p className="wf-step__meta">
          <code>$ {input.display}</code>
          {typeof output.exitCode === 'number' && <span> · exit {output.exitCode}</span>}
        </p>
      )}
      {step.state === 'waiting' && (
        <div className="wf-approve" data-testid="wf-approve">
          <p>{String(input.message ?? 'Continue?')}</p>
          {typeof input.show === 'string' && input.show && <pre className="wf-pre wf-pre--diff">{input.show}</pre>}
          <div className="wf-approve__buttons">
            {DECISIONS.map(({ approved, label, className, testId }) => (
              <button
                key={label}
                type="button"
                className={className}
                onClick={() => onApprove(step.stepId, approved)}
                data-testid={testId}
              >
                {label}
              </button>
            ))}
          </div>
        </div>
      )}
      <Locations
        testId="wf-failures"
        items={failures.map((failure) => ({
          file: failure.file,
          line: failure.line,
          where: `${failure.file}:${failure.line}`,
          title: failure.name,
          message: failure.message?.split('\n').slice(0, 3).join(' '),
        }))}
      />
      {changes.map((change) => (
        <div key={change.path} className="wf-change">
          <div className="wf-change__title">
            {change.action} <code>{change.path}</code>
          </div>
          <DiffView path={change.path} before={change.before} after={change.after} />
        </div>
      ))}
      <Locations
        testId="wf-comments"
        items={comments.map((comment) => ({
          file: comment.file,
          line: comment.line,
          where: `${comment.file}:${comment.line} · ${comment.severity}`,
          message: comment.message,
          className: `wf-comment--${comment.severity}`,
        }))}
      />
      {step.kind === 'ai' && typeof output.answer === 'string' && (
        <div className="wf-answer" data-testid="wf-answer">
          <div className="wf-answer__title">What the model returned</div>
          <pre className="wf-pre">{output.answer || '(an empty answer)'}</pre>
        </div>
      )}
      {step.kind === 'ai' && output.output !== undefined && comments.length === 0 && (
        <pre className={`wf-pre${input.output === 'diff' ? ' wf-pre--diff' : ''}`}>
          {typeof output.output === 'string' ? output.output : JSON.stringify(output.output, null, 2)}
        </pre>
      )}
      {(step.kind === 'run' || step.kind === 'mcp') && step.logs && (
        <LogTail text={step.logs.length > LOG_TAIL ? `…${step.logs.slice(-LOG_TAIL)}` : step.logs} />
      )}
      {step.kind === 'ai' && step.state === 'running' && step.logs && <pre className="wf-pre">{step.logs}</pre>}
    </div>
  );
}

/** A command's output, kept scrolled to its newest line (where failures are) unless the reader scrolled up. */
function LogTail({ text }: { text: string }) {
  const node = useRef<HTMLPreElement>(null);
  const following = useRef(true);
  // after every render (output may have grown); a no-op while the reader has scrolled up
  useLayoutEffect(() => {
    if (node.current && following.current) node.current.scrollTop = node.current.scrollHeight;
  });
  return (
    <pre
      ref={node}
      className="wf-pre wf-pre--log"
      data-testid="wf-log"
      onScroll={(event) => {
        const { scrollHeight, scrollTop, clientHeight } = event.currentTarget;
        following.current = scrollHeight - scrollTop - clientHeight < 8;
      }}
    >
      {text}
    </pre>
  );
}

interface Location {
  file: string;
  line: number;
  where: string;
  title?: string;
  message?: string;
  className?: string;
}

/** Findings anchored to file:line (test failures, review comments); a click opens the file at that line. */
function Locations({ testId, items }: { testId: string; items: Location[] }) {
  const api = useWorkbench();
  if (items.length === 0) return null;
  return (
    <ul className="wf-failures" data-testid={testId}>
      {items.map((item) => (
        <li key={`${item.where}:${item.title ?? ''}:${item.message ?? ''}`}>
          <button
            type="button"
            className={`wf-failure${item.className ? ` ${item.className}` : ''}`}
            onClick={() => void api.openFile(item.file, { line: item.line })}
          >
            <span className="wf-failure__where">{item.where}</span>
            {item.title && <span className="wf-failure__name">{item.title}</span>}
            {item.message && <span className="wf-failure__message">{item.message}</span>}
          </button>
        </li>
      ))}
    </ul>
  );
}
