// The local provider with the tiny GGUF through a real node-llama-cpp LlamaChat: with a template whose call syntax
// is the model's own, a call node-llama-cpp parsed (its arguments generated under the schema's grammar) is handed
// back as a tool call, never run by the provider; the round that must answer in text is offered no function; with
// the tiny model's own generic template, no native tools, `length` when max tokens cut the answer, and usage that
// counts the whole prompt.
import type { ProviderConfig } from '@pa/shared';
import {
  type ChatWrapperGenerateContextStateOptions,
  type ChatWrapperGeneratedContextState,
  QwenChatWrapper,
} from 'node-llama-cpp';
import { afterAll, describe, expect, it } from 'vitest';
import { createLocalProvider } from '../../apps/engine/src/ai/providers/local.js';
import type { ProviderChunk, ToolSpec } from '../../apps/engine/src/ai/providers/provider.js';
import { ensureTinyGguf } from '../../scripts/make-tiny-gguf.js';

describe('the tiny GGUF through a real LlamaChat', () => {
  const config = (id: string): ProviderConfig =>
    ({
      id,
      kind: 'local',
      modelClass: 'local',
      model: 'tiny',
      modelPath: ensureTinyGguf(),
      maxConcurrency: 1,
      enabled: true,
      tasks: ['chat'],
      priority: 0,
    }) as unknown as ProviderConfig;

  /**
   * Qwen's template with the model put in function-calling mode from its first token (as Functionary's template
   * does): what the random tiny model writes is then a call, its name and arguments under node-llama-cpp's grammar.
   */
  class CallingQwen extends QwenChatWrapper {
    override generateContextState(options: ChatWrapperGenerateContextStateOptions) {
      const state = super.generateContextState(options);
      const offered = Object.keys(options.availableFunctions ?? {}).length > 0;
      return offered
        ? ({
            ...state,
            functionCall: { initiallyEngaged: true, disengageInitiallyEngaged: [] },
          } as ChatWrapperGeneratedContextState)
        : state;
    }
  }
  const native = createLocalProvider(config('tiny-native'), { chatWrapper: new CallingQwen() });
  const plain = createLocalProvider(config('tiny-plain'));
  afterAll(async () => {
    await native.dispose?.();
    await plain.dispose?.();
  });

  const collect = async (iterable: AsyncIterable<ProviderChunk>) => {
    const chunks: ProviderChunk[] = [];
    for await (const chunk of iterable) chunks.push(chunk);
    return chunks;
  };
  const PICK: ToolSpec = {
    name: 'pick_colour',
    description: 'Pick a colour',
    parameters: { type: 'object', properties: { colour: { enum: ['red', 'green'] } }, required: ['colour'] },
  };

  it('hands back the call node-llama-cpp parsed (arguments valid under the schema), not running anything', async () => {
    expect(await native.nativeTools?.(new AbortController().signal)).toBe(true);
    const chunks = await collect(
      native.stream(
        {
          messages: [{ role: 'user', content: 'Pick a colour.' }],
          tools: [PICK],
          toolChoice: 'auto',
          maxTokens: 40,
          temperature: 0,
        },
        new AbortController().signal,
      ),
    );
    const calls = chunks.flatMap((chunk) => ('toolCall' in chunk ? [chunk.toolCall] : []));
    expect(calls.length).toBeGreaterThan(0);
    expect(calls[0]?.name).toBe('pick_colour');
    expect(['red', 'green']).toContain((JSON.parse(calls[0]?.arguments ?? '{}') as { colour?: string }).colour);
    expect(new Set(calls.map((call) => call.id)).size).toBe(calls.length);
    expect(chunks.at(-1)).toEqual({ finish: 'stop' });
  }, 180_000);

  it('on the round that must answer in text, offers no function (the calls so far stay in the history)', async () => {
    const chunks = await collect(
      native.stream(
        {
          messages: [{ role: 'user', content: 'Pick a colour.' }],
          tools: [PICK],
          toolChoice: 'none',
          toolRounds: [
            {
              text: '',
              calls: [{ id: 'c1', name: 'pick_colour', arguments: '{"colour":"red"}', result: 'ok', isError: false }],
            },
          ],
          maxTokens: 3,
          temperature: 0,
        },
        new AbortController().signal,
      ),
    );
    expect(chunks.some((chunk) => 'toolCall' in chunk)).toBe(false);
  }, 180_000);

  it("says `length` when max tokens cut the answer, and counts the whole prompt in usage (the tiny model's template is generic: no native tools)", async () => {
    expect(await plain.nativeTools?.(new AbortController().signal)).toBe(false);
    const question = 'Say something long about the weather in Oslo.';
    const chunks = await collect(
      plain.stream(
        {
          messages: [
            { role: 'system', content: 'You are terse.' },
            { role: 'user', content: question },
          ],
          maxTokens: 3,
          temperature: 0,
        },
        new AbortController().signal,
      ),
    );
    expect(chunks.at(-1)).toEqual({ finish: 'length' });
    const usage = chunks.find((chunk) => 'usage' in chunk);
    if (!usage || !('usage' in usage)) throw new Error('no usage');
    // the tiny vocabulary is one token a character: the prompt holds the system and user text and the template's
    expect(usage.usage.tokensIn).toBeGreaterThan(question.length + 'You are terse.'.length);
    expect(usage.usage.tokensOut).toBeGreaterThanOrEqual(1);
    expect(usage.usage.tokensOut).toBeLessThanOrEqual(4);
  }, 180_000);
});
