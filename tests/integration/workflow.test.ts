// Workflows on the real engine: every step kind against real things (processes, files, a loopback OpenAI server,
// the project's own `pa mcp serve`), approvals, repeat/until, cancel, the run queue, trust and history.
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode } from '@pa/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paMcpServe } from '../support/pa-mcp-serve.js';
import { copyFixture } from '../support/workspace.js';
import { failure, type Harness, isAlive, RunWatch, startHarness, writeWorkflow } from './workflow-harness.js';

let h: Harness;
let workspace: ReturnType<typeof copyFixture>;

const fixDiff = `--- a/src/math.js
+++ b/src/math.js
@@ -5,4 +5,4 @@
 
 export function multiply(a, b) {
-  return a + b;
+  return a * b;
 }
`;

beforeAll(async () => {
  workspace = copyFixture('failing-tests-project');
  h = await startHarness({ root: workspace.root, env: { PA_WORKFLOW_CONCURRENCY: '2' } });
  await h.client.call('workflow.trust.set', { trusted: true });
});

afterAll(async () => {
  await h?.stop();
  workspace?.remove();
});

const run = (name: string, inputs: Record<string, string> = {}, autoApprove = false) =>
  RunWatch.start(h.client, h.client.call('workflow.run', { name, inputs, autoApprove }));

describe('definitions', () => {
  it('lists the built-ins with descriptions, and a broken project file with its line and reason', async () => {
    writeWorkflow(
      h.root,
      'broken',
      'name: broken\ndescription: Broken.\nsteps:\n  - id: a\n    run: { command: "true", timout: 5 }\n',
    );
    const { workflows } = await h.client.call('workflow.list');
    const names = workflows.map((workflow) => workflow.name);
    expect(names).toEqual(expect.arrayContaining(['codeflow', 'test', 'review', 'smartui', 'operations', 'commit']));
    expect(workflows.find((workflow) => workflow.name === 'codeflow')?.description).toMatch(/spec/);
    const broken = workflows.find((workflow) => workflow.name === 'broken');
    expect(broken?.issues).toEqual([{ line: 5, column: 29, path: 'steps.0.run', message: 'unknown key "timout"' }]);
    const refused = await failure(h.client.call('workflow.run', { name: 'broken' }));
    expect(refused.code).toBe(ErrorCode.BAD_REQUEST);
    expect(refused.message).toMatch(/line 5: unknown key "timout"/);
    const validated = await h.client.call('workflow.validate', { text: 'name: x\ndescription: y\nsteps: []\n' });
    expect(validated).toEqual({ ok: false, issues: [expect.objectContaining({ line: 3, path: 'steps' })] });
  });
});

describe('run steps', () => {
  it('runs real commands, streams their output and keeps inputs, outputs, timing and logs in history', async () => {
    writeWorkflow(
      h.root,
      'hello',
      `name: hello
description: Says hello.
inputs:
  - name: who
steps:
  - id: greet
    run:
      command: sh
      args: ["-c", "echo hello $WHO; echo warn >&2"]
      env: { WHO: "{{ inputs.who }}" }
  - id: big
    run:
      command: sh
      args: ["-c", "head -c 1200000 /dev/zero | tr '\\\\0' x"]
`,
    );
    const watch = await run('hello', { who: 'world' });
    expect((await watch.finished()).state).toBe('succeeded');
    expect(watch.logs('greet')).toContain('hello world');
    const detail = await watch.detail();
    expect(detail.inputs).toEqual({ who: 'world' });
    expect(detail.plan.map((step) => step.id)).toEqual(['greet', 'big']);
    const [greet, big] = detail.steps;
    expect(greet).toMatchObject({
      stepId: 'greet',
      kind: 'run',
      state: 'succeeded',
      input: { command: 'sh', env: { WHO: 'world' } },
    });
    expect(greet?.output).toMatchObject({ exitCode: 0, stdout: 'hello world\n', stderr: 'warn\n' });
    expect(greet?.logs).toContain('hello world');
    expect(greet?.finishedAt).toBeGreaterThanOrEqual(greet?.startedAt ?? Number.POSITIVE_INFINITY);
    const bigOutput = big?.output as { stdout: string; truncated: boolean };
    expect(bigOutput.truncated).toBe(true);
    expect(bigOutput.stdout.length).toBeLessThan(1_100_000);
    expect(bigOutput.stdout).toMatch(/output truncated: 151424 more bytes not kept/);
    const { runs } = await h.client.call('workflow.runs', { limit: 5 });
    expect(runs[0]).toMatchObject({
      id: watch.runId,
      workflow: 'hello',
      state: 'succeeded',
      actor: expect.any(String),
    });
  });

  it('fails a step that times out and kills its process group', async () => {
    writeWorkflow(
      h.root,
      'slow',
      'name: slow\ndescription: Too slow.\nsteps:\n  - id: wait\n    run:\n      command: sh\n      args: ["-c", "sleep 30 & echo $!; wait"]\n      timeout: 0.5\n',
    );
    const watch = await run('slow');
    const finished = await watch.finished();
    expect(finished.state).toBe('failed');
    expect(finished.error).toMatch(/timed out after 0.5 s/);
    const grandchild = Number.parseInt(watch.logs('wait'), 10);
    await expect.poll(() => isAlive(grandchild), { timeout: 5_000 }).toBe(false);
  });

  it('cancels a running command mid-step, killing its process group', async () => {
    writeWorkflow(
      h.root,
      'forever',
      'name: forever\ndescription: Never ends.\nsteps:\n  - id: wait\n    run:\n      command: sh\n      args: ["-c", "sleep 60 & echo $!; wait"]\n',
    );
    const watch = await run('forever');
    await watch.next((event) => event.type === 'log' && event.stepId === 'wait');
    const grandchild = Number.parseInt(watch.logs('wait'), 10);
    await h.client.call('workflow.cancel', { runId: watch.runId });
    expect((await watch.finished()).state).toBe('cancelled');
    expect((await watch.detail()).steps[0]?.state).toBe('cancelled');
    await expect.poll(() => isAlive(grandchild), { timeout: 5_000 }).toBe(false);
  });

  it('runs at most two at once and queues the rest', async () => {
    const watches = [await run('forever'), await run('forever'), await run('forever')];
    await Promise.all(watches.slice(0, 2).map((watch) => watch.step('wait', 'running')));
    const third = watches[2] as RunWatch;
    expect((await third.detail()).state).toBe('queued');
    await h.client.call('workflow.cancel', { runId: watches[0]?.runId ?? '' });
    await third.step('wait', 'running');
    for (const watch of watches.slice(1)) await h.client.call('workflow.cancel', { runId: watch.runId });
    expect((await Promise.all(watches.map((watch) => watch.finished()))).map((record) => record.state)).toEqual([
      'cancelled',
      'cancelled',
      'cancelled',
    ]);
  });
});

describe('edit, approve and control steps', () => {
  it('applies an approved diff, and fails on a conflict with the hunk that did not apply', async () => {
    writeWorkflow(
      h.root,
      'patch',
      `name: patch
description: Applies a diff.
inputs:
  - name: diff
steps:
  - id: ok
    approve:
      message: Apply?
      show: "{{ inputs.diff }}"
  - id: apply
    edit:
      diff: "{{ inputs.diff }}"
`,
    );
    const watch = await run('patch', { diff: fixDiff });
    const waiting = await watch.step('ok', 'waiting');
    expect(waiting.input).toMatchObject({ message: 'Apply?', show: fixDiff });
    expect((await watch.next((event) => event.type === 'run' && event.run.state === 'waiting')).type).toBe('run');
    await h.client.call('workflow.approve', { runId: watch.runId, stepId: 'ok', approved: true });
    expect((await watch.finished()).state).toBe('succeeded');
    expect(readFileSync(join(h.root, 'src/math.js'), 'utf8')).toContain('return a * b;');
    const apply = (await watch.detail()).steps.find((step) => step.stepId === 'apply');
    expect(apply?.output).toMatchObject({ changes: [{ path: 'src/math.js', action: 'modified' }] });

    // The same diff again no longer fits: the file already says a * b.
    const again = await run('patch', { diff: fixDiff }, true);
    const failed = await again.finished();
    expect(failed.state).toBe('failed');
    expect(failed.error).toContain('does not apply');
    expect(failed.error).toContain('-  return a + b;');
    writeFileSync(
      join(h.root, 'src/math.js'),
      readFileSync(join(h.root, 'src/math.js'), 'utf8').replace('a * b', 'a + b'),
    );
  });

  it('cancels the run when the user rejects', async () => {
    const watch = await run('patch', { diff: fixDiff });
    await watch.step('ok', 'waiting');
    await h.client.call('workflow.approve', { runId: watch.runId, stepId: 'ok', approved: false });
    const finished = await watch.finished();
    expect(finished).toMatchObject({ state: 'cancelled', error: 'Rejected at step "ok".' });
    expect(readFileSync(join(h.root, 'src/math.js'), 'utf8')).toContain(
      'return a + b;\n}\n\nexport function multiply(a, b) {\n  return a + b;',
    );
  });

  it('keeps a run going when its connection closes; another connection attaches, sees it and approves it', async () => {
    writeWorkflow(
      h.root,
      'gate',
      `name: gate
description: Logs, waits for approval, logs again.
steps:
  - id: before
    run: { command: echo, args: [before approval] }
  - id: ok
    approve: { message: Go on? }
  - id: after
    run: { command: echo, args: [after approval] }
`,
    );
    const first = await h.engine.connect();
    const started = await RunWatch.start(first, first.call('workflow.run', { name: 'gate' }));
    await started.step('ok', 'waiting');
    first.close();

    const second = await h.engine.connect();
    try {
      const { runs } = await second.call('workflow.active');
      expect(runs.map((record) => [record.id, record.state])).toEqual([[started.runId, 'waiting']]);
      const { watch, run: joined } = await RunWatch.attach(second, started.runId);
      expect(joined.state).toBe('waiting');
      expect(joined.plan.map((step) => step.id)).toEqual(['before', 'ok', 'after']);
      expect(joined.steps.map((step) => [step.stepId, step.state])).toEqual([
        ['before', 'succeeded'],
        ['ok', 'waiting'],
      ]);
      expect(joined.steps[0]?.logs).toBe('before approval\n');
      await second.call('workflow.approve', { runId: started.runId, stepId: 'ok', approved: true });
      expect((await watch.finished()).state).toBe('succeeded');
      expect(watch.logs('after')).toBe('after approval\n');
      expect((await second.call('workflow.active')).runs).toEqual([]);
      // attaching to a run that has ended gives how it ended, and the stream ends at once
      const { watch: late, run: ended } = await RunWatch.attach(second, started.runId);
      expect(ended.steps.map((step) => [step.stepId, step.state])).toEqual([
        ['before', 'succeeded'],
        ['ok', 'succeeded'],
        ['after', 'succeeded'],
      ]);
      expect(await late.finished()).toMatchObject({ id: started.runId, state: 'succeeded' });
      const unknown = await failure(RunWatch.attach(second, 'no-such-run'));
      expect(unknown.code).toBe(ErrorCode.NOT_FOUND);
    } finally {
      second.close();
    }
  });

  it('lets a reader leave a run (loop break, aborted signal) without stopping it', async () => {
    writeWorkflow(
      h.root,
      'hold',
      'name: hold\ndescription: Waits.\nsteps:\n  - id: ok\n    approve: { message: Go on? }\n',
    );
    const { runId } = await h.client.call('workflow.run', { name: 'hold' });
    for await (const item of h.client.stream('workflow.attach', { runId })) {
      expect(item.type).toBe('snapshot');
      break;
    }
    const aborted = new AbortController();
    const second = h.client.stream('workflow.attach', { runId }, { signal: aborted.signal });
    const watch = await RunWatch.start(h.client, Promise.resolve({ runId }));
    await watch.step('ok', 'waiting');
    aborted.abort();
    await expect(second.result).rejects.toMatchObject({ code: ErrorCode.CANCELLED });
    await h.client.call('workflow.approve', { runId, stepId: 'ok', approved: true });
    expect((await watch.finished()).state).toBe('succeeded');
  });

  it('refuses edits that escape the workspace through ".." or a symlink', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'pa-outside-'));
    symlinkSync(outside, join(h.root, 'out-link'));
    const outsideDiff = (path: string) => `--- /dev/null\n+++ b/${path}\n@@ -0,0 +1,1 @@\n+pwned\n`;
    try {
      for (const path of ['../escaped.txt', 'out-link/escaped.txt']) {
        const watch = await run('patch', { diff: outsideDiff(path) }, true);
        const finished = await watch.finished();
        expect(finished.state, path).toBe('failed');
        expect(finished.error, path).toMatch(/climbs out|outside the workspace/);
      }
      expect(readdirSync(outside)).toEqual([]);
    } finally {
      rmSync(join(h.root, 'out-link'));
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('repeats until its condition holds, and skips a step whose if is false', async () => {
    writeWorkflow(
      h.root,
      'count',
      `name: count
description: Counts to three.
steps:
  - id: loop
    repeat:
      max: 5
      until: steps.bump.exitCode == 3
      steps:
        - id: bump
          run:
            command: sh
            args: ["-c", "n=$(cat .count 2>/dev/null || echo 0); n=$((n+1)); echo $n > .count; exit $n"]
            allowFailure: true
  - id: never
    if: steps.loop.iterations != 3
    run: { command: "false" }
`,
    );
    const watch = await run('count');
    expect((await watch.finished()).state).toBe('succeeded');
    const steps = (await watch.detail()).steps;
    expect(
      steps
        .filter((step) => step.stepId === 'bump')
        .map((step) => [step.iteration, (step.output as { exitCode: number }).exitCode]),
    ).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
    expect(steps.find((step) => step.stepId === 'loop')?.output).toEqual({ iterations: 3, output: 3 });
    expect(steps.find((step) => step.stepId === 'never')?.state).toBe('skipped');
  });
});

describe('ai steps', () => {
  it('sends the rendered prompt to the router and checks JSON against the step schema', async () => {
    writeWorkflow(
      h.root,
      'ask',
      `name: ask
description: Asks the model.
inputs:
  - name: topic
steps:
  - id: answer
    ai:
      prompt: "Review {{ inputs.topic }} in {{ file \\"src/math.js\\" }}"
      output: json
      schema: { type: object, required: [comments], properties: { comments: { type: array } } }
`,
    );
    h.provider.setScript({
      kind: 'ok',
      text: '```json\n{"comments": [{"file": "src/math.js", "line": 7, "message": "adds"}]}\n```',
    });
    const watch = await run('ask', { topic: 'multiply' });
    expect((await watch.finished()).state).toBe('succeeded');
    const prompt = JSON.stringify(h.provider.requests.at(-1)?.body.messages);
    expect(prompt).toContain('Review multiply in');
    expect(prompt).toContain('export function multiply');
    expect((await watch.detail()).steps[0]?.output).toMatchObject({
      output: { comments: [{ file: 'src/math.js', line: 7 }] },
      providerId: 'loop',
    });
    expect(watch.logs('answer')).toContain('comments');

    h.provider.setScript({ kind: 'ok', text: '{"remarks": []}' });
    const bad = await run('ask', { topic: 'x' });
    expect((await bad.finished()).error).toMatch(/does not match the step's schema: \$\.comments is missing/);
  });

  it('aborts the model stream when the run is cancelled', async () => {
    h.provider.setScript({ kind: 'stall', tokens: ['{"comm', 'ents"'], afterTokens: 1 });
    const watch = await run('ask', { topic: 'x' });
    await watch.next((event) => event.type === 'log' && event.stepId === 'answer');
    await h.client.call('workflow.cancel', { runId: watch.runId });
    expect((await watch.finished()).state).toBe('cancelled');
    await expect.poll(() => h.provider.requests.at(-1)?.closedAt ?? null, { timeout: 5_000 }).not.toBeNull();
  });
});

describe('built-in test workflow', () => {
  it('detects npm test, runs it, lists the failure by file and line, and ends failed because a test failed', async () => {
    const watch = await run('test');
    expect(await watch.finished()).toMatchObject({
      state: 'failed',
      error: 'Tests failed ("npm test" exited with code 1): 1 failing test.',
    });
    const tests = (await watch.detail()).steps.find((step) => step.stepId === 'tests');
    expect(tests).toMatchObject({
      state: 'failed',
      error: 'Tests failed ("npm test" exited with code 1): 1 failing test.',
    });
    expect(tests?.input).toMatchObject({ display: 'npm test' });
    expect(tests?.output).toMatchObject({
      exitCode: 1,
      failures: [
        {
          file: 'test/math.test.js',
          line: 10,
          name: 'multiplies two numbers',
          message: expect.stringContaining('7 !== 12'),
        },
      ],
    });
  });

  it('re-runs a failed run from its failed step, reusing earlier outputs', async () => {
    writeWorkflow(
      h.root,
      'twostep',
      'name: twostep\ndescription: Second step needs a file.\nsteps:\n  - id: first\n    run: { command: sh, args: ["-c", "echo first"] }\n  - id: second\n    run: { command: cat, args: ["ready.txt"] }\n',
    );
    const watch = await run('twostep');
    expect((await watch.finished()).state).toBe('failed');
    writeFileSync(join(h.root, 'ready.txt'), 'ready\n');
    const rerun = await RunWatch.start(h.client, h.client.call('workflow.rerun', { runId: watch.runId }));
    expect((await rerun.finished()).state).toBe('succeeded');
    const detail = await rerun.detail();
    expect(detail).toMatchObject({ rerunOf: watch.runId, fromStep: 'second' });
    expect(detail.steps.map((step) => [step.stepId, step.state])).toEqual([
      ['first', 'reused'],
      ['second', 'succeeded'],
    ]);
    expect(detail.steps[0]?.output).toMatchObject({ stdout: 'first\n' });
  });
});

describe('mcp steps', () => {
  it("calls a tool of the project's own `pa mcp serve`, started as a process", async () => {
    await h.client.call('mcp.servers.set', {
      name: 'self',
      config: paMcpServe(h.root, h.engine.dataDir),
    });
    const { tools } = await h.client.call('mcp.tools.list', { server: 'self' });
    expect(tools.map((tool) => tool.name)).toEqual(
      expect.arrayContaining(['read_file', 'search_files', 'write_file', 'list_workflows', 'run_workflow', 'ask']),
    );
    writeWorkflow(
      h.root,
      'viamcp',
      'name: viamcp\ndescription: Reads through MCP.\nsteps:\n  - id: read\n    mcp:\n      server: self\n      tool: read_file\n      arguments: { path: "src/math.js" }\n',
    );
    const watch = await run('viamcp');
    expect((await watch.finished()).state).toBe('succeeded');
    expect((await watch.detail()).steps[0]?.output).toMatchObject({
      text: expect.stringContaining('export function multiply'),
    });
  });
});
