// An in-process Transport: an RpcClient in the same process as the engine (the `pa` CLI, the MCP server, tests)
// talks to it through the same connection loop and the same JSON frames as a socket, so results are validated
// and streams have flow control exactly as for the UI. Frames are delivered on a later microtask, never inside
// the sender's call.
import type { Disposable, Transport } from '@pa/shared';
import type { ConnectionSet } from './connection.js';
import type { Router } from './router.js';
import { serveConnection } from './serve.js';

export function localTransport(router: Router, options: { connections?: ConnectionSet; actor: string }): Transport {
  const messageListeners = new Set<(data: string) => void>();
  const closeListeners = new Set<(reason: string) => void>();
  let open = true;
  const served = serveConnection({
    router,
    actor: options.actor,
    ...(options.connections ? { connections: options.connections } : {}),
    send: (frame) => {
      queueMicrotask(() => {
        if (!open) return;
        for (const listener of messageListeners) listener(frame);
      });
    },
  });
  const subscribe = <T>(set: Set<T>, listener: T): Disposable => {
    set.add(listener);
    return { dispose: () => set.delete(listener) };
  };
  return {
    send: (data) => {
      if (open) queueMicrotask(() => served.receive(data));
    },
    onMessage: (listener) => subscribe(messageListeners, listener),
    onClose: (listener) => subscribe(closeListeners, listener),
    close: () => {
      if (!open) return;
      open = false;
      served.close();
      for (const listener of closeListeners) listener('closed by the client');
    },
  };
}
