import { ErrorCode, type PaBridge, PaError } from '@pa/shared';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { connectToEngine, ReconnectingClient } from './connection';

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
  /** Answers the last request with `result`. */
  answer(result: unknown) {
    const request = JSON.parse(this.sent.at(-1) ?? '{}') as { id: number };
    this.emit('message', { data: JSON.stringify({ id: request.id, result }) });
  }
}

describe('ReconnectingClient', () => {
  let sockets: FakeSocket[];
  const latest = () => sockets.at(-1) as FakeSocket;
  const create = () =>
    new ReconnectingClient(() => {
      const socket = new FakeSocket();
      sockets.push(socket);
      return socket as unknown as WebSocket;
    });

  beforeEach(() => {
    sockets = [];
    vi.useFakeTimers();
  });
  afterEach(() => vi.useRealTimers());

  it('holds calls made while connecting and sends them once the socket opens', async () => {
    const client = create();
    expect(client.state.value).toBe('connecting');
    const pong = client.call('engine.ping');
    await Promise.resolve();
    expect(latest().sent).toEqual([]);
    latest().emit('open');
    expect(client.state.value).toBe('connected');
    await vi.waitFor(() => expect(latest().sent).toHaveLength(1));
    latest().answer({ pong: true, time: 1 });
    await expect(pong).resolves.toEqual({ pong: true, time: 1 });
  });

  it('reconnects with backoff after the socket drops and keeps event subscriptions', async () => {
    const client = create();
    latest().emit('open');
    const seen: unknown[] = [];
    client.on('workspace.changed', (data) => seen.push(data));
    const closed: string[] = [];
    client.onClose((reason) => closed.push(reason));

    latest().emit('close', { code: 1006, reason: '' });
    expect(client.state.value).toBe('reconnecting');
    expect(closed).toEqual(['code 1006']);
    expect(sockets).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(400); // first retry: 250 ms ± 20 %
    expect(sockets).toHaveLength(2);

    latest().emit('open');
    expect(client.state.value).toBe('connected');
    latest().emit('message', {
      data: JSON.stringify({ event: 'workspace.changed', data: { workspace: null } }),
    });
    expect(seen).toEqual([{ workspace: null }]);
    client.dispose();
  });

  it('fails a call made while reconnecting at once with E_UNAVAILABLE instead of holding it', async () => {
    const client = create();
    latest().emit('open');
    latest().emit('close', { code: 1006, reason: '' });
    const error = await client.call('files.write', { path: 'a.txt', content: 'x' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PaError);
    expect((error as PaError).code).toBe(ErrorCode.UNAVAILABLE);
    expect((error as PaError).message).toMatch(/not connected/);
    await vi.advanceTimersByTimeAsync(400);
    latest().emit('open');
    const pong = client.call('engine.ping');
    await vi.waitFor(() => expect(latest().sent).toHaveLength(1));
    latest().answer({ pong: true, time: 2 });
    await expect(pong).resolves.toEqual({ pong: true, time: 2 });
    client.dispose();
  });

  it('does not retry a connection the engine refused for a bad token', async () => {
    const client = create();
    latest().emit('close', { code: 4401, reason: 'invalid token' });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(sockets).toHaveLength(1);
    expect(client.state.value).toBe('disconnected');
  });
});

describe('browser mode', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('reconnects at once with the new token when a URL with another token is pasted (only the hash changes)', () => {
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
    sockets.at(-1)?.emit('open');
    // the restarted engine got a new token (pa serve --new-token): the old one is refused
    sockets.at(-1)?.emit('close', { code: 4401, reason: 'invalid token' });
    expect(connection.state.value).toBe('disconnected');
    win.location.hash = '#token=new-token';
    for (const listener of hashListeners) listener();
    expect(urls.at(-1)).toBe('ws://127.0.0.1:4000/rpc?token=new-token');
    sockets.at(-1)?.emit('open');
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
      onStream: () => ({ dispose() {} }),
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
