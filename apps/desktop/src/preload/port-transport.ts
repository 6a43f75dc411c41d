// An RpcClient transport over a DOM MessagePort (what the preload receives from main): the same JSON text
// frames the engine speaks on every transport.
import type { Disposable, Transport } from '@pa/shared';

/** The slice of the DOM MessagePort we use (Node's worker_threads MessagePort has it too, for tests). */
export interface MessagePortLike {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  removeEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  start(): void;
  close(): void;
}

export interface PortTransport extends Transport {
  /** Closes the port and tells the client why (a DOM MessagePort has no reliable close event of its own). */
  drop(reason: string): void;
}

export function messagePortTransport(port: MessagePortLike): PortTransport {
  const closeListeners = new Set<(reason: string) => void>();
  let closed = false;
  const close = (): boolean => {
    if (closed) return false;
    closed = true;
    port.close();
    return true;
  };
  return {
    send: (data) => port.postMessage(data),
    onMessage(listener): Disposable {
      const handler = (event: { data: unknown }) => {
        if (typeof event.data === 'string') listener(event.data);
      };
      port.addEventListener('message', handler);
      port.start();
      return { dispose: () => port.removeEventListener('message', handler) };
    },
    onClose(listener): Disposable {
      closeListeners.add(listener);
      return { dispose: () => closeListeners.delete(listener) };
    },
    close: () => void close(),
    drop(reason) {
      if (!close()) return;
      for (const listener of [...closeListeners]) listener(reason);
    },
  };
}
