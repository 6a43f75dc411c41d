// Engine-level methods: liveness, identity, workspaces.
import { z } from 'zod';
import { Empty, method, Ok } from '../rpc.js';

export const EngineInfo = z.object({
  version: z.string(),
  pid: z.number(),
  platform: z.string(),
  node: z.string(),
  dataDir: z.string(),
  transport: z.enum(['websocket', 'port']),
});
export type EngineInfo = z.infer<typeof EngineInfo>;

export const WorkspaceInfo = z.object({ root: z.string(), name: z.string() });
export type WorkspaceInfo = z.infer<typeof WorkspaceInfo>;

export const RecentWorkspace = z.object({ path: z.string(), name: z.string(), openedAt: z.number() });
export type RecentWorkspace = z.infer<typeof RecentWorkspace>;

/** Folders one workspace.listDirs answers with at most (a folder of 100,000 subfolders is cut, and says so). */
export const LIST_DIRS_LIMIT = 500;

/** An absolute folder path (or `~`, `~/…`) as a folder browser sends it; no NUL, no relative paths. */
const FolderPath = z
  .string()
  .max(4096)
  .refine((value) => !value.includes('\0'), 'A path cannot contain a NUL character.');

export const DirEntry = z.object({
  name: z.string(),
  /** The absolute path to pass to workspace.open. */
  path: z.string(),
  /** Opening it asks first (the disk's root, the home folder, a system folder): sensitive-folders.ts says why. */
  confirm: z.boolean().optional(),
});
export type DirEntry = z.infer<typeof DirEntry>;

export const DirListing = z.object({
  /** The folder listed, resolved (`~` expanded, `..` applied; symlinks kept as typed). */
  path: z.string(),
  /** Its parent, or null at the root of the disk. */
  parent: z.string().nullable(),
  /** Subfolders (never files), sorted by name, those starting with `prefix` when one was given. */
  entries: z.array(DirEntry),
  /** More folders matched than were sent (or the folder had more entries than one listing reads). */
  truncated: z.boolean(),
});
export type DirListing = z.infer<typeof DirListing>;

export const engineMethods = {
  'engine.ping': method(Empty, z.object({ pong: z.literal(true), time: z.number() })),
  'engine.info': method(Empty, EngineInfo),
  /** The root, home or a system folder answers E_FORBIDDEN `confirm_required` unless `confirm` is true. */
  'workspace.open': method(
    z.strictObject({ path: z.string().min(1).max(4096), confirm: z.boolean().optional() }),
    WorkspaceInfo,
  ),
  'workspace.current': method(Empty, z.object({ workspace: WorkspaceInfo.nullable() })),
  'workspace.recent': method(Empty, z.object({ items: z.array(RecentWorkspace) })),
  'workspace.forget': method(z.strictObject({ path: z.string().min(1).max(4096) }), Ok),
  /**
   * The subfolders of a folder, for browser mode's Open Folder: directories only (no file names), hidden ones
   * (a leading '.') only when asked, at most `limit`; `path` '' is the home folder.
   */
  'workspace.listDirs': method(
    z.strictObject({
      path: FolderPath.default(''),
      /** Only names starting with this (case-insensitive): path completion as the user types. */
      prefix: z.string().max(255).default(''),
      hidden: z.boolean().default(false),
      limit: z.number().int().positive().max(LIST_DIRS_LIMIT).default(LIST_DIRS_LIMIT),
    }),
    DirListing,
  ),
} as const;

export const engineEvents = {
  'workspace.changed': z.object({ workspace: WorkspaceInfo.nullable() }),
} as const;
