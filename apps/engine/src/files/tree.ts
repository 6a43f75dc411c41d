// Directory listing and the flat file index used by quick-open, both filtered by .gitignore.
import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { FileEntry } from '@pa/shared';
import type { IgnoreRules } from './ignore-rules.js';

function entryKind(dirent: Dirent): 'file' | 'dir' | null {
  if (dirent.isDirectory()) return 'dir';
  if (dirent.isFile()) return 'file';
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
      entries.push({ path, name: dirent.name, kind, size: info?.size ?? 0 });
    } else {
      entries.push({ path, name: dirent.name, kind });
    }
  }
  return entries.sort((a, b) =>
    a.kind === b.kind ? a.name.localeCompare(b.name, undefined, { numeric: true }) : a.kind === 'dir' ? -1 : 1,
  );
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
