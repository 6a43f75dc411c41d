// The egress log names what each remote request carried of the workspace, through the real built engine: an agent
// turn on a loopback OpenAI-format provider reads a file (a line range), searches the files and tries an
// `.aiignore`d one; each round's record in "Sent to remote models" lists the files and lines the tool results so far
// carried, with their bytes — never the ignored file — and `pa ai egress` shows them (text and --json). A chat's
// @-mention and a completion's context are listed the same way.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentEvent, RpcClient, SentSource } from '@pa/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineCli } from '../../scripts/paths.js';
import { collectAiStream } from '../support/ai-stream.js';
import { type StartedEngine, startEngine } from '../support/engine.js';
import {
  type LoopbackProvider,
  type LoopbackRequest,
  startLoopbackAnthropic,
  startLoopbackOpenAI,
} from '../support/loopback-providers.js';
import { copyFixture } from '../support/workspace.js';

const toolResults = (request: LoopbackRequest) =>
  ((request.body.messages ?? []) as Array<{ role: string }>).filter((message) => message.role === 'tool').length;

describe('the egress log lists the files and chunks each request carried', () => {
  const workspace = copyFixture('failing-tests-project');
  let engine: StartedEngine;
  let client: RpcClient;
  let remote: LoopbackProvider;
  let claude: LoopbackProvider;

  beforeAll(async () => {
    writeFileSync(join(workspace.root, '.aiignore'), 'private/\n');
    mkdirSync(join(workspace.root, 'private'), { recursive: true });
    writeFileSync(join(workspace.root, 'private/plan.txt'), 'multiply the merger with ACME\n');
    remote = await startLoopbackOpenAI((request) => {
      const done = toolResults(request);
      if (done === 0) {
        return {
          kind: 'tool-calls',
          calls: [{ name: 'read_file', arguments: { path: 'src/math.js', startLine: 6, endLine: 8 } }],
        };
      }
      if (done === 1)
        return { kind: 'tool-calls', calls: [{ name: 'read_file', arguments: { path: 'private/plan.txt' } }] };
      if (done === 2)
        return { kind: 'tool-calls', calls: [{ name: 'find_in_files', arguments: { query: 'multiply' } }] };
      return { kind: 'ok', text: 'Read them.' };
    });
    claude = await startLoopbackAnthropic({ kind: 'ok', text: '```js\na, b\n```' });
    engine = await startEngine({ workspace: workspace.root });
    client = await engine.connect();
    await client.call('ai.providers.add', {
      id: 'remote',
      kind: 'openai-compatible',
      modelClass: 'own_key',
      model: 'm',
      baseURL: remote.baseURL,
      apiKey: 'k',
      tasks: ['chat', 'completion'],
    });
    await client.call('ai.providers.add', {
      id: 'claude',
      kind: 'anthropic',
      modelClass: 'own_key',
      model: 'claude-x',
      baseURL: claude.baseURL,
      apiKey: 'k',
      tasks: ['completion'],
    });
  }, 60_000);

  afterAll(async () => {
    await engine?.stop();
    await remote?.close();
    await claude?.close();
    workspace.remove();
  });

  it('records, for each round of an agent turn, the files and lines the tools read, never an .aiignored file', async () => {
    const stream = client.stream('agent.run', {
      provider: 'remote',
      mode: 'plan',
      messages: [{ role: 'user', content: 'How does multiply work?' }],
    });
    const events: AgentEvent[] = [];
    for await (const event of stream) events.push(event);
    const answer = await stream.result;
    expect(answer.text).toBe('Read them.');
    expect(remote.requests.length).toBe(4);
    const { items } = await client.call('ai.sent.list', { limit: 4 });
    const rounds = [...items].reverse(); // oldest first
    expect(rounds.map((item) => item.kind)).toEqual(['chat', 'chat', 'chat', 'chat']);
    const mathLines: SentSource = {
      path: 'src/math.js',
      startLine: 6,
      endLine: 8,
      bytes: Buffer.byteLength('export function multiply(a, b) {\n  return a + b;\n}'),
    };
    expect(rounds[0]?.sources).toEqual([]);
    expect(rounds[1]?.sources).toEqual([mathLines]);
    // the refused read of the ignored file carried nothing
    expect(rounds[2]?.sources).toEqual([mathLines]);
    const last = rounds[3]?.sources ?? [];
    expect(last[0]).toEqual(mathLines);
    const found = last.slice(1);
    // find_in_files: each matching line, with its file and line number
    expect(found).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'src/math.js', startLine: 6, endLine: 6 }),
        expect.objectContaining({ path: 'test/math.test.js' }),
      ]),
    );
    expect(found.every((source) => source.bytes > 0 && source.startLine === source.endLine)).toBe(true);
    for (const item of rounds) {
      expect(item.sources.some((source) => source.path.startsWith('private/'))).toBe(false);
      expect(item.sourcesCut).toBe(false);
    }
    // what the provider was given: the same files, and nothing of the ignored one
    expect(JSON.stringify(remote.requests.map((request) => request.body))).not.toContain('ACME');
    // the whole record carries the list too
    const { request } = await client.call('ai.sent.get', { id: rounds[3]?.id ?? 0 });
    expect(request?.sources).toEqual(last);
    // and nothing of the list reached the provider (it is the record's, not the request's)
    expect(JSON.stringify(remote.requests.at(-1)?.body)).not.toContain('"sources"');
  });

  it("lists a chat's @-mentioned file and a completion's context the same way", async () => {
    const chat = await collectAiStream(
      client.stream('ai.chat', {
        provider: 'remote',
        messages: [{ role: 'user', content: 'Explain this.' }],
        mentions: [{ kind: 'file', path: 'src/math.js' }],
      }),
    );
    expect(chat.kind).toBe('done');
    const [mentioned] = (await client.call('ai.sent.list', { limit: 1 })).items;
    expect(mentioned?.sources).toEqual([expect.objectContaining({ path: 'src/math.js', startLine: 1 })]);
    expect(mentioned?.sources[0]?.bytes).toBeGreaterThan(50);

    const infill = client.stream('ai.infill', {
      requestId: 'egress-1',
      prefix: 'const x = multiply(',
      suffix: ');\n',
      path: 'src/use.js',
      context: [{ path: 'src/math.js', text: 'export function multiply(a, b) {}' }],
    });
    try {
      for await (const _ of infill) {
        // the loopback has no completions endpoint: the request fails after it was recorded
      }
      await infill.result;
    } catch {
      // expected
    }
    // the newest completion record (the router may have gone on to the hole-filling provider after the 404)
    const completion = (await client.call('ai.sent.list', { limit: 5 })).items.find(
      (item) => item.kind === 'completion',
    );
    expect(completion?.kind).toBe('completion');
    const expected = [
      { path: 'src/use.js', bytes: Buffer.byteLength('const x = multiply();\n') },
      { path: 'src/math.js', bytes: Buffer.byteLength('export function multiply(a, b) {}') },
    ];
    expect(completion?.sources).toEqual(expected);

    // a provider without FIM gets the hole-filling chat: recorded as a chat round carrying the same file and chunk
    const hole = client.stream('ai.infill', {
      requestId: 'egress-2',
      provider: 'claude',
      prefix: 'const x = multiply(',
      suffix: ');\n',
      path: 'src/use.js',
      context: [{ path: 'src/math.js', text: 'export function multiply(a, b) {}' }],
    });
    for await (const _ of hole) {
      // the suggestion
    }
    await hole.result;
    const [filled] = (await client.call('ai.sent.list', { limit: 1 })).items;
    expect(filled).toMatchObject({ providerId: 'claude', kind: 'chat' });
    expect(filled?.sources).toEqual(expected);
  });

  it('shows them in `pa ai egress`, as text and in the --json export', async () => {
    const pa = (...args: string[]) =>
      spawnSync(process.execPath, [engineCli, ...args], {
        env: { ...process.env, PA_DATA_DIR: engine.dataDir, PA_SECRETS_BACKEND: 'file' },
        encoding: 'utf8',
        timeout: 30_000,
      });
    const json = pa('ai', 'egress', '--kind', 'chat', '--json');
    expect(json.status, json.stderr).toBe(0);
    const rows = JSON.parse(json.stdout) as Array<{ id: number; sources: SentSource[]; sourcesCut: boolean }>;
    const { items } = await client.call('ai.sent.list', {});
    expect(rows.map((row) => row.sources)).toEqual(
      items.filter((item) => item.kind === 'chat').map((item) => item.sources),
    );
    const text = pa('ai', 'egress');
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/files: src\/math\.js:6-8 \(\d+ B\)/);
    expect(text.stdout).toContain('src/use.js');
    expect(text.stdout).not.toContain('private/');
  });
});
