import type { RunDetail, RunRecord, StepRecord, WorkflowProgress } from '@pa/shared';
import { runRecord, stepRecord } from '@pa/shared/testing/workflow-records';
import { describe, expect, it } from 'vitest';
import { coalesceProgress, MAX_QUEUED_LOG, PROGRESS_HIGH_WATER, progressReader } from './progress.js';

const record = runRecord({ workflow: 'w' });
const snapshot: RunDetail = { ...record, plan: [], steps: [] };

function step(seq: number, state: StepRecord['state'], logs = ''): StepRecord {
  return stepRecord({
    seq,
    stepId: `s${seq}`,
    name: `s${seq}`,
    state,
    logs,
    finishedAt: state === 'running' ? null : 2,
  });
}

const log = (seq: number, text: string): WorkflowProgress => ({ type: 'log', seq, stepId: `s${seq}`, text });

async function drain(
  reader: ReturnType<typeof progressReader>,
): Promise<{ items: WorkflowProgress[]; end: RunRecord }> {
  const items: WorkflowProgress[] = [];
  const iterator = reader[Symbol.asyncIterator]();
  for (;;) {
    const next = await iterator.next();
    if (next.done) return { items, end: next.value };
    items.push(next.value);
  }
}

describe('a reader of a run that does not read', () => {
  it('holds a bounded queue through 100,000 log lines, and still gets every line it has room for', async () => {
    const reader = progressReader(snapshot);
    reader.push({ type: 'step', step: step(0, 'running') });
    let written = '';
    for (let i = 0; i < 100_000; i++) {
      const line = `line ${i}\n`;
      written += line;
      reader.push(log(0, line));
    }
    reader.push({ type: 'step', step: step(0, 'succeeded', written) });
    reader.push({ type: 'run', run: { ...record, state: 'succeeded' } });
    reader.end({ ...record, state: 'succeeded' });
    expect(reader.size).toBeLessThanOrEqual(PROGRESS_HIGH_WATER + 3);

    const { items, end } = await drain(reader);
    expect(items[0]).toEqual({ type: 'snapshot', run: snapshot });
    const text = items.flatMap((item) => (item.type === 'log' ? [item.text] : [])).join('');
    // what was queued before the reader fell behind, then the newest part of the rest
    expect(text.length).toBeLessThanOrEqual(PROGRESS_HIGH_WATER * 20 + MAX_QUEUED_LOG);
    expect(text.startsWith('line 0\nline 1\n')).toBe(true);
    const logs = items.flatMap((item) => (item.type === 'log' ? [item.text] : []));
    const last = logs[logs.length - 1] ?? '';
    expect(last.length).toBeGreaterThanOrEqual(MAX_QUEUED_LOG / 2);
    expect(written.endsWith(last)).toBe(true);
    // the step's final record (which carries its whole log) and the run's end come after every log item
    expect(items.slice(-2)).toEqual([
      { type: 'step', step: step(0, 'succeeded', written) },
      { type: 'run', run: { ...record, state: 'succeeded' } },
    ]);
    expect(end.state).toBe('succeeded');
  });

  it('keeps only the newest state of the run and of each step once it is behind', () => {
    const queue: WorkflowProgress[] = [];
    for (let i = 0; i < 10; i++) queue.push(log(9, 'x'));
    queue.push({ type: 'run', run: { ...record, state: 'waiting' } }, { type: 'step', step: step(1, 'waiting') });
    expect(coalesceProgress(queue, { type: 'run', run: { ...record, state: 'running' } })).toBe(true);
    expect(coalesceProgress(queue, { type: 'step', step: step(1, 'succeeded') })).toBe(true);
    expect(queue.slice(10)).toEqual([
      { type: 'run', run: { ...record, state: 'running' } },
      { type: 'step', step: step(1, 'succeeded') },
    ]);
    // a step not queued yet is queued as it is
    expect(coalesceProgress(queue, { type: 'step', step: step(2, 'running') })).toBe(false);
  });

  it('joins a step’s text only after its latest queued state, and never changes an item another reader shares', () => {
    const shared = log(1, 'a');
    const queue: WorkflowProgress[] = [shared, { type: 'step', step: step(1, 'waiting') }];
    expect(coalesceProgress(queue, log(1, 'b'))).toBe(false);
    queue.push(log(1, 'b'));
    expect(coalesceProgress(queue, log(1, 'c'))).toBe(true);
    expect(queue[2]).toEqual(log(1, 'bc'));
    expect(coalesceProgress([shared], log(1, 'd'))).toBe(true);
    expect(shared).toEqual(log(1, 'a'));
  });

  it('never folds anything into the snapshot', () => {
    const queue: WorkflowProgress[] = [{ type: 'snapshot', run: snapshot }];
    expect(coalesceProgress(queue, { type: 'run', run: record })).toBe(false);
    expect(coalesceProgress(queue, { type: 'snapshot', run: snapshot })).toBe(false);
  });
});
