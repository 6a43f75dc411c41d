// Gemini through the real, built engine: `@google/genai` against a loopback server speaking the Gemini API's
// wire format (streamGenerateContent SSE), with fallback before the first token, no retry on 401 (the circuit
// opens at once), and a mid-stream stall that ends with E_PROVIDER keeping what arrived.
import type { RpcClient } from '@pa/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectAiStream } from '../support/ai-stream.js';
import { type StartedEngine, startEngine } from '../support/engine.js';
import { type LoopbackProvider, startLoopbackGemini, startLoopbackOpenAI } from '../support/loopback-providers.js';

describe('the Gemini provider in the engine', () => {
  let engine: StartedEngine;
  let client: RpcClient;
  let gemini: LoopbackProvider;
  let backup: LoopbackProvider;

  beforeAll(async () => {
    gemini = await startLoopbackGemini({ kind: 'ok', text: 'Gemini says hello', gapMs: 2 });
    backup = await startLoopbackOpenAI({ kind: 'ok', text: 'backup answer' });
    engine = await startEngine();
    client = await engine.connect();
    await client.call('ai.providers.add', {
      id: 'gemini',
      kind: 'gemini',
      modelClass: 'own_key',
      model: 'gemini-loop',
      baseURL: gemini.baseURL,
      priority: 10,
      idleTimeoutMs: 300,
      apiKey: 'gm-secret-key-42',
    });
    await client.call('ai.providers.add', {
      id: 'backup',
      kind: 'openai-compatible',
      modelClass: 'own_key',
      model: 'backup-model',
      baseURL: backup.baseURL,
    });
  });

  afterAll(async () => {
    await engine?.stop();
    await gemini?.close();
    await backup?.close();
  });

  it('streams a Gemini answer token by token, sending the key and the turns in Gemini form', async () => {
    const end = await collectAiStream(
      client.stream('ai.chat', {
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Say hello' },
        ],
        provider: 'gemini',
      }),
    );
    expect(end.kind).toBe('done');
    if (end.kind !== 'done') return;
    expect(end.tokens).toEqual(['Gemini', ' says', ' hello']);
    expect(end.answer.text).toBe('Gemini says hello');
    expect(end.answer.route).toMatchObject({ providerId: 'gemini', model: 'gemini-loop', fallbacks: [] });
    expect(end.answer.tokensOut).toBe(3);
    const request = gemini.requests.at(-1);
    expect(request?.path).toBe('/v1beta/models/gemini-loop:streamGenerateContent');
    expect(request?.headers['x-goog-api-key']).toBe('gm-secret-key-42');
    expect(request?.body).toMatchObject({
      contents: [{ role: 'user', parts: [{ text: 'Say hello' }] }],
      systemInstruction: { parts: [{ text: 'Be brief.' }] },
    });
  });

  it('falls back to the next provider when Gemini fails before its first token', async () => {
    gemini.setScript({ kind: 'status', status: 500 });
    const before = gemini.requests.length;
    const end = await collectAiStream(client.stream('ai.chat', { messages: [{ role: 'user', content: 'anyone?' }] }));
    expect(end.kind).toBe('done');
    if (end.kind !== 'done') return;
    expect(end.tokens.join('')).toBe('backup answer');
    expect(end.answer.route.providerId).toBe('backup');
    expect(end.answer.route.fallbacks).toEqual([{ providerId: 'gemini', reason: 'failed (HTTP 500)' }]);
    // One call, no SDK retry behind the router's back.
    expect(gemini.requests.length).toBe(before + 1);
  });

  it('ends with E_PROVIDER and keeps the partial text when Gemini stalls mid-answer', async () => {
    gemini.setScript({ kind: 'stall', tokens: ['half', ' of', ' it'], afterTokens: 2 });
    const end = await collectAiStream(
      client.stream('ai.chat', {
        messages: [{ role: 'user', content: 'go on' }],
        provider: 'gemini',
      }),
    );
    expect(end.kind).toBe('error');
    expect(end).toMatchObject({ code: 'E_PROVIDER', partial: 'half of' });
    expect(end.tokens.join('')).toBe('half of');
    expect(backup.requests.length).toBe(1);
  });

  it('does not retry a 401 and opens Gemini’s circuit at once, so the next request skips it', async () => {
    gemini.setScript({ kind: 'status', status: 401, message: 'API key not valid.' });
    const before = gemini.requests.length;
    const firstEnd = await collectAiStream(client.stream('ai.chat', { messages: [{ role: 'user', content: 'one' }] }));
    expect(firstEnd.kind === 'done' && firstEnd.answer.route.fallbacks).toEqual([
      { providerId: 'gemini', reason: 'rejected the credentials (HTTP 401)' },
    ]);
    const { providers } = await client.call('ai.providers.list');
    expect(providers.find((provider) => provider.id === 'gemini')?.circuit).toBe('open');

    const secondEnd = await collectAiStream(client.stream('ai.chat', { messages: [{ role: 'user', content: 'two' }] }));
    // An open circuit leaves Gemini out of the candidates: no attempt, so no fallback either.
    expect(secondEnd.kind === 'done' && secondEnd.answer.route).toMatchObject({
      providerId: 'backup',
      fallbacks: [],
    });
    expect(gemini.requests.length).toBe(before + 1);
  });
});
