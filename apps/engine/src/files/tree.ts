// Directory listing and the flat file index used by quick-open, both filtered by .gitignore and never showing the
// temp files of atomic writes; and the sweep that removes those a crash left behind.
import type { Dirent } from 'node:fs';
import { lstat, open, readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { FileEntry } from '@pa/shared';
import { inspectText, SNIFF_BYTES } from '@pa/shared/text-file';
import { isAtomicTempName } from './atomic.js';
import type { IgnoreRules } from './ignore-rules.js';

function entryKind(dirent: Dirent): 'file' | 'dir' | null {
  if (dirent.isDirectory()) return 'dir';
  if (dirent.isFile()) return isAtomicTempName(dirent.name) ? null : 'file';
  return null; // symlinks and special files are followed only through explicit reads, which are confined
}

export async function listDirectory(
  root: string,
  absoluteDir: string,
  relDir: string,
  rules: IgnoreRules,
): Promise<FileEntry[]> {
  const dirents = await readdir(absoluteDir, { withFileTypes: true });
  const entries: FileEntry[] = [];
  for (const dirent of dirents) {
    const kind = entryKind(dirent);
    if (!kind) continue;
    const path = relDir ? `${relDir}/${dirent.name}` : dirent.name;
    if (rules.isIgnored(path, kind === 'dir')) continue;
    if (kind === 'file') {
      const info = await stat(join(root, path)).catch(() => null);
      const binary = await isBinaryByFirstBlock(join(root, path));
      entries.push({ path, name: dirent.name, kind, size: info?.size ?? 0, ...(binary ? { binary } : {}) });
    } else {
      entries.push({ path, name: dirent.name, kind });
    }
  }
  return entries.sort((a, b) =>
    a.kind === b.kind ? a.name.localeCompare(b.name, undefined, { numeric: true }) : a.kind === 'dir' ? -1 : 1,
  );
}

/** The explorer's mark: binary by the content of the first block, as git decides (text-file.ts). */
async function isBinaryByFirstBlock(file: string): Promise<boolean> {
  const handle = await open(file, 'r').catch(() => null);
  if (!handle) return false; // unreadable: the editor's read says why when it is opened
  try {
    const buffer = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
    return inspectText(buffer.subarray(0, bytesRead), false).binary;
  } finally {
    await handle.close();
  }
}

/** Every non-ignored file, breadth first, up to `limit`. */
export async function walkFiles(
  root: string,
  rules: IgnoreRules,
  limit: number,
): Promise<{ files: string[]; truncated: boolean }> {
  const files: string[] = [];
  const queue: string[] = [''];
  while (queue.length > 0) {
    const relDir = queue.shift() as string;
    let dirents: Dirent[];
    try {
      dirents = await readdir(join(root, relDir), { withFileTypes: true });
    } catch {
      continue; // vanished or unreadable while walking
    }
    dirents.sort((a, b) => a.name.localeCompare(b.name));
    for (const dirent of dirents) {
      const kind = entryKind(dirent);
      if (!kind) continue;
      const path = relDir ? `${relDir}/${dirent.name}` : dirent.name;
      if (rules.isIgnored(path, kind === 'dir')) continue;
      if (kind === 'dir') queue.push(path);
      else {
        files.push(path);
        if (files.length >= limit) return { files, truncated: true };
      }
    }
  }
  return { files, truncated: false };
}

/** A temp file younger than this may belong to a write in flight (another window on the folder): left alone. */
const SWEEP_MIN_AGE_MS = 60_000;
/** The sweep gives up after this many folders (a huge tree is swept again on the next open, from the top). */
const SWEEP_MAX_DIRS = 20_000;

/** Removes the temp files interrupted atomic writes left in the (non-ignored) folders of the workspace. */
export async function sweepAtomicTemps(root: string, rules: IgnoreRules, now = Date.now()): Promise<void> {
  const queue: string[] = [''];
  for (let visited = 0; queue.length > 0 && visited < SWEEP_MAX_DIRS; visited++) {
    const relDir = queue.shift() as string;
    const dirents = await readdir(join(root, relDir), { withFileTypes: true }).catch(() => []);
    for (const dirent of dirents) {
      const path = relDir ? `${relDir}/${dirent.name}` : dirent.name;
      if (dirent.isDirectory()) {
        if (!rules.isIgnored(path, true)) queue.push(path);
      } else if (dirent.isFile() && isAtomicTempName(dirent.name)) {
        const info = await lstat(join(root, path)).catch(() => null);
        if (info?.isFile() && now - info.mtimeMs >= SWEEP_MIN_AGE_MS) await unlink(join(root, path)).catch(() => {});
      }
    }
  }
}
