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
    await collect(
      client.stream('ai.chat', {
        messages: [{ role: 'user', content: 'hi' }],
        provider: 'claude',
      }),
    );
    expect(claude.requests.at(-1)?.headers['x-api-key']).toBe('sk-ant-secret-5678');
  });

  it('streams the answer from the fallback when the first provider fails, and says who answered', async () => {
    const end = await collect(
      client.stream('ai.chat', { messages: [{ role: 'user', content: 'What is the answer?' }] }),
    );
    expect(end.kind).toBe('done');
    if (end.kind !== 'done') return;
    expect(end.tokens.join('')).toBe('The answer is 42');
    expect(end.answer.text).toBe('The answer is 42');
    expect(end.answer.route.providerId).toBe('claude');
    expect(end.answer.route.fallbacks).toEqual([{ providerId: 'flaky', reason: 'failed (HTTP 500)' }]);
    expect(end.answer.ttftMs).toBeGreaterThan(0);
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
    const end = await collect(
      client.stream('ai.chat', {
        messages: [{ role: 'user', content: 'go' }],
        provider: 'staller',
      }),
    );
    expect(end.kind).toBe('error');
    expect(end).toMatchObject({ code: 'E_PROVIDER', partial: 'half an' });
    await client.call('ai.providers.remove', { id: 'staller' });
    flaky.setScript({ kind: 'status', status: 500 });
  });

  it('cancels a stream mid-answer with cancel(): the answer ends E_CANCELLED and the provider request closes', async () => {
    claude.setScript({ kind: 'ok', tokens: Array.from({ length: 200 }, (_, i) => ` t${i}`), gapMs: 20 });
    const before = claude.requests.length;
    const stream = client.stream('ai.chat', { messages: [{ role: 'user', content: 'long' }], provider: 'claude' });
    const end = await collect(stream, () => stream.cancel());
    expect(end).toMatchObject({ kind: 'error', code: 'E_CANCELLED' });
    expect(end.tokens.length).toBeLessThan(200);
    await expect.poll(() => claude.requests[before]?.closedAt).toBeTypeOf('number');
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
    // refused before any provider is asked: the stream fails at once, with no partial answer
    const before = claude.requests.length;
    const unlicensed = await collect(
      client.stream('ai.chat', { messages: [{ role: 'user', content: 'x' }], provider: 'corp' }),
    );
    expect(unlicensed).toMatchObject({ kind: 'error', code: 'E_LICENSE', tokens: [] });
    const unknown = client.stream('ai.chat', { messages: [{ role: 'user', content: 'x' }], provider: 'nobody' });
    await expect(unknown.result).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
    expect(claude.requests.length).toBe(before);
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

  // A reader that goes away mid-answer — leaves its loop, aborts its signal, or its socket closes — makes the engine
  // abort the provider's HTTP request: the slow loopback sees its request's connection close within 50 ms of the
  // reader leaving (5 s of tokens were still to come). Each way is tried five times and the median is held to it,
  // so one scheduling hiccup of a loaded machine does not decide.
  describe('a stream abandoned mid-answer', () => {
    let slow: LoopbackProvider;
    const TRIES = 5;

    beforeAll(async () => {
      slow = await startLoopbackOpenAI({
        kind: 'ok',
        tokens: Array.from({ length: 500 }, (_, i) => ` s${i}`),
        gapMs: 10,
      });
      await client.call('ai.providers.add', {
        id: 'slow',
        kind: 'openai-compatible',
        modelClass: 'own_key',
        model: 'slow-model',
        baseURL: slow.baseURL,
      });
    });

    afterAll(async () => {
      await client.call('ai.providers.remove', { id: 'slow' });
      await slow?.close();
    });

    const ask = { messages: [{ role: 'user' as const, content: 'talk slowly' }], provider: 'slow', tools: false };

    /**
     * Runs `abandon` TRIES times: it reads a stream of the slow provider and leaves it mid-answer, returning when it
     * left. Resolves to the median time from leaving to the provider's request closing.
     */
    async function medianStopMs(abandon: () => Promise<number>): Promise<number> {
      const delays: number[] = [];
      for (let i = 0; i < TRIES; i++) {
        const request = slow.requests.length;
        const leftAt = await abandon();
        await expect.poll(() => slow.requests[request]?.closedAt).toBeTypeOf('number');
        delays.push((slow.requests[request]?.closedAt as number) - leftAt);
      }
      return delays.sort((a, b) => a - b)[Math.floor(TRIES / 2)] as number;
    }

    it('stops the provider when the reader breaks out of its loop', async () => {
      const stopMs = await medianStopMs(async () => {
        const stream = client.stream('ai.chat', ask);
        let seen = 0;
        for await (const _token of stream) if (++seen === 2) break;
        const leftAt = performance.now();
        await expect(stream.result).rejects.toMatchObject({ code: 'E_CANCELLED' });
        return leftAt;
      });
      expect(stopMs).toBeLessThan(50);
    });

    it('stops the provider when the reader aborts its AbortSignal', async () => {
      const stopMs = await medianStopMs(async () => {
        const controller = new AbortController();
        let seen = 0;
        let leftAt = 0;
        for await (const _token of client.stream('ai.chat', ask, { signal: controller.signal })) {
          if (++seen === 2) {
            leftAt = performance.now();
            controller.abort();
          }
        }
        expect(seen).toBe(2);
        return leftAt;
      });
      expect(stopMs).toBeLessThan(50);
    });

    it('stops the provider when the socket of the reader closes', async () => {
      const stopMs = await medianStopMs(async () => {
        const reader = await engine.connect();
        let seen = 0;
        let leftAt = 0;
        const end = await collect(reader.stream('ai.chat', ask), () => {
          if (++seen !== 2) return;
          leftAt = performance.now();
          reader.close();
        });
        expect(end).toMatchObject({ kind: 'error', code: 'E_UNAVAILABLE' });
        return leftAt;
      });
      expect(stopMs).toBeLessThan(50);
    });
  });
});
