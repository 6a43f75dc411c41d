// The folder browser of browser mode's Open Folder: the subfolders of one folder, with the rules workspace.open
// applies (a folder it would open, marked when opening asks first). Only folders are named, never files; a folder
// of 100,000 entries or a symlink loop answers a bounded listing fast (at most SCAN_LIMIT entries are read).
import type { Dirent } from 'node:fs';
import { constants } from 'node:fs';
import { access, opendir, realpath, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { type DirEntry, type DirListing, ErrorCode, PaError } from '@pa/shared';
import { sensitiveFolder } from './sensitive-folders.js';

/** Entries of a folder one listing reads at most; past it the listing says it is cut. */
export const SCAN_LIMIT = 20_000;
/** Symlinks one listing follows at most (each is a stat); the others are left out, and the listing is cut. */
export const SYMLINK_LIMIT = 500;

export interface ListDirsRequest {
  path: string;
  prefix: string;
  hidden: boolean;
  limit: number;
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

export interface ListDirsOptions {
  home?: string;
  /** Entries read at most (SCAN_LIMIT; tests pass less than a folder they made holds). */
  scanLimit?: number;
  symlinkLimit?: number;
}

export async function listDirs(request: ListDirsRequest, options: ListDirsOptions = {}): Promise<DirListing> {
  const { home = homedir(), scanLimit = SCAN_LIMIT, symlinkLimit = SYMLINK_LIMIT } = options;
  const folder = expandPath(request.path, home);
  const info = await stat(folder).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENAMETOOLONG') {
      throw new PaError(ErrorCode.BAD_REQUEST, 'That folder path is too long for the filesystem.');
    }
    throw new PaError(ErrorCode.NOT_FOUND, `Folder "${folder.slice(0, 300)}" does not exist.`);
  });
  if (!info.isDirectory()) throw new PaError(ErrorCode.BAD_REQUEST, `"${folder.slice(0, 300)}" is a file.`);

  const prefix = request.prefix.toLowerCase();
  const wanted = (entry: Dirent) =>
    (request.hidden || !entry.name.startsWith('.')) && entry.name.toLowerCase().startsWith(prefix);

  const found: { name: string; symlink: boolean }[] = [];
  let truncated = false;
  let scanned = 0;
  let symlinks = 0;
  let dir: Awaited<ReturnType<typeof opendir>>;
  try {
    dir = await opendir(folder, { bufferSize: 256 });
  } catch {
    throw new PaError(ErrorCode.FORBIDDEN, `"${folder.slice(0, 300)}" cannot be read.`, { reason: 'unreadable' });
  }
  try {
    for await (const entry of dir) {
      if (++scanned > scanLimit) {
        truncated = true;
        break;
      }
      if (!wanted(entry)) continue;
      if (entry.isDirectory()) found.push({ name: entry.name, symlink: false });
      else if (entry.isSymbolicLink()) {
        if (++symlinks > symlinkLimit) truncated = true;
        else found.push({ name: entry.name, symlink: true });
      }
    }
  } finally {
    // breaking out of the loop closes it; an error thrown by a read (EACCES mid-way) must not leak the handle
    await dir.close().catch(() => undefined);
  }

  found.sort((a, b) => collator.compare(a.name, b.name));
  const entries: DirEntry[] = [];
  for (const candidate of found) {
    if (entries.length === request.limit) {
      truncated = true;
      break;
    }
    const entry = await openable(join(folder, candidate.name), candidate.symlink);
    if (entry) entries.push({ name: candidate.name, ...entry });
  }
  const parent = dirname(folder);
  return { path: folder, parent: parent === folder ? null : parent, entries, truncated };
}

/** '' and '~' are the home folder, '~/x' is inside it; anything else must be absolute. */
export function expandPath(path: string, home: string): string {
  if (path === '' || path === '~') return resolve(home);
  if (path.startsWith('~/') || path.startsWith('~\\')) return resolve(home, path.slice(2));
  if (!isAbsolute(path)) {
    throw new PaError(ErrorCode.BAD_REQUEST, `"${path.slice(0, 300)}" is not an absolute path (start it with / or ~).`);
  }
  return resolve(path);
}

/**
 * The entry workspace.open would accept — a folder (a symlink followed to one) that can be listed — or null: a
 * dangling link, a loop (ELOOP), a link to a file and a folder without read or search permission are left out.
 */
async function openable(path: string, symlink: boolean): Promise<Omit<DirEntry, 'name'> | null> {
  try {
    let real = path;
    if (symlink) {
      if (!(await stat(path)).isDirectory()) return null;
      real = await realpath(path);
    }
    await access(path, constants.R_OK | constants.X_OK);
    return sensitiveFolder(real) ? { path, confirm: true } : { path };
  } catch {
    return null;
  }
}
