// Hot exit, as VS Code does it: every unsaved buffer is backed up in the engine's store a moment after typing stops,
// and the open tabs with their cursors too, so a reload, an engine crash or a closed window loses nothing. While
// the engine cannot be reached (or the page is unloading) the copy goes to the page's own storage instead, and is
// handed to the engine as soon as it is back.
import { type BufferBackup, type EditorSession, type EngineClient, MAX_BACKUP_CHARS } from '@pa/shared';

/** The page's storage (localStorage): reached through this slice so tests pass a map. */
export type PageStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** What hot exit needs of the workbench: the buffers' text and dirty state, the tabs and their cursors. */
export interface HotExitHost {
  client: Pick<EngineClient, 'call'>;
  workspaceRoot(): string | null;
  /** The unsaved buffer of a path (null when the file is clean or not open): its text and its disk time. */
  unsaved(path: string): { content: string; mtimeMs: number | null } | null;
  dirtyPaths(): string[];
  session(): EditorSession;
}

export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The page's copy of one workspace's buffers and session, under one storage key per workspace. */
interface PageCopy {
  session: EditorSession | null;
  buffers: Record<string, { content: string; mtimeMs: number | null }>;
}

const PAGE_KEY_PREFIX = 'pa.hotExit:';
export const BACKUP_DELAY_MS = 750;

export class HotExit {
  private readonly timers = new Map<string, unknown>();
  private sessionTimer: unknown = null;

  constructor(
    private readonly host: HotExitHost,
    private readonly storage: PageStorage | null,
    private readonly clock: Timers = globalThis,
    private readonly delayMs = BACKUP_DELAY_MS,
  ) {}

  /** A buffer changed: back it up once typing has stopped for a moment. */
  changed(path: string): void {
    this.cancel(path);
    this.timers.set(
      path,
      this.clock.setTimeout(() => {
        this.timers.delete(path);
        void this.backUp(path);
      }, this.delayMs),
    );
  }

  /** The buffer is clean again (saved, reverted) or deliberately discarded: its backup goes at once. */
  forget(path: string): void {
    this.cancel(path);
    const root = this.host.workspaceRoot();
    if (root) this.updatePage(root, (copy) => delete copy.buffers[path]);
    void this.host.client.call('backup.discard', { path }).catch(() => {
      // the engine is away: the next hand-over sends what is dirty then, and a stale backup is only offered back
      // for a file that is dirty again, or restored as dirty (never written to disk without the user saving)
    });
  }

  /** Tabs or cursors moved: store the session a moment later. */
  sessionChanged(): void {
    if (this.sessionTimer !== null) this.clock.clearTimeout(this.sessionTimer);
    this.sessionTimer = this.clock.setTimeout(() => {
      this.sessionTimer = null;
      void this.storeSession();
    }, this.delayMs);
  }

  /**
   * The page is going away (reload, closed tab): no message can be awaited now, so everything unsaved is copied to
   * the page's storage, which the next page hands to the engine. True when every unsaved buffer is safe.
   */
  flushToPage(): boolean {
    const root = this.host.workspaceRoot();
    if (!root) return this.host.dirtyPaths().length === 0;
    let safe = true;
    this.updatePage(root, (copy) => {
      copy.session = this.host.session();
      for (const path of this.host.dirtyPaths()) {
        const unsaved = this.host.unsaved(path);
        if (unsaved && unsaved.content.length <= MAX_BACKUP_CHARS) copy.buffers[path] = unsaved;
        else if (unsaved) safe = false;
      }
    });
    return safe && this.pageCopyStored(root);
  }

  /**
   * The engine is (back) there: the page's copy goes to it, and every buffer still dirty is backed up again (a
   * restarted engine may have missed the last edits). Then the page's copy is dropped.
   */
  async handOver(): Promise<void> {
    const root = this.host.workspaceRoot();
    if (!root) return;
    const copy = this.readPage(root);
    for (const [path, buffer] of Object.entries(copy?.buffers ?? {})) {
      if (this.host.unsaved(path)) continue; // the open buffer is newer; it is sent below
      await this.host.client.call('backup.write', { path, ...buffer });
    }
    for (const path of this.host.dirtyPaths()) await this.backUp(path);
    // open tabs are the newest session; with none (a page still restoring) the copy the last page left is
    if (this.host.session().tabs.length > 0) await this.storeSession();
    else if (copy?.session) await this.host.client.call('backup.saveSession', copy.session);
    this.dropPage(root);
  }

  /** What to reopen for the open workspace: the page's copy handed over first, then the engine's answer. */
  async restore(): Promise<{ session: EditorSession | null; backups: BufferBackup[] }> {
    await this.handOver();
    return this.host.client.call('backup.restore');
  }

  dispose(): void {
    for (const path of [...this.timers.keys()]) this.cancel(path);
    if (this.sessionTimer !== null) this.clock.clearTimeout(this.sessionTimer);
  }

  private cancel(path: string): void {
    const timer = this.timers.get(path);
    if (timer === undefined) return;
    this.clock.clearTimeout(timer);
    this.timers.delete(path);
  }

  private async backUp(path: string): Promise<void> {
    const unsaved = this.host.unsaved(path);
    if (!unsaved || unsaved.content.length > MAX_BACKUP_CHARS) return;
    try {
      await this.host.client.call('backup.write', { path, ...unsaved });
    } catch {
      // the engine is away (or restarting): the page keeps the copy until it is back
      const root = this.host.workspaceRoot();
      if (root) this.updatePage(root, (copy) => (copy.buffers[path] = unsaved));
    }
  }

  private async storeSession(): Promise<void> {
    const session = this.host.session();
    try {
      await this.host.client.call('backup.saveSession', session);
    } catch {
      const root = this.host.workspaceRoot();
      if (root) this.updatePage(root, (copy) => (copy.session = session));
    }
  }

  private readPage(root: string): PageCopy | null {
    try {
      const text = this.storage?.getItem(PAGE_KEY_PREFIX + root);
      if (!text) return null;
      const value = JSON.parse(text) as Partial<PageCopy>;
      return { session: value.session ?? null, buffers: value.buffers ?? {} };
    } catch {
      return null; // storage disabled or a damaged entry: there is nothing to hand over
    }
  }

  private updatePage(root: string, change: (copy: PageCopy) => void): void {
    if (!this.storage) return;
    const copy = this.readPage(root) ?? { session: null, buffers: {} };
    change(copy);
    try {
      this.storage.setItem(PAGE_KEY_PREFIX + root, JSON.stringify(copy));
    } catch {
      // storage full or disabled: pageCopyStored() tells the page to ask before it unloads
    }
  }

  private pageCopyStored(root: string): boolean {
    const copy = this.readPage(root);
    return this.host.dirtyPaths().every((path) => copy?.buffers[path] !== undefined);
  }

  private dropPage(root: string): void {
    try {
      this.storage?.removeItem(PAGE_KEY_PREFIX + root);
    } catch {
      // disabled storage: nothing was stored either
    }
  }
}
