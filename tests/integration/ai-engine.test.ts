// The AI capability through the real, built engine: providers added over RPC, chat streams with fallback and the
// "answered by" route, mid-stream failure, cancellation, stats, conversations, and the OpenAI-compatible /v1 API
// driven by the official `openai` client.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RpcClient } from '@pa/shared';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectAiStream as collect } from '../support/ai-stream.js';
import { type StartedEngine, startEngine } from '../support/engine.js';
import { type LoopbackProvider, startLoopbackAnthropic, startLoopbackOpenAI } from '../support/loopback-providers.js';

describe('the AI capability in the engine', () => {
  let engine: StartedEngine;
  let client: RpcClient;
  let flaky: LoopbackProvider;
  let claude: LoopbackProvider;

  beforeAll(async () => {
    flaky = await startLoopbackOpenAI({ kind: 'status', status: 500 });
    claude = await startLoopbackAnthropic({ kind: 'ok', text: 'The answer is 42', gapMs: 2 });
    engine = await startEngine();
    client = await engine.connect();
    await client.call('ai.providers.add', {
      id: 'flaky',
      kind: 'openai-compatible',
      modelClass: 'own_key',
      model: 'gpt-loop',
      baseURL: flaky.baseURL,
      priority: 10,
      apiKey: 'sk-flaky-secret-1234',
    });
    await client.call('ai.providers.add', {
      id: 'claude',
      kind: 'anthropic',
      modelClass: 'own_key',
      model: 'claude-loop',
      baseURL: claude.baseURL,
      apiKey: 'sk-ant-secret-5678',
    });
  });

  afterAll(async () => {
    await engine?.stop();
    await flaky?.close();
    await claude?.close();
  });

  it('keeps API keys out of the settings file and sends them to the provider', async () => {
    const { providers } = await client.call('ai.providers.list');
    expect(providers.map((provider) => [provider.id, provider.hasApiKey])).toEqual([
      ['flaky', true],
      ['claude', true],
    ]);
    const file = readFileSync(join(engine.dataDir, 'ai-providers.json'), 'utf8');
    expect(file).toContain('claude-loop');
    expect(file).not.toContain('secret');
    const { streamId } = await client.call('ai.chat', {
      messages: [{ role: 'user', content: 'hi' }],
      provider: 'claude',
    });
    await collect(client, streamId);
    expect(claude.requests.at(-1)?.headers['x-api-key']).toBe('sk-ant-secret-5678');
  });

  it('streams the answer from the fallback when the first provider fails, and says who answered', async () => {
    const { streamId } = await client.call('ai.chat', { messages: [{ role: 'user', content: 'What is the answer?' }] });
    const end = await collect(client, streamId);
    expect(end.event).toBe('ai.done');
    if (end.event !== 'ai.done') return;
    expect(end.tokens.join('')).toBe('The answer is 42');
    expect(end.data.text).toBe('The answer is 42');
    expect(end.data.route.providerId).toBe('claude');
    expect(end.data.route.fallbacks).toEqual([{ providerId: 'flaky', reason: 'failed (HTTP 500)' }]);
    expect(end.data.ttftMs).toBeGreaterThan(0);
  });

  it('ends with E_PROVIDER and keeps what arrived when the answering provider stalls mid-stream', async () => {
    await client.call('ai.providers.add', {
      id: 'staller',
      kind: 'openai-compatible',
      modelClass: 'own_key',
      model: 'stall',
      baseURL: flaky.baseURL,
      idleTimeoutMs: 200,
    });
    flaky.setScript({ kind: 'stall', tokens: ['half', ' an', ' answer'], afterTokens: 2 });
    const { streamId } = await client.call('ai.chat', {
      messages: [{ role: 'user', content: 'go' }],
      provider: 'staller',
    });
    const end = await collect(client, streamId);
    expect(end.event).toBe('ai.error');
    expect(end.data).toMatchObject({ code: 'E_PROVIDER', partial: 'half an' });
    await client.call('ai.providers.remove', { id: 'staller' });
    flaky.setScript({ kind: 'status', status: 500 });
  });

  it('cancels a stream mid-answer with stream.cancel', async () => {
    claude.setScript({ kind: 'ok', tokens: Array.from({ length: 200 }, (_, i) => ` t${i}`), gapMs: 20 });
    const { streamId } = await client.call('ai.chat', {
      messages: [{ role: 'user', content: 'long' }],
      provider: 'claude',
    });
    let cancelled = false;
    const end = await collect(client, streamId, () => {
      if (cancelled) return;
      cancelled = true;
      void client.call('stream.cancel', { streamId });
    });
    expect(end.event === 'ai.error' && end.data.code).toBe('E_CANCELLED');
    expect(end.tokens.length).toBeLessThan(200);
    claude.setScript({ kind: 'ok', text: 'The answer is 42' });
  });

  it('gates providers on the license: a remote-class provider is not offered in the personal edition', async () => {
    await client.call('ai.providers.add', {
      id: 'corp',
      kind: 'openai-compatible',
      modelClass: 'remote',
      model: 'corp-model',
      baseURL: claude.baseURL,
    });
    const { providers } = await client.call('ai.providers.list');
    expect(providers.find((provider) => provider.id === 'corp')?.licensed).toBe(false);
    await expect(
      client.call('ai.chat', { messages: [{ role: 'user', content: 'x' }], provider: 'corp' }),
    ).rejects.toMatchObject({ code: 'E_LICENSE' });
    await expect(
      client.call('ai.chat', { messages: [{ role: 'user', content: 'x' }], provider: 'nobody' }),
    ).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
    await client.call('ai.providers.remove', { id: 'corp' });
  });

  it('reports per-provider TTFT, tokens/s and error rate', async () => {
    const stats = await client.call('ai.stats');
    const byId = Object.fromEntries(stats.providers.map((entry) => [entry.providerId, entry]));
    expect(byId.flaky?.errorRate).toBe(1);
    expect(byId.claude?.requests).toBeGreaterThanOrEqual(2);
    expect(byId.claude?.p50TtftMs).toBeGreaterThan(0);
    expect(byId.claude?.tokensPerS).toBeGreaterThan(0);
  });

  it('persists conversations per workspace', async () => {
    const { id } = await client.call('ai.conversations.save', {
      title: 'First chat',
      messages: [
        { role: 'user', content: 'hi' },
        {
          role: 'assistant',
          content: 'hello',
          route: { providerId: 'claude', model: 'c', reasons: [], fallbacks: [] },
        },
      ],
    });
    const { items } = await client.call('ai.conversations.list');
    expect(items.map((item) => item.title)).toContain('First chat');
    const { conversation } = await client.call('ai.conversations.get', { id });
    expect(conversation.messages[1]?.route?.providerId).toBe('claude');
  });

  it('serves /v1/chat/completions to the official openai client, streaming and not', async () => {
    const { token, path } = await client.call('ai.server.info');
    const openai = new OpenAI({ baseURL: `http://127.0.0.1:${engine.port}${path}`, apiKey: token, maxRetries: 0 });
    const models = await openai.models.list();
    expect(models.data.map((model) => model.id)).toEqual(['auto', 'flaky', 'claude']);

    const whole = await openai.chat.completions.create({
      model: 'auto',
      messages: [{ role: 'user', content: 'What is the answer?' }],
    });
    expect(whole.choices[0]?.message.content).toBe('The answer is 42');
    expect(whole.model).toBe('claude');

    const stream = await openai.chat.completions.create({
      model: 'claude',
      messages: [{ role: 'user', content: 'What is the answer?' }],
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text).toBe('The answer is 42');

    const stranger = new OpenAI({ baseURL: `http://127.0.0.1:${engine.port}/v1`, apiKey: 'wrong', maxRetries: 0 });
    await expect(stranger.models.list()).rejects.toMatchObject({ status: 401 });
  });
});
