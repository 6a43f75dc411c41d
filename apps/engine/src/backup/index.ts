// The backup capability (hot exit): unsaved buffers and the open tabs of each workspace, kept in the engine's store
// so they outlive a reload, an engine crash or a closed window. A backup remembers the disk time its buffer was
// read at; restore compares it with the disk now, so the editor can ask before it puts old edits over new text.
import { stat } from 'node:fs/promises';
import { type BufferBackup, EDITOR_TAB_PATH, EditorSession } from '@pa/shared';
import type { Capability, EngineContext } from '../context.js';
import { checkRelativePath } from '../files/index.js';
import type { PartialHandlers } from '../rpc/handlers.js';
import { openBackupStore, type StoredBackup } from './store.js';

export function createBackups(context: EngineContext): Capability {
  const backups = openBackupStore(context.store);
  const root = () => context.workspace.requireRoot();
  /** Confined like every file path, so a backup can never name (or stat) a file outside the workspace. */
  const checked = (path: string) => {
    context.files.resolve(path);
    return checkRelativePath(path).join('/');
  };

  async function diskState(backup: StoredBackup): Promise<BufferBackup['disk']> {
    const info = await stat(context.files.resolve(backup.path)).catch(() => null);
    if (!info) return backup.mtimeMs === null ? 'unchanged' : 'deleted';
    return info.mtimeMs === backup.mtimeMs ? 'unchanged' : 'changed';
  }

  const handlers: PartialHandlers = {
    'backup.write': ({ path, content, mtimeMs }) => {
      backups.put(root(), { path: checked(path), content, mtimeMs, savedAt: context.clock() });
      return { ok: true } as const;
    },
    'backup.discard': ({ path }) => {
      backups.remove(root(), checked(path));
      return { ok: true } as const;
    },
    'backup.saveSession': (session) => {
      // a contributed editor's tab (settings, a preview) names no file: it is kept as it is
      for (const tab of session.tabs) if (!EDITOR_TAB_PATH.test(tab.path)) checked(tab.path);
      // the split editor's groups name the same tabs: each path is checked as well, never trusted for being listed
      for (const group of session.layout?.groups ?? []) {
        for (const tab of group.tabs) if (!EDITOR_TAB_PATH.test(tab.path)) checked(tab.path);
      }
      backups.putSession(root(), session, context.clock());
      return { ok: true } as const;
    },
    'backup.restore': async () => {
      const workspace = root();
      const stored = backups.session(workspace);
      const parsed = stored === null ? null : EditorSession.safeParse(safeJson(stored));
      const restored: BufferBackup[] = [];
      for (const backup of backups.list(workspace)) restored.push({ ...backup, disk: await diskState(backup) });
      return { session: parsed?.success ? parsed.data : null, backups: restored };
    },
  };

  // a saved file's text is on disk: its backup would only bring back what the user already has
  const unsubscribe = context.files.onDidWrite((path) => {
    const current = context.workspace.current();
    if (current) backups.remove(current.root, path);
  });

  return { handlers, dispose: unsubscribe };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null; // a damaged row: the session is lost, the buffers' backups (their own rows) are not
  }
}
