// An engine client that outlives its connections, for the browser page (a WebSocket, reconnected with backoff) and
// Electron's preload (the MessagePort main hands over at each engine start). Where connections come from is the
// caller's; this file owns what the UI relies on: calls wait while connecting and otherwise fail at once with
// E_UNAVAILABLE (never hang), event subscriptions carry over, and streams belong to the connection they started on.
import { type ParamsArgs, RpcClient, type Transport } from './client.js';
import { ErrorCode, PaError } from './errors.js';
import { deferredStream, failedStream } from './late-stream.js';
import { type Disposable, Emitter, type Event, errorMessage, toDisposable } from './lifecycle.js';
import type {
  CallMethodName,
  EventData,
  EventName,
  Item,
  ParamsIn,
  Result,
  StreamMethodName,
} from './protocol/index.js';
import type { RpcStream, StreamOptions } from './stream.js';

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'disconnected';

/**
 * One attempt to connect, handed to the source. The source answers once, from its own event: `open` with a
 * transport that can carry calls now, or `fail` with why not. A cancelled attempt (superseded, or the client
 * disposed) is answered by closing what it opened; answers after cancellation are ignored.
 */
export interface ConnectAttempt {
  open(transport: Transport): void;
  fail(error: unknown): void;
  readonly cancelled: boolean;
  readonly onDidCancel: Event<void>;
}

/** Structural timers, as this package has neither DOM nor Node types. */
export interface ReconnectTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface ReconnectingClientOptions {
  /** Starts one attempt; throwing counts as the attempt failing. */
  connect(attempt: ConnectAttempt): void;
  /**
   * How long to wait before the next attempt after `error` (an attempt that failed, or a connection that closed);
   * `attempt` counts failures since the last connection, from 0. null gives up: queued calls are rejected and the
   * client stays disconnected until reconnectNow().
   */
  retryDelay(attempt: number, error: unknown): number | null;
  timers: ReconnectTimers;
}

type AnyListener = (data: unknown) => void;
type Waiter = { resolve: (rpc: RpcClient) => void; reject: (error: PaError) => void };

export class ReconnectingClient implements Disposable {
  private stateValue: ConnectionState = 'connecting';
  private readonly stateEmitter = new Emitter<ConnectionState>();
  private readonly connectEmitter = new Emitter<void>();
  private readonly closeEmitter = new Emitter<string>();
  /** Fires with each new state. */
  readonly onDidChangeState: Event<ConnectionState> = this.stateEmitter.event;
  /** Fires each time a connection is up (first time and after each reconnect). */
  readonly onDidConnect: Event<void> = this.connectEmitter.event;
  private rpc: RpcClient | null = null;
  private readonly listeners = new Map<EventName, Set<AnyListener>>();
  private waiting: Waiter[] = [];
  private current: { cancel(): void } | null = null;
  private failures = 0;
  private timer: unknown = null;
  private everConnected = false;
  private disposed = false;
  /** Why the last attempt failed or the last connection closed, for the error of a call that cannot wait. */
  private lastFailure: string | null = null;

  constructor(private readonly options: ReconnectingClientOptions) {
    this.connect();
  }

  get state(): ConnectionState {
    return this.stateValue;
  }

  call<M extends CallMethodName>(method: M, ...args: ParamsArgs<M>): Promise<Result<M>> {
    return this.connected().then((rpc) => rpc.call(method, ...args));
  }

  /**
   * A stream on the live connection. Started while connecting it waits for the connection; without one it fails
   * with E_UNAVAILABLE, and a stream whose connection closes fails the same way (streams do not survive reconnects).
   */
  stream<M extends StreamMethodName>(
    method: M,
    params: ParamsIn<M>,
    options: StreamOptions = {},
  ): RpcStream<Item<M>, Result<M>> {
    if (this.rpc) return this.rpc.stream(method, params, options);
    if (this.stateValue !== 'connecting') return failedStream(this.unavailable());
    return deferredStream(this.connected(), (rpc) => rpc.stream(method, params, options), options);
  }

  on<E extends EventName>(event: E, listener: (data: EventData<E>) => void): Disposable {
    let set = this.listeners.get(event);
    if (!set) {
      const created = new Set<AnyListener>();
      set = created;
      this.listeners.set(event, created);
      // the live client hears a newly wanted event from now on; later ones subscribe in open()
      this.rpc?.on(event, (data) => this.dispatch(created, data));
    }
    const own: AnyListener = (data) => listener(data as EventData<E>);
    set.add(own);
    return toDisposable(() => set.delete(own));
  }

  /** Hears why each live connection closed. */
  onClose(listener: (reason: string) => void): Disposable {
    return this.closeEmitter.event(listener);
  }

  /** Drops the connection (or attempt) and connects again at once, e.g. with the new token of a pasted URL. */
  reconnectNow(): void {
    if (this.disposed) return;
    this.stopTimer();
    this.current?.cancel();
    this.current = null;
    this.failures = 0;
    const old = this.rpc;
    this.rpc = null; // its close is ours: no retry scheduled
    old?.close();
    this.connect();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.stopTimer();
    this.current?.cancel();
    this.current = null;
    this.rejectWaiting(new PaError(ErrorCode.UNAVAILABLE, 'The engine connection was closed.'));
    const old = this.rpc;
    this.rpc = null;
    old?.close();
    this.setState('disconnected');
    this.stateEmitter.dispose();
    this.connectEmitter.dispose();
    this.closeEmitter.dispose();
  }

  private connected(): Promise<RpcClient> {
    if (this.rpc) return Promise.resolve(this.rpc);
    if (this.stateValue !== 'connecting') return Promise.reject(this.unavailable());
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  private unavailable(): PaError {
    return new PaError(
      ErrorCode.UNAVAILABLE,
      this.stateValue === 'reconnecting'
        ? 'The engine is not connected (reconnecting…). Nothing was changed; try again once the status bar says "Engine connected".'
        : `The engine is not connected${this.lastFailure ? ` (${this.lastFailure})` : ''}. Nothing was changed.`,
    );
  }

  private connect(): void {
    if (this.disposed) return;
    this.setState(this.everConnected ? 'reconnecting' : 'connecting');
    const cancelled = new Emitter<void>();
    let settled = false;
    let isCancelled = false;
    const attempt: ConnectAttempt = {
      open: (transport) => {
        if (isCancelled) transport.close();
        else if (!settled) {
          settled = true;
          this.open(transport);
        }
      },
      fail: (error) => {
        if (isCancelled || settled) return;
        settled = true;
        this.current = null;
        this.retry(error);
      },
      get cancelled() {
        return isCancelled;
      },
      onDidCancel: cancelled.event,
    };
    this.current = {
      cancel: () => {
        if (isCancelled) return;
        isCancelled = true;
        if (!settled) cancelled.fire();
        cancelled.dispose();
      },
    };
    try {
      this.options.connect(attempt);
    } catch (error) {
      attempt.fail(error);
    }
  }

  private open(transport: Transport): void {
    this.current = null;
    const rpc = new RpcClient(transport);
    for (const [event, set] of this.listeners) rpc.on(event, (data) => this.dispatch(set, data));
    rpc.onClose((reason) => this.lost(rpc, reason));
    if (rpc.closed) return; // closed before it was handed over: lost() has run
    this.rpc = rpc;
    this.failures = 0;
    this.lastFailure = null;
    this.everConnected = true;
    this.setState('connected');
    const waiting = this.waiting;
    this.waiting = [];
    for (const waiter of waiting) waiter.resolve(rpc);
    this.connectEmitter.fire();
  }

  private lost(rpc: RpcClient, reason: string): void {
    if (this.rpc !== rpc) return; // replaced by reconnectNow() or disposed
    this.rpc = null;
    this.closeEmitter.fire(reason);
    this.retry(new PaError(ErrorCode.UNAVAILABLE, `The connection to the engine closed (${reason}).`));
  }

  private retry(error: unknown): void {
    if (this.disposed) return;
    const delay = this.options.retryDelay(this.failures++, error);
    this.lastFailure = errorMessage(error);
    // calls wait only for a connection that is under way: once an attempt failed they would wait on a guess
    this.rejectWaiting(new PaError(ErrorCode.UNAVAILABLE, `Could not connect to the engine: ${errorMessage(error)}`));
    if (delay === null) {
      this.setState('disconnected');
      return;
    }
    this.setState(this.everConnected ? 'reconnecting' : 'disconnected');
    this.timer = this.options.timers.setTimeout(() => {
      this.timer = null;
      this.connect();
    }, delay);
  }

  private rejectWaiting(error: PaError): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const waiter of waiting) waiter.reject(error);
  }

  private stopTimer(): void {
    if (this.timer === null) return;
    this.options.timers.clearTimeout(this.timer);
    this.timer = null;
  }

  private setState(state: ConnectionState): void {
    if (this.stateValue === state) return;
    this.stateValue = state;
    this.stateEmitter.fire(state);
  }

  private dispatch(set: Set<AnyListener>, data: unknown): void {
    for (const listener of [...set]) listener(data);
  }
}
