// Agent mode through the real built engine: loopback servers speaking OpenAI's, Anthropic's and Gemini's wire formats
// play models that call the engine's tools — read the failing test, edit the source, run the tests — while the test
// answers the approval cards as a user would. Then: the checkpoint restores the files byte for byte, the restore is
// undone, a user edit after a turn is a conflict; a denied call, an untrusted workspace, plan mode; `.aiignore`d
// content and planted secrets never reach the loopback server.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AgentAnswer, type AgentEvent, ErrorCode, type ParamsIn, type RpcClient } from '@pa/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StartedEngine, startEngine } from '../support/engine.js';
import {
  type LoopbackProvider,
  type LoopbackRequest,
  type LoopbackStep,
  startLoopbackAnthropic,
  startLoopbackGemini,
  startLoopbackOpenAI,
} from '../support/loopback-providers.js';
import { copyFixture } from '../support/workspace.js';

const FIX_SEARCH = 'export function multiply(a, b) {\n  return a + b;';
const FIX_REPLACE = 'export function multiply(a, b) {\n  return a * b;';
// a planted secret (built here so no scanner flags the repository)
const PLANTED = `ghp_${'Z9'.repeat(18)}`;

type Choice = 'once' | 'always' | 'deny';

/** Runs one turn, answering each approval card with `answer`; returns the events and the answer. */
async function turn(
  client: RpcClient,
  params: ParamsIn<'agent.run'>,
  answer: (event: Extract<AgentEvent, { type: 'approval' }>) => Choice = () => 'once',
): Promise<{ events: AgentEvent[]; answer: AgentAnswer; approvals: string[] }> {
  const events: AgentEvent[] = [];
  const approvals: string[] = [];
  const stream = client.stream('agent.run', params);
  for await (const event of stream) {
    events.push(event);
    if (event.type === 'approval') {
      approvals.push(event.summary);
      await client.call('agent.approve', { approvalId: event.approvalId, choice: answer(event) });
    }
  }
  return { events, answer: await stream.result, approvals };
}

/** The text of every tool result a request sent back to the model, whatever the wire format. */
function resultsIn(request: LoopbackRequest | undefined): string {
  return JSON.stringify(request?.body ?? {});
}

/** A model that fixes the fixture: read the test, edit the source, run the tests, then say so. */
function fixer(toolResults: (request: LoopbackRequest) => number, names = (name: string) => name) {
  return (request: LoopbackRequest): LoopbackStep => {
    const done = toolResults(request);
    if (done === 0)
      return {
        kind: 'tool-calls',
        text: 'Reading the test. ',
        calls: [{ name: names('read_file'), arguments: { path: 'test/math.test.js' } }],
      };
    if (done === 1) {
      return {
        kind: 'tool-calls',
        calls: [
          {
            name: names('edit_file'),
            arguments: { path: 'src/math.js', edits: [{ search: FIX_SEARCH, replace: FIX_REPLACE }] },
          },
        ],
      };
    }
    if (done === 2)
      return { kind: 'tool-calls', calls: [{ name: names('run_command'), arguments: { command: 'npm test' } }] };
    return { kind: 'ok', text: resultsIn(request).includes('exit code 0') ? 'The tests pass now.' : 'Still failing.' };
  };
}

const openAiResults = (request: LoopbackRequest) =>
  ((request.body.messages ?? []) as Array<{ role: string }>).filter((message) => message.role === 'tool').length;
const anthropicResults = (request: LoopbackRequest) =>
  ((request.body.messages ?? []) as Array<{ content: unknown }>)
    .flatMap((message) => (Array.isArray(message.content) ? message.content : []))
    .filter((part) => (part as { type?: string }).type === 'tool_result').length;
const geminiResults = (request: LoopbackRequest) =>
  ((request.body.contents ?? []) as Array<{ parts?: unknown[] }>)
    .flatMap((content) => content.parts ?? [])
    .filter((part) => typeof part === 'object' && part !== null && 'functionResponse' in part).length;

describe('agent mode', () => {
  const workspace = copyFixture('failing-tests-project');
  const original = readFileSync(join(workspace.root, 'src/math.js'), 'utf8');
  let engine: StartedEngine;
  let client: RpcClient;
  let openai: LoopbackProvider;
  let anthropic: LoopbackProvider;
  let gemini: LoopbackProvider;

  beforeAll(async () => {
    writeFileSync(join(workspace.root, '.aiignore'), 'private/\n');
    writeFileSync(join(workspace.root, 'README.md'), `# fixture\nDeploy token: ${PLANTED}\n`);
    openai = await startLoopbackOpenAI(fixer(openAiResults));
    anthropic = await startLoopbackAnthropic(fixer(anthropicResults));
    gemini = await startLoopbackGemini(fixer(geminiResults));
    engine = await startEngine({ workspace: workspace.root });
    client = await engine.connect();
    await client.call('ai.providers.add', {
      id: 'oai',
      kind: 'openai-compatible',
      modelClass: 'own_key',
      model: 'm',
      baseURL: openai.baseURL,
      apiKey: 'k',
    });
    await client.call('ai.providers.add', {
      id: 'claude',
      kind: 'anthropic',
      modelClass: 'own_key',
      model: 'claude-x',
      baseURL: anthropic.baseURL,
      apiKey: 'k',
    });
    await client.call('ai.providers.add', {
      id: 'gem',
      kind: 'gemini',
      modelClass: 'own_key',
      model: 'gemini-x',
      baseURL: gemini.baseURL,
      apiKey: 'k',
    });
  }, 60_000);

  afterAll(async () => {
    await engine?.stop();
    await Promise.all([openai?.close(), anthropic?.close(), gemini?.close()]);
    workspace.remove();
  });

  it('refuses to run commands in an untrusted workspace, and says what to do', async () => {
    openai.setScript((request) =>
      openAiResults(request) === 0
        ? { kind: 'tool-calls', calls: [{ name: 'run_command', arguments: { command: 'npm test' } }] }
        : { kind: 'ok', text: 'I cannot run it.' },
    );
    const { events, answer } = await turn(client, {
      provider: 'oai',
      messages: [{ role: 'user', content: 'run the tests' }],
    });
    const end = events.find((event) => event.type === 'tool-end');
    expect(end).toMatchObject({ name: 'run_command', denied: true });
    expect(end?.type === 'tool-end' && end.result).toMatch(/trust/i);
    expect(answer.text).toBe('I cannot run it.');
  });

  it('reads the failing test, edits the source after approval, runs the tests and stops when they pass (OpenAI format)', async () => {
    await client.call('workflow.trust.set', { trusted: true });
    openai.setScript(fixer(openAiResults));
    const { events, answer, approvals } = await turn(
      client,
      { provider: 'oai', messages: [{ role: 'user', content: 'The multiply test fails; fix src/math.js.' }] },
      (event) => (event.name === 'run_command' ? 'always' : 'once'),
    );
    expect(answer).toMatchObject({ text: 'Reading the test. The tests pass now.', stopReason: 'done', toolCalls: 3 });
    expect(approvals).toEqual(['edit src/math.js', 'run `npm test`']);
    expect(readFileSync(join(workspace.root, 'src/math.js'), 'utf8')).toContain('return a * b;');
    expect(answer.edits).toEqual([expect.objectContaining({ path: 'src/math.js', kind: 'modified' })]);
    expect(answer.edits[0]?.diff).toContain('+  return a * b;');
    expect(answer.checkpointId).toEqual(expect.any(Number));
    expect(
      events
        .filter((event) => event.type === 'tool-end')
        .map((event) => event.type === 'tool-end' && [event.name, event.isError]),
    ).toEqual([
      ['read_file', false],
      ['edit_file', false],
      ['run_command', false],
    ]);
    expect(events.some((event) => event.type === 'output')).toBe(true);
    // "always for this workspace": the next turn runs the tests without asking
    openai.setScript((request) =>
      openAiResults(request) === 0
        ? { kind: 'tool-calls', calls: [{ name: 'run_command', arguments: { command: 'npm test' } }] }
        : { kind: 'ok', text: 'Ran them.' },
    );
    const again = await turn(
      client,
      { provider: 'oai', messages: [{ role: 'user', content: 'run the tests again' }] },
      () => 'deny',
    );
    expect(again.approvals).toEqual([]);
    expect(again.answer.text).toBe('Ran them.');

    // restore to before the fix: byte for byte; then undo the restore
    const restored = await client.call('agent.restore', { checkpointId: answer.checkpointId as number });
    expect(restored.restored).toEqual(['src/math.js']);
    expect(readFileSync(join(workspace.root, 'src/math.js'), 'utf8')).toBe(original);
    await client.call('agent.restore', { checkpointId: restored.undoCheckpointId as number });
    expect(readFileSync(join(workspace.root, 'src/math.js'), 'utf8')).toContain('return a * b;');
    const { checkpoints } = await client.call('agent.checkpoints.list');
    expect(checkpoints.map((checkpoint) => checkpoint.kind)).toEqual(expect.arrayContaining(['turn', 'restore']));
  });

  it('a file the user edited after the turn is a conflict, never silently overwritten', async () => {
    writeFileSync(join(workspace.root, 'src/math.js'), original);
    openai.setScript(fixer(openAiResults));
    const { answer } = await turn(client, { provider: 'oai', messages: [{ role: 'user', content: 'fix it' }] });
    const edited = `${readFileSync(join(workspace.root, 'src/math.js'), 'utf8')}// mine\n`;
    writeFileSync(join(workspace.root, 'src/math.js'), edited);
    const result = await client.call('agent.restore', { checkpointId: answer.checkpointId as number });
    expect(result.conflicts).toEqual([{ path: 'src/math.js', reason: 'edited' }]);
    expect(readFileSync(join(workspace.root, 'src/math.js'), 'utf8')).toBe(edited);
    await client.call('agent.restore', { checkpointId: answer.checkpointId as number, force: true });
    expect(readFileSync(join(workspace.root, 'src/math.js'), 'utf8')).toBe(original);
  });

  it('works the same through the Anthropic and Gemini wire formats', async () => {
    for (const [id, server] of [
      ['claude', anthropic],
      ['gem', gemini],
    ] as const) {
      writeFileSync(join(workspace.root, 'src/math.js'), original);
      const before = server.requests.length;
      const { answer } = await turn(client, { provider: id, messages: [{ role: 'user', content: 'fix multiply' }] });
      expect(answer.text).toContain('The tests pass now.');
      expect(readFileSync(join(workspace.root, 'src/math.js'), 'utf8')).toContain('return a * b;');
      expect(server.requests.length - before).toBe(4);
    }
  });

  it('a denied edit is not made and the model is told', async () => {
    writeFileSync(join(workspace.root, 'src/math.js'), original);
    openai.setScript(fixer(openAiResults));
    const { events } = await turn(
      client,
      { provider: 'oai', messages: [{ role: 'user', content: 'fix it' }] },
      () => 'deny',
    );
    expect(events.find((event) => event.type === 'tool-end' && event.name === 'edit_file')).toMatchObject({
      denied: true,
    });
    expect(readFileSync(join(workspace.root, 'src/math.js'), 'utf8')).toBe(original);
    expect(resultsIn(openai.requests.at(-2))).toContain('Not allowed: the user denied it.');
  });

  it('plan mode offers read-only tools only', async () => {
    openai.setScript({ kind: 'ok', text: '1. change multiply' });
    const before = openai.requests.length;
    const { answer } = await turn(client, {
      provider: 'oai',
      mode: 'plan',
      messages: [{ role: 'user', content: 'plan the fix' }],
    });
    expect(answer.mode).toBe('plan');
    const offered = ((openai.requests[before]?.body.tools ?? []) as Array<{ function: { name: string } }>).map(
      (tool) => tool.function.name,
    );
    expect(offered).toEqual(['list_dir', 'read_file', 'find_path', 'find_in_files', 'search_codebase', 'diagnostics']);
  });

  it('never sends .aiignored content or planted secrets to a remote provider', async () => {
    writeFileSync(join(workspace.root, 'src/math.js'), original);
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(workspace.root, 'private'), { recursive: true });
    writeFileSync(join(workspace.root, 'private/plan.txt'), 'the merger is with ACME\n');
    openai.setScript((request) => {
      const done = openAiResults(request);
      if (done === 0)
        return { kind: 'tool-calls', calls: [{ name: 'read_file', arguments: { path: 'private/plan.txt' } }] };
      if (done === 1) return { kind: 'tool-calls', calls: [{ name: 'read_file', arguments: { path: 'README.md' } }] };
      if (done === 2) return { kind: 'tool-calls', calls: [{ name: 'find_in_files', arguments: { query: 'merger' } }] };
      return { kind: 'ok', text: 'done' };
    });
    const before = openai.requests.length;
    const { answer } = await turn(client, { provider: 'oai', messages: [{ role: 'user', content: 'read things' }] });
    const bodies = openai.requests.slice(before).map((request) => JSON.stringify(request.body));
    expect(bodies.join('\n')).not.toContain('ACME');
    expect(bodies.join('\n')).not.toContain(PLANTED);
    expect(bodies.join('\n')).toContain('Deploy token'); // the file was read; only the secret was taken out
    expect(answer.redactions).toBeGreaterThan(0);
    // the record of what was sent holds what left: the redacted request
    const { items } = await client.call('ai.sent.list', { limit: 10 });
    const payloads = await Promise.all(
      items.map(async (entry) => (await client.call('ai.sent.get', { id: entry.id })).request?.payload ?? ''),
    );
    expect(payloads.join('\n')).toContain('[REDACTED:github-token]');
    expect(payloads.join('\n')).not.toContain(PLANTED);
  });

  it('rejects one file of a turn (agent.restoreFiles): only it goes back, conflicts wait for force, undoable', async () => {
    writeFileSync(join(workspace.root, 'src/math.js'), original);
    openai.setScript((request) => {
      const done = openAiResults(request);
      if (done === 0)
        return {
          kind: 'tool-calls',
          calls: [
            {
              name: 'edit_file',
              arguments: { path: 'src/math.js', edits: [{ search: FIX_SEARCH, replace: FIX_REPLACE }] },
            },
            { name: 'create_file', arguments: { path: 'src/notes.md', content: '# notes\n' } },
          ],
        };
      return { kind: 'ok', text: 'Edited and noted.' };
    });
    const { answer } = await turn(client, { provider: 'oai', messages: [{ role: 'user', content: 'edit and note' }] });
    const checkpointId = answer.checkpointId as number;
    expect(answer.edits.map((edit) => edit.path)).toEqual(['src/math.js', 'src/notes.md']);

    // reject the created file: it is deleted, the edit stays
    const rejected = await client.call('agent.restoreFiles', { checkpointId, paths: ['src/notes.md'] });
    expect(rejected).toMatchObject({ restored: ['src/notes.md'], conflicts: [] });
    expect(existsSync(join(workspace.root, 'src/notes.md'))).toBe(false);
    expect(readFileSync(join(workspace.root, 'src/math.js'), 'utf8')).toContain('return a * b;');
    // undo the reject: the file comes back
    await client.call('agent.restore', { checkpointId: rejected.undoCheckpointId as number });
    expect(readFileSync(join(workspace.root, 'src/notes.md'), 'utf8')).toBe('# notes\n');

    // the user edits the other file: a conflict, left alone, until forced
    const edited = `${readFileSync(join(workspace.root, 'src/math.js'), 'utf8')}// mine\n`;
    writeFileSync(join(workspace.root, 'src/math.js'), edited);
    const conflict = await client.call('agent.restoreFiles', { checkpointId, paths: ['src/math.js'] });
    expect(conflict).toEqual({
      restored: [],
      conflicts: [{ path: 'src/math.js', reason: 'edited' }],
      undoCheckpointId: null,
    });
    expect(readFileSync(join(workspace.root, 'src/math.js'), 'utf8')).toBe(edited);
    await client.call('agent.restoreFiles', { checkpointId, paths: ['src/math.js'], force: true });
    expect(readFileSync(join(workspace.root, 'src/math.js'), 'utf8')).toBe(original);
    expect(readFileSync(join(workspace.root, 'src/notes.md'), 'utf8')).toBe('# notes\n');

    // hostile calls: typed errors, nothing written
    const codeOf = (params: unknown) =>
      client.call('agent.restoreFiles', params as never).then(
        () => 'ok',
        (error: { code?: string }) => error.code,
      );
    expect(await codeOf({ checkpointId, paths: ['../outside.txt'] })).toBe(ErrorCode.BAD_REQUEST);
    expect(await codeOf({ checkpointId, paths: ['/etc/passwd'] })).toBe(ErrorCode.BAD_REQUEST);
    expect(await codeOf({ checkpointId, paths: ['.git/config'] })).toBe(ErrorCode.FORBIDDEN);
    expect(await codeOf({ checkpointId, paths: ['README.md'] })).toBe(ErrorCode.BAD_REQUEST); // not in the checkpoint
    expect(await codeOf({ checkpointId, paths: [] })).toBe(ErrorCode.BAD_REQUEST);
    expect(await codeOf({ checkpointId, paths: ['src/math.js'], extra: true })).toBe(ErrorCode.BAD_REQUEST);
    expect(await codeOf({ checkpointId: 999_999, paths: ['src/math.js'] })).toBe(ErrorCode.NOT_FOUND);
    expect(readFileSync(join(workspace.root, 'src/math.js'), 'utf8')).toBe(original);
  });

  it('runs the command in a terminal of its own when the page has one: listed, live, the same output the model got', async () => {
    await client.call('workflow.trust.set', { trusted: true });
    openai.setScript((request) =>
      openAiResults(request) === 0
        ? { kind: 'tool-calls', calls: [{ name: 'run_command', arguments: { command: 'npm test' } }] }
        : { kind: 'ok', text: 'Ran them.' },
    );
    const before = openai.requests.length;
    let listed: Array<{ id: string; name: string; command?: string; exited?: boolean }> = [];
    const events: AgentEvent[] = [];
    const stream = client.stream('agent.run', {
      provider: 'oai',
      terminal: { cols: 200, rows: 40 },
      messages: [{ role: 'user', content: 'run the tests' }],
    });
    for await (const event of stream) {
      events.push(event);
      if (event.type === 'approval')
        await client.call('agent.approve', { approvalId: event.approvalId, choice: 'once' });
      if (event.type === 'terminal') listed = (await client.call('terminal.list')).terminals;
    }
    const answer = await stream.result;
    expect(answer.text).toBe('Ran them.');
    const shown = events.find((event) => event.type === 'terminal');
    expect(shown).toMatchObject({ type: 'terminal', name: 'Agent: npm test' });
    const terminalId = shown?.type === 'terminal' ? shown.terminalId : '';
    const start = events.find((event) => event.type === 'tool-start');
    expect(shown?.type === 'terminal' && start?.type === 'tool-start' && shown.id === start.id).toBe(true);
    // in the terminal list while it ran, and after: a command terminal keeps its screen until closed
    expect(listed).toContainEqual(
      expect.objectContaining({ id: terminalId, name: 'Agent: npm test', command: 'npm test' }),
    );
    const after = (await client.call('terminal.list')).terminals.find((item) => item.id === terminalId);
    expect(after).toMatchObject({ command: 'npm test', exited: true });
    // its output went to the terminal, not to the transcript's output card
    expect(events.some((event) => event.type === 'output')).toBe(false);

    // what the model got: the exit code and the output…
    const sent = (openai.requests[before + 1]?.body.messages ?? []) as Array<{ role: string; content: string }>;
    const result = sent.filter((message) => message.role === 'tool').at(-1)?.content ?? '';
    const code = /^exit code (\d+)\n/.exec(result)?.[1];
    expect(code).toMatch(/^\d+$/);
    expect(result).toContain('tests 2');
    // …is what the terminal shows (a page attaching now gets the screen, then the end)
    const attached = client.stream('terminal.attach', { id: terminalId });
    let screen = '';
    for await (const item of attached) if (item.type === 'screen') screen = item.data;
    expect(await attached.result).toMatchObject({ exitCode: Number(code) });
    const plain = (text: string) =>
      text
        // biome-ignore lint/suspicious/noControlCharactersInRegex: the screen's escape sequences are taken out
        .replace(/\x1b\[[0-?]*[ -/]*[@-~]/g, '')
        .split(/\r?\n/)
        .map((line) => line.trimEnd())
        .filter(Boolean);
    const lines = plain(result.slice(result.indexOf('\n') + 1));
    expect(lines.length).toBeGreaterThan(3);
    expect(plain(screen)).toEqual(expect.arrayContaining(lines));

    // closing the tab drops it
    await client.call('terminal.kill', { id: terminalId });
    expect((await client.call('terminal.list')).terminals.map((item) => item.id)).not.toContain(terminalId);
  });

  it('Stop kills a command running in a terminal, and the timeout still holds', async () => {
    await client.call('workflow.trust.set', { trusted: true });
    openai.setScript((request) =>
      openAiResults(request) === 0
        ? { kind: 'tool-calls', calls: [{ name: 'run_command', arguments: { command: 'sleep 30', timeoutMs: 1_000 } }] }
        : { kind: 'ok', text: 'It timed out.' },
    );
    const before = openai.requests.length;
    const started = performance.now();
    const { answer } = await turn(client, {
      provider: 'oai',
      terminal: { cols: 80, rows: 24 },
      messages: [{ role: 'user', content: 'sleep' }],
    });
    expect(performance.now() - started).toBeLessThan(15_000);
    expect(answer.text).toBe('It timed out.');
    expect(JSON.stringify(openai.requests[before + 1]?.body)).toContain('timed out after 1000 ms (killed)');

    openai.setScript({ kind: 'tool-calls', calls: [{ name: 'run_command', arguments: { command: 'sleep 30' } }] });
    const stop = new AbortController();
    const stream = client.stream(
      'agent.run',
      { provider: 'oai', terminal: { cols: 80, rows: 24 }, messages: [{ role: 'user', content: 'sleep long' }] },
      { signal: stop.signal },
    );
    let terminalId = '';
    const stopped = (async () => {
      for await (const event of stream) {
        if (event.type === 'approval')
          await client.call('agent.approve', { approvalId: event.approvalId, choice: 'once' });
        if (event.type === 'terminal') {
          terminalId = event.terminalId;
          stop.abort();
        }
      }
    })();
    await stopped.catch(() => undefined);
    expect(terminalId).not.toBe('');
    await expect
      .poll(async () => (await client.call('terminal.list')).terminals.find((item) => item.id === terminalId)?.exited, {
        timeout: 10_000,
      })
      .toBe(true);
  });

  it('diagnostics: the problems the page published (and only those not .aiignored) reach the model', async () => {
    await client.call('problems.publish', {
      reset: true,
      files: [
        {
          path: 'src/math.js',
          problems: [{ severity: 'error', line: 6, column: 10, message: "Operator '+' is suspicious.", source: 'ts' }],
        },
        {
          path: 'private/plan.txt',
          problems: [{ severity: 'warning', line: 1, column: 1, message: 'the merger is with ACME', source: 'x' }],
        },
      ],
    });
    // a later publish replaces a file's list
    await client.call('problems.publish', {
      files: [
        {
          path: 'src/math.js',
          problems: [
            { severity: 'error', line: 6, column: 12, message: "Type 'string' is not 'number'.", source: 'ts' },
          ],
        },
      ],
    });
    openai.setScript((request) =>
      openAiResults(request) === 0
        ? { kind: 'tool-calls', calls: [{ name: 'diagnostics', arguments: {} }] }
        : { kind: 'ok', text: '1. fix the type' },
    );
    const before = openai.requests.length;
    const { events } = await turn(client, {
      provider: 'oai',
      mode: 'plan',
      messages: [{ role: 'user', content: 'what is broken?' }],
    });
    expect(events.find((event) => event.type === 'tool-end')).toMatchObject({ name: 'diagnostics', isError: false });
    const sent = JSON.stringify(openai.requests[before + 1]?.body ?? {});
    expect(sent).toContain("src/math.js:6:12: error: Type 'string' is not 'number'. (ts)");
    expect(sent).not.toContain('suspicious');
    expect(sent).not.toContain('ACME');

    // hostile publishes: typed errors
    const codeOf = (params: unknown) =>
      client.call('problems.publish', params as never).then(
        () => 'ok',
        (error: { code?: string }) => error.code,
      );
    const one = { severity: 'error', line: 1, column: 1, message: 'm', source: 's' };
    expect(await codeOf({ files: [{ path: '../x.ts', problems: [one] }] })).toBe(ErrorCode.BAD_REQUEST);
    expect(await codeOf({ files: [{ path: '/etc/passwd', problems: [one] }] })).toBe(ErrorCode.BAD_REQUEST);
    expect(await codeOf({ files: [{ path: '.git/config', problems: [one] }] })).toBe(ErrorCode.FORBIDDEN);
    expect(await codeOf({ files: [{ path: 'a.ts', problems: [{ ...one, line: 0 }] }] })).toBe(ErrorCode.BAD_REQUEST);
    expect(await codeOf({ files: [{ path: 'a.ts', problems: [{ ...one, message: 'x'.repeat(5_000) }] }] })).toBe(
      ErrorCode.BAD_REQUEST,
    );
    expect(
      await codeOf({ files: Array.from({ length: 501 }, (_, index) => ({ path: `${index}.ts`, problems: [] })) }),
    ).toBe(ErrorCode.BAD_REQUEST);
    expect(await codeOf({ files: [], other: 1 })).toBe(ErrorCode.BAD_REQUEST);
    expect(await codeOf({ reset: true, files: [] })).toBe('ok');
  });
});
