// The engine's /v1/chat/completions as other agents use it (Continue, Cline, aider, the Vercel AI SDK): the caller's
// tools pass through to the provider, the model's calls come back as tool_calls (JSON and streamed) for the caller to
// run, and the caller's tool results go back to the model in the provider's own format.
import type { RpcClient } from '@pa/shared';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StartedEngine, startEngine } from '../support/engine.js';
import { type LoopbackProvider, type LoopbackRequest, startLoopbackOpenAI } from '../support/loopback-providers.js';

const toolMessages = (request: LoopbackRequest | undefined) =>
  ((request?.body.messages ?? []) as Array<{ role: string; content: string; tool_call_id?: string }>).filter(
    (message) => message.role === 'tool',
  );

const WEATHER = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'The weather in a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

describe('/v1/chat/completions with tools', () => {
  let engine: StartedEngine;
  let client: RpcClient;
  let model: LoopbackProvider;
  let openai: OpenAI;

  beforeAll(async () => {
    model = await startLoopbackOpenAI((request) => {
      const results = toolMessages(request);
      if (request.body.tools && results.length === 0) {
        return { kind: 'tool-calls', calls: [{ name: 'get_weather', arguments: { city: 'Oslo' } }] };
      }
      return { kind: 'ok', text: `It is ${results[0]?.content ?? 'unknown'} in Oslo.` };
    });
    engine = await startEngine();
    client = await engine.connect();
    await client.call('ai.providers.add', {
      id: 'tooly',
      kind: 'openai-compatible',
      modelClass: 'own_key',
      model: 'm',
      baseURL: model.baseURL,
      apiKey: 'k',
    });
    const { token, path } = await client.call('ai.server.info');
    openai = new OpenAI({ baseURL: `http://127.0.0.1:${engine.port}${path}`, apiKey: token, maxRetries: 0 });
  });

  afterAll(async () => {
    await engine?.stop();
    await model?.close();
  });

  it('passes the tools through and returns the call as tool_calls; the result goes back to the model', async () => {
    const first = await openai.chat.completions.create({
      model: 'tooly',
      messages: [{ role: 'user', content: 'Weather in Oslo?' }],
      tools: [WEATHER],
    });
    const choice = first.choices[0];
    expect(choice?.finish_reason).toBe('tool_calls');
    const call = choice?.message.tool_calls?.[0];
    expect(call?.type === 'function' && call.function).toEqual({ name: 'get_weather', arguments: '{"city":"Oslo"}' });
    // the provider was offered the caller's tool in its own format
    const offered = (model.requests.at(-1)?.body.tools ?? []) as Array<{ function: { name: string } }>;
    expect(offered.map((tool) => tool.function.name)).toEqual(['get_weather']);

    const second = await openai.chat.completions.create({
      model: 'tooly',
      messages: [
        { role: 'user', content: 'Weather in Oslo?' },
        { role: 'assistant', content: null, tool_calls: choice?.message.tool_calls ?? [] },
        { role: 'tool', tool_call_id: call?.id ?? '', content: 'sunny, 12 °C' },
      ],
      tools: [WEATHER],
    });
    expect(second.choices[0]?.message.content).toBe('It is sunny, 12 °C in Oslo.');
    expect(second.choices[0]?.finish_reason).toBe('stop');
    expect(toolMessages(model.requests.at(-1))).toEqual([
      expect.objectContaining({ role: 'tool', tool_call_id: call?.id, content: 'sunny, 12 °C' }),
    ]);
  });

  it('streams tool_calls in the chunk form the SDK assembles', async () => {
    const stream = await openai.chat.completions.create({
      model: 'tooly',
      messages: [{ role: 'user', content: 'Weather in Oslo?' }],
      tools: [WEATHER],
      stream: true,
    });
    const names: string[] = [];
    let args = '';
    let finish: string | null = null;
    for await (const chunk of stream) {
      for (const delta of chunk.choices[0]?.delta?.tool_calls ?? []) {
        if (delta.function?.name) names.push(delta.function.name);
        args += delta.function?.arguments ?? '';
      }
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(names).toEqual(['get_weather']);
    expect(JSON.parse(args)).toEqual({ city: 'Oslo' });
    expect(finish).toBe('tool_calls');
  });

  it('refuses a malformed tool with a 400, not a crash', async () => {
    await expect(
      openai.chat.completions.create({
        model: 'tooly',
        messages: [{ role: 'user', content: 'x' }],
        tools: [{ type: 'function', function: { name: 'bad name with spaces' } }],
      }),
    ).rejects.toMatchObject({ status: 400 });
  });
});
