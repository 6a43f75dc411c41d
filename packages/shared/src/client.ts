// A typed RPC client over any message transport (WebSocket, MessagePort, child-process channel).
import { ErrorCode, fromWireError, PaError } from './errors.js';
import {
  type EventData,
  type EventName,
  events,
  isEventName,
  type MethodName,
  methods,
  type ParamsIn,
  type Result,
} from './protocol/index.js';
import { EventMessage, MAX_MESSAGE_BYTES, ResponseMessage } from './rpc.js';

export interface Disposable {
  dispose(): void;
}

export interface Transport {
  send(data: string): void;
  onMessage(listener: (data: string) => void): Disposable;
  onClose(listener: (reason: string) => void): Disposable;
  close(): void;
}

type Pending = { resolve: (value: unknown) => void; reject: (error: PaError) => void; method: MethodName };
type AnyListener = (data: unknown) => void;
type StreamListener = (event: EventName, data: unknown) => void;

/** Stream events that arrive before their listener (the call's answer races the first token) wait here. */
const EARLY_EVENT_LIMIT = 10_000;

export class RpcClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<string, Set<AnyListener>>();
  private readonly streams = new Map<string, StreamListener>();
  private readonly early = new Map<string, Array<[EventName, unknown]>>();
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

  call<M extends MethodName>(
    method: M,
    ...args: undefined extends ParamsIn<M> ? [params?: ParamsIn<M>] : [params: ParamsIn<M>]
  ): Promise<Result<M>> {
    if (this.closedReason !== null) {
      return Promise.reject(new PaError(ErrorCode.UNAVAILABLE, `Not connected to the engine (${this.closedReason}).`));
    }
    const id = this.nextId++;
    const params = args[0];
    // the id first: the engine reads it from the start of a frame it refuses unparsed (too large)
    const frame = JSON.stringify(params === undefined ? { id, method } : { id, method, params });
    if (overMessageLimit(frame)) {
      return Promise.reject(
        new PaError(
          ErrorCode.TOO_LARGE,
          `The ${method} request is over the ${MAX_MESSAGE_BYTES / (1024 * 1024)} MiB a message may carry; it was not sent.`,
        ),
      );
    }
    return new Promise<Result<M>>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject, method });
      this.transport.send(frame);
    });
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

  /** Receives every event whose data carries this stream id, including ones that arrived first. */
  onStream(streamId: string, listener: StreamListener): Disposable {
    this.streams.set(streamId, listener);
    const waiting = this.early.get(streamId);
    if (waiting) {
      this.early.delete(streamId);
      for (const [event, data] of waiting) listener(event, data);
    }
    return {
      dispose: () => {
        this.streams.delete(streamId);
        this.early.delete(streamId);
      },
    };
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
    const parsed = ResponseMessage.safeParse(message);
    if (!parsed.success) return;
    const id = parsed.data.id ?? this.onlyPendingId();
    if (typeof id !== 'number') return;
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
    const streamId = streamIdOf(data.data);
    if (streamId === null) return;
    const stream = this.streams.get(streamId);
    if (stream) {
      stream(name, data.data);
      return;
    }
    const waiting = this.early.get(streamId) ?? [];
    if (waiting.length < EARLY_EVENT_LIMIT) waiting.push([name, data.data]);
    this.early.set(streamId, waiting);
  }

  private handleClose(reason: string): void {
    if (this.closedReason !== null) return;
    this.closedReason = reason;
    for (const subscription of this.subscriptions) subscription.dispose();
    const error = new PaError(ErrorCode.UNAVAILABLE, `The connection to the engine closed (${reason}).`);
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
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

function streamIdOf(data: unknown): string | null {
  if (typeof data !== 'object' || data === null || !('streamId' in data)) return null;
  const id = (data as { streamId: unknown }).streamId;
  return typeof id === 'string' ? id : null;
}

/**
 * What the UI holds: the client's calling surface, whether it lives in the page (browser mode, over WebSocket)
 * or in Electron's preload (exposed as `window.pa` through contextBridge, over a MessagePort).
 */
export type EngineClient = Pick<RpcClient, 'call' | 'on' | 'onStream' | 'onClose'>;
