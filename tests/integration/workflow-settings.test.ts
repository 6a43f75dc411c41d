// Settings › Workflows › Max Concurrent Runs on the real engine: the run queue takes the user's value, and a change
// applies to the runs waiting as soon as the next run starts, without a restart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFixture } from '../support/workspace.js';
import { type Harness, RunWatch, startHarness, writeWorkflow } from './workflow-harness.js';

let h: Harness;
let workspace: ReturnType<typeof copyFixture>;

beforeAll(async () => {
  workspace = copyFixture('failing-tests-project');
  h = await startHarness({ root: workspace.root });
  await h.client.call('workflow.trust.set', { trusted: true });
  writeWorkflow(
    h.root,
    'forever',
    'name: forever\ndescription: Never ends.\nsteps:\n  - id: wait\n    run:\n      command: sh\n      args: ["-c", "sleep 60 & wait"]\n',
  );
});

afterAll(async () => {
  await h?.stop();
  workspace?.remove();
});

const run = () => RunWatch.start(h.client, h.client.call('workflow.run', { name: 'forever', inputs: {} }));

describe('workflows.maxConcurrentRuns', () => {
  it('runs one at a time when set to 1, and lets the waiting run start once it is raised', async () => {
    await h.client.call('settings.set', { scope: 'user', key: 'workflows.maxConcurrentRuns', value: 1 });
    const first = await run();
    await first.step('wait', 'running');
    const second = await run();
    // a moment for a wrong second start to show
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await second.detail()).state).toBe('queued');

    await h.client.call('settings.set', { scope: 'user', key: 'workflows.maxConcurrentRuns', value: 2 });
    const third = await run(); // the setting is read again before it is queued: the second starts now
    await second.step('wait', 'running');
    expect((await third.detail()).state).toBe('queued');

    for (const watch of [first, second, third]) await h.client.call('workflow.cancel', { runId: watch.runId });
    expect((await Promise.all([first, second, third].map((watch) => watch.finished()))).map((r) => r.state)).toEqual([
      'cancelled',
      'cancelled',
      'cancelled',
    ]);
  });
});
