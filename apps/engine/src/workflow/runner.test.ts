import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseWorkflowYaml } from '@pa/shared/workflow/index';
import { afterEach, expect, it } from 'vitest';
import type { AiService } from '../ai/api.js';
import { resolveInside } from '../files/index.js';
import type { McpClients } from '../mcp/client.js';
import { openStore } from '../store/index.js';
import { directLauncher } from './launcher.js';
import { projectFacts } from './project.js';
import { type RunServices, WorkflowRun } from './runner.js';
import { createRunStore } from './store.js';

const cleanup: Array<() => void> = [];
afterEach(() => {
  for (const step of cleanup.splice(0).reverse()) step();
});

it('flushLogs writes the log text still buffered for a running step, so a snapshot misses nothing', async () => {
  const root = mkdtempSync(join(tmpdir(), 'pa-runner-'));
  const db = openStore(join(root, 'db.sqlite'));
  cleanup.push(
    () => rmSync(root, { recursive: true, force: true }),
    () => db.close(),
  );
  writeFileSync(join(root, 'package.json'), '{}');
  const parsed = parseWorkflowYaml(
    'name: chatty\ndescription: Logs, then waits.\nsteps:\n  - id: talk\n    run: { command: sh, args: ["-c", "echo first; sleep 30"] }\n',
  );
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  const store = createRunStore(db, Date.now, 'test-instance');
  store.createRun({
    id: 'r1',
    workflow: 'chatty',
    source: 'builtin',
    definition: '',
    workspace: root,
    inputs: {},
    actor: 'test',
    rerunOf: null,
    fromStep: null,
  });
  const controller = new AbortController();
  let logged: () => void = () => {};
  const firstLog = new Promise<void>((resolve) => {
    logged = resolve;
  });
  const services: RunServices = {
    store,
    // Neither is reached: the workflow has no ai or mcp step.
    ai: {} as AiService,
    mcp: {} as McpClients,
    files: { resolve: (path) => resolveInside(root, path), write: async () => {} },
    launcher: directLauncher,
    emit: (progress) => {
      if (progress.type === 'log') logged();
    },
  };
  const run = new WorkflowRun(
    {
      runId: 'r1',
      definition: parsed.definition,
      inputs: {},
      root,
      actor: 'test',
      autoApprove: false,
      project: projectFacts(root),
      reused: new Map(),
      signal: controller.signal,
    },
    services,
  );
  const finished = run.execute();
  await firstLog;
  // Streamed, but batched for SQLite: not written yet.
  expect(store.steps('r1')[0]?.logs).toBe('');
  run.flushLogs();
  expect(store.steps('r1')[0]?.logs).toBe('first\n');
  controller.abort();
  expect(await finished).toBe('cancelled');
});
