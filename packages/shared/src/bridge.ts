// What Electron's preload exposes to the renderer as `window.pa` through contextBridge: the engine client
// (over a MessagePort) plus the few native services a browser tab cannot offer. Browser mode has no `window.pa`.
// contextBridge carries plain objects, functions and promises only: a failed call rejects with a plain
// {name, code, message, data} object, and a stream is a pull object instead of an async iterable.
import type { EngineClient } from './client.js';
import type { Disposable } from './lifecycle.js';
import type { Item, ParamsIn, Result, StreamMethodName } from './protocol/index.js';

/** One pull of a stream across the bridge: its next item, or its end with the stream's result. */
export type BridgeStreamStep<I, R> = { done: false; value: I } | { done: true; value: R };

/**
 * A stream as contextBridge can carry it: the page asks for each step, and the preload reads its RpcStream only
 * when asked, so back-pressure reaches the engine. `next()` rejects with the stream's error (a plain object);
 * `cancel()` stops the engine's producer.
 */
export interface BridgeStream<I, R> {
  next(): Promise<BridgeStreamStep<I, R>>;
  cancel(): void;
}

export interface PaBridge extends Pick<EngineClient, 'call' | 'on' | 'onClose'> {
  readonly platform: string;
  /** Starts a stream (an AbortSignal cannot cross the bridge: cancel() instead). */
  stream<M extends StreamMethodName>(method: M, params: ParamsIn<M>): BridgeStream<Item<M>, Result<M>>;
  /** Fires when the engine process is (re)connected, e.g. after a crash and restart. */
  onDidConnect(listener: () => void): Disposable;
  /** The OS folder picker; null when cancelled. */
  pickFolder(): Promise<string | null>;
  /** The OS file picker (e.g. a license file); resolves to the file's text, or null when cancelled. */
  pickTextFile(options: { title: string; extensions: string[] }): Promise<{ path: string; text: string } | null>;
}
