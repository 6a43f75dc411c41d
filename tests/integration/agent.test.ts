// Agent mode through the real built engine: loopback servers speaking OpenAI's, Anthropic's and Gemini's wire formats
// play models that call the engine's tools — read the failing test, edit the source, run the tests — while the test
// answers the approval cards as a user would. Then: the checkpoint restores the files byte for byte, the restore is
// undone, a user edit after a turn is a conflict; a denied call, an untrusted workspace, plan mode; `.aiignore`d
// content and planted secrets never reach the loopback server.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentAnswer, AgentEvent, ParamsIn, RpcClient } from '@pa/shared';
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
    expect(offered).toEqual(['list_dir', 'read_file', 'find_path', 'find_in_files', 'search_codebase']);
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
});
