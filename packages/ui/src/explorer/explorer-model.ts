// The explorer's loaded folders and expanded set, fetched lazily with files.list and refreshed on outside changes.
import { type Disposable, type EngineClient, errorMessage, type FileEntry } from '@pa/shared';
import type { WorkbenchController } from '../workbench/controller';
import { Observable } from '../workbench/observable';
import { foldersToReload, parentOf, sortEntries } from './tree';

export interface ExplorerState {
  children: ReadonlyMap<string, readonly FileEntry[]>;
  expanded: ReadonlySet<string>;
  selected: string | null;
  error: string | null;
}

const initial: ExplorerState = { children: new Map(), expanded: new Set(), selected: null, error: null };

export class ExplorerModel {
  readonly state = new Observable<ExplorerState>(initial);
  private readonly client: EngineClient;
  /**
   * The newest listing asked for each folder: an older answer arriving after it is stale and dropped. Emptied when
   * another folder opens, so nothing asked before that is taken either.
   */
  private readonly latest = new Map<string, number>();
  private requests = 0;

  constructor(private readonly workbench: WorkbenchController) {
    this.client = workbench.client;
  }

  start(): Disposable {
    const subscriptions = [
      this.workbench.filesChanged.event((changes) => {
        const loaded = new Set(this.state.value.children.keys());
        const structural = changes.filter((change) => change.kind !== 'changed').map((change) => change.path);
        for (const dir of foldersToReload(structural, loaded)) void this.load(dir);
      }),
      this.workbench.api.onDidChangeWorkspace(() => this.reset()),
    ];
    if (this.workbench.state.value.workspace) void this.load('');
    return {
      dispose: () => {
        for (const subscription of subscriptions) subscription.dispose();
      },
    };
  }

  reset(): void {
    this.latest.clear();
    this.state.set(initial);
    if (this.workbench.state.value.workspace) void this.load('');
  }

  async load(dir: string): Promise<void> {
    const request = ++this.requests;
    this.latest.set(dir, request);
    // answers may come back out of order (the engine lists folders concurrently): a listing asked before a file
    // appeared must not replace the one asked after it
    const stale = () => this.latest.get(dir) !== request;
    try {
      const { entries } = await this.client.call('files.list', { dir });
      if (stale()) return; // a different folder was opened meanwhile, or a newer listing of this one was asked
      const children = new Map(this.state.value.children);
      children.set(dir, sortEntries(entries));
      this.state.update((state) => ({ ...state, children, error: null }));
    } catch (error) {
      if (stale()) return;
      if (dir === '') this.state.update((state) => ({ ...state, error: errorMessage(error) }));
      else this.forget(dir); // the folder vanished: collapse it
    }
  }

  toggle(dir: string): void {
    const expanded = new Set(this.state.value.expanded);
    if (expanded.has(dir)) expanded.delete(dir);
    else {
      expanded.add(dir);
      void this.load(dir);
    }
    this.state.update((state) => ({ ...state, expanded, selected: dir }));
  }

  select(path: string | null): void {
    this.state.update((state) => ({ ...state, selected: path }));
  }

  collapseAll(): void {
    this.state.update((state) => ({ ...state, expanded: new Set() }));
  }

  /** Names next to `path` (for duplicate checks when naming a new entry). */
  siblingsIn(dir: string): string[] {
    return (this.state.value.children.get(dir) ?? []).map((entry) => entry.name);
  }

  /** After our own create/rename/delete, refresh the affected folders at once rather than wait for the watcher. */
  async refreshAround(...paths: string[]): Promise<void> {
    const dirs = new Set(paths.map(parentOf));
    await Promise.all([...dirs].filter((dir) => this.state.value.children.has(dir)).map((dir) => this.load(dir)));
  }

  /** Reveals a file: expands its parents and selects it. */
  async reveal(path: string): Promise<void> {
    const parts = path.split('/');
    const expanded = new Set(this.state.value.expanded);
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      expanded.add(dir);
      if (!this.state.value.children.has(dir)) await this.load(dir);
    }
    this.state.update((state) => ({ ...state, expanded, selected: path }));
  }

  private forget(dir: string): void {
    const children = new Map(this.state.value.children);
    children.delete(dir);
    const expanded = new Set(this.state.value.expanded);
    expanded.delete(dir);
    this.state.update((state) => ({ ...state, children, expanded }));
  }
}
