// The parent-process channel: Electron's utilityProcess (process.parentPort, which hands us MessagePorts, one per
// renderer) or a plain Node child process (process.send). Messages are JSON strings, the same frames as WebSocket.
import type { ConnectionSet } from './connection.js';
import type { Router } from './router.js';
import { serveConnection } from './serve.js';

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
  const served = serveConnection({ router, connections, actor, send: (frame) => port.postMessage(frame) });
  port.on('message', ({ data }) => served.receive(frameOf(data)));
  port.on('close', () => served.close());
  port.start();
}

/** Frames are JSON strings; anything else a port delivers is read as the JSON it would have been. */
function frameOf(data: unknown): string {
  return typeof data === 'string' ? data : JSON.stringify(data ?? null);
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
    const served = serveConnection({ router, connections, actor: 'parent', send: (frame) => process.send?.(frame) });
    process.on('message', (data: unknown) => served.receive(frameOf(data)));
    process.on('disconnect', () => served.close());
    return true;
  }
  return false;
}
