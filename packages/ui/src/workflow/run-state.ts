// The panel's view of one run: the detail the engine stored, kept current by the items of its workflow.attach
// stream. Pure, so the timeline logic is tested without a browser.
import type { PlannedStep, RunDetail, StepRecord, WorkflowProgress } from '@pa/shared';

/** The run after one item of its progress stream (the caller keeps items of one run to that run). */
export function applyProgress(detail: RunDetail, progress: WorkflowProgress): RunDetail {
  switch (progress.type) {
    case 'snapshot':
      return progress.run;
    case 'run':
      return { ...detail, ...progress.run, plan: detail.plan, steps: detail.steps };
    case 'step': {
      const index = detail.steps.findIndex((step) => step.seq === progress.step.seq);
      if (index < 0) return { ...detail, steps: [...detail.steps, progress.step].sort((a, b) => a.seq - b.seq) };
      const steps = detail.steps.slice();
      // The stored record carries the logs flushed so far; keep what the stream already delivered if longer.
      const previous = steps[index] as StepRecord;
      steps[index] = {
        ...progress.step,
        logs: previous.logs.length > progress.step.logs.length ? previous.logs : progress.step.logs,
      };
      return { ...detail, steps };
    }
    case 'log': {
      const steps = detail.steps.map((step) =>
        step.seq === progress.seq ? { ...step, logs: step.logs + progress.text } : step,
      );
      return { ...detail, steps };
    }
  }
}

export interface TimelineRow {
  key: string;
  plan: PlannedStep;
  /** The latest record of this step (a step inside a repeat has one per iteration; the last is shown). */
  record: StepRecord | null;
  iterations: number;
  /** No record because an enclosing repeat was skipped. */
  skipped: boolean;
}

/** One row per planned step, in plan order, with its latest record. */
export function timeline(detail: RunDetail): TimelineRow[] {
  // Steps inside a skipped repeat never get a record of their own; they show as skipped with it.
  const skippedAt: number[] = [];
  return detail.plan.map((plan) => {
    while (skippedAt.length > 0 && (skippedAt.at(-1) as number) >= plan.depth) skippedAt.pop();
    const records = detail.steps.filter((step) => step.stepId === plan.id);
    const record = records.at(-1) ?? null;
    const inherited = record === null && skippedAt.length > 0;
    if (record?.state === 'skipped' && plan.kind === 'repeat') skippedAt.push(plan.depth);
    return { key: plan.id, plan, record, iterations: records.length, skipped: inherited };
  });
}

export function isFinished(state: RunDetail['state']): boolean {
  return state === 'succeeded' || state === 'failed' || state === 'cancelled' || state === 'interrupted';
}

export function durationOf(step: StepRecord, now: number): string {
  const ms = (step.finishedAt ?? now) - step.startedAt;
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

export interface ReviewComment {
  file: string;
  line: number;
  message: string;
  severity: 'info' | 'warning' | 'error';
}

/** The comments a review step produced (JSON output `{comments: [...]}`), checked field by field. */
export function reviewComments(detail: RunDetail): ReviewComment[] {
  return detail.steps.flatMap(reviewCommentsOf);
}

export function reviewCommentsOf(step: StepRecord): ReviewComment[] {
  const output = (step.output as { output?: { comments?: unknown } } | null)?.output;
  if (!output || typeof output !== 'object' || !Array.isArray(output.comments)) return [];
  const comments: ReviewComment[] = [];
  for (const raw of output.comments as unknown[]) {
    if (typeof raw !== 'object' || raw === null) continue;
    const { file, line, message, severity } = raw as Record<string, unknown>;
    if (typeof file !== 'string' || typeof line !== 'number' || typeof message !== 'string') continue;
    comments.push({
      file,
      line,
      message,
      severity: severity === 'error' || severity === 'info' ? severity : 'warning',
    });
  }
  return comments;
}
