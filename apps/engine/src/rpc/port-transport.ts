// The parent-process channel: Electron's utilityProcess (process.parentPort, which hands us MessagePorts, one per
// renderer) or a plain Node child process (process.send). Messages are JSON strings, the same frames as WebSocket.
import { type ConnectionSet, OutboundConnection } from './connection.js';
import type { Router } from './router.js';

/** The slice of Electron's MessagePortMain we use, so the engine never imports electron. */
export interface PortLike {
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
  on(event: 'close', listener: () => void): void;
  postMessage(message: unknown): void;
  start(): void;
}

interface ParentPort {
  on(event: 'message', listener: (event: { data: unknown; ports: PortLike[] }) => void): void;
}

export function servePort(port: PortLike, router: Router, connections: ConnectionSet, actor = 'ui'): void {
  const connection = new OutboundConnection((frame) => port.postMessage(frame));
  const remove = connections.add(connection);
  const ctx = { connection, actor };
  port.on('message', ({ data }) => {
    const raw = typeof data === 'string' ? data : JSON.stringify(data ?? null);
    void router.handleRaw(raw, ctx).then((answer) => connection.send(answer));
  });
  port.on('close', () => {
    remove();
    connection.close();
  });
  port.start();
}

/** Wires whichever parent channel this process has; returns false when it has none. */
export function attachParentTransport(router: Router, connections: ConnectionSet): boolean {
  const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
  if (parentPort) {
    // Electron main sends {type: 'connect'} with one MessagePort per renderer window.
    parentPort.on('message', ({ ports }) => {
      for (const port of ports) servePort(port, router, connections);
    });
    return true;
  }
  if (typeof process.send === 'function') {
    const connection = new OutboundConnection((frame) => process.send?.(frame));
    connections.add(connection);
    const ctx = { connection, actor: 'parent' };
    process.on('message', (data: unknown) => {
      const raw = typeof data === 'string' ? data : JSON.stringify(data ?? null);
      void router.handleRaw(raw, ctx).then((answer) => connection.send(answer));
    });
    process.on('disconnect', () => connection.close());
    return true;
  }
  return false;
}
