// Hot exit: the engine keeps a copy of every unsaved buffer and the editor's open tabs per workspace, so a reload,
// a crash or a closed window reopens the same tabs with the same unsaved text.
import { z } from 'zod';
import { Empty, method, Ok } from '../rpc.js';
import { RelPath } from './files.js';

/** The largest buffer backed up (characters); a request stays well under the 16 MiB message limit. */
export const MAX_BACKUP_CHARS = 4 * 1024 * 1024;

/**
 * The tab path of an editor a feature contributes (settings, a preview): "/<editor id>/<resource>". No file path
 * starts with "/", so it is never read as a file; the engine stores it without resolving it.
 */
export const EDITOR_TAB_PATH = /^\/([a-z][\w.-]*)\/(.*)$/s;

export const SessionTab = z.object({
  path: RelPath.min(1),
  line: z.number().int().positive(),
  column: z.number().int().positive(),
});
export type SessionTab = z.infer<typeof SessionTab>;

/** The most editor groups a layout holds (the editor splits no further). */
export const MAX_EDITOR_GROUPS = 16;

/** One editor group of a split editor: its tabs in order, with their preview and pinned flags, and its active tab. */
export const SessionGroup = z.object({
  tabs: z
    .array(z.object({ path: RelPath.min(1), preview: z.boolean().optional(), pinned: z.boolean().optional() }))
    .max(1000),
  active: RelPath.nullable(),
});
export type SessionGroup = z.infer<typeof SessionGroup>;

/** The split editor: its groups side by side (`row`) or stacked (`column`), their shares, the active group's index. */
export const SessionLayout = z.object({
  orientation: z.enum(['row', 'column']),
  groups: z.array(SessionGroup).min(1).max(MAX_EDITOR_GROUPS),
  sizes: z.array(z.number().positive().finite()).max(MAX_EDITOR_GROUPS),
  active: z.number().int().nonnegative().max(MAX_EDITOR_GROUPS),
});
export type SessionLayout = z.infer<typeof SessionLayout>;

/**
 * The open tabs in order (every file once), with each one's cursor, and the active tab; `layout` (added later,
 * absent from older sessions, which restore as one group) says which groups show them.
 */
export const EditorSession = z.object({
  tabs: z.array(SessionTab).max(1000),
  active: RelPath.nullable(),
  layout: SessionLayout.optional(),
});
export type EditorSession = z.infer<typeof EditorSession>;

/**
 * A backed-up buffer as restore hands it back. `mtimeMs` is the disk time the buffer was read at (null: the file
 * was not on disk); `disk` says whether the file changed or vanished on disk since, which the user must decide.
 */
export const BufferBackup = z.object({
  path: z.string(),
  content: z.string(),
  mtimeMs: z.number().nullable(),
  savedAt: z.number(),
  disk: z.enum(['unchanged', 'changed', 'deleted']),
});
export type BufferBackup = z.infer<typeof BufferBackup>;

export const backupMethods = {
  /** Stores (replaces) the backup of one unsaved buffer of the open workspace. */
  'backup.write': method(
    z.strictObject({ path: RelPath.min(1), content: z.string().max(MAX_BACKUP_CHARS), mtimeMs: z.number().nullable() }),
    Ok,
  ),
  /** Forgets the backup of one buffer (saved, reverted or deliberately discarded). */
  'backup.discard': method(z.strictObject({ path: RelPath.min(1) }), Ok),
  'backup.saveSession': method(
    z.strictObject({ tabs: EditorSession.shape.tabs, active: RelPath.nullable(), layout: SessionLayout.optional() }),
    Ok,
  ),
  /** The open workspace's last session and its backups, each checked against the disk now. */
  'backup.restore': method(Empty, z.object({ session: EditorSession.nullable(), backups: z.array(BufferBackup) })),
} as const;
