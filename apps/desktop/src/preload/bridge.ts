// Builds the one object the preload exposes as `window.pa` (PaBridge): the shared ReconnectingClient over the
// MessagePort main hands over at each engine start, made safe to pass through contextBridge — plain objects and
// functions only, no class instances, errors turned into plain {name, code, message, data} objects because the
// bridge drops an Error's own properties (the code the UI needs), and streams as pull objects.
import {
  type BridgeStream,
  type PaBridge,
  PaError,
  ReconnectingClient,
  type ReconnectTimers,
  type RpcStream,
  toWireError,
  type WireError,
} from '@pa/shared';
import { type MessagePortLike, messagePortTransport, type PortTransport } from './port-transport.js';

export type NativeServices = Pick<PaBridge, 'platform' | 'pickFolder' | 'pickTextFile'>;

/**
 * How a failed call reaches the page: the wire error plus a name, so `error.code` and `error.message` work, and
 * a toString (functions cross the bridge as proxies) so `String(error)` reads as the message, as for an Error.
 */
export interface BridgeError extends WireError {
  name: 'PaError';
  toString(): string;
}

/** PaBridge already carries onDidConnect (word that a restarted engine is back). */
export type DesktopBridge = PaBridge;

export interface BridgeHost {
  readonly bridge: DesktopBridge;
  /** Connects (or reconnects, after an engine restart) to the engine over this port. */
  attach(port: MessagePortLike): void;
  /** The engine went away: in-flight calls fail, onClose listeners hear why, later calls fail fast until attach. */
  detach(reason: string): void;
}

const timers: ReconnectTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export function createBridgeHost(natives: NativeServices): BridgeHost {
  // The port main handed over that no attempt has taken yet, and the one in use.
  let offered: PortTransport | null = null;
  let live: PortTransport | null = null;
  const client = new ReconnectingClient({
    connect(attempt) {
      const transport = offered;
      offered = null;
      if (!transport) return; // the next port starts a new attempt (attach)
      live = transport;
      attempt.open(transport);
    },
    // main restarts the engine and hands over its port; until then an attempt waits and calls fail fast
    retryDelay: () => 0,
    timers,
  });

  // The generic signatures of call and stream cannot be expressed by a wrapper without a cast; the RpcClient
  // underneath validates params, items and results against the shared schemas, so nothing untyped gets through.
  const call = (async (method: string, params?: unknown) => {
    try {
      return await (client.call as (method: string, params?: unknown) => Promise<unknown>)(method, params);
    } catch (error) {
      throw toBridgeError(error);
    }
  }) as PaBridge['call'];
  const stream = ((method: string, params: unknown) =>
    bridgeStream(
      (client.stream as (method: string, params: unknown) => RpcStream<unknown, unknown>)(method, params),
    )) as PaBridge['stream'];

  const bridge: DesktopBridge = {
    platform: natives.platform,
    pickFolder: () => natives.pickFolder(),
    pickTextFile: (options) => natives.pickTextFile({ title: options.title, extensions: [...options.extensions] }),
    call,
    stream,
    on: (event, listener) => client.on(event, listener),
    onClose: (listener) => client.onClose(listener),
    onDidConnect: (listener) => client.onDidConnect(listener),
  };

  const detach = (reason: string): void => {
    offered?.drop(reason);
    offered = null;
    const old = live;
    live = null;
    // Dropping the transport makes its RpcClient reject in-flight calls and fail open streams; onClose hears why.
    old?.drop(reason);
  };

  return {
    bridge,
    attach(port) {
      detach('the engine connection was replaced');
      offered = messagePortTransport(port);
      client.reconnectNow(); // takes the port at once: calls made right after attach go through
    },
    detach,
  };
}

/**
 * An RpcStream as a pull object for contextBridge: the page's next() reads one step, so the RpcStream (and, by its
 * credit, the engine) runs no further ahead than the page reads.
 */
export function bridgeStream<I, R>(stream: RpcStream<I, R>): BridgeStream<I, R> {
  const iterator = stream[Symbol.asyncIterator]();
  return {
    next: async () => {
      try {
        const step = await iterator.next();
        if (!step.done) return { done: false, value: step.value };
        return { done: true, value: await stream.result };
      } catch (error) {
        throw toBridgeError(error);
      }
    },
    cancel: () => stream.cancel(),
  };
}

export function toBridgeError(error: unknown): BridgeError {
  const wire = error instanceof PaError ? error.toWire() : toWireError(error);
  return { name: 'PaError', ...wire, toString: () => wire.message };
}
