// A Transport over any WebSocket with the standard event API (the browser's, or the `ws` package's).
import type { Transport } from './client.js';
import type { Disposable } from './lifecycle.js';

/** The structural slice of WebSocket we use, so this file needs neither DOM nor Node types. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'close', listener: (event: { code: number; reason: string }) => void): void;
  removeEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  removeEventListener(type: 'close', listener: (event: { code: number; reason: string }) => void): void;
}

export function webSocketTransport(socket: WebSocketLike): Transport {
  return {
    send: (data) => socket.send(data),
    onMessage(listener): Disposable {
      const handler = (event: { data: unknown }) => {
        // the engine sends text frames only; both browsers and `ws` deliver those as strings
        if (typeof event.data === 'string') listener(event.data);
      };
      socket.addEventListener('message', handler);
      return { dispose: () => socket.removeEventListener('message', handler) };
    },
    onClose(listener): Disposable {
      const handler = (event: { code: number; reason: string }) => listener(event.reason || `code ${event.code}`);
      socket.addEventListener('close', handler);
      return { dispose: () => socket.removeEventListener('close', handler) };
    },
    close: () => socket.close(),
  };
}
