// Auto-save: off by default, one setting for every file (`files.autoSave` / `files.autoSaveDelay`, kept by the
// settings store; a page without the engine's settings falls back to the page's storage). When on, a file with
// unsaved changes is saved a moment after its last change, by the same save as Ctrl+S; a session's shared files
// follow it too (collab).
import { Observable } from './observable';

export const AUTO_SAVE_KEY = 'pa.autoSave';
/** How long after the last change a file is saved when auto-save is on. */
export const AUTO_SAVE_DELAY_MS = 1000;

export interface AutoSaveOptions {
  storage: Pick<Storage, 'getItem' | 'setItem'> | null;
  /** Saves `path` when it is still dirty (the workbench's save). */
  save(path: string): Promise<unknown>;
  isDirty(path: string): boolean;
  delayMs?: number;
  timers?: Pick<typeof globalThis, 'setTimeout' | 'clearTimeout'>;
}

export class AutoSave {
  readonly enabled: Observable<boolean>;
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly timers: Pick<typeof globalThis, 'setTimeout' | 'clearTimeout'>;
  private delayMs: number;

  constructor(private readonly options: AutoSaveOptions) {
    this.timers = options.timers ?? globalThis;
    this.delayMs = options.delayMs ?? AUTO_SAVE_DELAY_MS;
    this.enabled = new Observable(options.storage?.getItem(AUTO_SAVE_KEY) === 'on');
  }

  set(enabled: boolean): void {
    this.enabled.set(enabled);
    try {
      this.options.storage?.setItem(AUTO_SAVE_KEY, enabled ? 'on' : 'off');
    } catch (error) {
      // storage full or disabled (private mode): the setting holds for this window only
      console.warn('auto save: the setting is not remembered:', error);
    }
    if (!enabled) this.cancelAll();
  }

  /** Follows the settings: on or off, and how long after the last change a file is saved. */
  configure(enabled: boolean, delayMs: number): void {
    this.delayMs = delayMs;
    this.enabled.set(enabled);
    if (!enabled) this.cancelAll();
  }

  /** A file's text changed: with auto-save on, it is saved once changes stop for the delay. */
  changed(path: string): void {
    if (!this.enabled.value) return;
    const previous = this.pending.get(path);
    if (previous !== undefined) this.timers.clearTimeout(previous);
    const timer = this.timers.setTimeout(() => {
      this.pending.delete(path);
      if (this.enabled.value && this.options.isDirty(path)) void this.options.save(path);
    }, this.delayMs);
    this.pending.set(path, timer);
  }

  dispose(): void {
    this.cancelAll();
  }

  private cancelAll(): void {
    for (const timer of this.pending.values()) this.timers.clearTimeout(timer);
    this.pending.clear();
  }
}
