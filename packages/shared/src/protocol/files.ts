// Files of the open workspace. Every path is workspace-relative with '/' separators; the engine confines it.
// A file too big for one message is read with files.readChunk and written with files.writeBegin/Chunk/Commit.
import { z } from 'zod';
import { method, Ok } from '../rpc.js';

/** The largest file the editor opens and saves (256 MiB of UTF-8): far beyond what stays usable in Monaco. */
export const MAX_EDITABLE_BYTES = 256 * 1024 * 1024;
/** files.read answers in one message up to this size; a bigger text file is read with files.readChunk. */
export const READ_INLINE_BYTES = 4 * 1024 * 1024;
/** Bytes of a file one files.readChunk answers with (at most 6x in JSON, well under the message limit). */
export const READ_CHUNK_BYTES = 2 * 1024 * 1024;
/** UTF-16 code units one files.writeChunk carries: at most 6 bytes each in JSON, so under 16 MiB per message. */
export const WRITE_CHUNK_CHARS = 2 * 1024 * 1024;

/** An upload of files.writeBegin; only the connection that began it can add to it. */
export const UploadId = z.string().min(1).max(64);

/** The largest file files.readBytes sends (as base64, 4/3 of it in the message): an image a preview shows. */
export const READ_BYTES_MAX = 10 * 1024 * 1024;

/** A workspace-relative path as the client sends it; the engine still checks confinement. */
export const RelPath = z.string().max(4096);

export const FileEntry = z.object({
  path: z.string(),
  name: z.string(),
  kind: z.enum(['file', 'dir']),
  size: z.number().optional(),
  /** A file whose first block is not UTF-8 text (NUL bytes, latin-1, UTF-16): the editor does not open it as text. */
  binary: z.boolean().optional(),
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
  /** Starts a write of `size` bytes in parts; refused with E_TOO_LARGE above MAX_EDITABLE_BYTES. */
  'files.writeBegin': method(
    z.strictObject({
      path: RelPath.min(1),
      size: z.number().int().nonnegative(),
      expectedMtimeMs: z.number().optional(),
    }),
    z.object({ uploadId: UploadId }),
  ),
  /** Appends text at `offset` (the UTF-8 bytes received so far); any other offset is refused. */
  'files.writeChunk': method(
    z.strictObject({
      uploadId: UploadId,
      offset: z.number().int().nonnegative(),
      data: z.string().max(WRITE_CHUNK_CHARS),
    }),
    z.object({ received: z.number() }),
  ),
  /** Puts the uploaded bytes in place atomically (a reader sees the old file or the new one, never half). */
  'files.writeCommit': method(z.strictObject({ uploadId: UploadId }), FileStat),
  'files.writeAbort': method(z.strictObject({ uploadId: UploadId }), Ok),
  /**
   * Text of a file from byte `offset`, ending on a character boundary; `expectedMtimeMs` (from the first part)
   * makes a file that changed between parts an E_CONFLICT.
   */
  /** A file's bytes as base64 (an image for a preview), up to READ_BYTES_MAX; a bigger one is E_TOO_LARGE. */
  'files.readBytes': method(
    z.strictObject({ path: RelPath.min(1) }),
    z.object({ path: z.string(), base64: z.string(), size: z.number(), mtimeMs: z.number() }),
  ),
  'files.readChunk': method(
    z.strictObject({
      path: RelPath.min(1),
      offset: z.number().int().nonnegative(),
      expectedMtimeMs: z.number().optional(),
    }),
    z.object({ text: z.string(), nextOffset: z.number(), size: z.number(), mtimeMs: z.number() }),
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
