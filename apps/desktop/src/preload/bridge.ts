// Builds the one object the preload exposes as `window.pa` (PaBridge): an engine client that survives engine
// restarts (main hands over a new port) and is safe to pass through contextBridge — plain objects and functions
// only, no class instances, and errors turned into plain {name, code, message, data} objects because the bridge
// drops an Error's own properties (the code the UI needs).
import {
  type Disposable,
  ErrorCode,
  type EventName,
  type PaBridge,
  PaError,
  RpcClient,
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

type Subscription = { subscribe(client: RpcClient): Disposable; current: Disposable | null };

export function createBridgeHost(natives: NativeServices): BridgeHost {
  let client: RpcClient | null = null;
  let transport: PortTransport | null = null;
  let everAttached = false;
  let waitingForFirstPort: Array<() => void> = [];
  const subscriptions = new Set<Subscription>();
  const closeListeners = new Set<(reason: string) => void>();
  const connectListeners = new Set<() => void>();

  const track = (subscription: Subscription): Disposable => {
    subscriptions.add(subscription);
    if (client) subscription.current = subscription.subscribe(client);
    return {
      dispose: () => {
        subscriptions.delete(subscription);
        subscription.current?.dispose();
        subscription.current = null;
      },
    };
  };

  const connected = async (): Promise<RpcClient> => {
    if (!everAttached) await new Promise<void>((resolve) => waitingForFirstPort.push(resolve));
    if (!client) {
      throw new PaError(ErrorCode.UNAVAILABLE, 'The engine is restarting; try again in a moment.');
    }
    return client;
  };

  // The generic signature of EngineClient.call cannot be expressed by a wrapper without a cast; the RpcClient
  // underneath validates params and results against the shared schemas, so nothing untyped gets through.
  const call = (async (method: string, params?: unknown) => {
    try {
      const current = await connected();
      return await (current.call as (method: string, params?: unknown) => Promise<unknown>)(method, params);
    } catch (error) {
      throw toBridgeError(error);
    }
  }) as PaBridge['call'];

  const bridge: DesktopBridge = {
    platform: natives.platform,
    pickFolder: () => natives.pickFolder(),
    pickTextFile: (options) => natives.pickTextFile({ title: options.title, extensions: [...options.extensions] }),
    call,
    on: ((event: EventName, listener: (data: unknown) => void) =>
      track({ subscribe: (c) => c.on(event, listener), current: null })) as PaBridge['on'],
    onStream: (streamId, listener) => track({ subscribe: (c) => c.onStream(streamId, listener), current: null }),
    onClose(listener) {
      closeListeners.add(listener);
      return { dispose: () => closeListeners.delete(listener) };
    },
    onDidConnect(listener) {
      connectListeners.add(listener);
      return { dispose: () => connectListeners.delete(listener) };
    },
  };

  const detach = (reason: string): void => {
    const old = transport;
    client = null;
    transport = null;
    for (const subscription of subscriptions) {
      subscription.current?.dispose();
      subscription.current = null;
    }
    // Dropping the transport makes the old RpcClient reject its in-flight calls and fire onClose.
    old?.drop(reason);
  };

  return {
    bridge,
    attach(port) {
      detach('the engine connection was replaced');
      transport = messagePortTransport(port);
      const next = new RpcClient(transport);
      next.onClose((reason) => {
        for (const listener of closeListeners) listener(reason);
      });
      client = next;
      for (const subscription of subscriptions) subscription.current = subscription.subscribe(next);
      everAttached = true;
      const waiting = waitingForFirstPort;
      waitingForFirstPort = [];
      for (const resolve of waiting) resolve();
      for (const listener of connectListeners) listener();
    },
    detach,
  };
}

export function toBridgeError(error: unknown): BridgeError {
  const wire = error instanceof PaError ? error.toWire() : toWireError(error);
  return { name: 'PaError', ...wire, toString: () => wire.message };
}
