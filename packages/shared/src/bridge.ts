// What Electron's preload exposes to the renderer as `window.pa` through contextBridge: the engine client
// (over a MessagePort) plus the few native services a browser tab cannot offer. Browser mode has no `window.pa`.
import type { EngineClient } from './client.js';
import type { Disposable } from './lifecycle.js';

export interface PaBridge extends EngineClient {
  readonly platform: string;
  /** Fires when the engine process is (re)connected, e.g. after a crash and restart. */
  onDidConnect(listener: () => void): Disposable;
  /** The OS folder picker; null when cancelled. */
  pickFolder(): Promise<string | null>;
  /** The OS file picker (e.g. a license file); resolves to the file's text, or null when cancelled. */
  pickTextFile(options: { title: string; extensions: string[] }): Promise<{ path: string; text: string } | null>;
}
