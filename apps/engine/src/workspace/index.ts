// The open workspace (one folder per engine) and the list of recently opened ones, kept in SQLite. A client asking
// to open the disk's root, the home folder or a system folder gets E_FORBIDDEN `confirm_required` until it repeats
// the call with `confirm: true` (the UI asks the user in between); in-process opens (`pa serve DIR`) do not ask.
import { realpathSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { ErrorCode, PaError, type RecentWorkspace, type WorkspaceInfo } from '@pa/shared';
import type { PartialHandlers } from '../rpc/handlers.js';
import type { Store } from '../store/index.js';
import { listDirs } from './list-dirs.js';
import { sensitiveFolder } from './sensitive-folders.js';

const MIGRATIONS = [
  `CREATE TABLE recent_workspaces (
     path TEXT PRIMARY KEY,
     name TEXT NOT NULL,
     opened_at INTEGER NOT NULL
   );
   CREATE INDEX recent_workspaces_opened ON recent_workspaces (opened_at DESC);`,
];

const RECENT_LIMIT = 20;

export interface Workspace {
  current(): WorkspaceInfo | null;
  /** The root of the open workspace, or E_BAD_REQUEST telling the user to open a folder first. */
  requireRoot(): string;
  /** Opens a folder; `remember: false` (the CLI) leaves the editor's Recent list as it was. */
  open(path: string, options?: { remember?: boolean }): WorkspaceInfo;
  /** Opens the folder this data dir opened last, if it still exists; null when there is none. */
  reopenLast(): WorkspaceInfo | null;
  recent(): RecentWorkspace[];
  onDidChange(listener: (workspace: WorkspaceInfo | null) => void): () => void;
  handlers: PartialHandlers;
}

export function createWorkspace(store: Store, clock: () => number = Date.now): Workspace {
  store.migrate('workspace', MIGRATIONS);
  const upsert = store.db.prepare(
    'INSERT INTO recent_workspaces (path, name, opened_at) VALUES (?, ?, ?) ON CONFLICT(path) DO UPDATE SET opened_at = excluded.opened_at',
  );
  const list = store.db.prepare<[number], { path: string; name: string; opened_at: number }>(
    'SELECT path, name, opened_at FROM recent_workspaces ORDER BY opened_at DESC LIMIT ?',
  );
  const forget = store.db.prepare('DELETE FROM recent_workspaces WHERE path = ?');
  let current: WorkspaceInfo | null = null;
  const listeners = new Set<(workspace: WorkspaceInfo | null) => void>();

  const workspace: Workspace = {
    current: () => current,
    requireRoot() {
      if (!current) throw new PaError(ErrorCode.BAD_REQUEST, 'No folder is open. Open a folder first.');
      return current.root;
    },
    open(path, options = {}) {
      const root = resolve(path);
      let isDir = false;
      try {
        isDir = statSync(root).isDirectory();
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENAMETOOLONG') {
          throw new PaError(ErrorCode.BAD_REQUEST, 'That folder path is too long for the filesystem.', {
            reason: 'name_too_long',
          });
        }
        throw new PaError(ErrorCode.NOT_FOUND, `Folder "${root.slice(0, 300)}" does not exist.`);
      }
      if (!isDir) throw new PaError(ErrorCode.BAD_REQUEST, `"${root}" is a file, not a folder.`);
      current = { root, name: basename(root) || root };
      if (options.remember !== false) upsert.run(root, current.name, clock());
      for (const listener of listeners) listener(current);
      return current;
    },
    reopenLast() {
      for (const entry of workspace.recent()) {
        try {
          return workspace.open(entry.path);
        } catch (error) {
          // a folder since deleted or replaced by a file stays in the list (the user may plug its disk back in)
          if (!(error instanceof PaError)) throw error;
        }
      }
      return null;
    },
    recent: () => list.all(RECENT_LIMIT).map((row) => ({ path: row.path, name: row.name, openedAt: row.opened_at })),
    onDidChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    handlers: {
      'workspace.open': ({ path, confirm }) => {
        if (!confirm) askBeforeOpening(path);
        return workspace.open(path);
      },
      'workspace.current': () => ({ workspace: current }),
      'workspace.recent': () => ({ items: workspace.recent() }),
      'workspace.forget': ({ path }) => {
        forget.run(path);
        return { ok: true } as const;
      },
      'workspace.listDirs': (request) => listDirs(request),
    },
  };
  return workspace;
}

/** Refuses, with what to ask the user, a folder that must be confirmed before it opens (symlinks followed). */
function askBeforeOpening(path: string): void {
  let real = resolve(path);
  try {
    real = realpathSync(real);
  } catch {
    return; // open() answers a missing or unreadable folder
  }
  const why = sensitiveFolder(real);
  if (!why) return;
  throw new PaError(
    ErrorCode.FORBIDDEN,
    `"${real}" is ${why}. Opening it lets the editor, AI tools and workflows read and change every file in it; confirm to open it anyway.`,
    { reason: 'confirm_required', path: real, why },
  );
}
