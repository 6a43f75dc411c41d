// A run cut short by a crash (kill -9 of the engine) is `interrupted` after the restart and can be re-run from
// the step that did not finish; workspace trust and the edition's component gates hold across the restart.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, type RpcClient } from '@pa/shared';
import { afterAll, expect, it } from 'vitest';
import { type StartedEngine, startEngine } from '../support/engine.js';
import { copyFixture } from '../support/workspace.js';
import { failure, RunWatch, startHarness, writeWorkflow } from './workflow-harness.js';

const workspace = copyFixture('failing-tests-project');
const dataDir = mkdtempSync(join(tmpdir(), 'pa-crash-data-'));
const engines: StartedEngine[] = [];
let sleeper = 0;

afterAll(async () => {
  for (const engine of engines) await engine.stop();
  // The launcher kills the crashed engine's process groups; should it not, this ends that group (`npm test` leads it).
  if (sleeper) {
    try {
      const group = Number(
        readFileSync(`/proc/${sleeper}/stat`, 'utf8')
          .replace(/^.*\) /, '')
          .split(' ')[2],
      );
      process.kill(-group, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  workspace.remove();
  rmSync(dataDir, { recursive: true, force: true });
});

async function runsUsed(client: RpcClient): Promise<number | undefined> {
  const { items } = await client.call('quota.usage');
  return items.find((item) => item.metric === 'workflow_runs')?.used;
}

it('marks a run interrupted after kill -9 of the engine, and re-runs it from the interrupted step', async () => {
  // The built-in "test" workflow (personal edition) on a project whose tests hang.
  const pkg = join(workspace.root, 'package.json');
  writeFileSync(pkg, JSON.stringify({ name: 'hangs', type: 'module', scripts: { test: 'echo pid:$$; sleep 60' } }));
  const first = await startEngine({ workspace: workspace.root, dataDir });
  engines.push(first);
  const client = await first.connect();
  // `npm test` runs the repository's own code: only once the workspace is trusted
  await client.call('workflow.trust.set', { trusted: true });
  const watch = await RunWatch.start(client, client.call('workflow.run', { name: 'test', inputs: {} }));
  await watch.next((event) => event.type === 'log' && /pid:\d+/.test(event.text));
  sleeper = Number(/pid:(\d+)/.exec(watch.logs('tests'))?.[1]);
  const exited = new Promise((resolve) => first.process.once('exit', resolve));
  first.process.kill('SIGKILL');
  await exited;

  const second = await startEngine({ workspace: workspace.root, dataDir });
  engines.push(second);
  const again = await second.connect();
  const detail = await again.call('workflow.run.get', { runId: watch.runId });
  expect(detail).toMatchObject({ state: 'interrupted', error: expect.stringMatching(/engine stopped/) });
  expect(detail.steps.map((step) => [step.stepId, step.state])).toEqual([['tests', 'interrupted']]);

  writeFileSync(pkg, JSON.stringify({ name: 'passes', type: 'module', scripts: { test: 'node --test' } }));
  writeFileSync(
    join(workspace.root, 'src/math.js'),
    'export const add = (a, b) => a + b;\nexport const multiply = (a, b) => a * b;\n',
  );
  const rerun = await RunWatch.start(again, again.call('workflow.rerun', { runId: watch.runId }));
  expect(await rerun.finished()).toMatchObject({ state: 'succeeded', rerunOf: watch.runId, fromStep: 'tests' });
  expect((await rerun.detail()).steps[0]?.output).toMatchObject({ exitCode: 0, failures: [] });
  // one workflow_runs unit per run: the interrupted one and its re-run
  expect(await runsUsed(again)).toBe(2);
  await again.call('workflow.trust.set', { trusted: false });
});

it("refuses an untrusted workspace's own commands, remembers trust across restarts, gates paid components", async () => {
  const engine = engines.at(-1) as StartedEngine;
  const client = await engine.connect();
  expect((await client.call('workflow.trust.get')).trusted).toBe(false);
  writeWorkflow(
    workspace.root,
    'mine',
    'name: mine\ndescription: Runs a command.\nsteps:\n  - id: a\n    run: { command: "true" }\n',
  );
  expect((await client.call('workflow.list')).workflows.find((workflow) => workflow.name === 'mine')?.needsTrust).toBe(
    true,
  );
  const untrusted = await failure(client.call('workflow.run', { name: 'mine' }));
  expect(untrusted.code).toBe(ErrorCode.UNAUTHORIZED);
  expect(untrusted.message).toMatch(/Trust the workspace first/);
  await client.call('workflow.trust.set', { trusted: true });
  await engine.stop();
  const restarted = await startEngine({ workspace: workspace.root, dataDir });
  engines.push(restarted);
  const after = await restarted.connect();
  expect(await after.call('workflow.trust.get')).toEqual({ root: workspace.root, trusted: true });
  const review = await failure(after.call('workflow.run', { name: 'review', inputs: {} }));
  expect(review.code).toBe(ErrorCode.LICENSE);
  expect(await runsUsed(after)).toBe(2);
  const listed = (await after.call('workflow.list')).workflows;
  expect(listed.find((workflow) => workflow.name === 'review')?.allowed).toBe(false);
  expect(listed.find((workflow) => workflow.name === 'test')?.allowed).toBe(true);
});

it('leaves a run of another live engine on the same data dir alone, and interrupts it once that engine is killed', async () => {
  // The app's engine and a `pa workflow run` share one data dir: neither may take the other's runs for dead.
  const shared = mkdtempSync(join(tmpdir(), 'pa-two-engines-'));
  const owner = await startHarness({ root: workspace.root, dataDir: shared });
  try {
    writeWorkflow(
      workspace.root,
      'gate',
      'name: gate\ndescription: Waits for approval.\nsteps:\n  - id: ok\n    approve: { message: Go on? }\n',
    );
    const watch = await RunWatch.start(owner.client, owner.client.call('workflow.run', { name: 'gate' }));
    await watch.step('ok', 'waiting');
    const other = await startEngine({ workspace: workspace.root, dataDir: shared });
    engines.push(other);
    const client = await other.connect();
    expect((await client.call('workflow.run.get', { runId: watch.runId })).state).toBe('waiting');

    const exited = new Promise((resolve) => owner.engine.process.once('exit', resolve));
    owner.engine.process.kill('SIGKILL');
    await exited;
    // Still running engine `other` notices when it next reads the history, without a restart.
    const { runs } = await client.call('workflow.runs');
    expect(runs.find((record) => record.id === watch.runId)?.state).toBe('interrupted');
    const detail = await client.call('workflow.run.get', { runId: watch.runId });
    expect(detail.steps.map((step) => [step.stepId, step.state])).toEqual([['ok', 'interrupted']]);
  } finally {
    await owner.stop();
    rmSync(shared, { recursive: true, force: true });
  }
});
