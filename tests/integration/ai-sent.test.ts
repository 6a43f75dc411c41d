// What left the machine, through the real, built engine: every request handed to a network provider — a chat, the
// rounds of a tool loop, a completion (even one whose endpoint then fails) — is in `ai.sent.list` / `ai.sent.get`
// with exactly the text the provider got (checked against what the loopback server received), never the API key;
// an in-process model's requests are not; the list pages and clears; its params are validated.
import { spawnSync } from 'node:child_process';
import { ErrorCode, type RpcClient } from '@pa/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineCli } from '../../scripts/paths.js';
import { collectAiStream as collect } from '../support/ai-stream.js';
import { type StartedEngine, startEngine } from '../support/engine.js';
import { errorOf } from '../support/error-of.js';
import { type LoopbackProvider, startLoopbackOpenAI } from '../support/loopback-providers.js';
import { tinyProvider } from '../support/tiny-provider.js';

const KEY = 'sk-never-recorded-31337';

describe('the record of what was sent to remote models', () => {
  let engine: StartedEngine;
  let client: RpcClient;
  let remote: LoopbackProvider;

  beforeAll(async () => {
    remote = await startLoopbackOpenAI({ kind: 'ok', text: 'Remote says hi' });
    engine = await startEngine();
    client = await engine.connect();
    await client.call('ai.providers.add', {
      id: 'remote',
      kind: 'openai-compatible',
      modelClass: 'own_key',
      model: 'gpt-loop',
      baseURL: remote.baseURL,
      apiKey: KEY,
      tasks: ['chat', 'completion'],
      priority: 10,
    });
    await client.call('ai.providers.add', tinyProvider({ tasks: ['chat'] }));
  });

  afterAll(async () => {
    await engine?.stop();
    await remote?.close();
  });

  it('records a chat sent to a remote provider with exactly what the provider received, and never the key', async () => {
    const secretCode = 'function leaked() { return "the code the user attached"; }';
    const end = await collect(
      client.stream('ai.chat', {
        messages: [{ role: 'user', content: `Explain:\n${secretCode}` }],
        provider: 'remote',
      }),
    );
    expect(end.kind).toBe('done');
    const { items } = await client.call('ai.sent.list', {});
    expect(items[0]).toMatchObject({ providerId: 'remote', model: 'gpt-loop', endpoint: remote.baseURL, kind: 'chat' });
    const { request } = await client.call('ai.sent.get', { id: items[0]?.id ?? 0 });
    if (!request) throw new Error('no record');
    const payload = JSON.parse(request.payload) as { messages: Array<{ role: string; content: string }> };
    // the provider got the same user message the record shows
    const received = remote.requests.at(-1)?.body as { messages: Array<{ role: string; content: string }> };
    expect(received.messages.at(-1)?.content).toBe(payload.messages.at(-1)?.content);
    expect(payload.messages.at(-1)?.content).toContain(secretCode);
    expect(request.payload).not.toContain(KEY);
    expect(request.chars).toBe(request.payload.length);
    expect(request.truncated).toBe(false);
  });

  it('records a completion before it is sent, even when the endpoint then fails', async () => {
    const before = (await client.call('ai.sent.list', {})).items.length;
    const stream = client.stream('ai.infill', {
      requestId: 'sent-1',
      prefix: 'const total = items.reduce(',
      suffix: ');\n',
      path: 'src/total.ts',
      language: 'typescript',
      context: [{ path: 'src/items.ts', text: 'export const items = [1, 2, 3];' }],
    });
    try {
      for await (const _ of stream) {
        // the loopback server has no /v1/completions: the request fails after it left
      }
      await stream.result;
    } catch {
      // expected
    }
    const { items } = await client.call('ai.sent.list', {});
    expect(items.length).toBe(before + 1);
    expect(items[0]).toMatchObject({ providerId: 'remote', kind: 'completion' });
    const { request } = await client.call('ai.sent.get', { id: items[0]?.id ?? 0 });
    expect(JSON.parse(request?.payload ?? '{}')).toMatchObject({
      path: 'src/total.ts',
      prefix: 'const total = items.reduce(',
      suffix: ');\n',
      context: [{ path: 'src/items.ts', text: 'export const items = [1, 2, 3];' }],
    });
  });

  it('shows the same record from the command line (`pa models sent`, one request whole with --id)', async () => {
    const pa = (...args: string[]) =>
      spawnSync(process.execPath, [engineCli, ...args], {
        env: { ...process.env, PA_DATA_DIR: engine.dataDir, PA_SECRETS_BACKEND: 'file' },
        encoding: 'utf8',
        timeout: 30_000,
      });
    const { items } = await client.call('ai.sent.list', {});
    const listed = pa('models', 'sent', '--json');
    expect(listed.status, listed.stderr).toBe(0);
    expect((JSON.parse(listed.stdout) as Array<{ id: number }>).map((item) => item.id)).toEqual(
      items.map((item) => item.id),
    );
    const whole = pa('models', 'sent', '--id', String(items.at(-1)?.id));
    expect(whole.status, whole.stderr).toBe(0);
    expect(whole.stdout).toContain('the code the user attached');
    expect(pa('models', 'sent', '--id', '999999').status).toBe(1);
    // the egress log: by provider and host, filtered, as JSON for an audit
    const egress = pa('ai', 'egress', '--provider', 'remote', '--kind', 'chat', '--json');
    expect(egress.status, egress.stderr).toBe(0);
    const rows = JSON.parse(egress.stdout) as Array<{ providerId: string; kind: string; host: string }>;
    expect(rows.length).toBe(items.filter((item) => item.providerId === 'remote' && item.kind === 'chat').length);
    expect(rows.length).toBeGreaterThan(0);
    expect(
      rows.every((row) => row.providerId === 'remote' && row.kind === 'chat' && /^127\.0\.0\.1:\d+$/.test(row.host)),
    ).toBe(true);
    expect(pa('ai', 'egress').stdout).toMatch(/\d+ requests?, \d+ characters/);
    expect(pa('ai', 'egress', '--kind', 'nonsense').status).not.toBe(0);
  });

  it('does not record what an in-process model was asked (nothing of it leaves)', async () => {
    const before = (await client.call('ai.sent.list', {})).items.map((item) => item.id);
    await collect(
      client.stream('ai.chat', { messages: [{ role: 'user', content: 'local only' }], provider: 'tiny', maxTokens: 2 }),
    );
    expect((await client.call('ai.sent.list', {})).items.map((item) => item.id)).toEqual(before);
  });

  it('pages from the newest, refuses bad params with a typed error, and clears', async () => {
    await collect(client.stream('ai.chat', { messages: [{ role: 'user', content: 'third' }], provider: 'remote' }));
    const all = (await client.call('ai.sent.list', {})).items;
    expect(all.length).toBeGreaterThanOrEqual(3);
    expect(all.map((item) => item.id)).toEqual([...all.map((item) => item.id)].sort((a, b) => b - a));
    const page = await client.call('ai.sent.list', { limit: 1, before: all[0]?.id ?? 0 });
    expect(page.items.map((item) => item.id)).toEqual([all[1]?.id]);
    expect((await errorOf(client.call('ai.sent.list', { limit: 10_000 }))).code).toBe(ErrorCode.BAD_REQUEST);
    expect((await errorOf(client.call('ai.sent.get', { id: -1 }))).code).toBe(ErrorCode.BAD_REQUEST);
    expect((await client.call('ai.sent.get', { id: 999_999 })).request).toBeNull();
    expect((await client.call('ai.sent.clear', {})).cleared).toBe(all.length);
    expect((await client.call('ai.sent.list', {})).items).toEqual([]);
  });
});
