// The handler table type: one typed handler per protocol method, each capability contributing its slice. A call
// handler answers once; a stream handler returns an async iterable of items whose return value is the result.
import type {
  CallMethodName,
  EventData,
  EventName,
  Item,
  MethodName,
  Params,
  Result,
  StreamMethodName,
} from '@pa/shared';

/** One client connection: events can be sent to it alone; streams it opened are cancelled when it goes. */
export interface Connection {
  readonly id: number;
  emit<E extends EventName>(event: E, data: EventData<E>): void;
  /** Runs when the connection closes; returns an unsubscribe function. */
  onDidClose(listener: () => void): () => void;
}

export interface CallContext {
  connection: Connection;
  /** Who made the call, for audit rows: 'ui', 'cli', 'mcp', … */
  actor: string;
}

/** A stream handler's context: `signal` aborts when the caller cancels or goes away, or the engine stops. */
export interface StreamContext extends CallContext {
  signal: AbortSignal;
}

export type Handler<M extends CallMethodName> = (params: Params<M>, ctx: CallContext) => Promise<Result<M>> | Result<M>;

/** What a stream handler produces: items, then (as the iterator's return value) the result. */
export type StreamSource<M extends StreamMethodName> = AsyncIterable<Item<M>, Result<M>, undefined>;

export type StreamHandler<M extends StreamMethodName> = (
  params: Params<M>,
  ctx: StreamContext,
) => StreamSource<M> | Promise<StreamSource<M>>;

export type AnyHandler<M extends MethodName> = M extends StreamMethodName
  ? StreamHandler<M>
  : M extends CallMethodName
    ? Handler<M>
    : never;

export type HandlerMap<M extends MethodName = MethodName> = { [K in M]: AnyHandler<K> };
/** A slice of the table, for a capability that implements some methods. */
export type PartialHandlers = Partial<{ [K in MethodName]: AnyHandler<K> }>;
