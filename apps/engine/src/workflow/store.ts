// The workflow tables: runs, their steps (inputs, outputs, timing, logs written as they happen) and trusted
// workspaces. Rows are the history the UI shows and what a re-run resumes from.
import type { RunRecord, RunState, StepKind, StepRecord, StepState, WorkflowSource } from '@pa/shared';
import type { Store } from '../store/index.js';

const MIGRATIONS = [
  `CREATE TABLE workflow_runs (
     id TEXT PRIMARY KEY,
     workflow TEXT NOT NULL,
     source TEXT NOT NULL,
     definition TEXT NOT NULL,
     workspace TEXT NOT NULL,
     inputs TEXT NOT NULL,
     state TEXT NOT NULL,
     actor TEXT NOT NULL,
     engine_pid INTEGER NOT NULL,
     created_at INTEGER NOT NULL,
     started_at INTEGER,
     finished_at INTEGER,
     error TEXT,
     rerun_of TEXT,
     from_step TEXT
   );
   CREATE INDEX workflow_runs_created ON workflow_runs (created_at DESC);
   CREATE TABLE workflow_steps (
     run_id TEXT NOT NULL REFERENCES workflow_runs (id) ON DELETE CASCADE,
     seq INTEGER NOT NULL,
     step_id TEXT NOT NULL,
     name TEXT NOT NULL,
     kind TEXT NOT NULL,
     iteration INTEGER NOT NULL,
     state TEXT NOT NULL,
     input TEXT,
     output TEXT,
     logs TEXT NOT NULL DEFAULT '',
     error TEXT,
     started_at INTEGER NOT NULL,
     finished_at INTEGER,
     PRIMARY KEY (run_id, seq)
   );
   CREATE TABLE workflow_trust (root TEXT PRIMARY KEY, trusted_at INTEGER NOT NULL);`,
  // The engine instance (see instance.ts) that owns the run; engine_pid stays for the log, a pid can be reused.
  'ALTER TABLE workflow_runs ADD COLUMN engine_instance TEXT',
];

/** Logs kept per step in the database; the live stream still carries everything. */
const LOG_LIMIT = 256 * 1024;

interface RunRow {
  id: string;
  workflow: string;
  source: string;
  definition: string;
  workspace: string;
  inputs: string;
  state: string;
  actor: string;
  engine_pid: number;
  engine_instance: string | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  error: string | null;
  rerun_of: string | null;
  from_step: string | null;
}

interface StepRow {
  seq: number;
  step_id: string;
  name: string;
  kind: string;
  iteration: number;
  state: string;
  input: string | null;
  output: string | null;
  logs: string;
  error: string | null;
  started_at: number;
  finished_at: number | null;
}

export interface StoredRun {
  record: RunRecord;
  /** The YAML text the run was started with (a re-run uses this, not today's file). */
  definition: string;
  workspace: string;
}

export interface NewRun {
  id: string;
  workflow: string;
  source: WorkflowSource;
  definition: string;
  workspace: string;
  inputs: Record<string, string>;
  actor: string;
  rerunOf: string | null;
  fromStep: string | null;
}

/** `instance` is the random id of this engine start, recorded with every run it creates. */
export function createRunStore(store: Store, clock: () => number, instance: string) {
  store.migrate('workflow', MIGRATIONS);
  const db = store.db;
  /** Told when a folder is trusted or no longer trusted (settings re-apply restricted workspace values). */
  const trustListeners = new Set<(root: string, trusted: boolean) => void>();
  const insertRun = db.prepare(
    `INSERT INTO workflow_runs (id, workflow, source, definition, workspace, inputs, state, actor, engine_pid, engine_instance, created_at, rerun_of, from_step)
     VALUES (@id, @workflow, @source, @definition, @workspace, @inputs, 'queued', @actor, @pid, @instance, @now, @rerunOf, @fromStep)`,
  );
  const setRunState = db.prepare(
    `UPDATE workflow_runs SET state = @state, error = COALESCE(@error, error),
       started_at = CASE WHEN @state = 'running' AND started_at IS NULL THEN @now ELSE started_at END,
       finished_at = CASE WHEN @state IN ('succeeded', 'failed', 'cancelled', 'interrupted') THEN @now ELSE finished_at END
     WHERE id = @id`,
  );
  const getRun = db.prepare<[string], RunRow>('SELECT * FROM workflow_runs WHERE id = ?');
  const runsPerDay = db.prepare<
    { from: number; to: number; offset: number },
    { d: number; succeeded: number; failed: number; cancelled: number; other: number }
  >(
    `SELECT CAST((created_at + @offset) / 86400000 AS INTEGER) AS d, SUM(state = 'succeeded') AS succeeded, SUM(state = 'failed') AS failed,
       SUM(state = 'cancelled') AS cancelled, SUM(state NOT IN ('succeeded', 'failed', 'cancelled')) AS other
     FROM workflow_runs WHERE created_at >= @from AND created_at < @to GROUP BY d ORDER BY d`,
  );
  const listRuns = db.prepare<[number], RunRow>(
    'SELECT * FROM workflow_runs ORDER BY created_at DESC, rowid DESC LIMIT ?',
  );
  const insertStep = db.prepare(
    `INSERT INTO workflow_steps (run_id, seq, step_id, name, kind, iteration, state, input, output, started_at, finished_at)
     VALUES (@runId, @seq, @stepId, @name, @kind, @iteration, @state, @input, @output, @now, @finishedAt)`,
  );
  const finishStep = db.prepare(
    `UPDATE workflow_steps SET state = @state, output = @output, error = @error, finished_at = @now
     WHERE run_id = @runId AND seq = @seq`,
  );
  const setStepState = db.prepare('UPDATE workflow_steps SET state = ? WHERE run_id = ? AND seq = ?');
  const appendLog = db.prepare(
    `UPDATE workflow_steps SET logs = substr(logs || ?, 1, ${LOG_LIMIT}) WHERE run_id = ? AND seq = ?`,
  );
  const stepAt = db.prepare<[string, number], StepRow>('SELECT * FROM workflow_steps WHERE run_id = ? AND seq = ?');
  const stepsOf = db.prepare<[string], StepRow>('SELECT * FROM workflow_steps WHERE run_id = ? ORDER BY seq');
  const foreignUnfinished = db.prepare<[string], { id: string; engine_instance: string | null }>(
    `SELECT id, engine_instance FROM workflow_runs
     WHERE state IN ('queued', 'running', 'waiting') AND engine_instance IS NOT ?`,
  );
  const interruptSteps = db.prepare(
    `UPDATE workflow_steps SET state = 'interrupted', finished_at = ? WHERE run_id = ? AND state IN ('running', 'waiting')`,
  );

  const toRecord = (row: RunRow): RunRecord => ({
    id: row.id,
    workflow: row.workflow,
    source: row.source as WorkflowSource,
    state: row.state as RunState,
    inputs: JSON.parse(row.inputs) as Record<string, string>,
    actor: row.actor,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    error: row.error,
    rerunOf: row.rerun_of,
    fromStep: row.from_step,
  });
  const toStep = (row: StepRow): StepRecord => ({
    seq: row.seq,
    stepId: row.step_id,
    name: row.name,
    kind: row.kind as StepKind,
    iteration: row.iteration,
    state: row.state as StepState,
    input: row.input === null ? null : JSON.parse(row.input),
    output: row.output === null ? null : JSON.parse(row.output),
    logs: row.logs,
    error: row.error,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  });

  return {
    createRun(run: NewRun): RunRecord {
      insertRun.run({ ...run, inputs: JSON.stringify(run.inputs), pid: process.pid, instance, now: clock() });
      return toRecord(getRun.get(run.id) as RunRow);
    },
    setRunState(id: string, state: RunState, error: string | null = null): RunRecord {
      setRunState.run({ id, state, error, now: clock() });
      return toRecord(getRun.get(id) as RunRow);
    },
    /** Runs created in [from, to) per day (cut `offsetMs` east of UTC), by how they stand. */
    runsPerDay(
      from: number,
      to: number,
      offsetMs: number,
    ): Array<{ day: string; succeeded: number; failed: number; cancelled: number; other: number }> {
      return runsPerDay.all({ from, to, offset: offsetMs }).map(({ d, ...counts }) => ({
        day: new Date(d * 86_400_000).toISOString().slice(0, 10),
        ...counts,
      }));
    },
    getRun(id: string): StoredRun | null {
      const row = getRun.get(id);
      return row ? { record: toRecord(row), definition: row.definition, workspace: row.workspace } : null;
    },
    listRuns: (limit: number) => listRuns.all(limit).map(toRecord),
    startStep(step: {
      runId: string;
      seq: number;
      stepId: string;
      name: string;
      kind: StepKind;
      iteration: number;
      state: StepState;
      input: unknown;
      output?: unknown;
    }): StepRecord {
      const finished = step.state === 'running' || step.state === 'waiting' ? null : clock();
      insertStep.run({
        ...step,
        input: JSON.stringify(step.input ?? null),
        output: step.output === undefined ? null : JSON.stringify(step.output),
        now: clock(),
        finishedAt: finished,
      });
      return this.step(step.runId, step.seq);
    },
    setStepState(runId: string, seq: number, state: StepState): StepRecord {
      setStepState.run(state, runId, seq);
      return this.step(runId, seq);
    },
    finishStep(runId: string, seq: number, state: StepState, output: unknown, error: string | null): StepRecord {
      finishStep.run({
        runId,
        seq,
        state,
        output: output === undefined ? null : JSON.stringify(output),
        error,
        now: clock(),
      });
      return this.step(runId, seq);
    },
    appendLog(runId: string, seq: number, text: string): void {
      appendLog.run(text, runId, seq);
    },
    steps: (runId: string) => stepsOf.all(runId).map(toStep),
    step(runId: string, seq: number): StepRecord {
      return toStep(stepAt.get(runId, seq) as StepRow);
    },
    /**
     * Runs left queued/running/waiting by another engine that is gone (crash, kill -9) become `interrupted`.
     * Rows from before instance ids (NULL) count as gone. Returns the runs marked and the dead owners.
     */
    markInterrupted(isAlive: (instance: string) => boolean): { runs: string[]; owners: string[] } {
      const marked: string[] = [];
      const owners = new Set<string>();
      const alive = new Map<string, boolean>();
      for (const row of foreignUnfinished.all(instance)) {
        const owner = row.engine_instance;
        if (owner !== null) {
          if (!alive.has(owner)) alive.set(owner, isAlive(owner));
          if (alive.get(owner)) continue;
          owners.add(owner);
        }
        db.transaction(() => {
          interruptSteps.run(clock(), row.id);
          setRunState.run({
            id: row.id,
            state: 'interrupted',
            error: 'The engine stopped while this run was in progress.',
            now: clock(),
          });
        })();
        marked.push(row.id);
      }
      return { runs: marked, owners: [...owners] };
    },
    isTrusted: (root: string) => db.prepare('SELECT 1 FROM workflow_trust WHERE root = ?').get(root) !== undefined,
    setTrusted(root: string, trusted: boolean): void {
      if (trusted)
        db.prepare('INSERT OR REPLACE INTO workflow_trust (root, trusted_at) VALUES (?, ?)').run(root, clock());
      else db.prepare('DELETE FROM workflow_trust WHERE root = ?').run(root);
      for (const listener of [...trustListeners]) listener(root, trusted);
    },
    onDidChangeTrust(listener: (root: string, trusted: boolean) => void): () => void {
      trustListeners.add(listener);
      return () => trustListeners.delete(listener);
    },
  };
}

export type RunStore = ReturnType<typeof createRunStore>;
