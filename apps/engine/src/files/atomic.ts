// Atomic file replacement: write a sibling temp file, fsync it, rename it over the target. A reader (or a crash)
// sees the old bytes or the new bytes, never half of them. The rename replaces the target's directory entry, so a
// symlink or a hard link at the target is replaced, never written through. writeInside does the same confined to
// a workspace, checking the real directory at the moment it writes (see there for how, and what race is left).
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, lstatSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { ErrorCode, PaError } from '@pa/shared';
import { isWithin } from './confine.js';

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
 * as needed, and never outside the real root, even while someone swaps a folder on the path for a symlink.
 *
 * Node has no openat(), so the process's working directory stands in for a directory handle: the walk chdir()s
 * into each folder, one segment at a time, and checks the real path of the folder it landed in (a symlink that
 * stays inside the workspace is allowed, as resolveInside allows it). From then on the temp file and the rename are
 * relative to that directory itself, not to a path, so swapping any folder on the path for a symlink afterwards
 * cannot redirect them; the write lands in the folder that was checked. Left: that folder may itself be moved out of
 * the workspace by someone with write access to it between the check and the rename (then the file follows it).
 * Everything here is synchronous, so no other engine code runs while the working directory is borrowed.
 */
export function writeInside(realRoot: string, segments: readonly string[], data: string | Uint8Array) {
  const name = segments.at(-1);
  if (!name) throw new PaError(ErrorCode.BAD_REQUEST, 'A file path is needed.');
  const home = currentDirectory();
  try {
    enter(realRoot, realRoot);
    for (const segment of segments.slice(0, -1)) {
      try {
        mkdirSync(segment);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      enter(segment, realRoot);
    }
    const at = lstatSync(name, { throwIfNoEntry: false });
    if (at?.isDirectory()) throw new PaError(ErrorCode.BAD_REQUEST, `"${segments.join('/')}" is a folder.`);
    const written = replaceEntry('.', name, data);
    const landed = lstatSync(name);
    if (landed.dev !== written.dev || landed.ino !== written.ino) {
      throw new PaError(ErrorCode.CONFLICT, `"${segments.join('/')}" was replaced while it was written; try again.`);
    }
    return landed;
  } finally {
    returnTo(home);
  }
}

function currentDirectory(): string {
  try {
    return process.cwd();
  } catch {
    return homedir(); // the engine's own working directory was removed
  }
}

function returnTo(home: string): void {
  try {
    process.chdir(home);
  } catch {
    process.chdir(homedir()); // the engine's own working directory was removed meanwhile
  }
}

/**
 * chdir()s into `dir` and proves the folder it reached is inside the real root. process.cwd() is getcwd(): the
 * kernel's path of the folder itself, with no symlink left in it to re-resolve (realpath('.') would walk the path
 * again and could be fooled by a swap behind it).
 */
function enter(dir: string, realRoot: string): void {
  process.chdir(dir);
  if (!isWithin(realRoot, process.cwd())) {
    throw new PaError(ErrorCode.BAD_REQUEST, 'The path leads outside the workspace through a symlink.', {
      reason: 'path_outside_workspace',
    });
  }
}
