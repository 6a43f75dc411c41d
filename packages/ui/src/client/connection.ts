// Connects the window to the engine: Electron's preload bridge (`window.pa`) when present, otherwise a WebSocket
// to the engine that served this page, reconnected with backoff. Either way the UI sees one EngineClient. The token
// is read from the URL at each attempt, so pasting a URL with a new token (only its hash changes) reconnects.
import {
  type Disposable,
  type EngineClient,
  ErrorCode,
  type EventData,
  type EventName,
  fromWireError,
  type PaBridge,
  PaError,
  RpcClient,
  WireErrorSchema,
  webSocketTransport,
} from '@pa/shared';
import { Observable } from '../workbench/observable';
import type { ConnectionState } from './engine';
import { reconnectDelay, rpcUrl, tokenFromHash } from './location';

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
  const client = new ReconnectingClient(() => {
    if (!token)
      throw new PaError(ErrorCode.UNAUTHORIZED, 'This page has no access token: open the URL `pa serve` printed.');
    return new WebSocket(rpcUrl(win.location, token));
  });
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
    state: client.state,
    dispose: () => {
      win.removeEventListener('hashchange', onHashChange);
      client.dispose();
    },
  };
}

/**
 * contextBridge drops an Error's class, so a failed call arrives as a plain {code, message, data}; make it a
 * PaError again so `instanceof PaError` and `error.code` work the same as in browser mode.
 */
function bridgeClient(bridge: PaBridge): EngineClient {
  return {
    call: (async (method: Parameters<EngineClient['call']>[0], ...args: unknown[]) => {
      try {
        return await (bridge.call as (method: string, ...rest: unknown[]) => Promise<unknown>)(method, ...args);
      } catch (error) {
        throw asPaError(error);
      }
    }) as EngineClient['call'],
    on: (event, listener) => bridge.on(event, listener),
    onStream: (streamId, listener) => bridge.onStream(streamId, listener),
    onClose: (listener) => bridge.onClose(listener),
  };
}

function asPaError(error: unknown): unknown {
  if (error instanceof PaError) return error;
  const wire = WireErrorSchema.safeParse(error);
  return wire.success ? fromWireError(wire.data) : error;
}

type AnyListener = (data: unknown) => void;

/**
 * An EngineClient that survives the engine restarting: each socket gets a fresh RpcClient and event subscriptions
 * carry over. Calls made before the first connection wait for it; once the engine has been lost they fail at once
 * with E_UNAVAILABLE (a Save must say it did not happen, not hang) until it is back.
 */
export class ReconnectingClient implements EngineClient {
  readonly state = new Observable<ConnectionState>('connecting');
  private rpc: RpcClient | null = null;
  private readonly listeners = new Map<string, Set<AnyListener>>();
  private readonly closeListeners = new Set<(reason: string) => void>();
  private readonly waiting: Array<(rpc: RpcClient) => void> = [];
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private disposed = false;
  private everConnected = false;
  private socket: WebSocket | null = null;

  constructor(private readonly open: () => WebSocket) {
    this.connect();
  }

  call: EngineClient['call'] = async (method, ...args) => {
    if (!this.rpc && this.everConnected) {
      throw new PaError(
        ErrorCode.UNAVAILABLE,
        'The engine is not connected (reconnecting…). Nothing was changed; try again once the status bar says "Engine connected".',
      );
    }
    const rpc = this.rpc ?? (await new Promise<RpcClient>((resolve) => this.waiting.push(resolve)));
    return rpc.call(method, ...args);
  };

  on<E extends EventName>(event: E, listener: (data: EventData<E>) => void): Disposable {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
      // subscribe the live client to a newly wanted event; later clients subscribe in attach()
      this.rpc?.on(event, (data) => this.dispatch(event, data));
    }
    set.add(listener as AnyListener);
    return { dispose: () => set.delete(listener as AnyListener) };
  }

  onStream: EngineClient['onStream'] = (streamId, listener) => {
    // streams belong to one connection: a stream started before a reconnect has ended with it
    if (!this.rpc) return { dispose() {} };
    return this.rpc.onStream(streamId, listener);
  };

  onClose(listener: (reason: string) => void): Disposable {
    this.closeListeners.add(listener);
    return { dispose: () => this.closeListeners.delete(listener) };
  }

  /** Drops the socket (if any) and connects again at once, e.g. with the new token of a pasted URL. */
  reconnectNow(): void {
    if (this.disposed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.attempt = 0;
    const old = this.socket;
    this.socket = null; // its close event must not schedule another attempt
    this.rpc?.close();
    old?.close();
    this.connect();
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.rpc?.close();
  }

  private dispatch(event: string, data: unknown): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) listener(data);
  }

  private connect(): void {
    if (this.disposed) return;
    this.state.set(this.everConnected ? 'reconnecting' : 'connecting');
    let socket: WebSocket;
    try {
      socket = this.open();
    } catch (error) {
      this.state.set('disconnected');
      console.error(error);
      return; // no token: retrying cannot help (a pasted URL with one reconnects)
    }
    this.socket = socket;
    socket.addEventListener('open', () => {
      if (this.socket === socket) this.attach(socket);
    });
    socket.addEventListener('close', (event) => {
      if (this.socket !== socket) return; // replaced by reconnectNow()
      this.socket = null;
      const wasOpen = this.rpc !== null;
      this.rpc = null;
      if (wasOpen) for (const listener of [...this.closeListeners]) listener(event.reason || `code ${event.code}`);
      if (this.disposed || event.code === 4401) {
        this.state.set('disconnected'); // a refused token will be refused again, until a new URL brings another
        return;
      }
      this.state.set(this.everConnected ? 'reconnecting' : 'disconnected');
      this.timer = setTimeout(() => this.connect(), reconnectDelay(this.attempt++));
    });
  }

  private attach(socket: WebSocket): void {
    const rpc = new RpcClient(webSocketTransport(socket));
    for (const event of this.listeners.keys()) rpc.on(event as EventName, (data) => this.dispatch(event, data));
    this.rpc = rpc;
    this.attempt = 0;
    this.everConnected = true;
    this.state.set('connected');
    for (const resolve of this.waiting.splice(0)) resolve(rpc);
  }
}
