// The Models view's behaviour outside React: the providers with their live figures (refreshed every 5 s while the
// view is shown), the engine's OpenAI-compatible endpoint, and adding, testing and removing a provider.
import {
  type AddProviderParams,
  type Disposable,
  errorMessage,
  type ModelClass,
  type ProviderKind,
  type ProviderStats,
  type ProviderView,
  toDisposable,
} from '@pa/shared';
import type { WorkbenchApi } from '../workbench/contributions';
import { Observable } from '../workbench/observable';

export interface ModelsState {
  providers: ProviderView[];
  stats: ProviderStats[];
  /** The endpoint other tools use, and its bearer token. */
  server: { path: string; token: string } | null;
  /** Why the last refresh failed (cleared by the next one that works). */
  error: string | null;
  /** Why the last "Add provider" failed, until the next attempt. */
  addError: string | null;
  /** What the last Test of each provider answered, by provider id ('Testing…' while it runs). */
  tests: Readonly<Record<string, string>>;
}

/** What the "Add a provider" form holds, as typed. */
export interface ProviderDraft {
  id: string;
  kind: ProviderKind;
  modelClass: ModelClass;
  model: string;
  baseURL: string;
  modelPath: string;
  apiKey: string;
}

export type ModelsApi = Pick<WorkbenchApi, 'client' | 'confirm' | 'notify'>;

export interface ModelsTimers {
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(timer: unknown): void;
}

const REFRESH_MS = 5_000;

const pageTimers: ModelsTimers = {
  setInterval: (callback, ms) => setInterval(callback, ms),
  clearInterval: (timer) => clearInterval(timer as ReturnType<typeof setInterval>),
};

export class ModelsController implements Disposable {
  readonly state = new Observable<ModelsState>({
    providers: [],
    stats: [],
    server: null,
    error: null,
    addError: null,
    tests: {},
  });
  private readonly watchers = new Set<Disposable>();
  private disposed = false;

  constructor(
    private readonly api: ModelsApi,
    private readonly timers: ModelsTimers = pageTimers,
  ) {}

  /** Refreshes now and every 5 s until the result is disposed (the view calls it while it is shown). */
  watch(): Disposable {
    void this.refresh();
    const timer = this.timers.setInterval(() => void this.refresh(), REFRESH_MS);
    const watcher = toDisposable(() => {
      this.timers.clearInterval(timer);
      this.watchers.delete(watcher);
    });
    this.watchers.add(watcher);
    return watcher;
  }

  async refresh(): Promise<void> {
    const { client } = this.api;
    try {
      const [list, figures, server] = await Promise.all([
        client.call('ai.providers.list'),
        client.call('ai.stats'),
        client.call('ai.server.info'),
      ]);
      this.patch({ providers: list.providers, stats: figures.providers, server, error: null });
    } catch (error) {
      this.patch({ error: errorMessage(error) });
    }
  }

  /** Adds a provider from the form. Resolves true when it was added (the view then clears the form). */
  async add(draft: ProviderDraft): Promise<boolean> {
    this.patch({ addError: null });
    try {
      await this.api.client.call('ai.providers.add', providerParams(draft));
    } catch (error) {
      this.patch({ addError: errorMessage(error) });
      return false;
    }
    await this.refresh();
    return true;
  }

  /** Asks first; a refusal by the engine is a toast. */
  async remove(provider: ProviderView): Promise<void> {
    const name = provider.label ?? provider.id;
    const choice = await this.api.confirm({
      title: `Remove the model provider ${name}?`,
      message: `${name} (${provider.kind} · ${provider.model}) and its saved API key are deleted; add it again to use it.`,
      buttons: [
        { id: 'remove', label: 'Remove', variant: 'danger' },
        { id: 'cancel', label: 'Cancel', variant: 'secondary' },
      ],
    });
    if (choice !== 'remove') return;
    try {
      await this.api.client.call('ai.providers.remove', { id: provider.id });
    } catch (error) {
      if (!this.disposed) this.api.notify(`Could not remove ${name}: ${errorMessage(error)}`, 'error');
    }
    await this.refresh();
  }

  /** Sends the provider a short request; its answer (or failure) is shown beside it. */
  async test(id: string): Promise<void> {
    this.setTest(id, 'Testing…');
    try {
      const result = await this.api.client.call('ai.providers.test', { id });
      this.setTest(id, result.ok ? `OK · first token ${formatMs(result.ttftMs)}` : `Failed: ${result.error ?? ''}`);
    } catch (error) {
      this.setTest(id, `Failed: ${errorMessage(error)}`);
    }
    await this.refresh();
  }

  dispose(): void {
    this.disposed = true;
    for (const watcher of [...this.watchers]) watcher.dispose();
  }

  private setTest(id: string, text: string): void {
    this.patch({ tests: { ...this.state.value.tests, [id]: text } });
  }

  private patch(change: Partial<ModelsState>): void {
    if (!this.disposed) this.state.set({ ...this.state.value, ...change });
  }
}

/** The form as `ai.providers.add` wants it: trimmed, empty fields left out, a local model always of class local. */
export function providerParams(draft: ProviderDraft): AddProviderParams {
  const optional = (value: string) => value.trim() || undefined;
  const baseURL = optional(draft.baseURL);
  const modelPath = optional(draft.modelPath);
  return {
    id: draft.id.trim(),
    kind: draft.kind,
    modelClass: draft.kind === 'local' ? 'local' : draft.modelClass,
    model: draft.model.trim(),
    ...(baseURL ? { baseURL } : {}),
    ...(modelPath ? { modelPath } : {}),
    ...(draft.apiKey ? { apiKey: draft.apiKey } : {}),
  };
}

/** A duration for the provider figures: whole milliseconds, or a dash when there is none yet. */
export function formatMs(value: number | null | undefined): string {
  return value == null ? '–' : `${Math.round(value)} ms`;
}
