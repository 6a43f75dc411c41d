// The Search view's behaviour: the query and its options, a search.text stream per query (debounced; a new
// keystroke cancels the running one), results grouped by file as they stream in, keyboard navigation through the
// matches (F4 / Shift+F4), and replace (one match, a file, everything). Files open in the editor are replaced in
// their buffer (undoable, left for the user to save); the others through search.replace, which re-checks each
// match on disk and reports a file that changed since.
import {
  type Disposable,
  errorMessage,
  expandReplacement,
  type SearchFileMatches,
  type SearchMatch,
  type SearchTextResult,
} from '@pa/shared';
import type { WorkbenchApi } from '../workbench/contributions';
import { Observable } from '../workbench/observable';

export interface SearchOptions {
  isRegex: boolean;
  matchCase: boolean;
  wholeWord: boolean;
  useIgnoreFiles: boolean;
}

export interface FileResult {
  path: string;
  matches: readonly SearchMatch[];
}

export interface SearchState {
  query: string;
  replacement: string;
  showReplace: boolean;
  showDetails: boolean;
  include: string;
  exclude: string;
  options: SearchOptions;
  results: readonly FileResult[];
  collapsed: ReadonlySet<string>;
  searching: boolean;
  summary: SearchTextResult | null;
  error: string | null;
  /** What the last replace did, shown where the result count was. */
  notice: string | null;
  /** The match F4 last moved to (or a click opened). */
  active: { path: string; index: number } | null;
}

/** Typing pauses this long before a search starts (VS Code waits about as long). */
export const SEARCH_DEBOUNCE_MS = 250;
/** After the first results are shown, more are added at most this often (one render per batch, not per file). */
const FLUSH_MS = 80;

const initial: SearchState = {
  query: '',
  replacement: '',
  showReplace: false,
  showDetails: false,
  include: '',
  exclude: '',
  options: { isRegex: false, matchCase: false, wholeWord: false, useIgnoreFiles: true },
  results: [],
  collapsed: new Set(),
  searching: false,
  summary: null,
  error: null,
  notice: null,
  active: null,
};

/** `a, b` as typed in the include/exclude fields: the globs, trimmed, empty ones dropped. */
export function splitGlobs(text: string): string[] {
  return text
    .split(',')
    .map((glob) => glob.trim())
    .filter((glob) => glob !== '');
}

/**
 * Adds streamed items to the results: a file's later items join its entry, a new file takes its place in path order
 * (as VS Code's search view sorts, not in the order rg's threads happen to finish files).
 */
export function mergeResults(results: readonly FileResult[], items: readonly SearchFileMatches[]): FileResult[] {
  const next = [...results];
  for (const item of items) {
    const at = sortedIndex(next, item.path);
    const known = next[at];
    if (known?.path === item.path) {
      next[at] = { path: known.path, matches: [...known.matches, ...item.matches] };
    } else {
      next.splice(at, 0, { path: item.path, matches: item.matches });
    }
  }
  return next;
}

/** Where `path` is or would go in results sorted by comparePaths (binary search). */
function sortedIndex(results: readonly FileResult[], path: string): number {
  let low = 0;
  let high = results.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (comparePaths((results[middle] as FileResult).path, path) < 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

const names = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/**
 * VS Code's order of search results: folder by folder (names compared without case), a folder's own files before
 * those of its subfolders, file names compared as people read them (`file9` before `file10`, case aside).
 */
export function comparePaths(a: string, b: string): number {
  const aParts = a.split('/');
  const bParts = b.split('/');
  for (let i = 0; ; i++) {
    const aLast = i === aParts.length - 1;
    const bLast = i === bParts.length - 1;
    const aPart = aParts[i] as string;
    const bPart = bParts[i] as string;
    if (aLast && bLast) return names.compare(aPart, bPart) || (aPart < bPart ? -1 : aPart > bPart ? 1 : 0);
    if (aLast) return -1;
    if (bLast) return 1;
    const aFolder = aPart.toLowerCase();
    const bFolder = bPart.toLowerCase();
    if (aFolder !== bFolder) return aFolder < bFolder ? -1 : 1;
  }
}

/** The match `step` places after (or before) `from` in file order, wrapping around; null without results. */
export function stepMatch(
  results: readonly FileResult[],
  from: { path: string; index: number } | null,
  step: 1 | -1,
): { path: string; index: number } | null {
  const flat = results.flatMap((file) => file.matches.map((_, index) => ({ path: file.path, index })));
  if (flat.length === 0) return null;
  const at = from ? flat.findIndex((entry) => entry.path === from.path && entry.index === from.index) : -1;
  if (at === -1) return (step === 1 ? flat[0] : flat.at(-1)) ?? null;
  return flat[(at + step + flat.length) % flat.length] ?? null;
}

export class SearchController implements Disposable {
  readonly state = new Observable<SearchState>(initial);
  /** Counts requests to put the keyboard in the query box (Ctrl+Shift+F); the view focuses on each change. */
  readonly focusRequests = new Observable(0);
  private running: AbortController | null = null;
  private debounce: ReturnType<typeof setTimeout> | null = null;
  private disposed = false;

  constructor(private readonly api: WorkbenchApi) {}

  private patch(change: Partial<SearchState>): void {
    this.state.set({ ...this.state.value, ...change });
  }

  focusQuery(): void {
    this.focusRequests.update((count) => count + 1);
  }

  setQuery(query: string): void {
    this.patch({ query });
    this.schedule();
  }

  setReplacement(replacement: string): void {
    this.patch({ replacement });
  }

  setInclude(include: string): void {
    this.patch({ include });
    this.schedule();
  }

  setExclude(exclude: string): void {
    this.patch({ exclude });
    this.schedule();
  }

  toggle(option: keyof SearchOptions): void {
    const { options } = this.state.value;
    this.patch({ options: { ...options, [option]: !options[option] } });
    this.schedule(0);
  }

  toggleReplace(): void {
    this.patch({ showReplace: !this.state.value.showReplace });
  }

  toggleDetails(): void {
    this.patch({ showDetails: !this.state.value.showDetails });
  }

  toggleCollapsed(path: string): void {
    const collapsed = new Set(this.state.value.collapsed);
    if (!collapsed.delete(path)) collapsed.add(path);
    this.patch({ collapsed });
  }

  collapseAll(): void {
    this.patch({ collapsed: new Set(this.state.value.results.map((file) => file.path)) });
  }

  /** Runs the search after the typing pause; a keystroke meanwhile starts the wait again. */
  private schedule(delay = SEARCH_DEBOUNCE_MS): void {
    this.running?.abort(); // a new keystroke cancels the running search at once
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      this.debounce = null;
      void this.search();
    }, delay);
  }

  /** Searches now with the current query and options (Enter in the query box). */
  async search(): Promise<void> {
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = null;
    this.running?.abort();
    const { query, options, include, exclude } = this.state.value;
    if (query === '' || !this.api.workspace()) {
      this.running = null;
      this.patch({ results: [], summary: null, error: null, searching: false, active: null });
      return;
    }
    const run = new AbortController();
    this.running = run;
    this.patch({
      results: [],
      summary: null,
      error: null,
      notice: null,
      searching: true,
      active: null,
      collapsed: new Set(),
    });
    let pending: SearchFileMatches[] = [];
    let timer: ReturnType<typeof setTimeout> | null = null;
    let shown = false;
    const flush = () => {
      if (timer) clearTimeout(timer);
      timer = null;
      if (pending.length === 0 || run.signal.aborted) return;
      this.patch({ results: mergeResults(this.state.value.results, pending) });
      pending = [];
    };
    try {
      const stream = this.api.client.stream(
        'search.text',
        {
          pattern: query,
          ...options,
          include: splitGlobs(include),
          exclude: splitGlobs(exclude),
        },
        { signal: run.signal },
      );
      for await (const item of stream) {
        pending.push(item);
        if (!shown) {
          shown = true; // the first file is on screen at once; later ones in batches
          flush();
        } else {
          timer ??= setTimeout(flush, FLUSH_MS);
        }
      }
      if (run.signal.aborted) return;
      const summary = await stream.result;
      flush();
      this.patch({ summary, searching: false });
    } catch (error) {
      if (timer) clearTimeout(timer);
      if (run.signal.aborted || this.disposed) return;
      flush();
      this.patch({ error: errorMessage(error), searching: false });
    } finally {
      if (this.running === run) this.running = null;
    }
  }

  /** Opens the file at a match with the match selected. */
  async open(path: string, index: number): Promise<void> {
    const match = this.findMatch(path, index);
    if (!match) return;
    this.patch({ active: { path, index } });
    await this.api.openFile(path, { line: match.line, column: match.column + 1 });
    const editor = this.api.editor();
    if (editor && this.api.activeFile() === path) {
      editor.setSelection({
        startLineNumber: match.line,
        startColumn: match.column + 1,
        endLineNumber: match.line,
        endColumn: match.endColumn + 1,
      });
    }
  }

  /** F4 / Shift+F4: the next or previous match, opened. */
  async step(direction: 1 | -1): Promise<void> {
    const next = stepMatch(this.state.value.results, this.state.value.active, direction);
    if (next) await this.open(next.path, next.index);
  }

  /** The replacement text a match becomes (the preview shows it; a replace writes it). */
  replacementFor(match: SearchMatch): string {
    const { replacement, options } = this.state.value;
    return options.isRegex ? expandReplacement(replacement, match.text, match.groups ?? []) : replacement;
  }

  async replaceOne(path: string, index: number): Promise<void> {
    const match = this.findMatch(path, index);
    if (match) await this.replace([{ path, matches: [match] }]);
  }

  async replaceFile(path: string): Promise<void> {
    const file = this.state.value.results.find((entry) => entry.path === path);
    if (file) await this.replace([file]);
  }

  async replaceAll(): Promise<void> {
    const { results, replacement } = this.state.value;
    const count = results.reduce((sum, file) => sum + file.matches.length, 0);
    if (count === 0) return;
    const choice = await this.api.confirm({
      title: 'Replace All',
      message: `Replace ${count} ${count === 1 ? 'occurrence' : 'occurrences'} across ${results.length} ${results.length === 1 ? 'file' : 'files'} with "${replacement}"?`,
      buttons: [
        { id: 'replace', label: 'Replace', variant: 'primary' },
        { id: 'cancel', label: 'Cancel', variant: 'secondary' },
      ],
    });
    if (choice === 'replace') await this.replace(results);
  }

  private async replace(files: readonly FileResult[]): Promise<void> {
    const { query, options, replacement } = this.state.value;
    const done = new Map<string, Set<SearchMatch>>();
    const onDisk: FileResult[] = [];
    const refused: string[] = [];
    for (const file of files) {
      const model = this.api.model(file.path);
      if (!model) {
        onDisk.push(file);
        continue;
      }
      // open in the editor (maybe with unsaved edits): replaced in its buffer, where undo and the dirty marker work
      const edits = [];
      for (const match of file.matches) {
        const range = {
          startLineNumber: match.line,
          startColumn: match.column + 1,
          endLineNumber: match.line,
          endColumn: match.endColumn + 1,
        };
        if (!model.getValueInRange(range).startsWith(match.text)) {
          edits.length = 0;
          refused.push(`${file.path} (it changed in the editor since the search)`);
          break;
        }
        edits.push({ range, text: this.replacementFor(match) });
      }
      if (edits.length > 0) {
        model.pushEditOperations(null, edits, () => null);
        done.set(file.path, new Set(file.matches));
      }
    }
    if (onDisk.length > 0) {
      try {
        const result = await this.api.client.call('search.replace', {
          query: {
            pattern: query,
            isRegex: options.isRegex,
            matchCase: options.matchCase,
            wholeWord: options.wholeWord,
          },
          replacement,
          files: onDisk.map((file) => ({
            path: file.path,
            matches: file.matches.map(({ line, column, endColumn, text }) => ({ line, column, endColumn, text })),
          })),
        });
        for (const file of result.replaced) {
          done.set(file.path, new Set(onDisk.find((entry) => entry.path === file.path)?.matches ?? []));
        }
        for (const file of result.skipped) refused.push(`${file.path} (${file.reason})`);
      } catch (error) {
        this.api.notify(errorMessage(error), 'error');
      }
    }
    if (this.disposed) return;
    const replacedFiles = [...done.values()].filter((matches) => matches.size > 0);
    const count = replacedFiles.reduce((sum, matches) => sum + matches.size, 0);
    this.patch({
      notice:
        count > 0
          ? `Replaced ${count} ${count === 1 ? 'occurrence' : 'occurrences'} across ${replacedFiles.length} ${replacedFiles.length === 1 ? 'file' : 'files'}.`
          : null,
      results: this.state.value.results
        .map((file) => {
          const gone = done.get(file.path);
          return gone ? { path: file.path, matches: file.matches.filter((match) => !gone.has(match)) } : file;
        })
        .filter((file) => file.matches.length > 0),
      active: null,
    });
    if (refused.length > 0) {
      this.api.notify(`Not replaced: ${refused.slice(0, 5).join(', ')}${refused.length > 5 ? ', …' : ''}.`, 'warning');
    }
  }

  private findMatch(path: string, index: number): SearchMatch | undefined {
    return this.state.value.results.find((file) => file.path === path)?.matches[index];
  }

  dispose(): void {
    this.disposed = true;
    this.running?.abort();
    if (this.debounce) clearTimeout(this.debounce);
  }
}
