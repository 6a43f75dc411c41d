import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunRecord } from '@pa/shared';
import { parseWorkflowYaml } from '@pa/shared/workflow/index';
import { afterEach, expect, it } from 'vitest';
import type { AiService } from '../ai/api.js';
import { resolveInside } from '../files/index.js';
import type { McpClients } from '../mcp/index.js';
import { openStore } from '../store/index.js';
import { directLauncher } from './launcher.js';
import { projectFacts } from './project.js';
import { MAX_STEP_EXECUTIONS, type RunServices, WorkflowRun } from './runner.js';
import { createEditJournal } from './steps/edit-journal.js';
import { createRunStore } from './store.js';

const cleanup: Array<() => void> = [];
afterEach(() => {
  for (const step of cleanup.splice(0).reverse()) step();
});

/** A fresh folder holding `files`, and `yaml` parsed and recorded as run `id` in its own store; `open` makes the run. */
function preparedRun(yaml: string, files: Record<string, string>, id: string) {
  const root = mkdtempSync(join(tmpdir(), 'pa-runner-'));
  const db = openStore(join(root, 'db.sqlite'));
  cleanup.push(
    () => rmSync(root, { recursive: true, force: true }),
    () => db.close(),
  );
  for (const [path, text] of Object.entries(files)) writeFileSync(join(root, path), text);
  const parsed = parseWorkflowYaml(yaml);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  const store = createRunStore(db, Date.now, 'test-instance');
  store.createRun({
    id,
    workflow: parsed.definition.name,
    source: 'builtin',
    definition: '',
    workspace: root,
    inputs: {},
    actor: 'test',
    rerunOf: null,
    fromStep: null,
  });
  const open = (options: {
    autoApprove: boolean;
    trusted: boolean;
    emit: RunServices['emit'];
    signal?: AbortSignal;
    /** Unset: the workflow has no ai step, so the model is never reached. */
    ai?: AiService;
  }) =>
    new WorkflowRun(
      {
        runId: id,
        definition: parsed.definition,
        inputs: {},
        root,
        actor: 'test',
        autoApprove: options.autoApprove,
        project: projectFacts(root),
        trusted: options.trusted,
        reused: new Map(),
        signal: options.signal ?? new AbortController().signal,
      },
      {
        store,
        ai: options.ai ?? ({} as AiService),
        // never reached: no workflow here has an mcp step
        mcp: {} as McpClients,
        files: {
          resolve: (path) => resolveInside(root, path),
          write: async () => {},
          journal: createEditJournal(join(root, 'journal'), 'test-instance'),
        },
        launcher: directLauncher,
        emit: options.emit,
      },
    );
  return { store, open };
}

it('flushLogs writes the log text still buffered for a running step, so a snapshot misses nothing', async () => {
  const { store, open } = preparedRun(
    'name: chatty\ndescription: Logs, then waits.\nsteps:\n  - id: talk\n    run: { command: sh, args: ["-c", "echo first; sleep 30"] }\n',
    { 'package.json': '{}' },
    'r1',
  );
  const controller = new AbortController();
  let logged: () => void = () => {};
  const firstLog = new Promise<void>((resolve) => {
    logged = resolve;
  });
  const run = open({
    autoApprove: false,
    trusted: false,
    signal: controller.signal,
    emit: (progress) => {
      if (progress.type === 'log') logged();
    },
  });
  const finished = run.execute();
  await firstLog;
  // Streamed, but batched for SQLite: not written yet.
  expect(store.steps('r1')[0]?.logs).toBe('');
  run.flushLogs();
  expect(store.steps('r1')[0]?.logs).toBe('first\n');
  controller.abort();
  expect(await finished).toBe('cancelled');
});

it('ends a run of nested loops at the step-execution bound, giving the event loop a turn at every step', async () => {
  // 20 × 20 × 20 quick steps (each loop ends well at round 20): 8 000 executions if nothing stopped them
  const loop = (id: string, inner: string, pad: string) =>
    `${pad}- id: ${id}\n${pad}  repeat:\n${pad}    max: 20\n${pad}    until: iteration >= 20\n${pad}    steps:\n${inner}`;
  const leaf = '              - id: ok\n                approve: { message: Go on? }\n';
  const { store, open } = preparedRun(
    `name: loops\ndescription: Loops.\nsteps:\n${loop('a', loop('b', loop('c', leaf, '          '), '      '), '  ')}`,
    {},
    'r2',
  );
  let error: string | null = null;
  const run = open({
    autoApprove: true,
    trusted: false,
    emit: (progress) => {
      if (progress.type === 'run' && progress.run.error) error = progress.run.error;
    },
  });
  // A timer due now fires while the run goes on, because every step yields.
  let timerFiredAt = -1;
  let steps = 0;
  const counting = store.startStep.bind(store);
  store.startStep = (record) => {
    steps += 1;
    return counting(record);
  };
  setTimeout(() => {
    timerFiredAt = steps;
  }, 0);
  expect(await run.execute()).toBe('failed');
  expect(error).toMatch(`more than ${MAX_STEP_EXECUTIONS} step executions`);
  expect(steps).toBeLessThanOrEqual(MAX_STEP_EXECUTIONS + 1);
  expect(timerFiredAt).toBeGreaterThanOrEqual(0);
  expect(timerFiredAt).toBeLessThan(10);
});

/** Runs `yaml` to the end in a fresh folder holding `files`, the model answering `answer`; the run and its steps. */
async function runToEnd(yaml: string, files: Record<string, string>, answer = '') {
  const { store, open } = preparedRun(yaml, files, 'r');
  const ai: AiService = {
    generate: async () => ({
      text: answer,
      providerId: 'scripted',
      model: 'scripted-model',
      reasons: [],
      fallbacks: [],
      tokensIn: 1,
      tokensOut: 1,
      ttftMs: 0,
      totalMs: 0,
      toolCalls: [],
    }),
  };
  let record: RunRecord | null = null;
  const run = open({
    autoApprove: true,
    trusted: true,
    ai,
    emit: (progress) => {
      if (progress.type === 'run') record = progress.run;
    },
  });
  const state = await run.execute();
  return { state, run: record as RunRecord | null, steps: store.steps('r') };
}

// A node:test file whose test passes only once `fixed` exists.
const TESTS = {
  'package.json': JSON.stringify({ name: 'p', type: 'module', scripts: { test: 'node --test' } }),
  'math.test.js': `import { test } from 'node:test';\nimport { existsSync } from 'node:fs';\nimport assert from 'node:assert';\ntest('multiplies', () => assert.ok(existsSync('fixed')));\n`,
};

it('ends failed, in its run and its test step, when the tests fail even though allowFailure let the run go on', async () => {
  const { state, run, steps } = await runToEnd(
    'name: t\ndescription: T.\nsteps:\n  - id: tests\n    run: { test: true, allowFailure: true }\n  - id: after\n    run: { command: "true" }\n',
    TESTS,
  );
  expect(state).toBe('failed');
  expect(run).toMatchObject({
    state: 'failed',
    error: 'Tests failed ("npm test" exited with code 1): 1 failing test.',
  });
  expect(steps.map((step) => [step.stepId, step.state])).toEqual([
    ['tests', 'failed'],
    ['after', 'succeeded'],
  ]);
  expect(steps[0]?.output).toMatchObject({ exitCode: 1, failures: [expect.objectContaining({ name: 'multiplies' })] });
});

it('ends succeeded when the last test run passes after an earlier one failed', async () => {
  const { state, steps } = await runToEnd(
    'name: t\ndescription: T.\nsteps:\n  - id: tests\n    run: { test: true, allowFailure: true }\n  - id: fix\n    run: { command: touch, args: [fixed] }\n  - id: retest\n    run: { test: true, allowFailure: true }\n',
    TESTS,
  );
  expect(state).toBe('succeeded');
  expect(steps.map((step) => [step.stepId, step.state])).toEqual([
    ['tests', 'failed'],
    ['fix', 'succeeded'],
    ['retest', 'succeeded'],
  ]);
});

it('keeps what the model returned when an ai step asked for a diff gets one with no hunks', async () => {
  const answer = 'Sure! Here is the fix:\n```diff\n--- a/src/math.js\n+++ b/src/math.js\n```\n';
  const { state, run, steps } = await runToEnd(
    'name: t\ndescription: T.\nsteps:\n  - id: fix\n    ai: { prompt: Fix it., output: diff }\n',
    {},
    answer,
  );
  expect(state).toBe('failed');
  expect(run?.error).toBe("The model's answer is not a usable diff: The diff holds no hunks to apply.");
  expect(steps[0]).toMatchObject({
    state: 'failed',
    output: { answer, providerId: 'scripted', model: 'scripted-model' },
  });
});

it('keeps what the model returned when an ai step asked for JSON gets prose', async () => {
  const { steps } = await runToEnd(
    'name: t\ndescription: T.\nsteps:\n  - id: ask\n    ai: { prompt: Review., output: json }\n',
    {},
    'I think the code looks fine.',
  );
  expect(steps[0]).toMatchObject({
    state: 'failed',
    error: 'The model was asked for JSON, but its answer is not JSON.',
    output: { answer: 'I think the code looks fine.' },
  });
});
