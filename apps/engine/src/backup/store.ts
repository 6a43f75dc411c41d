// The hot-exit tables: one row per unsaved buffer and one editor session (tabs, cursors, active tab) per workspace.
import type { BufferBackup, EditorSession } from '@pa/shared';
import type { Store } from '../store/index.js';

const MIGRATIONS = [
  `CREATE TABLE buffer_backups (
     workspace TEXT NOT NULL,
     path TEXT NOT NULL,
     content TEXT NOT NULL,
     mtime_ms REAL,
     saved_at INTEGER NOT NULL,
     PRIMARY KEY (workspace, path)
   );
   CREATE TABLE editor_sessions (
     workspace TEXT PRIMARY KEY,
     session TEXT NOT NULL,
     saved_at INTEGER NOT NULL
   );`,
];

export type StoredBackup = Omit<BufferBackup, 'disk'>;

export interface BackupStore {
  put(workspace: string, backup: StoredBackup): void;
  remove(workspace: string, path: string): void;
  list(workspace: string): StoredBackup[];
  putSession(workspace: string, session: EditorSession, savedAt: number): void;
  /** The stored session, or null when none was stored or the row no longer parses as one. */
  session(workspace: string): string | null;
}

export function openBackupStore(store: Store): BackupStore {
  store.migrate('backup', MIGRATIONS);
  const { db } = store;
  const upsert = db.prepare(
    `INSERT INTO buffer_backups (workspace, path, content, mtime_ms, saved_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (workspace, path) DO UPDATE SET content = excluded.content, mtime_ms = excluded.mtime_ms,
       saved_at = excluded.saved_at`,
  );
  const remove = db.prepare('DELETE FROM buffer_backups WHERE workspace = ? AND path = ?');
  const list = db.prepare<[string], { path: string; content: string; mtime_ms: number | null; saved_at: number }>(
    'SELECT path, content, mtime_ms, saved_at FROM buffer_backups WHERE workspace = ? ORDER BY path',
  );
  const upsertSession = db.prepare(
    `INSERT INTO editor_sessions (workspace, session, saved_at) VALUES (?, ?, ?)
     ON CONFLICT (workspace) DO UPDATE SET session = excluded.session, saved_at = excluded.saved_at`,
  );
  const getSession = db.prepare<[string], { session: string }>(
    'SELECT session FROM editor_sessions WHERE workspace = ?',
  );
  return {
    put: (workspace, backup) => upsert.run(workspace, backup.path, backup.content, backup.mtimeMs, backup.savedAt),
    remove: (workspace, path) => remove.run(workspace, path),
    list: (workspace) =>
      list.all(workspace).map((row) => ({
        path: row.path,
        content: row.content,
        mtimeMs: row.mtime_ms,
        savedAt: row.saved_at,
      })),
    putSession: (workspace, session, savedAt) => upsertSession.run(workspace, JSON.stringify(session), savedAt),
    session: (workspace) => getSession.get(workspace)?.session ?? null,
  };
}
