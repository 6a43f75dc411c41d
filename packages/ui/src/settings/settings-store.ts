// The page's copy of the settings: it follows `settings.watch` (a change from this window, another one, the JSON view
// or an editor on disk arrives the same way) and says what applies now. The workbench owns one per window; the
// editors, auto-save, the theme and zoom read `effective`.
import {
  type Disposable,
  defaultSettings,
  type EngineClient,
  effectiveSettings,
  errorMessage,
  type SettingKey,
  type SettingScope,
  type Settings,
  type SettingsFileId,
  type SettingsSnapshot,
  type SettingValue,
} from '@pa/shared';
import { Observable } from '../workbench/observable';

/** How long to wait before following the files again after the connection dropped (doubling up to 5 s). */
const RETRY_MS = 250;
const RETRY_MAX_MS = 5_000;

export class SettingsStore {
  /** The files as the engine last read them (null until it answered). */
  readonly snapshot = new Observable<SettingsSnapshot | null>(null);
  /** Defaults, then user, then workspace values. */
  readonly effective = new Observable<Settings>(defaultSettings);
  private stopped = false;
  private readonly controller = new AbortController();

  constructor(
    private readonly client: EngineClient,
    private readonly notify: (message: string, kind: 'error') => void,
    private readonly timers: Pick<typeof globalThis, 'setTimeout'> = globalThis,
  ) {}

  /** Follows the files until disposed. */
  start(): Disposable {
    void this.follow();
    return { dispose: () => this.dispose() };
  }

  /** A setting's value in one scope's file, or undefined when that file does not set it. */
  valueIn(scope: SettingScope, key: SettingKey): unknown {
    const file = scope === 'user' ? this.snapshot.value?.user : this.snapshot.value?.workspace;
    return file && Object.hasOwn(file.values, key) ? file.values[key] : undefined;
  }

  async set<K extends SettingKey>(scope: SettingScope, key: K, value: SettingValue<K>): Promise<void> {
    await this.run(() => this.client.call('settings.set', { scope, key, value }));
  }

  /** Removes the setting from the scope's file (back to the default, or the user value under a workspace one). */
  async reset(scope: SettingScope, key: SettingKey): Promise<void> {
    await this.run(() => this.client.call('settings.set', { scope, key }));
  }

  async write(file: SettingsFileId, text: string): Promise<boolean> {
    return this.run(() => this.client.call('settings.write', { file, text }));
  }

  dispose(): void {
    this.stopped = true;
    this.controller.abort();
  }

  private async run(call: () => Promise<unknown>): Promise<boolean> {
    try {
      await call();
      return true;
    } catch (error) {
      this.notify(`The setting was not saved: ${errorMessage(error)}`, 'error');
      return false;
    }
  }

  private adopt(snapshot: SettingsSnapshot): void {
    this.snapshot.set(snapshot);
    const next = effectiveSettings(
      snapshot.user.values as Partial<Settings>,
      (snapshot.workspace?.values ?? {}) as Partial<Settings>,
    );
    // an unchanged value keeps its identity, so subscribers comparing by identity see no change
    const current = this.effective.value;
    const same = (Object.keys(next) as SettingKey[]).every(
      (key) => JSON.stringify(next[key]) === JSON.stringify(current[key]),
    );
    if (!same) this.effective.set(next);
  }

  private async follow(): Promise<void> {
    let delay = RETRY_MS;
    while (!this.stopped) {
      try {
        for await (const snapshot of this.client.stream('settings.watch', {}, { signal: this.controller.signal })) {
          this.adopt(snapshot);
          delay = RETRY_MS;
        }
      } catch {
        // the connection dropped (or the engine restarted): follow again once it is back
      }
      if (this.stopped) return;
      await new Promise((resolve) => this.timers.setTimeout(resolve, delay));
      delay = Math.min(delay * 2, RETRY_MAX_MS);
    }
  }
}
