import { type AiAnswer, ErrorCode, PaError, RpcClient, STREAM_WINDOW } from '@pa/shared';
import { describe, expect, it } from 'vitest';
import { Channel } from './channel.js';
import type { StreamContext } from './handlers.js';
import { localTransport } from './local-transport.js';
import { Router } from './router.js';

const answer: AiAnswer = {
  text: 'abc',
  route: { providerId: 'p', model: 'm', reasons: [], fallbacks: [] },
  ttftMs: 1,
  totalMs: 2,
  tokensIn: 3,
  tokensOut: 3,
};

const ask = { messages: [{ role: 'user' as const, content: 'hi' }] };

/** A router whose ai.chat is the given producer, and a client over the in-process connection loop. */
function setup(produce: (ctx: StreamContext) => AsyncIterable<{ text: string }, AiAnswer, undefined>) {
  const router = new Router();
  router.register({ 'ai.chat': (_params, ctx) => produce(ctx), 'engine.ping': () => ({ pong: true, time: 1 }) });
  const transport = localTransport(router, { actor: 'test' });
  return { client: new RpcClient(transport), transport };
}

function aborted(signal: AbortSignal): Promise<number> {
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(performance.now()), { once: true }));
}

describe('typed streams over the connection loop', () => {
  it('delivers items in order, then the result', async () => {
    const { client } = setup(async function* () {
      for (const text of ['a', 'b', 'c']) yield { text };
      return answer;
    });
    const stream = client.stream('ai.chat', ask);
    const texts: string[] = [];
    for await (const item of stream) texts.push(item.text);
    expect(texts).toEqual(['a', 'b', 'c']);
    expect(await stream.result).toEqual(answer);
  });

  it('stops the producer when the reader breaks out of its loop', async () => {
    let stopped: Promise<number> | null = null;
    const { client } = setup(async function* (ctx) {
      stopped = aborted(ctx.signal);
      for (let i = 0; !ctx.signal.aborted; i++) {
        yield { text: String(i) };
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      return answer;
    });
    const stream = client.stream('ai.chat', ask);
    let seen = 0;
    let left = 0;
    for await (const _item of stream) {
      if (++seen === 3) {
        left = performance.now();
        break;
      }
    }
    const at = await (stopped as unknown as Promise<number>);
    expect(at - left).toBeLessThan(50);
    await expect(stream.result).rejects.toMatchObject({ code: ErrorCode.CANCELLED });
  });

  it('stops the producer when the caller aborts its signal, and when the connection closes', async () => {
    const signals: AbortSignal[] = [];
    const { client, transport } = setup(async function* (ctx) {
      signals.push(ctx.signal);
      yield { text: 'first' };
      await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
      return answer;
    });
    const controller = new AbortController();
    const first = client.stream('ai.chat', ask, { signal: controller.signal });
    for await (const _item of first) controller.abort();
    await expect(first.result).rejects.toMatchObject({ code: ErrorCode.CANCELLED });
    await expect.poll(() => signals[0]?.aborted).toBe(true);

    const second = client.stream('ai.chat', ask);
    const iterator = second[Symbol.asyncIterator]();
    await iterator.next();
    transport.close();
    await expect.poll(() => signals[1]?.aborted).toBe(true);
    await expect(second.result).rejects.toMatchObject({ code: ErrorCode.UNAVAILABLE });
  });

  it('makes a fast producer wait for a reader that does not read: at most one window is pulled', async () => {
    let produced = 0;
    const { client } = setup(async function* () {
      for (;;) {
        produced += 1;
        yield { text: 'x' };
      }
    });
    const stream = client.stream('ai.chat', ask);
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(produced).toBeLessThanOrEqual(STREAM_WINDOW + 1);
    // reading on grants more credit
    for (let i = 0; i < STREAM_WINDOW; i++) await iterator.next();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(produced).toBeGreaterThan(STREAM_WINDOW + 1);
    expect(produced).toBeLessThanOrEqual(3 * STREAM_WINDOW);
    stream.cancel();
  });

  it('ends the loop with the typed error the producer threw, after the items before it', async () => {
    const { client } = setup(async function* () {
      yield { text: 'partial' };
      throw new PaError(ErrorCode.PROVIDER, 'The provider fell over.', { partial: 'partial' });
    });
    const stream = client.stream('ai.chat', ask);
    const texts: string[] = [];
    await expect(
      (async () => {
        for await (const item of stream) texts.push(item.text);
      })(),
    ).rejects.toMatchObject({ code: ErrorCode.PROVIDER, data: { partial: 'partial' } });
    expect(texts).toEqual(['partial']);
    await expect(stream.result).rejects.toMatchObject({ code: ErrorCode.PROVIDER });
  });

  it('refuses items of the wrong shape and stops the stream', async () => {
    const { client } = setup(async function* () {
      yield { text: 5 } as unknown as { text: string };
      return answer;
    });
    const stream = client.stream('ai.chat', ask);
    await expect(
      (async () => {
        for await (const _item of stream) {
          // nothing valid arrives
        }
      })(),
    ).rejects.toMatchObject({ code: ErrorCode.INTERNAL });
  });

  it('answers calls and streams on the same connection', async () => {
    const { client } = setup(async function* () {
      yield { text: 'a' };
      return answer;
    });
    const [pong, texts] = await Promise.all([
      client.call('engine.ping'),
      (async () => {
        const seen: string[] = [];
        for await (const item of client.stream('ai.chat', ask)) seen.push(item.text);
        return seen;
      })(),
    ]);
    expect(pong.pong).toBe(true);
    expect(texts).toEqual(['a']);
  });
});

describe('Channel', () => {
  it('folds items into a full queue with merge, so a callback producer never grows it without bound', async () => {
    const channel = new Channel<{ text: string }, string>({
      highWaterMark: 4,
      merge: (queue, item) => {
        const last = queue[queue.length - 1];
        if (!last) return false;
        last.text += item.text;
        return true;
      },
    });
    for (let i = 0; i < 1000; i++) channel.push({ text: 'x' });
    channel.end('done');
    expect(channel.size).toBe(4);
    const texts: string[] = [];
    const iterator = channel[Symbol.asyncIterator]();
    for (;;) {
      const next = await iterator.next();
      if (next.done) {
        expect(next.value).toBe('done');
        break;
      }
      texts.push(next.value.text);
    }
    expect(texts.join('')).toHaveLength(1000);
  });

  it('ready() waits while the queue is full and resumes as it drains', async () => {
    const channel = new Channel<number, void>({ highWaterMark: 2 });
    channel.push(1);
    channel.push(2);
    let resumed = false;
    const waiting = channel.ready().then(() => {
      resumed = true;
    });
    await Promise.resolve();
    expect(resumed).toBe(false);
    await channel[Symbol.asyncIterator]().next();
    await waiting;
    expect(resumed).toBe(true);
  });

  it('hands a pushed item straight to a waiting reader, and rethrows a failure', async () => {
    const channel = new Channel<number, void>();
    const iterator = channel[Symbol.asyncIterator]();
    const next = iterator.next();
    channel.push(7);
    expect(await next).toEqual({ done: false, value: 7 });
    channel.fail(new PaError(ErrorCode.TIMEOUT, 'slow'));
    await expect(iterator.next()).rejects.toMatchObject({ code: ErrorCode.TIMEOUT });
  });
});
