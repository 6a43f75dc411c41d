import { describe, expect, it } from 'vitest';
import type { Transport } from './client.js';
import { ErrorCode, PaError } from './errors.js';
import type { Disposable } from './lifecycle.js';
import {
  type ConnectAttempt,
  ReconnectingClient,
  type ReconnectingClientOptions,
  type ReconnectTimers,
} from './reconnecting-client.js';

/** The engine's end of one connection, speaking the wire format: the test reads requests and answers them. */
class FakeEngine implements Transport {
  readonly sent: Array<{ id: number; method?: string; params?: unknown; credit?: number; cancel?: boolean }> = [];
  closed = false;
  private readonly messageListeners = new Set<(data: string) => void>();
  private readonly closeListeners = new Set<(reason: string) => void>();

  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }
  onMessage(listener: (data: string) => void): Disposable {
    this.messageListeners.add(listener);
    return { dispose: () => this.messageListeners.delete(listener) };
  }
  onClose(listener: (reason: string) => void): Disposable {
    this.closeListeners.add(listener);
    return { dispose: () => this.closeListeners.delete(listener) };
  }
  close(): void {
    this.closed = true;
  }
  /** The engine side goes away. */
  drop(reason: string): void {
    this.closed = true;
    for (const listener of [...this.closeListeners]) listener(reason);
  }
  deliver(message: unknown): void {
    for (const listener of [...this.messageListeners]) listener(JSON.stringify(message));
  }
  answerLast(result: unknown): void {
    const request = this.sent.at(-1);
    this.deliver({ id: request?.id, result });
  }
}

/** Timers the test fires by hand. */
class ManualTimers implements ReconnectTimers {
  readonly due = new Map<number, { callback: () => void; ms: number }>();
  private next = 1;
  setTimeout(callback: () => void, ms: number): unknown {
    const handle = this.next++;
    this.due.set(handle, { callback, ms });
    return handle;
  }
  clearTimeout(handle: unknown): void {
    this.due.delete(handle as number);
  }
  /** Fires every pending timer; returns their delays. */
  fire(): number[] {
    const due = [...this.due.values()];
    this.due.clear();
    for (const timer of due) timer.callback();
    return due.map((timer) => timer.ms);
  }
}

function setUp(options: Partial<ReconnectingClientOptions> = {}) {
  const attempts: ConnectAttempt[] = [];
  const timers = new ManualTimers();
  const client = new ReconnectingClient({
    connect: (attempt) => attempts.push(attempt),
    retryDelay: (attempt) => 100 * (attempt + 1),
    timers,
    ...options,
  });
  const connect = () => {
    const engine = new FakeEngine();
    attempts.at(-1)?.open(engine);
    return engine;
  };
  return { client, attempts, timers, connect };
}

/** Lets promise callbacks run (this package has no timer types, and nothing here waits on a timer). */
async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

async function caught(promise: Promise<unknown>): Promise<PaError> {
  const error = await promise.then(
    () => null,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(PaError);
  return error as PaError;
}

describe('ReconnectingClient: calls made while connecting', () => {
  it('wait for the connection and go out once it is up', async () => {
    const { client, connect } = setUp();
    const pong = client.call('engine.ping');
    await flush();
    const engine = connect();
    await flush();
    expect(engine.sent).toMatchObject([{ method: 'engine.ping' }]);
    engine.answerLast({ pong: true, time: 1 });
    await expect(pong).resolves.toEqual({ pong: true, time: 1 });
    expect(client.state).toBe('connected');
  });

  it('reject with E_UNAVAILABLE when the token is refused, and no retry follows', async () => {
    const { client, attempts, timers } = setUp({
      retryDelay: (_attempt, error) => (error instanceof PaError && error.code === ErrorCode.UNAUTHORIZED ? null : 100),
    });
    const pending = client.call('engine.ping');
    attempts[0]?.fail(new PaError(ErrorCode.UNAUTHORIZED, 'The engine refused the token.'));
    const error = await caught(pending);
    expect(error.code).toBe(ErrorCode.UNAVAILABLE);
    expect(error.message).toMatch(/refused the token/);
    expect(timers.due.size).toBe(0);
    expect(client.state).toBe('disconnected');
    expect((await caught(client.call('engine.ping'))).code).toBe(ErrorCode.UNAVAILABLE); // fails at once
  });

  it('reject with E_UNAVAILABLE when opening throws', async () => {
    let opens = 0;
    const client = new ReconnectingClient({
      connect: () => {
        opens += 1;
        if (opens > 1) throw new PaError(ErrorCode.UNAUTHORIZED, 'This page has no access token.');
      },
      retryDelay: () => null,
      timers: new ManualTimers(),
    });
    const queued = client.call('engine.ping');
    client.reconnectNow(); // e.g. the URL's token was removed: the next open throws
    const error = await caught(queued);
    expect(error.code).toBe(ErrorCode.UNAVAILABLE);
    expect(error.message).toMatch(/no access token/);
    expect(opens).toBe(2);
    expect(client.state).toBe('disconnected');
    expect((await caught(client.call('engine.ping'))).message).toMatch(/no access token/);
  });

  it('reject with E_UNAVAILABLE when it gives up; reconnectNow() tries again and later calls go through', async () => {
    const { client, attempts, timers, connect } = setUp({ retryDelay: (attempt) => (attempt < 1 ? 100 : null) });
    const first = client.call('engine.ping');
    attempts[0]?.fail(new PaError(ErrorCode.UNAVAILABLE, 'code 1006'));
    expect((await caught(first)).code).toBe(ErrorCode.UNAVAILABLE);
    expect(timers.fire()).toEqual([100]);
    attempts[1]?.fail(new PaError(ErrorCode.UNAVAILABLE, 'code 1006'));
    expect(timers.due.size).toBe(0); // gave up
    expect(client.state).toBe('disconnected');

    client.reconnectNow();
    expect(attempts).toHaveLength(3);
    const pong = client.call('engine.ping');
    const engine = connect();
    await flush();
    engine.answerLast({ pong: true, time: 3 });
    await expect(pong).resolves.toEqual({ pong: true, time: 3 });
  });

  it('reject with E_UNAVAILABLE on dispose; the attempt is cancelled and a late connection is closed', async () => {
    const { client, attempts } = setUp();
    let cancelled = 0;
    attempts[0]?.onDidCancel(() => {
      cancelled += 1;
    });
    const pending = client.call('engine.ping');
    client.dispose();
    expect((await caught(pending)).code).toBe(ErrorCode.UNAVAILABLE);
    expect(cancelled).toBe(1);
    expect(attempts[0]?.cancelled).toBe(true);
    const late = new FakeEngine();
    attempts[0]?.open(late);
    expect(late.closed).toBe(true);
    expect(client.state).toBe('disconnected');
  });
});

describe('ReconnectingClient: reconnecting', () => {
  it('carries event subscriptions over to the next connection and says why the last one closed', async () => {
    const { client, timers, connect } = setUp();
    const first = connect();
    const seen: unknown[] = [];
    const subscription = client.on('workspace.changed', (data) => seen.push(data));
    const reasons: string[] = [];
    client.onClose((reason) => reasons.push(reason));
    let connects = 0;
    client.onDidConnect(() => {
      connects += 1;
    });

    first.drop('the engine stopped');
    expect(reasons).toEqual(['the engine stopped']);
    expect(client.state).toBe('reconnecting');
    expect(timers.fire()).toEqual([100]);
    const second = connect();
    expect(client.state).toBe('connected');
    expect(connects).toBe(1);
    second.deliver({ event: 'workspace.changed', data: { workspace: null } });
    expect(seen).toEqual([{ workspace: null }]);

    subscription.dispose();
    second.deliver({ event: 'workspace.changed', data: { workspace: null } });
    expect(seen).toHaveLength(1);
  });

  it('fails calls at once while reconnecting, and in-flight calls of the lost connection too', async () => {
    const { client, timers, connect } = setUp();
    const engine = connect();
    const inFlight = client.call('workspace.current');
    await flush();
    engine.drop('the engine stopped');
    expect((await caught(inFlight)).code).toBe(ErrorCode.UNAVAILABLE);
    const meanwhile = await caught(client.call('engine.ping'));
    expect(meanwhile.code).toBe(ErrorCode.UNAVAILABLE);
    expect(meanwhile.message).toMatch(/reconnecting/);
    timers.fire();
    const next = connect();
    const pong = client.call('engine.ping');
    await flush();
    next.answerLast({ pong: true, time: 2 });
    await expect(pong).resolves.toEqual({ pong: true, time: 2 });
  });

  it('backs off by the policy, counting failures since the last connection', () => {
    const delays: number[] = [];
    const { attempts, timers, connect } = setUp({
      retryDelay: (attempt) => {
        delays.push(attempt);
        return 10;
      },
    });
    attempts[0]?.fail(new Error('refused'));
    timers.fire();
    attempts[1]?.fail(new Error('refused'));
    timers.fire();
    connect().drop('gone');
    expect(delays).toEqual([0, 1, 0]);
  });

  it('reconnectNow() drops the live connection without retrying it and connects at once', () => {
    const { client, attempts, timers, connect } = setUp();
    const first = connect();
    client.reconnectNow();
    expect(first.closed).toBe(true);
    expect(attempts).toHaveLength(2);
    expect(timers.due.size).toBe(0);
    connect();
    expect(client.state).toBe('connected');
  });
});

describe('ReconnectingClient: streams', () => {
  const chat = { messages: [{ role: 'user' as const, content: 'hi' }], task: 'chat' as const, tools: false };
  const answer = {
    text: 'hello',
    route: { providerId: 'p', model: 'm', reasons: [], fallbacks: [] },
    ttftMs: 1,
    totalMs: 2,
    tokensIn: 1,
    tokensOut: 2,
  };

  it('passes through to the live connection, items pulled as read', async () => {
    const { client, connect } = setUp();
    const engine = connect();
    const stream = client.stream('ai.chat', chat);
    const request = engine.sent.at(-1);
    expect(request).toMatchObject({ method: 'ai.chat' });
    engine.deliver({ id: request?.id, items: [{ text: 'hel' }, { text: 'lo' }] });
    engine.deliver({ id: request?.id, result: answer });
    const texts: string[] = [];
    for await (const token of stream) texts.push(token.text);
    expect(texts).toEqual(['hel', 'lo']);
    await expect(stream.result).resolves.toMatchObject({ text: 'hello' });
  });

  it('fails a stream started before a reconnect with E_UNAVAILABLE', async () => {
    const { client, timers, connect } = setUp();
    const engine = connect();
    const stream = client.stream('ai.chat', chat);
    engine.drop('the engine stopped');
    timers.fire();
    connect();
    const error = await caught(
      (async () => {
        for await (const _ of stream) expect.unreachable('no items came');
      })(),
    );
    expect(error.code).toBe(ErrorCode.UNAVAILABLE);
    expect((await caught(stream.result)).code).toBe(ErrorCode.UNAVAILABLE);
  });

  it('starts a stream asked for while connecting once connected; cancelled before that, it never starts', async () => {
    const { client, connect } = setUp();
    const waiting = client.stream('ai.chat', chat);
    const abandoned = client.stream('ai.chat', chat);
    abandoned.cancel();
    const engine = connect();
    await flush();
    expect(engine.sent.filter((frame) => frame.method === 'ai.chat')).toHaveLength(1);
    const request = engine.sent[0];
    engine.deliver({ id: request?.id, items: [{ text: 'hi' }] });
    engine.deliver({ id: request?.id, result: answer });
    const texts: string[] = [];
    for await (const token of waiting) texts.push(token.text);
    expect(texts).toEqual(['hi']);
    expect((await caught(abandoned.result)).code).toBe(ErrorCode.CANCELLED);
  });

  it('fails a stream asked for while reconnecting at once', async () => {
    const { client, connect } = setUp();
    connect().drop('the engine stopped');
    const stream = client.stream('ai.chat', chat);
    expect((await caught(stream.result)).code).toBe(ErrorCode.UNAVAILABLE);
  });
});
