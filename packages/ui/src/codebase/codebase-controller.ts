// The Search Codebase view's behaviour and the index's status for the whole window: the status as `codebase.status`
// read it and `codebase.changed` keeps it, a natural-language query searched on Enter (`codebase.search`, a newer
// query's answer replaces an older one's), opening a hit, pause / resume / rebuild, and the embedding model path.
import {
  type CodebaseHit,
  type Disposable,
  DisposableStore,
  errorMessage,
  type IndexStatus,
  toDisposable,
} from '@pa/shared';
import type { WorkbenchApi } from '../workbench/contributions';
import { Observable } from '../workbench/observable';

/** Hits one search asks for: a side bar's worth; the rest are weaker matches nobody scrolls to. */
export const SEARCH_LIMIT = 30;

export interface CodebaseSearchState {
  query: string;
  searching: boolean;
  hits: readonly CodebaseHit[];
  /** The answered search: its query (the box may have changed since), how long it took, whether vectors took part. */
  answered: { query: string; elapsedMs: number; hybrid: boolean } | null;
  error: string | null;
  /** The hit the keyboard is on (or a click opened), by index. */
  active: number | null;
}

export interface ModelFormState {
  open: boolean;
  path: string;
  busy: boolean;
  error: string | null;
}

const initialSearch: CodebaseSearchState = {
  query: '',
  searching: false,
  hits: [],
  answered: null,
  error: null,
  active: null,
};

const initialModel: ModelFormState = { open: false, path: '', busy: false, error: null };

export class CodebaseController implements Disposable {
  /** Null until the engine answered (also when it cannot: an engine without the index). */
  readonly status = new Observable<IndexStatus | null>(null);
  readonly search = new Observable<CodebaseSearchState>(initialSearch);
  readonly model = new Observable<ModelFormState>(initialModel);
  /** Counts requests to put the keyboard in the query box; the view focuses on each change. */
  readonly focusRequests = new Observable(0);
  private readonly store = new DisposableStore();
  /** The newest search; an answer to an older one is dropped. */
  private searchId = 0;
  private disposed = false;

  constructor(private readonly api: WorkbenchApi) {
    this.store.add(api.client.on('codebase.changed', (status) => this.status.set(status)));
    this.store.add(
      api.onDidChangeWorkspace(() => {
        // another folder: the hits were of the old one
        this.searchId++;
        this.search.set({ ...initialSearch, query: this.search.value.query });
        void this.refresh();
      }),
    );
    this.store.add(toDisposable(() => (this.disposed = true)));
    void this.refresh();
  }

  async refresh(): Promise<void> {
    try {
      const status = await this.api.client.call('codebase.status');
      if (!this.disposed) this.status.set(status);
    } catch {
      // not connected yet, or an engine without the index: the next codebase.changed brings the status
    }
  }

  private patch(change: Partial<CodebaseSearchState>): void {
    this.search.set({ ...this.search.value, ...change });
  }

  focusQuery(): void {
    this.focusRequests.update((value) => value + 1);
  }

  setQuery(query: string): void {
    this.patch({ query });
  }

  /** Searches the index for the query in the box (Enter). */
  async run(): Promise<void> {
    const query = this.search.value.query.trim();
    const id = ++this.searchId;
    if (query === '') {
      this.patch({ hits: [], answered: null, error: null, searching: false, active: null });
      return;
    }
    if (!this.api.workspace()) {
      this.patch({ hits: [], answered: null, error: 'Open a folder to index it.', searching: false, active: null });
      return;
    }
    this.patch({ searching: true, error: null });
    try {
      const result = await this.api.client.call('codebase.search', { query, limit: SEARCH_LIMIT });
      if (id !== this.searchId || this.disposed) return;
      this.patch({
        hits: result.hits,
        answered: { query, elapsedMs: result.elapsedMs, hybrid: result.hybrid },
        searching: false,
        active: null,
      });
    } catch (error) {
      if (id !== this.searchId || this.disposed) return;
      this.patch({ hits: [], answered: null, error: errorMessage(error), searching: false, active: null });
    }
  }

  /** Opens the file of a hit at its first line. */
  async open(index: number): Promise<void> {
    const hit = this.search.value.hits[index];
    if (!hit) return;
    this.patch({ active: index });
    await this.api.openFile(hit.path, { line: hit.startLine });
  }

  /** Moves the keyboard's place in the results (Up / Down, Home / End), not past either end. */
  move(step: number | 'first' | 'last'): number | null {
    const { hits, active } = this.search.value;
    if (hits.length === 0) return null;
    const next =
      step === 'first'
        ? 0
        : step === 'last'
          ? hits.length - 1
          : Math.max(0, Math.min(hits.length - 1, (active ?? -1) + step));
    this.patch({ active: next });
    return next;
  }

  pause(): Promise<void> {
    return this.act('codebase.pause');
  }

  resume(): Promise<void> {
    return this.act('codebase.resume');
  }

  rebuild(): Promise<void> {
    return this.act('codebase.rebuild');
  }

  private async act(method: 'codebase.pause' | 'codebase.resume' | 'codebase.rebuild'): Promise<void> {
    if (!this.api.workspace()) {
      this.api.notify('Open a folder first: the codebase index is per folder.', 'info');
      return;
    }
    try {
      await this.api.client.call(method);
    } catch (error) {
      this.api.notify(errorMessage(error), 'error');
    }
  }

  // ---- the embedding model ---------------------------------------------------------------------------------------

  /** Shows (or hides) the model field; showing it again focuses it. */
  toggleModelForm(open = !this.model.value.open): void {
    this.model.set({ ...this.model.value, open, error: null });
  }

  setModelPath(path: string): void {
    this.model.set({ ...this.model.value, path, error: null });
  }

  /**
   * Sets the ONNX model the index embeds with (null: keyword search only). The engine checks the file and its
   * tokenizer.json and answers with the status once the model is loaded; a refusal shows under the field.
   */
  async applyModel(path: string | null): Promise<boolean> {
    const value = path === null ? null : path.trim();
    if (value === '') {
      this.model.set({ ...this.model.value, error: 'Give the absolute path of the .onnx model file.' });
      return false;
    }
    this.model.set({ ...this.model.value, busy: true, error: null });
    try {
      const status = await this.api.client.call('codebase.setModel', { path: value });
      if (this.disposed) return false;
      this.status.set(status);
      this.model.set({ open: false, path: value ?? '', busy: false, error: null });
      return true;
    } catch (error) {
      if (!this.disposed) this.model.set({ ...this.model.value, busy: false, error: errorMessage(error) });
      return false;
    }
  }

  dispose(): void {
    this.store.dispose();
  }
}
