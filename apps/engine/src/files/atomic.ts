// Atomic file replacement: write a sibling temp file, fsync it, rename it over the target. A reader (or a crash)
// sees the old bytes or the new bytes, never half of them. The rename replaces the target's directory entry, so a
// symlink or a hard link at the target is replaced, never written through. writeInside does the same confined to
// a workspace, inside the real folder checked at the moment it writes (folder-handle.ts).
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, lstatSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ErrorCode, PaError } from '@pa/shared';
import { inFolder } from './folder-handle.js';

/** `.name.<12 hex>.tmp`: the temp file of an atomic write of `name`, left behind only by a crash. */
const TEMP_NAME = /^\..+\.[0-9a-f]{12}\.tmp$/;

export function isAtomicTempName(name: string): boolean {
  return TEMP_NAME.test(name);
}

function tempNameFor(name: string): string {
  return `.${name}.${randomBytes(6).toString('hex')}.tmp`;
}

export function writeFileAtomic(target: string, data: string | Uint8Array): void {
  replaceEntry(dirname(target), basename(target), data);
}

/** Writes temp then renames it over `name` inside `dir` (a path, or '.' for the current directory). */
function replaceEntry(dir: string, name: string, data: string | Uint8Array): { dev: number; ino: number } {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const target = join(dir, name);
  let mode = 0o644;
  try {
    const existing = lstatSync(target);
    if (existing.isFile()) mode = existing.mode & 0o7777;
  } catch {
    // new file: default mode
  }
  const temp = join(dir, tempNameFor(name));
  // 'wx' is O_CREAT|O_EXCL: it never opens an existing file and never follows a symlink planted at the temp name
  const fd = openSync(temp, 'wx', mode);
  let written: { dev: number; ino: number };
  try {
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
    fsyncSync(fd);
    written = lstatSync(temp);
  } catch (error) {
    closeSync(fd);
    unlinkSync(temp);
    throw error;
  }
  closeSync(fd);
  try {
    renameSync(temp, target);
  } catch (error) {
    unlinkSync(temp);
    throw error;
  }
  return { dev: written.dev, ino: written.ino };
}

/**
 * Writes `segments` (a checked workspace-relative path) under `realRoot` atomically, with the parent folders made
 * as needed, and never outside the real root, even while someone swaps a folder on the path for a symlink: the temp
 * file and the rename happen inside the checked parent folder (folder-handle.ts says how, and what race is left).
 * With `exclusive`, an existing file is refused instead of replaced (O_EXCL, no temp file).
 */
export function writeInside(
  realRoot: string,
  segments: readonly string[],
  data: string | Uint8Array,
  options: { exclusive?: boolean } = {},
) {
  const name = segments.at(-1);
  if (!name) throw new PaError(ErrorCode.BAD_REQUEST, 'A file path is needed.');
  const shown = segments.join('/').slice(0, 200);
  return inFolder(realRoot, segments.slice(0, -1), { create: true }, () => {
    const at = lstatSync(name, { throwIfNoEntry: false });
    if (at?.isDirectory()) throw new PaError(ErrorCode.BAD_REQUEST, `"${shown}" is a folder.`);
    if (options.exclusive) {
      if (at) throw new PaError(ErrorCode.CONFLICT, `"${shown}" already exists.`);
      const fd = openSync(name, 'wx', 0o644);
      try {
        const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
        let offset = 0;
        while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      return lstatSync(name);
    }
    const written = replaceEntry('.', name, data);
    const landed = lstatSync(name);
    if (landed.dev !== written.dev || landed.ino !== written.ino) {
      throw new PaError(ErrorCode.CONFLICT, `"${shown}" was replaced while it was written; try again.`);
    }
    return landed;
  });
}
