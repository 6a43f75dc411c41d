// Files of the open workspace. Every path is workspace-relative with '/' separators; the engine confines it.
import { z } from 'zod';
import { method, Ok } from '../rpc.js';

/** A workspace-relative path as the client sends it; the engine still checks confinement. */
export const RelPath = z.string().max(4096);

export const FileEntry = z.object({
  path: z.string(),
  name: z.string(),
  kind: z.enum(['file', 'dir']),
  size: z.number().optional(),
});
export type FileEntry = z.infer<typeof FileEntry>;

export const FileContent = z.object({
  path: z.string(),
  content: z.string(),
  binary: z.boolean(),
  size: z.number(),
  mtimeMs: z.number(),
});
export type FileContent = z.infer<typeof FileContent>;

export const FileStat = z.object({ path: z.string(), size: z.number(), mtimeMs: z.number() });
export type FileStat = z.infer<typeof FileStat>;

export const FileChange = z.object({ path: z.string(), kind: z.enum(['created', 'changed', 'deleted']) });
export type FileChange = z.infer<typeof FileChange>;

export const filesMethods = {
  'files.list': method(z.strictObject({ dir: RelPath.default('') }), z.object({ entries: z.array(FileEntry) })),
  'files.tree': method(
    z.strictObject({ limit: z.number().int().positive().max(200_000).default(50_000) }).optional(),
    z.object({ files: z.array(z.string()), truncated: z.boolean() }),
  ),
  'files.read': method(z.strictObject({ path: RelPath.min(1) }), FileContent),
  'files.write': method(
    z.strictObject({ path: RelPath.min(1), content: z.string(), expectedMtimeMs: z.number().optional() }),
    FileStat,
  ),
  'files.create': method(
    z.strictObject({ path: RelPath.min(1), kind: z.enum(['file', 'dir']), content: z.string().optional() }),
    FileStat,
  ),
  'files.rename': method(z.strictObject({ from: RelPath.min(1), to: RelPath.min(1) }), Ok),
  'files.delete': method(z.strictObject({ path: RelPath.min(1) }), Ok),
} as const;

export const filesEvents = {
  'files.changed': z.object({ changes: z.array(FileChange) }),
} as const;
