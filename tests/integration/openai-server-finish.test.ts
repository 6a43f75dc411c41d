// /v1/chat/completions says why the answer ended: `length` when max tokens cut it — as each wire format reports it
// (OpenAI `finish_reason: length`, Anthropic `stop_reason: max_tokens`, Gemini `finishReason: MAX_TOKENS`, the local
// model's node-llama-cpp `maxTokens`) — and `stop` otherwise, in the JSON and the streamed forms, through the
// official `openai` client; `usage` is the provider's count of the whole prompt.
import type { RpcClient } from '@pa/shared';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StartedEngine, startEngine } from '../support/engine.js';
import {
  type LoopbackProvider,
  type LoopbackStep,
  startLoopbackAnthropic,
  startLoopbackGemini,
  startLoopbackOpenAI,
} from '../support/loopback-providers.js';
import { tinyProvider } from '../support/tiny-provider.js';

/** Cut by max tokens when the request asks for 3 or fewer, else a whole answer; the prompt counted as 321 tokens. */
const script = (request: { body: Record<string, unknown> }): LoopbackStep => {
  const body = request.body as {
    max_tokens?: number;
    max_completion_tokens?: number;
    generationConfig?: { maxOutputTokens?: number };
  };
  const limit = body.max_tokens ?? body.max_completion_tokens ?? body.generationConfig?.maxOutputTokens ?? 1_000;
  return limit <= 3
    ? { kind: 'ok', text: 'This is cut', finish: 'length', promptTokens: 321 }
    : { kind: 'ok', text: 'A whole answer.', finish: 'stop', promptTokens: 321 };
};

describe('finish_reason and usage on /v1/chat/completions', () => {
  let engine: StartedEngine;
  let client: RpcClient;
  let servers: LoopbackProvider[] = [];
  let openai: OpenAI;

  beforeAll(async () => {
    const [oai, claude, gem] = await Promise.all([
      startLoopbackOpenAI(script),
      startLoopbackAnthropic(script),
      startLoopbackGemini(script),
    ]);
    servers = [oai, claude, gem];
    engine = await startEngine();
    client = await engine.connect();
    const remote = { modelClass: 'own_key' as const, apiKey: 'k' };
    await client.call('ai.providers.add', {
      id: 'oai',
      kind: 'openai-compatible',
      model: 'm',
      baseURL: oai.baseURL,
      ...remote,
    });
    await client.call('ai.providers.add', {
      id: 'claude',
      kind: 'anthropic',
      model: 'claude-x',
      baseURL: claude.baseURL,
      ...remote,
    });
    await client.call('ai.providers.add', { id: 'gem', kind: 'gemini', model: 'g', baseURL: gem.baseURL, ...remote });
    await client.call('ai.providers.add', tinyProvider({ tasks: ['chat'] }));
    const { token, path } = await client.call('ai.server.info');
    openai = new OpenAI({ baseURL: `http://127.0.0.1:${engine.port}${path}`, apiKey: token, maxRetries: 0 });
  }, 60_000);

  afterAll(async () => {
    await engine?.stop();
    await Promise.all(servers.map((server) => server.close()));
  });

  for (const model of ['oai', 'claude', 'gem']) {
    it(`says length when max tokens cut ${model}'s answer, stop when it did not (JSON)`, async () => {
      const cut = await openai.chat.completions.create({
        model,
        messages: [{ role: 'user', content: 'Tell me everything.' }],
        max_tokens: 3,
      });
      expect(cut.choices[0]?.finish_reason).toBe('length');
      expect(cut.choices[0]?.message.content).toBe('This is cut');
      expect(cut.usage?.prompt_tokens).toBe(321);
      const whole = await openai.chat.completions.create({
        model,
        messages: [{ role: 'user', content: 'Say one thing.' }],
        max_tokens: 100,
      });
      expect(whole.choices[0]?.finish_reason).toBe('stop');
      expect(whole.usage?.prompt_tokens).toBe(321);
    });

    it(`says length for ${model} in the streamed form`, async () => {
      const stream = await openai.chat.completions.create({
        model,
        messages: [{ role: 'user', content: 'Tell me everything.' }],
        max_completion_tokens: 2,
        stream: true,
      });
      let text = '';
      let finish: string | null = null;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta?.content ?? '';
        finish = chunk.choices[0]?.finish_reason ?? finish;
      }
      expect(text).toBe('This is cut');
      expect(finish).toBe('length');
    });
  }

  it('says length when max tokens cut the local model, and counts its whole prompt (template included)', async () => {
    const question = 'Write a long story about a lighthouse keeper.';
    const cut = await openai.chat.completions.create({
      model: 'tiny',
      messages: [
        { role: 'system', content: 'You are a writer.' },
        { role: 'user', content: question },
      ],
      max_tokens: 2,
      temperature: 0,
    });
    expect(cut.choices[0]?.finish_reason).toBe('length');
    // the tiny vocabulary is a token a character: the prompt is at least the two messages' characters
    expect(cut.usage?.prompt_tokens).toBeGreaterThan(question.length + 'You are a writer.'.length);
    expect(cut.usage?.completion_tokens).toBeGreaterThanOrEqual(1);
    expect(cut.usage?.completion_tokens).toBeLessThanOrEqual(3);
    const stream = await openai.chat.completions.create({
      model: 'tiny',
      messages: [{ role: 'user', content: question }],
      max_tokens: 2,
      temperature: 0,
      stream: true,
    });
    let finish: string | null = null;
    for await (const chunk of stream) finish = chunk.choices[0]?.finish_reason ?? finish;
    expect(finish).toBe('length');
  }, 120_000);
});
