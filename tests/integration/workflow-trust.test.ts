// Hostile workflows on the real engine: a cloned repository's workflows and commands wait for trust, commands never
// see the engine's secrets, a looping or hostile workflow never stops the engine answering, a run's processes die
// with the engine, and an edit step cut short by a crash leaves every file as it was.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode } from '@pa/shared';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { engineCli } from '../../scripts/paths.js';
import { copyFixture } from '../support/workspace.js';
import { failure, type Harness, isAlive, RunWatch, startHarness, writeWorkflow } from './workflow-harness.js';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function open(env: Record<string, string> = {}, dataDir?: string): Promise<Harness> {
  const workspace = copyFixture('failing-tests-project');
  const h = await startHarness({ root: workspace.root, env, ...(dataDir ? { dataDir } : {}) });
  cleanup.push(
    () => workspace.remove(),
    () => h.stop(),
  );
  return h;
}

const run = (h: Harness, name: string, inputs: Record<string, string> = {}, autoApprove = false) =>
  RunWatch.start(h.client, h.client.call('workflow.run', { name, inputs, autoApprove }));

describe('trust', () => {
  it('refuses an untrusted project workflow that only edits files, and writes nothing', async () => {
    const h = await open();
    writeWorkflow(
      h.root,
      'plant',
      `name: plant
description: Only edits.
steps:
  - id: hook
    edit: { path: conftest.py, content: "import os; os.system('touch pwned')" }
  - id: config
    edit:
      diff: |
        --- /dev/null
        +++ b/notes.txt
        @@ -0,0 +1,1 @@
        +hello
`,
    );
    const listed = (await h.client.call('workflow.list')).workflows.find((workflow) => workflow.name === 'plant');
    expect(listed).toMatchObject({
      needsTrust: true,
      trustNeeded: [
        { step: 'hook', kind: 'edit', what: 'writes conftest.py' },
        { step: 'config', kind: 'edit', what: 'writes files from a diff' },
      ],
    });
    const refused = await failure(h.client.call('workflow.run', { name: 'plant' }));
    expect(refused.code).toBe(ErrorCode.UNAUTHORIZED);
    expect(refused.message).toMatch(/writes conftest\.py; writes files from a diff .*Trust the workspace first/);
    expect(existsSync(join(h.root, 'conftest.py'))).toBe(false);
    expect(existsSync(join(h.root, 'notes.txt'))).toBe(false);
    expect((await h.client.call('workflow.runs')).runs).toEqual([]);
  });

  it('refuses the built-in test workflow on an untrusted repository: its npm test never runs', async () => {
    const h = await open();
    const pkg = JSON.parse(readFileSync(join(h.root, 'package.json'), 'utf8'));
    pkg.scripts.test = 'touch ran-marker && node --test';
    writeFileSync(join(h.root, 'package.json'), JSON.stringify(pkg));
    const test = (await h.client.call('workflow.list')).workflows.find((workflow) => workflow.name === 'test');
    expect(test?.needsTrust).toBe(true);
    expect(test?.trustNeeded.map((need) => need.what)).toEqual([
      'runs npm test (package.json script "test")',
      'runs npm test (package.json script "test")',
    ]);
    const refused = await failure(h.client.call('workflow.run', { name: 'test', inputs: {} }));
    expect(refused.code).toBe(ErrorCode.UNAUTHORIZED);
    expect(refused.message).toMatch(/runs npm test/);
    const ops = await failure(h.client.call('workflow.run', { name: 'operations', inputs: { script: 'test' } }));
    expect(ops.code).toBe(ErrorCode.UNAUTHORIZED);
    expect(ops.data).toEqual({
      trustNeeded: [
        expect.objectContaining({ step: 'script', what: 'runs npm run test (package.json script "test")' }),
      ],
    });
    expect(existsSync(join(h.root, 'ran-marker'))).toBe(false);
    // review runs only git, never the repository's own scripts: no trust needed
    expect((await h.client.call('workflow.list')).workflows.find((w) => w.name === 'review')?.trustNeeded).toEqual([]);

    await h.client.call('workflow.trust.set', { trusted: true });
    const watch = await run(h, 'test');
    // it ran: the fixture's one test fails, so the run says so
    expect(await watch.finished()).toMatchObject({ state: 'failed' });
    expect(existsSync(join(h.root, 'ran-marker'))).toBe(true);
  });

  it("refuses review's git diff on a folder whose own .git/config runs a command (an unpacked archive's)", async () => {
    const h = await open();
    const git = (...args: string[]) => spawnSync('git', args, { cwd: h.root, encoding: 'utf8' });
    git('init', '-q');
    git('add', '.');
    git('-c', 'user.email=a@b.c', '-c', 'user.name=A', 'commit', '-qm', 'initial');
    const review = () => h.client.call('workflow.list').then((list) => list.workflows.find((w) => w.name === 'review'));
    expect((await review())?.trustNeeded).toEqual([]);
    writeFileSync(
      join(h.root, '.git/config'),
      `${readFileSync(join(h.root, '.git/config'), 'utf8')}[core]\n\tfsmonitor = "touch fsmonitor-ran; true"\n`,
    );
    expect((await review())?.trustNeeded).toEqual([
      expect.objectContaining({ step: 'diff', what: 'runs git, and its .git/config sets commands for git to run' }),
    ]);
    const refused = await failure(h.client.call('workflow.run', { name: 'review', inputs: {} }));
    expect(refused.code).toBe(ErrorCode.UNAUTHORIZED);
    expect(existsSync(join(h.root, 'fsmonitor-ran'))).toBe(false);
  });

  it("gives commands PATH, HOME and the workspace's .env, never the engine's API keys or PA_* settings", async () => {
    const h = await open({
      OPENAI_API_KEY: 'sk-planted-openai',
      ANTHROPIC_API_KEY: 'sk-planted-anthropic',
      PA_PLANTED_SECRET: 'planted-pa-secret',
    });
    writeFileSync(join(h.root, '.env'), 'PROJECT_SETTING=from-dotenv\n');
    writeWorkflow(
      h.root,
      'env',
      'name: env\ndescription: Prints its environment.\nsteps:\n  - id: env\n    run: { command: env }\n',
    );
    await h.client.call('workflow.trust.set', { trusted: true });
    const watch = await run(h, 'env');
    expect(await watch.finished()).toMatchObject({ state: 'succeeded' });
    const printed = watch.logs('env');
    expect(printed).toMatch(/^PATH=/m);
    expect(printed).toMatch(/^HOME=/m);
    expect(printed).toMatch(/^PROJECT_SETTING=from-dotenv$/m);
    expect(printed).not.toMatch(/sk-planted|planted-pa-secret|PA_DATA_DIR|PA_LICENSE/);
  });
});

describe('the engine keeps answering', () => {
  it('refuses eight nested repeats when validated, and bounds a run of 8 000 quick steps', async () => {
    const h = await open({ PA_WORKFLOW_CONCURRENCY: '2' });
    const loop = (depth: number, leaf: string): string => {
      let steps = leaf;
      for (let level = depth - 1; level >= 0; level--)
        steps = `- id: r${level}\n  repeat:\n    max: 20\n    until: iteration >= 20\n    steps:\n${indent(steps, 6)}`;
      return steps;
    };
    const leaf = '- id: ok\n  approve: { message: Go on? }\n';
    writeWorkflow(h.root, 'deep', `name: deep\ndescription: Eight deep.\nsteps:\n${indent(loop(8, leaf), 2)}`);
    writeWorkflow(h.root, 'busy', `name: busy\ndescription: 20³ steps.\nsteps:\n${indent(loop(3, leaf), 2)}`);
    const deep = await h.client.call('workflow.validate', { name: 'deep' });
    expect(deep.ok).toBe(false);
    expect(deep.issues[0]?.message).toMatch(/"repeat" nests deeper than 3 levels/);
    expect(deep.issues[0]?.line).toBeGreaterThan(3);

    // Two busy runs at once; the engine answers a ping within 200 ms all along.
    const first = await run(h, 'busy', {}, true);
    const second = await run(h, 'busy', {}, true);
    // a third waits for a free slot; its cancel ends it at once, not when the two ahead of it finish
    const third = await run(h, 'busy', {}, true);
    expect((await third.detail()).state).toBe('queued');
    const withdrawn = performance.now();
    await h.client.call('workflow.cancel', { runId: third.runId });
    expect(await third.finished()).toMatchObject({ state: 'cancelled' });
    expect(performance.now() - withdrawn).toBeLessThan(1000);
    let finished = false;
    const ended = first.finished().then((record) => {
      finished = true;
      return record;
    });
    let slowest = 0;
    let pings = 0;
    while (!finished) {
      const sent = performance.now();
      await h.client.call('engine.ping');
      slowest = Math.max(slowest, performance.now() - sent);
      pings += 1;
    }
    expect(pings).toBeGreaterThan(5);
    expect(slowest).toBeLessThan(200);
    expect(await ended).toMatchObject({
      state: 'failed',
      error: expect.stringMatching(/more than 1000 step executions/),
    });
    // the other one is cancelled mid-way and stops within a second
    const cancelled = Date.now();
    await h.client.call('workflow.cancel', { runId: second.runId }).catch(() => undefined);
    const state = (await second.finished()).state;
    expect(Date.now() - cancelled).toBeLessThan(1000);
    expect(['cancelled', 'failed']).toContain(state);
  });

  it('cancels a command that ignores SIGTERM within a second', async () => {
    const h = await open();
    writeWorkflow(
      h.root,
      'stubborn',
      `name: stubborn\ndescription: Ignores TERM.\nsteps:\n  - id: hold\n    run: { command: sh, args: ["-c", "trap '' TERM; echo ready; while true; do sleep 0.1; done"] }\n`,
    );
    await h.client.call('workflow.trust.set', { trusted: true });
    const watch = await run(h, 'stubborn');
    await watch.next((event) => event.type === 'log' && event.text.includes('ready'));
    const asked = performance.now();
    await h.client.call('workflow.cancel', { runId: watch.runId });
    expect(await watch.finished()).toMatchObject({ state: 'cancelled' });
    expect(performance.now() - asked).toBeLessThan(1000);
  });

  it('makes an alias bomb and a 200 KB expression only their own files invalid, with line:column', async () => {
    const h = await open();
    const bomb = ['name: bomb', 'description: Bomb.', 'a0: &a0 ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 12; i++)
      bomb.push(
        `a${i}: &a${i} [${Array(9)
          .fill(`*a${i - 1}`)
          .join(', ')}]`,
      );
    writeWorkflow(h.root, 'bomb', `${bomb.join('\n')}\nsteps:\n  - id: a\n    approve: { message: hi }\n`);
    const long = Array(28_000).fill('a.b').join(' && ');
    writeWorkflow(
      h.root,
      'long',
      `name: long\ndescription: Long.\nsteps:\n  - id: a\n    if: "${long}"\n    approve: { message: hi }\n`,
    );
    writeWorkflow(h.root, 'fine', 'name: fine\ndescription: Fine.\nsteps:\n  - id: a\n    approve: { message: hi }\n');
    const started = performance.now();
    const { workflows } = await h.client.call('workflow.list');
    expect(performance.now() - started).toBeLessThan(2000);
    const byName = (name: string) => workflows.find((workflow) => workflow.name === name);
    expect(byName('bomb')?.issues).toEqual([
      { line: 4, column: 10, path: '', message: expect.stringMatching(/aliases expand too much/) },
    ]);
    expect(byName('long')?.issues).toEqual([
      { line: 5, column: 9, path: 'steps.0.if', message: expect.stringMatching(/longer than 4096 characters/) },
    ]);
    expect(byName('fine')?.issues).toEqual([]);
    expect(byName('codeflow')?.issues).toEqual([]);

    const pa = spawnSync(process.execPath, [engineCli, 'workflow', 'list'], {
      cwd: h.root,
      env: { ...process.env, PA_DATA_DIR: h.engine.dataDir },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(pa.status).toBe(0);
    expect(pa.stdout).toMatch(/^fine\s+Fine\./m);
    expect(pa.stdout).toMatch(/^codeflow\s+From a spec/m);
    expect(pa.stdout).toMatch(/^test\s+.*needs `pa workflow trust`/m);
  });
});

describe('crashes', () => {
  /** A trusted run whose step is a shell with a child sleeping in its group; answers both pids once they print. */
  async function startHangingRun(h: Harness): Promise<{ shell: number; sleeper: number }> {
    writeWorkflow(
      h.root,
      'hang',
      'name: hang\ndescription: Hangs.\nsteps:\n  - id: hold\n    run: { command: sh, args: ["-c", "sleep 60 & echo pids:$$:$!; wait"] }\n',
    );
    await h.client.call('workflow.trust.set', { trusted: true });
    const watch = await run(h, 'hang');
    await watch.next((event) => event.type === 'log' && /pids:\d+:\d+/.test(event.text));
    const [, shell, sleeper] = (/pids:(\d+):(\d+)/.exec(watch.logs('hold')) ?? []).map(Number);
    return { shell: shell as number, sleeper: sleeper as number };
  }

  async function expectGone(...pids: number[]): Promise<void> {
    await vi.waitFor(() => expect(pids.filter(isAlive)).toEqual([]), { timeout: 5000, interval: 20 });
  }

  it("kills a run step's whole process group when the engine is killed with -9", async () => {
    const h = await open();
    const { shell, sleeper } = await startHangingRun(h);
    expect(isAlive(shell) && isAlive(sleeper)).toBe(true);
    const exited = new Promise((resolve) => h.engine.process.once('exit', resolve));
    h.engine.process.kill('SIGKILL');
    await exited;
    await expectGone(shell, sleeper);
  });

  it('ends the groups of an engine killed together with its launcher when the next engine starts', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pa-groups-data-'));
    cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const h = await open({}, dataDir);
    const { shell, sleeper } = await startHangingRun(h);
    cleanup.push(() => {
      try {
        process.kill(-shell, 'SIGKILL');
      } catch {
        // ended, as it should be
      }
    });
    // the launcher helper is the engine's `node -e` child; both die at once, so no watchdog is left
    const enginePid = h.engine.process.pid as number;
    const helper = readFileSync(`/proc/${enginePid}/task/${enginePid}/children`, 'utf8')
      .trim()
      .split(' ')
      .map(Number)
      .find((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes('-e'));
    expect(helper).toBeGreaterThan(0);
    const exited = new Promise((resolve) => h.engine.process.once('exit', resolve));
    process.kill(helper as number, 'SIGKILL');
    h.engine.process.kill('SIGKILL');
    await exited;
    await vi.waitFor(() => expect(isAlive(helper as number)).toBe(false), { timeout: 5000, interval: 20 });
    expect(isAlive(shell)).toBe(true);

    const next = await startHarness({ root: h.root, dataDir });
    cleanup.push(() => next.stop());
    await expectGone(shell, sleeper);
  });

  it('rolls an edit step over many files back after a crash mid-way, so the re-run applies it once', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pa-journal-data-'));
    cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const h = await open({}, dataDir);
    const count = 1500;
    mkdirSync(join(h.root, 'many'));
    let diff = '';
    for (let i = 0; i < count; i++) {
      writeFileSync(join(h.root, `many/f${i}.txt`), 'old\n');
      diff += `--- a/many/f${i}.txt\n+++ b/many/f${i}.txt\n@@ -1,1 +1,1 @@\n-old\n+new\n`;
    }
    writeWorkflow(
      h.root,
      'bulk',
      'name: bulk\ndescription: Edits many files.\ninputs:\n  - name: diff\nsteps:\n  - id: apply\n    edit: { diff: "{{ inputs.diff }}" }\n',
    );
    await h.client.call('workflow.trust.set', { trusted: true });
    const contents = () =>
      Array.from({ length: count }, (_, i) => readFileSync(join(h.root, `many/f${i}.txt`), 'utf8'));

    // kill -9 as soon as the first file changes on disk
    const firstWrite = new Promise<void>((resolve) => {
      // (an atomic write first creates a temp file; the rename onto f<i>.txt is the change landing)
      const watcher = watch(join(h.root, 'many'), (_event, name) => {
        if (!name || !/^f\d+\.txt$/.test(name)) return;
        watcher.close();
        resolve();
      });
    });
    const watchRun = await run(h, 'bulk', { diff });
    await firstWrite;
    h.engine.process.kill('SIGKILL');
    await new Promise((resolve) => h.engine.process.once('exit', resolve));
    const changed = contents().filter((text) => text === 'new\n').length;
    expect(changed).toBeGreaterThan(0);
    expect(changed).toBeLessThan(count);

    const after = await startHarness({ root: h.root, dataDir });
    cleanup.push(() => after.stop());
    // the workflow capability loads moments after the start (or at the first workflow call) and rolls back then
    await vi.waitFor(() => expect(contents().every((text) => text === 'old\n')).toBe(true), {
      timeout: 5000,
      interval: 50,
    });
    const rerun = await RunWatch.start(after.client, after.client.call('workflow.rerun', { runId: watchRun.runId }));
    expect(await rerun.finished()).toMatchObject({ state: 'succeeded' });
    expect(contents().every((text) => text === 'new\n')).toBe(true);
  });
});

function indent(text: string, by: number): string {
  return text
    .split('\n')
    .map((line) => (line ? `${' '.repeat(by)}${line}` : line))
    .join('\n');
}
