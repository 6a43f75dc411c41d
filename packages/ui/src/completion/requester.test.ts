import { ErrorCode, type InfillParamsInput, type InfillResult, PaError, type RpcStream } from '@pa/shared';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CompletionRequester, type SuggestQuery } from './requester';
import { MAX_SUGGESTION_CHARS } from './suggestion';

type Answer = { text: string; afterMs?: number } | { error: PaError; afterMs?: number };

/** A fake engine: each ai.infill gets the next answer after its delay, or E_CANCELLED as soon as it is cancelled. */
function fakeEngine(answers: Answer[]) {
  const sent: Array<{ params: InfillParamsInput; signal: AbortSignal | undefined }> = [];
  const client = {
    stream: (method: string, params: InfillParamsInput, options: { signal?: AbortSignal } = {}) => {
      if (method !== 'ai.infill') throw new Error(`unexpected ${method}`);
      sent.push({ params, signal: options.signal });
      const answer = answers.shift() ?? { text: '' };
      const result = new Promise<InfillResult>((resolve, reject) => {
        const timer = setTimeout(() => {
          if ('error' in answer) reject(answer.error);
          else resolve(resultOf(params.requestId, answer.text));
        }, answer.afterMs ?? 0);
        options.signal?.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(new PaError(ErrorCode.CANCELLED, 'cancelled'));
        });
      });
      result.catch(() => {});
      const stream: RpcStream<{ text: string }, InfillResult> = {
        result,
        cancel: () => {},
        [Symbol.asyncIterator]: () => ({ next: async () => ({ done: true, value: undefined }) }),
      };
      return stream;
    },
  };
  return { client: client as unknown as ConstructorParameters<typeof CompletionRequester>[0], sent };
}

function resultOf(requestId: string, text: string): InfillResult {
  return {
    requestId,
    text,
    finishReason: 'stop',
    route: { providerId: 'tiny', model: 'tiny-llama', reasons: [], fallbacks: [] },
    template: 'model-tokens',
    ttftMs: 1,
    totalMs: 2,
    promptTokens: null,
    evaluatedTokens: null,
    reusedTokens: null,
    tokensOut: 3,
  };
}

const query = (prefix: string, extra: Partial<SuggestQuery> = {}): SuggestQuery => ({
  path: 'src/a.ts',
  language: 'typescript',
  prefix,
  suffix: '\n}\n',
  multiline: true,
  context: [],
  ...extra,
});

const never = () => new AbortController().signal;

describe('CompletionRequester', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const requester = (client: ConstructorParameters<typeof CompletionRequester>[0], events = {}) =>
    new CompletionRequester(client, {
      debounce: () => ({ minMs: 100, maxMs: 400 }),
      now: () => Date.now(),
      events,
    });

  it('waits the debounce after the last keystroke (200 ms before any rhythm), then asks once', async () => {
    const { client, sent } = fakeEngine([{ text: 'return 1;' }]);
    const r = requester(client);
    r.keystroke();
    const outcome = r.suggest(query('function f() {\n  '), never());
    await vi.advanceTimersByTimeAsync(150);
    expect(sent).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(60);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.params).toMatchObject({ prefix: 'function f() {\n  ', suffix: '\n}\n', multiline: true });
    expect(await outcome).toMatchObject({ kind: 'shown', text: 'return 1;', source: 'model' });
  });

  it('follows the typing rhythm: fast keys make the delay shorter, clamped to the settings', () => {
    const r = requester(fakeEngine([]).client);
    expect(r.delay()).toBe(200);
    for (let i = 0; i < 10; i++) {
      r.keystroke();
      vi.advanceTimersByTime(40);
    }
    expect(r.delay()).toBe(100);
    for (let i = 0; i < 10; i++) {
      r.keystroke();
      vi.advanceTimersByTime(1_000);
    }
    expect(r.delay()).toBe(400);
  });

  it('serves the same place and typed-through characters from the cache, without a new request', async () => {
    const { client, sent } = fakeEngine([{ text: 'hello(name);' }]);
    const r = requester(client);
    const first = r.suggest(query('const x = '), never(), true);
    await vi.advanceTimersByTimeAsync(1);
    expect(await first).toMatchObject({ kind: 'shown', text: 'hello(name);' });
    expect(await r.suggest(query('const x = '), never())).toMatchObject({ text: 'hello(name);', source: 'cache' });
    expect(await r.suggest(query('const x = hel'), never())).toMatchObject({ text: 'lo(name);', source: 'cache' });
    expect(sent).toHaveLength(1);
    expect(r.requests).toBe(1);
  });

  it('a keystroke cancels the request in flight (its stream is aborted); so does Monaco cancelling', async () => {
    const { client, sent } = fakeEngine([
      { text: 'slow', afterMs: 1_000 },
      { text: 'slow', afterMs: 1_000 },
    ]);
    const r = requester(client);
    const first = r.suggest(query('a = '), never(), true);
    await vi.advanceTimersByTimeAsync(10);
    r.keystroke();
    expect(sent[0]?.signal?.aborted).toBe(true);
    expect(await first).toEqual({ kind: 'none', reason: 'cancelled' });
    const monaco = new AbortController();
    const second = r.suggest(query('a = b'), monaco.signal, true);
    await vi.advanceTimersByTimeAsync(10);
    monaco.abort();
    expect(await second).toEqual({ kind: 'none', reason: 'cancelled' });
    expect(sent[1]?.signal?.aborted).toBe(true);
    // cancelled while waiting for the debounce: nothing is sent at all
    const waiting = new AbortController();
    r.keystroke();
    const third = r.suggest(query('a = bc'), waiting.signal);
    await vi.advanceTimersByTimeAsync(50);
    waiting.abort();
    expect(await third).toEqual({ kind: 'none', reason: 'cancelled' });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(sent).toHaveLength(2);
  });

  it('a file the engine refuses for .aiignore is not asked about again until .aiignore changes', async () => {
    const excluded: string[] = [];
    const { client, sent } = fakeEngine([
      { error: new PaError(ErrorCode.FORBIDDEN, 'src/a.ts is excluded from AI by the workspace’s .aiignore.') },
      { text: 'ok();' },
    ]);
    const r = requester(client, { onExcluded: (path: string) => excluded.push(path) });
    const refused = r.suggest(query('x'), never(), true);
    await vi.advanceTimersByTimeAsync(1);
    expect(await refused).toEqual({ kind: 'none', reason: 'excluded' });
    expect(excluded).toEqual(['src/a.ts']);
    expect(await r.suggest(query('xy'), never(), true)).toEqual({ kind: 'none', reason: 'excluded' });
    expect(sent).toHaveLength(1);
    r.resetExclusions();
    const again = r.suggest(query('xy'), never(), true);
    await vi.advanceTimersByTimeAsync(1);
    expect(await again).toMatchObject({ kind: 'shown', text: 'ok();' });
  });

  it('says when no model serves completions, and when one does again', async () => {
    const available: boolean[] = [];
    const { client } = fakeEngine([
      { error: new PaError(ErrorCode.UNAVAILABLE, 'No provider serves completion.') },
      { text: 'z' },
    ]);
    const r = requester(client, { onModelAvailable: (value: boolean) => available.push(value) });
    const none = r.suggest(query('a'), never(), true);
    await vi.advanceTimersByTimeAsync(1);
    expect(await none).toMatchObject({ kind: 'none', reason: 'no-model' });
    const some = r.suggest(query('ab'), never(), true);
    await vi.advanceTimersByTimeAsync(1);
    await some;
    expect(available).toEqual([false, true]);
  });

  it('hostile output: escapes and control characters removed, length bounded, single-line kept single-line', async () => {
    const { client } = fakeEngine([
      { text: `\u001b[2J\u001b]0;pwned\u0007evil()\u0000;\nsecond line` },
      { text: 'y'.repeat(500_000) },
    ]);
    const r = requester(client);
    const first = r.suggest(query('call(', { multiline: false, suffix: ')' }), never(), true);
    await vi.advanceTimersByTimeAsync(1);
    expect(await first).toMatchObject({ kind: 'shown', text: 'evil();' });
    const huge = r.suggest(query('let s = "', { multiline: false, suffix: '' }), never(), true);
    await vi.advanceTimersByTimeAsync(1);
    const outcome = await huge;
    expect(outcome.kind === 'shown' && outcome.text.length).toBe(MAX_SUGGESTION_CHARS);
  });
});
