// The explorer's tree as data: folders load lazily, one `files.list` per expanded folder; this module turns the
// loaded folders and the expanded set into the flat rows the view draws, and works out what to reload on a change.
import type { FileEntry } from '@pa/shared';

export interface TreeRow {
  entry: FileEntry;
  depth: number;
  expanded: boolean;
  /** True while an expanded folder's children are still being fetched. */
  loading: boolean;
}

/** Folders first, then files; names compare the way people read them (file2 before file10). */
export function sortEntries(entries: readonly FileEntry[]): FileEntry[] {
  return [...entries].sort((a, b) => {
    if (a.kind !== b.kind) return a.kind === 'dir' ? -1 : 1;
    return a.name.localeCompare(b.name, undefined, { numeric: true, sensitivity: 'base' });
  });
}

/** Flattens the loaded part of the tree, root ('') first level at depth 0. */
export function visibleRows(
  children: ReadonlyMap<string, readonly FileEntry[]>,
  expanded: ReadonlySet<string>,
  dir = '',
  depth = 0,
): TreeRow[] {
  const rows: TreeRow[] = [];
  for (const entry of children.get(dir) ?? []) {
    const isOpen = entry.kind === 'dir' && expanded.has(entry.path);
    rows.push({ entry, depth, expanded: isOpen, loading: isOpen && !children.has(entry.path) });
    if (isOpen) rows.push(...visibleRows(children, expanded, entry.path, depth + 1));
  }
  return rows;
}

export function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash === -1 ? '' : path.slice(0, slash);
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** The loaded folders whose listing a batch of outside changes makes stale (each changed path's parent). */
export function foldersToReload(changedPaths: readonly string[], loaded: ReadonlySet<string>): string[] {
  const folders = new Set<string>();
  for (const path of changedPaths) {
    const parent = parentOf(path);
    if (loaded.has(parent)) folders.add(parent);
  }
  return [...folders];
}

/** Checks a name typed for a new or renamed entry; returns a sentence to show, or null when it is fine. */
export function validateEntryName(name: string, siblings: readonly string[]): string | null {
  const trimmed = name.trim();
  if (trimmed === '') return 'A name is required.';
  if (trimmed === '.' || trimmed === '..') return `"${trimmed}" is not a valid name.`;
  if (/[\\\0]/.test(trimmed)) return 'Names cannot contain a backslash.';
  if (trimmed.split('/').some((segment) => segment === '' || segment === '..')) return 'That path is not valid.';
  if (siblings.some((sibling) => sibling.toLowerCase() === trimmed.toLowerCase()))
    return `"${trimmed}" already exists here.`;
  return null;
}

export type TreeKeyAction =
  | { kind: 'select'; path: string }
  | { kind: 'toggle'; path: string }
  | { kind: 'open'; path: string }
  | { kind: 'none' };

/** What an arrow key or Enter does in the tree, VS Code style (Left on a file or closed folder goes to its parent). */
export function treeKeyAction(rows: readonly TreeRow[], selected: string | null, key: string): TreeKeyAction {
  const index = rows.findIndex((row) => row.entry.path === selected);
  const row = rows[index];
  const first = rows[0];
  if (!row)
    return first && (key === 'ArrowDown' || key === 'ArrowUp')
      ? { kind: 'select', path: first.entry.path }
      : { kind: 'none' };
  const isDir = row.entry.kind === 'dir';
  switch (key) {
    case 'ArrowDown': {
      const next = rows[index + 1];
      return next ? { kind: 'select', path: next.entry.path } : { kind: 'none' };
    }
    case 'ArrowUp': {
      const previous = rows[index - 1];
      return previous ? { kind: 'select', path: previous.entry.path } : { kind: 'none' };
    }
    case 'ArrowRight':
      if (!isDir) return { kind: 'none' };
      if (!row.expanded) return { kind: 'toggle', path: row.entry.path };
      return rows[index + 1]?.depth === row.depth + 1
        ? { kind: 'select', path: (rows[index + 1] as TreeRow).entry.path }
        : { kind: 'none' };
    case 'ArrowLeft':
      if (isDir && row.expanded) return { kind: 'toggle', path: row.entry.path };
      return row.depth > 0 ? { kind: 'select', path: parentOf(row.entry.path) } : { kind: 'none' };
    case 'Enter':
    case ' ':
      return isDir ? { kind: 'toggle', path: row.entry.path } : { kind: 'open', path: row.entry.path };
    default:
      return { kind: 'none' };
  }
}
