// workflow_overhead: a 20-step workflow of no-op `run` steps (`true`) on the real built engine, from the
// workflow.run call to the end of its workflow.attach stream (succeeded), vs spawning the same 20 processes in a
// plain loop in this process. Every step is persisted to SQLite and streamed; the ratio is what that costs. Goal ≤ 1.3.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEngine } from '../tests/support/engine.js';
import { median, progress, report, round } from './support/report.js';

const STEPS = 20;
const ROUNDS = Number(process.env.PA_BENCH_ROUNDS ?? 9);
const GOAL = 1.3;

function spawnTrue(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('true', [], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.once('error', reject);
    child.once('close', () => resolve());
  });
}

async function plainLoop(): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < STEPS; i++) await spawnTrue();
  return performance.now() - started;
}

// A built-in (PA_RESOURCES_DIR) rather than a project workflow: built-ins are trusted and "test" is in every edition.
const resources = mkdtempSync(join(tmpdir(), 'pa-bench-resources-'));
mkdirSync(join(resources, 'workflows'));
const steps = Array.from({ length: STEPS }, (_, i) => `  - id: noop${i}\n    run: { command: "true" }\n`).join('');
writeFileSync(
  join(resources, 'workflows/noop.yml'),
  `name: noop\ndescription: ${STEPS} no-op steps.\ncomponent: test\nsteps:\n${steps}`,
);
const workspace = mkdtempSync(join(tmpdir(), 'pa-bench-ws-'));
const engine = await startEngine({ workspace, env: { PA_RESOURCES_DIR: resources } });
const client = await engine.connect();

async function workflowRun(): Promise<number> {
  const started = performance.now();
  const { runId } = await client.call('workflow.run', { name: 'noop' });
  const attached = client.stream('workflow.attach', { runId });
  for await (const _item of attached) {
    // every step's states arrive here, as the editor's panel reads them
  }
  const ended = await attached.result;
  if (ended.state !== 'succeeded') throw new Error(`run ${ended.state}: ${ended.error}`);
  return performance.now() - started;
}

try {
  // warm-up: the engine's first run pays for statement preparation and the catalog read
  await workflowRun();
  await plainLoop();
  const workflowMs: number[] = [];
  const loopMs: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // interleaved so machine load drifts hit both sides alike
    workflowMs.push(await workflowRun());
    loopMs.push(await plainLoop());
    progress(
      `round ${round + 1}/${ROUNDS}: workflow ${round2(workflowMs.at(-1))} ms, plain loop ${round2(loopMs.at(-1))} ms`,
    );
  }
  const value = median(workflowMs);
  const baseline = median(loopMs);
  const ratio = value / baseline;
  report({
    name: 'workflow_overhead',
    value: round(value, 1),
    unit: 'ms',
    baseline: round(baseline, 1),
    ratio: round(ratio, 3),
    goal: `ratio <= ${GOAL}`,
    pass: ratio <= GOAL,
    steps: STEPS,
    rounds: ROUNDS,
    per_step_added_ms: round((value - baseline) / STEPS, 2),
  });
} finally {
  await engine.stop();
  rmSync(resources, { recursive: true, force: true });
  rmSync(workspace, { recursive: true, force: true });
}

function round2(value: number | undefined): number {
  return round(value ?? Number.NaN, 1);
}
