import { ProviderConfig } from '@pa/shared';
import { describe, expect, it } from 'vitest';
import { AttemptFailed, Cancelled, runAttempt } from './deadline.js';
import type { ModelProvider, ProviderChunk } from './providers/provider.js';

const config = ProviderConfig.parse({ id: 'p', kind: 'openai-compatible', modelClass: 'own_key', model: 'm' });
const request = { messages: [{ role: 'user' as const, content: 'x' }] };
const never = new Promise<never>(() => {});

/** A provider that yields `before`, then hangs forever and never looks at its abort signal. */
function deaf(before: string[]): ModelProvider {
  return {
    config,
    async *stream(): AsyncIterable<ProviderChunk> {
      for (const text of before) yield { text };
      await never;
    },
    health: async () => {},
  };
}

describe('runAttempt', () => {
  it('stops the clock while a tool the model called runs, and keeps the tool call in the outcome', async () => {
    const use = { server: 's', tool: 't', arguments: {}, isError: false, result: 'r' };
    const slowTool: ModelProvider = {
      config,
      async *stream(): AsyncIterable<ProviderChunk> {
        yield { toolCall: { id: '1', name: 's__t', arguments: '{}' } };
        // The tool takes longer than both deadlines.
        await new Promise((resolve) => setTimeout(resolve, 150));
        yield { toolUse: use };
        yield { text: 'answer' };
      },
      health: async () => {},
    };
    const outcome = await runAttempt(
      slowTool,
      request,
      { ttftMs: 50, idleMs: 50 },
      new AbortController().signal,
      () => {},
    );
    expect(outcome.text).toBe('answer');
    expect(outcome.toolCalls).toEqual([use]);
  });

  it('fails a silent provider at its first-token deadline even when it ignores the abort signal', async () => {
    const start = performance.now();
    const error = await runAttempt(
      deaf([]),
      request,
      { ttftMs: 50, idleMs: 1_000 },
      new AbortController().signal,
      () => {},
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AttemptFailed);
    expect((error as AttemptFailed).failure.kind).toBe('ttft-timeout');
    expect((error as AttemptFailed).afterFirstToken).toBe(false);
    expect(performance.now() - start).toBeLessThan(500);
  });

  it('fails a stream that goes quiet mid-answer at the idle deadline, marked as after the first token', async () => {
    const tokens: string[] = [];
    const error = await runAttempt(
      deaf(['a', 'b']),
      request,
      { ttftMs: 1_000, idleMs: 50 },
      new AbortController().signal,
      (t) => tokens.push(t),
    ).catch((caught: unknown) => caught);
    expect((error as AttemptFailed).failure.kind).toBe('idle-timeout');
    expect((error as AttemptFailed).afterFirstToken).toBe(true);
    expect(tokens).toEqual(['a', 'b']);
  });

  it('reports a cancellation by the caller as Cancelled, not as a provider failure', async () => {
    const controller = new AbortController();
    const attempt = runAttempt(deaf(['a']), request, { ttftMs: 1_000, idleMs: 1_000 }, controller.signal, () =>
      controller.abort(),
    );
    await expect(attempt).rejects.toBeInstanceOf(Cancelled);
  });

  it('returns the text, first-token time and usage the provider reported', async () => {
    const provider: ModelProvider = {
      config,
      async *stream(): AsyncIterable<ProviderChunk> {
        yield { text: 'Hello' };
        yield { text: ' world' };
        yield { usage: { tokensIn: 7, tokensOut: 2 } };
      },
      health: async () => {},
    };
    const outcome = await runAttempt(
      provider,
      request,
      { ttftMs: 1_000, idleMs: 1_000 },
      new AbortController().signal,
      () => {},
    );
    expect(outcome).toMatchObject({ text: 'Hello world', tokensIn: 7, tokensOut: 2 });
    expect(outcome.ttftMs).toBeGreaterThanOrEqual(0);
  });
});
