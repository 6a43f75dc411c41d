// The handler table type: one typed handler per protocol method, each capability contributing its slice.
import type { EventData, EventName, MethodName, Params, Result } from '@pa/shared';

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

export type Handler<M extends MethodName> = (params: Params<M>, ctx: CallContext) => Promise<Result<M>> | Result<M>;

export type HandlerMap<M extends MethodName = MethodName> = { [K in M]: Handler<K> };

/** A slice of the table, for a capability that implements some methods. */
export type PartialHandlers = Partial<{ [K in MethodName]: Handler<K> }>;
