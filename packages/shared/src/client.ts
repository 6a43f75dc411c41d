// A typed RPC client over any message transport (WebSocket, MessagePort, child-process channel).
import { ErrorCode, fromWireError, PaError } from './errors.js';
import type { Disposable } from './lifecycle.js';
import {
  type CallMethodName,
  type EventData,
  type EventName,
  events,
  type Item,
  isEventName,
  methods,
  type ParamsIn,
  type Result,
  type StreamMethodName,
} from './protocol/index.js';
import { EventMessage, MAX_MESSAGE_BYTES, ResponseMessage, StreamItemsMessage, type StreamSpec } from './rpc.js';
import { ClientStream, type RpcStream, type StreamOptions } from './stream.js';

export interface Transport {
  send(data: string): void;
  onMessage(listener: (data: string) => void): Disposable;
  onClose(listener: (reason: string) => void): Disposable;
  close(): void;
}

type Pending = { resolve: (value: unknown) => void; reject: (error: PaError) => void; method: CallMethodName };
type AnyListener = (data: unknown) => void;

/** The arguments after the method: params (optional when the method's params are) for `call` and `stream`. */
export type ParamsArgs<M extends keyof typeof methods> =
  undefined extends ParamsIn<M> ? [params?: ParamsIn<M>] : [params: ParamsIn<M>];

export class RpcClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<string, Set<AnyListener>>();
  private readonly streams = new Map<number, ClientStream<unknown, unknown>>();
  private readonly closeListeners = new Set<(reason: string) => void>();
  private closedReason: string | null = null;
  private readonly subscriptions: Disposable[];

  constructor(private readonly transport: Transport) {
    this.subscriptions = [
      transport.onMessage((data) => this.receive(data)),
      transport.onClose((reason) => this.handleClose(reason)),
    ];
  }

  get closed(): boolean {
    return this.closedReason !== null;
  }

  call<M extends CallMethodName>(method: M, ...args: ParamsArgs<M>): Promise<Result<M>> {
    const id = this.nextId++;
    const refusal = this.refusal(id, method, args[0]);
    if (typeof refusal !== 'string') return Promise.reject(refusal);
    return new Promise<Result<M>>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject, method });
      this.transport.send(refusal);
    });
  }

  /**
   * Starts a stream: its items as an async iterable (typed and validated), then its result. Leaving the loop,
   * aborting `options.signal` or `cancel()` stops the engine's producer; the client holds at most STREAM_WINDOW
   * unread items, because the engine sends no more than the reader has made room for.
   */
  stream<M extends StreamMethodName>(
    method: M,
    params: ParamsIn<M>,
    options: StreamOptions = {},
  ): RpcStream<Item<M>, Result<M>> {
    const id = this.nextId++;
    const spec = methods[method] as unknown as StreamSpec;
    const stream = new ClientStream<Item<M>, Result<M>>({
      method,
      parseItem: (raw) => spec.item.safeParse(raw) as { success: true; data: Item<M> } | { success: false },
      parseResult: (raw) => spec.result.safeParse(raw) as { success: true; data: Result<M> } | { success: false },
      send: (frame) => {
        if (this.closedReason === null) this.transport.send(JSON.stringify({ id, ...frame }));
      },
      forget: () => this.streams.delete(id),
      signal: options.signal,
    });
    const frame = this.refusal(id, method, params);
    if (typeof frame !== 'string') stream.fail(frame);
    else if (!stream.settled) {
      this.streams.set(id, stream as ClientStream<unknown, unknown>);
      this.transport.send(frame);
    }
    return stream;
  }

  /** The request frame to send, or why it cannot be sent. */
  private refusal(id: number, method: string, params: unknown): string | PaError {
    if (this.closedReason !== null) {
      return new PaError(ErrorCode.UNAVAILABLE, `Not connected to the engine (${this.closedReason}).`);
    }
    // the id first: the engine reads it from the start of a frame it refuses unparsed (too large)
    const frame = JSON.stringify(params === undefined ? { id, method } : { id, method, params });
    if (!overMessageLimit(frame)) return frame;
    return new PaError(
      ErrorCode.TOO_LARGE,
      `The ${method} request is over the ${MAX_MESSAGE_BYTES / (1024 * 1024)} MiB a message may carry; it was not sent.`,
    );
  }

  on<E extends EventName>(event: E, listener: (data: EventData<E>) => void): Disposable {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener as AnyListener);
    return { dispose: () => set.delete(listener as AnyListener) };
  }

  onClose(listener: (reason: string) => void): Disposable {
    this.closeListeners.add(listener);
    return { dispose: () => this.closeListeners.delete(listener) };
  }

  close(): void {
    this.transport.close();
    this.handleClose('closed by the client');
  }

  private receive(raw: string): void {
    let message: unknown;
    try {
      message = JSON.parse(raw);
    } catch {
      return; // the engine only sends JSON; a broken frame is dropped rather than crashing the UI
    }
    if (typeof message === 'object' && message !== null && 'event' in message) {
      this.dispatchEvent(message);
      return;
    }
    if (typeof message === 'object' && message !== null && 'items' in message) {
      const frame = StreamItemsMessage.safeParse(message);
      if (frame.success && typeof frame.data.id === 'number')
        this.streams.get(frame.data.id)?.receive(frame.data.items);
      return;
    }
    const parsed = ResponseMessage.safeParse(message);
    if (!parsed.success) return;
    const id = parsed.data.id ?? this.onlyPendingId();
    if (typeof id !== 'number') return;
    const stream = this.streams.get(id);
    if (stream) {
      if ('error' in parsed.data) stream.fail(fromWireError(parsed.data.error));
      else stream.end(parsed.data.result);
      return;
    }
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    if ('error' in parsed.data) {
      pending.reject(fromWireError(parsed.data.error));
      return;
    }
    const result = methods[pending.method].result.safeParse(parsed.data.result);
    if (result.success) pending.resolve(result.data);
    else
      pending.reject(
        new PaError(ErrorCode.INTERNAL, `The engine answered ${pending.method} with an unexpected shape.`),
      );
  }

  /**
   * An answer without an id (the engine could not read the request) belongs to the one call waiting, when only one
   * is; with several waiting it cannot be matched, and each of them still gets its own answer or the close.
   */
  private onlyPendingId(): number | null {
    if (this.pending.size !== 1) return null;
    return this.pending.keys().next().value ?? null;
  }

  private dispatchEvent(message: unknown): void {
    const parsed = EventMessage.safeParse(message);
    if (!parsed.success || !isEventName(parsed.data.event)) return;
    const name = parsed.data.event;
    const data = events[name].safeParse(parsed.data.data);
    if (!data.success) return;
    for (const listener of this.listeners.get(name) ?? []) listener(data.data);
  }

  private handleClose(reason: string): void {
    if (this.closedReason !== null) return;
    this.closedReason = reason;
    for (const subscription of this.subscriptions) subscription.dispose();
    const error = new PaError(ErrorCode.UNAVAILABLE, `The connection to the engine closed (${reason}).`);
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
    for (const stream of [...this.streams.values()]) stream.fail(error);
    this.streams.clear();
    for (const listener of this.closeListeners) listener(reason);
  }
}

/** Whether `frame` is over MAX_MESSAGE_BYTES as UTF-8, counted without an encoder (no DOM or Node types here). */
export function overMessageLimit(frame: string): boolean {
  if (frame.length * 3 <= MAX_MESSAGE_BYTES) return false; // at most 3 bytes per UTF-16 unit
  if (frame.length > MAX_MESSAGE_BYTES) return true; // at least 1
  let bytes = 0;
  for (let i = 0; i < frame.length; i++) {
    const unit = frame.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < frame.length) {
      bytes += 4; // a surrogate pair is one 4-byte character
      i++;
    } else bytes += 3;
  }
  return bytes > MAX_MESSAGE_BYTES;
}

/**
 * What the UI holds: the client's calling surface, whether it lives in the page (browser mode, over WebSocket)
 * or in Electron's preload (exposed as `window.pa` through contextBridge, over a MessagePort).
 */
export type EngineClient = Pick<RpcClient, 'call' | 'stream' | 'on' | 'onClose'>;
