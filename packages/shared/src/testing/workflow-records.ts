// Workflow run and step records for tests (engine and UI alike): every field filled with a neutral value, the ones a
// test is about given as overrides. Test-only: nothing shipped imports this file.
import type { RunRecord, StepRecord } from '../protocol/workflow.js';

export function runRecord(overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    id: 'r1',
    workflow: 'demo',
    source: 'project',
    state: 'running',
    inputs: {},
    actor: 'ui',
    createdAt: 1,
    startedAt: 1,
    finishedAt: null,
    error: null,
    rerunOf: null,
    fromStep: null,
    ...overrides,
  };
}

export function stepRecord(overrides: Partial<StepRecord> = {}): StepRecord {
  return {
    seq: 0,
    stepId: 'a',
    name: 'A',
    kind: 'run',
    iteration: 0,
    state: 'running',
    input: null,
    output: null,
    logs: '',
    error: null,
    startedAt: 1,
    finishedAt: null,
    ...overrides,
  };
}
