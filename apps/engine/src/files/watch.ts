// Watches the workspace for changes made outside the editor and reports them in batches.

import type { FileChange } from '@pa/shared';
import { type FSWatcher, watch } from 'chokidar';
import { isAtomicTempName } from './atomic.js';
import { toRelative } from './confine.js';
import type { IgnoreRules } from './ignore-rules.js';

const BATCH_MS = 50;

export interface WorkspaceWatcher {
  ready: Promise<void>;
  close(): Promise<void>;
}

/**
 * What a path's change in one batch amounts to, given what the batch already holds for it. A file written in two
 * steps (created, then its bytes land) reaches chokidar as an add and then a change, often inside one batch on a slow
 * disk; reporting only the last event's "changed" would hide from the explorer that the file is new.
 */
export function mergeKind(previous: FileChange['kind'] | undefined, next: FileChange['kind']): FileChange['kind'] {
  if (next === 'changed' && previous !== undefined) return previous === 'deleted' ? 'created' : previous;
  return next;
}

export function watchWorkspace(
  root: string,
  rules: IgnoreRules,
  onChanges: (changes: FileChange[]) => void,
): WorkspaceWatcher {
  let pending = new Map<string, FileChange['kind']>();
  let timer: NodeJS.Timeout | null = null;
  const flush = () => {
    timer = null;
    const changes = [...pending].map(([path, kind]) => ({ path, kind }));
    pending = new Map();
    if (changes.length > 0) onChanges(changes);
  };
  const record = (absolute: string, kind: FileChange['kind']) => {
    const path = toRelative(root, absolute);
    if (path === '' || path.startsWith('..')) return;
    if (path === '.gitignore' || path.endsWith('/.gitignore')) rules.invalidate();
    pending.set(path, mergeKind(pending.get(path), kind));
    timer ??= setTimeout(flush, BATCH_MS);
  };
  const watcher: FSWatcher = watch(root, {
    ignoreInitial: true,
    followSymlinks: false,
    ignored: (absolute, stats) => {
      const path = toRelative(root, absolute);
      if (path === '' || path.startsWith('..')) return false;
      if (isAtomicTempName(path.split('/').pop() ?? '')) return true; // our atomic-write temp files
      return rules.isIgnored(path, stats?.isDirectory() ?? false);
    },
  });
  watcher.on('add', (p) => record(p, 'created'));
  watcher.on('addDir', (p) => record(p, 'created'));
  watcher.on('change', (p) => record(p, 'changed'));
  watcher.on('unlink', (p) => record(p, 'deleted'));
  watcher.on('unlinkDir', (p) => record(p, 'deleted'));
  watcher.on('error', () => {
    // a vanished directory or a permission error must not take the engine down
  });
  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return {
    ready,
    close: async () => {
      if (timer) clearTimeout(timer);
      await watcher.close();
    },
  };
}
