import type { RunDetail, StepRecord } from '@pa/shared';
import { runRecord, stepRecord } from '@pa/shared/testing/workflow-records';
import { describe, expect, it } from 'vitest';
import { applyProgress, reviewComments, timeline } from './run-state';

const step = (seq: number, stepId: string, extra: Partial<StepRecord> = {}): StepRecord =>
  stepRecord({ seq, stepId, name: stepId, startedAt: 1000, ...extra });

const base: RunDetail = {
  ...runRecord({ source: 'builtin' }),
  plan: [
    { id: 'a', name: 'A', kind: 'run', depth: 0 },
    { id: 'loop', name: 'Loop', kind: 'repeat', depth: 0 },
    { id: 'b', name: 'B', kind: 'run', depth: 1 },
  ],
  steps: [],
};

describe('applyProgress', () => {
  it('adds steps, appends their logs and updates the run', () => {
    let detail = applyProgress(base, { type: 'step', step: step(0, 'a') });
    detail = applyProgress(detail, { type: 'log', seq: 0, stepId: 'a', text: 'hello ' });
    detail = applyProgress(detail, { type: 'log', seq: 0, stepId: 'a', text: 'world' });
    detail = applyProgress(detail, {
      type: 'step',
      step: step(0, 'a', { state: 'succeeded', finishedAt: 1500 }),
    });
    detail = applyProgress(detail, {
      type: 'run',
      run: { ...base, state: 'succeeded', finishedAt: 2000 },
    });
    expect(detail.state).toBe('succeeded');
    expect(detail.steps).toEqual([step(0, 'a', { state: 'succeeded', finishedAt: 1500, logs: 'hello world' })]);
  });

  it('takes a snapshot as the run, and keeps the longer log when a record arrives with fewer lines than were read', () => {
    const snapshot = { ...base, steps: [step(0, 'a', { logs: 'one\n' })] };
    let detail = applyProgress(base, { type: 'snapshot', run: snapshot });
    expect(detail).toBe(snapshot);
    detail = applyProgress(detail, { type: 'log', seq: 0, stepId: 'a', text: 'two\n' });
    detail = applyProgress(detail, { type: 'step', step: step(0, 'a', { state: 'waiting', logs: 'one\n' }) });
    expect(detail.steps).toEqual([step(0, 'a', { state: 'waiting', logs: 'one\ntwo\n' })]);
  });
});

describe('timeline', () => {
  it('shows every planned step with its latest iteration', () => {
    const detail = {
      ...base,
      steps: [step(0, 'a'), step(1, 'loop'), step(2, 'b', { iteration: 1 }), step(3, 'b', { iteration: 2 })],
    };
    expect(timeline(detail).map((row) => [row.key, row.record?.iteration ?? null, row.iterations])).toEqual([
      ['a', 0, 1],
      ['loop', 0, 1],
      ['b', 2, 2],
    ]);
  });
});

describe('timeline of a skipped repeat', () => {
  it('shows the steps inside it as skipped too', () => {
    const detail = {
      ...base,
      steps: [step(0, 'a', { state: 'succeeded' }), step(1, 'loop', { state: 'skipped', kind: 'repeat' })],
    };
    expect(timeline(detail).map((row) => [row.key, row.skipped])).toEqual([
      ['a', false],
      ['loop', false],
      ['b', true],
    ]);
  });
});

describe('reviewComments', () => {
  it('keeps well-formed comments and defaults the severity to warning', () => {
    const output = {
      output: { comments: [{ file: 'src/a.ts', line: 3, message: 'off by one' }, { file: 'x' }, 'junk'] },
    };
    expect(reviewComments({ ...base, steps: [step(0, 'review', { output })] })).toEqual([
      { file: 'src/a.ts', line: 3, message: 'off by one', severity: 'warning' },
    ]);
  });
});
