// Connects the window to the engine: Electron's preload bridge (`window.pa`) when present, otherwise the shared
// ReconnectingClient over a WebSocket to the engine that served this page, reconnected with backoff. Either way
// the UI sees one EngineClient. The token is read from the URL at each attempt, so pasting a URL with a new token
// (only its hash changes) reconnects.
import {
  type BridgeStream,
  type EngineClient,
  ErrorCode,
  fromWireError,
  type PaBridge,
  PaError,
  pulledStream,
  ReconnectingClient,
  type ReconnectTimers,
  type RpcStream,
  type StreamOptions,
  WireErrorSchema,
} from '@pa/shared';
import { Observable } from '../workbench/observable';
import type { ConnectionState } from './engine';
import { reconnectDelay, rpcUrl, tokenFromHash } from './location';
import { openEngineSocket, tokenRefused } from './socket-source';

export interface EngineConnection {
  client: EngineClient;
  /** Electron's native services (folder picker…), null in browser mode. */
  bridge: PaBridge | null;
  state: Observable<ConnectionState>;
  dispose(): void;
}

declare global {
  interface Window {
    pa?: PaBridge;
  }
}

const timers: ReconnectTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export function connectToEngine(win: Window = window): EngineConnection {
  if (win.pa) {
    const bridge = win.pa;
    const state = new Observable<ConnectionState>('connected');
    const subscriptions = [
      bridge.onClose(() => state.set('disconnected')),
      bridge.onDidConnect(() => state.set('connected')),
    ];
    return {
      client: bridgeClient(bridge),
      bridge,
      state,
      dispose: () => {
        for (const subscription of subscriptions) subscription.dispose();
      },
    };
  }
  let token = tokenFromHash(win.location.hash);
  const client = browserClient(() => {
    if (!token) {
      throw new PaError(ErrorCode.UNAUTHORIZED, 'This page has no access token: open the URL `pa serve` printed.');
    }
    return { socket: new WebSocket(rpcUrl(win.location)), token };
  });
  const state = new Observable<ConnectionState>(client.state);
  const stateSubscription = client.onDidChangeState((next) => state.set(next));
  const onHashChange = () => {
    const next = tokenFromHash(win.location.hash);
    if (next === token) return;
    token = next;
    client.reconnectNow();
  };
  win.addEventListener('hashchange', onHashChange);
  return {
    client,
    bridge: null,
    state,
    dispose: () => {
      win.removeEventListener('hashchange', onHashChange);
      stateSubscription.dispose();
      client.dispose();
    },
  };
}

/**
 * The browser page's client: each attempt opens a socket (`open` may throw: no token) and presents the token;
 * a refused token is not retried (it would be refused again) until reconnectNow(), other failures back off.
 */
export function browserClient(open: () => { socket: WebSocket; token: string }): ReconnectingClient {
  return new ReconnectingClient({
    connect: (attempt) => {
      const { socket, token } = open();
      openEngineSocket(attempt, socket, token);
    },
    retryDelay: (attempt, error) => (tokenRefused(error) ? null : reconnectDelay(attempt)),
    timers,
  });
}

/**
 * contextBridge drops an Error's class, so a failed call arrives as a plain {code, message, data}; make it a
 * PaError again so `instanceof PaError` and `error.code` work the same as in browser mode. A stream arrives as a
 * pull object and becomes an RpcStream again.
 */
export function bridgeClient(bridge: PaBridge): EngineClient {
  return {
    call: (async (method: Parameters<EngineClient['call']>[0], ...args: unknown[]) => {
      try {
        return await (bridge.call as (method: string, ...rest: unknown[]) => Promise<unknown>)(method, ...args);
      } catch (error) {
        throw asPaError(error);
      }
    }) as EngineClient['call'],
    stream: ((method: string, params: unknown, options?: StreamOptions) =>
      fromBridgeStream(
        (bridge.stream as (method: string, params: unknown) => BridgeStream<unknown, unknown>)(method, params),
        options,
      )) as EngineClient['stream'],
    on: (event, listener) => bridge.on(event, listener),
    onClose: (listener) => bridge.onClose(listener),
  };
}

/** The page's side of a stream that crossed the bridge: pulls one step per item read; the signal cancels it. */
export function fromBridgeStream<I, R>(remote: BridgeStream<I, R>, options: StreamOptions = {}): RpcStream<I, R> {
  const signal = options.signal;
  const stream = pulledStream<I, R>(
    async () => {
      try {
        const step = await remote.next();
        if (step.done) signal?.removeEventListener('abort', onAbort);
        return step;
      } catch (error) {
        signal?.removeEventListener('abort', onAbort);
        throw asPaError(error);
      }
    },
    () => remote.cancel(),
  );
  function onAbort() {
    stream.cancel();
  }
  if (signal?.aborted) stream.cancel();
  else signal?.addEventListener('abort', onAbort, { once: true });
  return stream;
}

function asPaError(error: unknown): unknown {
  if (error instanceof PaError) return error;
  const wire = WireErrorSchema.safeParse(error);
  return wire.success ? fromWireError(wire.data) : error;
}
