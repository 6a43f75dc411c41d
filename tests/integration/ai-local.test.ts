// The local provider in the real engine: the tiny generated GGUF is loaded once by node-llama-cpp, streams tokens,
// stops when cancelled mid-stream, and serves two requests at once from its pooled sequences. A provider whose model
// file is missing is refused when added, and its test names the file once it went missing later.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, type EventData, type PaError, type RpcClient } from '@pa/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTinyGguf } from '../../scripts/make-tiny-gguf.js';
import { collectAiStream as collect } from '../support/ai-stream.js';
import { type StartedEngine, startEngine } from '../support/engine.js';

const ask = { messages: [{ role: 'user' as const, content: 'Hello there' }], temperature: 0 };

describe('the local model', () => {
  let engine: StartedEngine;
  let client: RpcClient;

  beforeAll(async () => {
    engine = await startEngine();
    client = await engine.connect();
    await client.call('ai.providers.add', {
      id: 'tiny',
      kind: 'local',
      modelClass: 'local',
      model: 'tiny-llama',
      modelPath: ensureTinyGguf(),
      maxConcurrency: 2,
    });
  });

  afterAll(async () => {
    await engine?.stop();
  });

  it('loads the GGUF and streams tokens, answered by the local provider', async () => {
    const { streamId } = await client.call('ai.chat', { ...ask, maxTokens: 24 });
    const end = await collect(client, streamId);
    expect(end.event).toBe('ai.done');
    const done = end.data as EventData<'ai.done'>;
    expect(done.route.providerId).toBe('tiny');
    expect(end.tokens.length).toBeGreaterThan(1);
    expect(end.tokens.join('')).toBe(done.text);
    expect(done.text.length).toBeGreaterThan(0);
  });

  it('stops generating when the stream is cancelled mid-answer', async () => {
    const { streamId } = await client.call('ai.chat', { ...ask, maxTokens: 400 });
    let sent = false;
    const end = await collect(client, streamId, () => {
      if (sent) return;
      sent = true;
      void client.call('stream.cancel', { streamId });
    });
    expect(end.event).toBe('ai.error');
    expect((end.data as EventData<'ai.error'>).code).toBe('E_CANCELLED');
    expect(end.tokens.length).toBeLessThan(400);
  });

  it('answers two requests at once, each as it would alone', async () => {
    const solo = await client.call('ai.chat', { ...ask, maxTokens: 16 });
    const alone = await collect(client, solo.streamId);
    const [a, b] = await Promise.all([
      client.call('ai.chat', { ...ask, maxTokens: 16 }),
      client.call('ai.chat', { ...ask, maxTokens: 16 }),
    ]);
    const [first, second] = await Promise.all([collect(client, a.streamId), collect(client, b.streamId)]);
    expect(first.event).toBe('ai.done');
    expect(second.event).toBe('ai.done');
    expect((first.data as EventData<'ai.done'>).text).toBe((alone.data as EventData<'ai.done'>).text);
    expect((second.data as EventData<'ai.done'>).text).toBe((alone.data as EventData<'ai.done'>).text);
  });

  it('does not meter local requests against the daily AI quota', async () => {
    const { streamId } = await client.call('ai.chat', { ...ask, maxTokens: 4 });
    await collect(client, streamId);
    const status = await client.call('license.status');
    expect(status.quotas.find((quota) => quota.metric === 'ai_requests')?.used).toBe(0);
  });
});

describe('a local provider without its model file', () => {
  let engine: StartedEngine;
  let client: RpcClient;
  const folder = mkdtempSync(join(tmpdir(), 'pa-gguf-'));

  beforeAll(async () => {
    engine = await startEngine();
    client = await engine.connect();
  });

  afterAll(async () => {
    await engine?.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  it('is refused when added, naming the missing file', async () => {
    const missing = join(folder, 'never-downloaded.gguf');
    const refused = await client
      .call('ai.providers.add', { id: 'ghost', kind: 'local', modelClass: 'local', model: 'ghost', modelPath: missing })
      .then(
        () => null,
        (error: PaError) => error,
      );
    expect(refused).toMatchObject({ code: ErrorCode.NOT_FOUND, message: expect.stringContaining(missing) });
    expect(refused?.message).toMatch(/does not exist/);
    expect((await client.call('ai.providers.list')).providers.map((provider) => provider.id)).not.toContain('ghost');
  });

  it('says which file is missing when tested after the file went away', async () => {
    const moved = join(folder, 'moved.gguf');
    copyFileSync(ensureTinyGguf(), moved);
    await client.call('ai.providers.add', {
      id: 'moved',
      kind: 'local',
      modelClass: 'local',
      model: 'moved',
      modelPath: moved,
    });
    rmSync(moved);
    const tested = await client.call('ai.providers.test', { id: 'moved' });
    expect(tested.ok).toBe(false);
    expect(tested.error).toContain(`The model file ${moved} does not exist`);
  });
});
