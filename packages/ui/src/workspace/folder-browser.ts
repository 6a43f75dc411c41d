// Browser mode's folder browser: the path the user types, split into the folder to list and the name being typed
// (path completion), the engine's listing of that folder (workspace.listDirs: folders only, bounded), the keyboard's
// selection in it, Tab completion and going up or into a folder. Answers to stale requests are dropped.
import { type DirEntry, type DirListing, type Disposable, type EngineClient, errorMessage } from '@pa/shared';
import { Observable } from '../workbench/observable';

export interface FolderBrowserState {
  input: string;
  listing: DirListing | null;
  /** Index of the highlighted entry, -1 when none (Enter then opens what was typed). */
  selected: number;
  hidden: boolean;
  error: string | null;
}

/** Typing closer together than this lists once. */
const LIST_DELAY_MS = 80;

/** '/home/ada/pro' → folder '/home/ada/', name 'pro'; '~' and '' are the home folder. */
export function splitInput(input: string): { folder: string; prefix: string } {
  if (input === '' || input === '~') return { folder: input, prefix: '' };
  const slash = Math.max(input.lastIndexOf('/'), input.lastIndexOf('\\'));
  if (slash === -1) return { folder: '', prefix: input };
  return { folder: input.slice(0, slash + 1), prefix: input.slice(slash + 1) };
}

/** A folder's path as the input shows it: with a trailing separator, so typing goes on inside it. */
export const asInput = (path: string) => (/[/\\]$/.test(path) ? path : `${path}/`);

export class FolderBrowser implements Disposable {
  readonly state = new Observable<FolderBrowserState>({
    input: '',
    listing: null,
    selected: -1,
    hidden: false,
    error: null,
  });
  private request = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly client: EngineClient) {
    void this.list();
  }

  setInput(input: string): void {
    this.patch({ input, selected: -1 });
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.list();
    }, LIST_DELAY_MS);
  }

  setHidden(hidden: boolean): void {
    this.patch({ hidden });
    void this.list();
  }

  /** Arrow keys: moves the highlight, wrapping around. */
  move(delta: number): void {
    const count = this.state.value.listing?.entries.length ?? 0;
    if (count === 0) return;
    const current = this.state.value.selected;
    const next = current === -1 ? (delta > 0 ? 0 : count - 1) : (current + delta + count) % count;
    this.patch({ selected: next });
  }

  /** Tab: the highlighted (or only, or first) folder completes the input, and its subfolders are listed. */
  complete(): void {
    const { listing, selected } = this.state.value;
    const entry = listing?.entries[selected === -1 ? 0 : selected];
    if (entry) this.enter(entry);
  }

  /** Into a folder (a click, or Enter on a highlighted one). */
  enter(entry: DirEntry): void {
    this.go(asInput(entry.path));
  }

  up(): void {
    const parent = this.state.value.listing?.parent;
    if (parent) this.go(asInput(parent));
  }

  /** The highlighted entry, or null when Enter should open what was typed. */
  highlighted(): DirEntry | null {
    const { listing, selected } = this.state.value;
    return selected === -1 ? null : (listing?.entries[selected] ?? null);
  }

  /**
   * The folder Open opens: an absolute path as typed (without its trailing separator); otherwise (`~/code`, a bare
   * name) the folder listed joined with the name being typed, as the engine resolved it.
   */
  target(): string {
    const typed = this.state.value.input.trim();
    if (/^(?:\/|[A-Za-z]:[\\/])/.test(typed)) return typed.length > 1 ? typed.replace(/[/\\]+$/, '') : typed;
    const listing = this.state.value.listing;
    if (!listing) return '';
    const { prefix } = splitInput(typed);
    return prefix ? `${asInput(listing.path)}${prefix}` : listing.path;
  }

  dispose(): void {
    this.request++;
    if (this.timer) clearTimeout(this.timer);
  }

  private go(input: string): void {
    this.patch({ input, selected: -1 });
    void this.list();
  }

  private async list(): Promise<void> {
    const request = ++this.request;
    const { input, hidden } = this.state.value;
    const { folder, prefix } = splitInput(input);
    // a relative start ("pro") lists the home folder's names starting with it
    const path = folder === '' ? '' : folder;
    try {
      const listing = await this.client.call('workspace.listDirs', { path, prefix, hidden });
      if (request === this.request) this.patch({ listing, error: null });
    } catch (error) {
      if (request === this.request) this.patch({ listing: null, error: errorMessage(error) });
    }
  }

  private patch(change: Partial<FolderBrowserState>): void {
    this.state.set({ ...this.state.value, ...change });
  }
}
