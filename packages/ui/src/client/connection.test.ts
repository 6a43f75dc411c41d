import { type BridgeStream, type BridgeStreamStep, CloseCode, ErrorCode, type PaBridge, PaError } from '@pa/shared';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { browserClient, connectToEngine, fromBridgeStream } from './connection';

type Listener = (event: { data?: unknown; code?: number; reason?: string }) => void;

/** A stand-in for the browser WebSocket: records what the client sends and lets the test play the engine. */
class FakeSocket {
  static readonly OPEN = 1;
  readyState = 0;
  readonly sent: string[] = [];
  private readonly listeners = new Map<string, Set<Listener>>();

  addEventListener(type: string, listener: Listener) {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type)?.add(listener);
  }
  removeEventListener(type: string, listener: Listener) {
    this.listeners.get(type)?.delete(listener);
  }
  send(data: string) {
    this.sent.push(data);
  }
  close() {
    this.emit('close', { code: 1000, reason: 'closed' });
  }
  emit(type: string, event: { data?: unknown; code?: number; reason?: string } = {}) {
    if (type === 'open') this.readyState = 1;
    for (const listener of [...(this.listeners.get(type) ?? [])]) listener(event);
  }
  /** The engine accepts the token the page sent as its first message. */
  accept() {
    this.emit('message', { data: JSON.stringify({ event: 'auth', data: { ok: true } }) });
  }
  /** Opens and accepts the token, as the engine does for a good one. */
  connect() {
    this.emit('open');
    this.accept();
  }
  /** Answers the last request with `result`. */
  answer(result: unknown) {
    const request = JSON.parse(this.sent.at(-1) ?? '{}') as { id: number };
    this.emit('message', { data: JSON.stringify({ id: request.id, result }) });
  }
}

describe('the browser page client', () => {
  let sockets: FakeSocket[];
  const latest = () => sockets.at(-1) as FakeSocket;
  const create = () =>
    browserClient(() => {
      const socket = new FakeSocket();
      sockets.push(socket);
      return { socket: socket as unknown as WebSocket, token: 'the-token' };
    });

  beforeEach(() => {
    sockets = [];
    vi.useFakeTimers();
  });
  afterEach(() => vi.useRealTimers());

  it('presents the token as its first message and holds calls until the engine accepts it', async () => {
    const client = create();
    expect(client.state).toBe('connecting');
    const pong = client.call('engine.ping');
    latest().emit('open');
    expect(latest().sent).toEqual([JSON.stringify({ token: 'the-token' })]);
    latest().accept();
    expect(client.state).toBe('connected');
    await vi.waitFor(() => expect(latest().sent).toHaveLength(2));
    latest().answer({ pong: true, time: 1 });
    await expect(pong).resolves.toEqual({ pong: true, time: 1 });
  });

  it('reconnects with backoff after the socket drops and keeps event subscriptions', async () => {
    const client = create();
    latest().connect();
    const seen: unknown[] = [];
    client.on('workspace.changed', (data) => seen.push(data));
    const closed: string[] = [];
    client.onClose((reason) => closed.push(reason));

    latest().emit('close', { code: 1006, reason: '' });
    expect(client.state).toBe('reconnecting');
    expect(closed).toEqual(['code 1006']);
    expect(sockets).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(400); // first retry: 250 ms ± 20 %
    expect(sockets).toHaveLength(2);

    latest().connect();
    expect(client.state).toBe('connected');
    latest().emit('message', {
      data: JSON.stringify({ event: 'workspace.changed', data: { workspace: null } }),
    });
    expect(seen).toEqual([{ workspace: null }]);
    client.dispose();
  });

  it('fails a call made while reconnecting at once with E_UNAVAILABLE instead of holding it', async () => {
    const client = create();
    latest().connect();
    latest().emit('close', { code: 1006, reason: '' });
    const error = await client.call('files.write', { path: 'a.txt', content: 'x' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PaError);
    expect((error as PaError).code).toBe(ErrorCode.UNAVAILABLE);
    expect((error as PaError).message).toMatch(/not connected/);
    await vi.advanceTimersByTimeAsync(400);
    latest().connect();
    const pong = client.call('engine.ping');
    await vi.waitFor(() => expect(latest().sent).toHaveLength(2));
    latest().answer({ pong: true, time: 2 });
    await expect(pong).resolves.toEqual({ pong: true, time: 2 });
    client.dispose();
  });

  it('rejects queued calls and does not retry when the engine refuses the token', async () => {
    const client = create();
    const queued = client.call('engine.ping').catch((caught: unknown) => caught);
    latest().emit('open');
    latest().emit('close', { code: CloseCode.unauthorized, reason: 'invalid token' });
    const error = await queued;
    expect(error).toBeInstanceOf(PaError);
    expect(error).toMatchObject({ code: ErrorCode.UNAVAILABLE, message: expect.stringMatching(/refused/) });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(sockets).toHaveLength(1);
    expect(client.state).toBe('disconnected');
  });

  it('rejects queued calls on dispose and closes the socket it was opening', async () => {
    const client = create();
    const queued = client.call('engine.ping').catch((caught: unknown) => caught);
    const closes = vi.spyOn(latest(), 'close');
    client.dispose();
    expect(await queued).toMatchObject({ code: ErrorCode.UNAVAILABLE });
    expect(closes).toHaveBeenCalled();
  });
});

describe('browser mode', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  it('reconnects at once with the new token when a URL with another token is pasted (only the hash changes)', async () => {
    vi.useFakeTimers();
    const urls: string[] = [];
    const sockets: FakeSocket[] = [];
    vi.stubGlobal(
      'WebSocket',
      class extends FakeSocket {
        constructor(url: string) {
          super();
          urls.push(url);
          sockets.push(this);
        }
      },
    );
    const hashListeners: Array<() => void> = [];
    const win = {
      location: { hash: '#token=old-token', protocol: 'http:', host: '127.0.0.1:4000' },
      addEventListener: (type: string, listener: () => void) => {
        if (type === 'hashchange') hashListeners.push(listener);
      },
      removeEventListener: () => {},
    };
    const connection = connectToEngine(win as unknown as Window);
    sockets.at(-1)?.connect();
    expect(sockets.at(-1)?.sent).toEqual([JSON.stringify({ token: 'old-token' })]);
    // the engine restarts with a new token (pa serve --new-token): the next attempt's old token is refused
    sockets.at(-1)?.emit('close', { code: 1006, reason: '' });
    await vi.advanceTimersByTimeAsync(400);
    sockets.at(-1)?.emit('open');
    sockets.at(-1)?.emit('close', { code: CloseCode.unauthorized, reason: 'invalid token' });
    expect(connection.state.value).toBe('disconnected');
    win.location.hash = '#token=new-token';
    for (const listener of hashListeners) listener();
    expect(urls.at(-1)).toBe('ws://127.0.0.1:4000/rpc');
    sockets.at(-1)?.emit('open');
    expect(sockets.at(-1)?.sent).toEqual([JSON.stringify({ token: 'new-token' })]);
    sockets.at(-1)?.accept();
    expect(connection.state.value).toBe('connected');
    connection.dispose();
  });
});

describe("connecting through Electron's preload bridge", () => {
  function fakeBridge() {
    const closeListeners: Array<(reason: string) => void> = [];
    const connectListeners: Array<() => void> = [];
    const bridge = {
      platform: 'linux',
      // contextBridge hands a rejected call over as a plain object, not an Error
      call: () =>
        Promise.reject({ name: 'PaError', code: 'E_LICENSE', message: 'Upgrade to host.', data: { need: 1 } }),
      on: () => ({ dispose() {} }),
      stream: () => ({ next: () => new Promise(() => {}), cancel() {} }),
      onClose: (listener: (reason: string) => void) => {
        closeListeners.push(listener);
        return { dispose() {} };
      },
      onDidConnect: (listener: () => void) => {
        connectListeners.push(listener);
        return { dispose() {} };
      },
      pickFolder: async () => null,
      pickTextFile: async () => null,
    } as unknown as PaBridge;
    return {
      bridge,
      close: (reason: string) => {
        for (const listener of closeListeners) listener(reason);
      },
      reconnect: () => {
        for (const listener of connectListeners) listener();
      },
    };
  }

  it('turns a failed call back into a PaError with its code and data', async () => {
    const { bridge } = fakeBridge();
    const connection = connectToEngine({ pa: bridge } as unknown as Window);
    const error = await connection.client.call('engine.ping').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PaError);
    expect(error).toMatchObject({ code: ErrorCode.LICENSE, message: 'Upgrade to host.', data: { need: 1 } });
  });

  it('goes back to connected when the restarted engine is reachable again', () => {
    const { bridge, close, reconnect } = fakeBridge();
    const connection = connectToEngine({ pa: bridge } as unknown as Window);
    close('engine exited');
    expect(connection.state.value).toBe('disconnected');
    reconnect();
    expect(connection.state.value).toBe('connected');
  });
});

describe('a stream that crossed the preload bridge', () => {
  /** The preload's pull object as the page sees it: each next() is one step the test hands out. */
  function remoteStream(steps: Array<BridgeStreamStep<{ text: string }, { text: string }> | { fail: unknown }>) {
    let pulls = 0;
    let cancels = 0;
    const remote: BridgeStream<{ text: string }, { text: string }> = {
      next: async () => {
        const step = steps[pulls++];
        if (!step) return new Promise(() => {});
        if ('fail' in step) throw step.fail;
        return step;
      },
      cancel: () => {
        cancels += 1;
      },
    };
    return { remote, pulls: () => pulls, cancels: () => cancels };
  }

  it('pulls one step per item the page reads, then settles its result', async () => {
    const { remote, pulls } = remoteStream([
      { done: false, value: { text: 'a' } },
      { done: false, value: { text: 'b' } },
      { done: true, value: { text: 'ab' } },
    ]);
    const stream = fromBridgeStream(remote);
    const iterator = stream[Symbol.asyncIterator]();
    expect(pulls()).toBe(0);
    await expect(iterator.next()).resolves.toEqual({ done: false, value: { text: 'a' } });
    expect(pulls()).toBe(1);
    await expect(iterator.next()).resolves.toEqual({ done: false, value: { text: 'b' } });
    await expect(iterator.next()).resolves.toEqual({ done: true, value: undefined });
    await expect(stream.result).resolves.toEqual({ text: 'ab' });
    expect(pulls()).toBe(3);
  });

  it('breaking out of the loop cancels it on the preload side', async () => {
    const { remote, cancels } = remoteStream([
      { done: false, value: { text: 'a' } },
      { done: false, value: { text: 'b' } },
    ]);
    const stream = fromBridgeStream(remote);
    for await (const token of stream) if (token.text === 'a') break;
    expect(cancels()).toBe(1);
    await expect(stream.result).rejects.toMatchObject({ code: ErrorCode.CANCELLED });
  });

  it('an aborted signal cancels it', async () => {
    const { remote, cancels } = remoteStream([{ done: false, value: { text: 'a' } }]);
    const controller = new AbortController();
    const stream = fromBridgeStream(remote, { signal: controller.signal });
    controller.abort();
    expect(cancels()).toBe(1);
    await expect(stream.result).rejects.toMatchObject({ code: ErrorCode.CANCELLED });
  });

  it("turns the stream's plain-object error back into a PaError", async () => {
    const { remote } = remoteStream([
      { fail: { name: 'PaError', code: 'E_QUOTA', message: 'The monthly quota is used up.', data: { left: 0 } } },
    ]);
    const stream = fromBridgeStream(remote);
    const error = await (async () => {
      for await (const _ of stream) expect.unreachable('no items came');
    })().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PaError);
    expect(error).toMatchObject({ code: ErrorCode.QUOTA, message: 'The monthly quota is used up.', data: { left: 0 } });
    await expect(stream.result).rejects.toBeInstanceOf(PaError);
  });

  it('is what connectToEngine gives in Electron mode', async () => {
    const { remote } = remoteStream([{ done: true, value: { text: 'done' } }]);
    const bridge = { stream: () => remote, onClose: () => ({ dispose() {} }), onDidConnect: () => ({ dispose() {} }) };
    const { client } = connectToEngine({ pa: bridge } as unknown as Window);
    const stream = client.stream('ai.chat', { messages: [], task: 'chat', tools: false });
    for await (const _ of stream) expect.unreachable('no items came');
    await expect(stream.result).resolves.toEqual({ text: 'done' });
  });
});
