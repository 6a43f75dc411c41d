// Atomic file replacement: write a sibling temp file, fsync it, rename it over the target. A reader (or a crash)
// sees the old bytes or the new bytes, never half of them. The rename replaces the target's directory entry, so a
// symlink or a hard link at the target is replaced, never written through. writeInside does the same confined to
// a workspace, inside the real folder checked at the moment it writes (folder-handle.ts). A staged write is the same
// in steps (a file too big for one message): the temp file is opened in the checked folder and filled through its
// descriptor; the commit re-enters the folder, proves it and the temp file are the ones it began with, and renames.
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fstatSync,
  fsyncSync,
  lstatSync,
  openSync,
  renameSync,
  type Stats,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ErrorCode, PaError } from '@pa/shared';
import { inFolder } from './folder-handle.js';

/** `.name.<12 hex>.tmp`: the temp file of an atomic write of `name`, left behind only by a crash. */
const TEMP_NAME = /^\..+\.[0-9a-f]{12}\.tmp$/;

export function isAtomicTempName(name: string): boolean {
  return TEMP_NAME.test(name);
}

/** Writes all of `data` through `fd` and flushes it to the disk. */
function writeAllSync(fd: number, data: string | Uint8Array): void {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let offset = 0;
  while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
  fsyncSync(fd);
}

/** The file name a checked path ends in, and the path as messages show it. */
function targetIn(segments: readonly string[]): { name: string; shown: string } {
  const name = segments.at(-1);
  if (!name) throw new PaError(ErrorCode.BAD_REQUEST, 'A file path is needed.');
  const shown = segments.join('/').slice(0, 200);
  return { name, shown };
}

/** What is at `name` in the current (checked) folder now; a folder there cannot be written as a file. */
function entryToReplace(name: string, shown: string): Stats | undefined {
  const at = lstatSync(name, { throwIfNoEntry: false });
  if (at?.isDirectory()) throw new PaError(ErrorCode.BAD_REQUEST, `"${shown}" is a folder.`);
  return at;
}

function tempNameFor(name: string): string {
  return `.${name}.${randomBytes(6).toString('hex')}.tmp`;
}

export function writeFileAtomic(target: string, data: string | Uint8Array): void {
  replaceEntry(dirname(target), basename(target), data);
}

/** Writes temp then renames it over `name` inside `dir` (a path, or '.' for the current directory). */
function replaceEntry(dir: string, name: string, data: string | Uint8Array): { dev: number; ino: number } {
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
    writeAllSync(fd, data);
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
  const { name, shown } = targetIn(segments);
  return inFolder(realRoot, segments.slice(0, -1), { create: true }, () => {
    const at = entryToReplace(name, shown);
    if (options.exclusive) {
      if (at) throw new PaError(ErrorCode.CONFLICT, `"${shown}" already exists.`);
      const fd = openSync(name, 'wx', 0o644);
      try {
        writeAllSync(fd, data);
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

/** An atomic write in steps: a temp file, opened in the checked parent folder, filled through its descriptor. */
export interface StagedWrite {
  readonly segments: readonly string[];
  readonly tempName: string;
  readonly fd: number;
  /** The parent folder and the temp file as they were at the start: a commit into anything else is refused. */
  readonly folder: { dev: number; ino: number };
  readonly temp: { dev: number; ino: number };
  open: boolean;
}

/** Opens the temp file of a write of `segments` (made like writeInside's, with the parents made as needed). */
export function stageInside(realRoot: string, segments: readonly string[]): StagedWrite {
  const { name, shown } = targetIn(segments);
  return inFolder(realRoot, segments.slice(0, -1), { create: true }, () => {
    const at = entryToReplace(name, shown);
    const tempName = tempNameFor(name);
    const fd = openSync(tempName, 'wx', at?.isFile() ? at.mode & 0o7777 : 0o644);
    const folder = lstatSync('.');
    const temp = fstatSync(fd);
    return {
      segments,
      tempName,
      fd,
      folder: { dev: folder.dev, ino: folder.ino },
      temp: { dev: temp.dev, ino: temp.ino },
      open: true,
    };
  });
}

/** Writes `bytes` at `offset` of the staged temp file (through its descriptor, never by path). */
export function writeStaged(staged: StagedWrite, bytes: Uint8Array, offset: number): void {
  let done = 0;
  while (done < bytes.length) done += writeSync(staged.fd, bytes, done, bytes.length - done, offset + done);
}

/**
 * Flushes the temp file and renames it over the target, inside the parent folder the write began in: a folder on
 * the path renamed, removed or swapped for a symlink meanwhile is an E_CONFLICT and the target is left alone.
 */
export function commitStaged(realRoot: string, staged: StagedWrite): Stats {
  const shown = staged.segments.join('/').slice(0, 200);
  const name = staged.segments.at(-1) as string;
  fsyncSync(staged.fd);
  closeStaged(staged);
  const changed = () =>
    new PaError(ErrorCode.CONFLICT, `A folder on the path of "${shown}" changed while it was saved; save again.`);
  return inFolder(realRoot, staged.segments.slice(0, -1), { create: false }, () => {
    if (!sameEntry(lstatSync('.'), staged.folder)) throw changed();
    if (!sameEntry(lstatSync(staged.tempName, { throwIfNoEntry: false }), staged.temp)) throw changed();
    if (lstatSync(name, { throwIfNoEntry: false })?.isDirectory()) {
      unlinkSync(staged.tempName);
      throw new PaError(ErrorCode.BAD_REQUEST, `"${shown}" is a folder.`);
    }
    renameSync(staged.tempName, name);
    const landed = lstatSync(name);
    if (!sameEntry(landed, staged.temp)) {
      throw new PaError(ErrorCode.CONFLICT, `"${shown}" was replaced while it was written; try again.`);
    }
    return landed;
  });
}

/** Closes and removes the temp file of an abandoned staged write; a folder gone meanwhile took the temp with it. */
export function discardStaged(realRoot: string, staged: StagedWrite): void {
  closeStaged(staged);
  try {
    inFolder(realRoot, staged.segments.slice(0, -1), { create: false }, () => {
      if (sameEntry(lstatSync('.'), staged.folder) && sameEntry(lstatSync(staged.tempName), staged.temp)) {
        unlinkSync(staged.tempName);
      }
    });
  } catch {
    // the folder or the temp file is gone or moved: nothing of ours is left to remove there (the sweep takes the rest)
  }
}

function closeStaged(staged: StagedWrite): void {
  if (!staged.open) return;
  staged.open = false;
  closeSync(staged.fd);
}

function sameEntry(info: { dev: number; ino: number } | undefined, expected: { dev: number; ino: number }): boolean {
  return info !== undefined && info.dev === expected.dev && info.ino === expected.ino;
}
