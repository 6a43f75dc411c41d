// A transport-neutral connection: serialises events and answers, and tracks close listeners.
import type { EventData, EventName } from '@pa/shared';
import type { Connection } from './handlers.js';

let nextConnectionId = 1;

export class OutboundConnection implements Connection {
  readonly id = nextConnectionId++;
  private readonly closeListeners = new Set<() => void>();
  private closed = false;

  constructor(private readonly sendFrame: (frame: string) => void) {}

  emit<E extends EventName>(event: E, data: EventData<E>): void {
    this.send({ event, data });
  }

  send(message: unknown): void {
    if (this.closed) return;
    this.sendFrame(JSON.stringify(message));
  }

  onDidClose(listener: () => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const listener of this.closeListeners) listener();
    this.closeListeners.clear();
  }
}

/** Every open connection, for broadcast events such as files.changed. */
export class ConnectionSet {
  private readonly connections = new Set<OutboundConnection>();

  add(connection: OutboundConnection): () => void {
    this.connections.add(connection);
    return () => this.connections.delete(connection);
  }

  broadcast<E extends EventName>(event: E, data: EventData<E>): void {
    const frame = { event, data };
    for (const connection of this.connections) connection.send(frame);
  }

  get size(): number {
    return this.connections.size;
  }

  /** Closes every connection (engine shutdown): their streams stop and their producers are aborted. */
  closeAll(): void {
    for (const connection of [...this.connections]) connection.close();
  }
}
