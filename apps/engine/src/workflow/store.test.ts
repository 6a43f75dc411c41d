import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { openStore, type Store } from '../store/index.js';
import { claimInstance, type EngineInstance } from './instance.js';
import { createRunStore } from './store.js';

const cleanup: Array<() => void> = [];
afterEach(() => {
  for (const step of cleanup.splice(0).reverse()) step();
});

function setup(): { dir: string; db: Store } {
  const dir = mkdtempSync(join(tmpdir(), 'pa-runstore-'));
  const db = openStore(join(dir, 'db.sqlite'));
  cleanup.push(
    () => rmSync(dir, { recursive: true, force: true }),
    () => db.close(),
  );
  return { dir, db };
}

function claim(dir: string): EngineInstance {
  const instance = claimInstance(join(dir, 'engines'));
  cleanup.push(() => instance.release());
  return instance;
}

const newRun = (id: string) => ({
  id,
  workflow: 'w',
  source: 'builtin' as const,
  definition: 'name: w',
  workspace: '/ws',
  inputs: {},
  actor: 'test',
  rerunOf: null,
  fromStep: null,
});

it('marks the unfinished runs of a gone engine interrupted even though its recorded pid is alive (a reused pid)', () => {
  const { dir, db } = setup();
  const gone = claim(dir);
  const before = createRunStore(db, () => 1, gone.id);
  // Recorded with this test's own pid: the pid check would have called that engine alive.
  before.createRun(newRun('waiting-run'));
  before.setRunState('waiting-run', 'waiting');
  before.startStep({
    runId: 'waiting-run',
    seq: 0,
    stepId: 'ok',
    name: 'ok',
    kind: 'approve',
    iteration: 0,
    state: 'waiting',
    input: null,
  });
  before.createRun(newRun('done-run'));
  before.setRunState('done-run', 'succeeded');
  gone.release();

  const next = claim(dir);
  const after = createRunStore(db, () => 2, next.id);
  expect(after.markInterrupted(next.isAlive)).toEqual({ runs: ['waiting-run'], owners: [gone.id] });
  expect(after.getRun('waiting-run')?.record).toMatchObject({ state: 'interrupted', finishedAt: 2 });
  expect(after.steps('waiting-run').map((step) => step.state)).toEqual(['interrupted']);
  expect(after.getRun('done-run')?.record.state).toBe('succeeded');
  expect(after.markInterrupted(next.isAlive)).toEqual({ runs: [], owners: [] });
});

it("leaves the runs of a live engine alone, this engine's own included", () => {
  const { dir, db } = setup();
  const live = claim(dir);
  const self = claim(dir);
  createRunStore(db, () => 1, live.id).createRun(newRun('theirs'));
  const store = createRunStore(db, () => 1, self.id);
  store.createRun(newRun('mine'));
  expect(store.markInterrupted(self.isAlive)).toEqual({ runs: [], owners: [] });
  expect(store.getRun('theirs')?.record.state).toBe('queued');
  expect(store.getRun('mine')?.record.state).toBe('queued');
});

it('counts an unfinished run from before instance ids (no owner recorded) as left behind', () => {
  const { dir, db } = setup();
  const self = claim(dir);
  const store = createRunStore(db, () => 3, self.id);
  store.createRun(newRun('legacy'));
  db.db.prepare('UPDATE workflow_runs SET engine_instance = NULL, state = ? WHERE id = ?').run('running', 'legacy');
  expect(store.markInterrupted(self.isAlive)).toEqual({ runs: ['legacy'], owners: [] });
  expect(store.getRun('legacy')?.record.state).toBe('interrupted');
});
