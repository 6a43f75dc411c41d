// The host's default selection of files to share: the open folder minus .gitignored files, files that are not
// UTF-8 text by content (text-file.ts: a shared file is a string, and only those come back byte for byte), text with
// mixed line endings (an editor model rewrites them to one kind), anything larger than the size limit and protected
// paths (.vscode/, .powerautomation/, …: no peer may change them).
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { protectedPath } from '@pa/shared/protected-paths';
import { inspectText } from '@pa/shared/text-file';
import type { IgnoreRules } from '../files/index.js';

export interface ShareableFiles {
  files: string[];
  skipped: Array<{ path: string; reason: 'binary' | 'line-endings' | 'too-large' | 'protected' }>;
}

/** Files beyond this many are not offered; a session of that size is not what peer-to-peer editing is for. */
const MAX_FILES = 5_000;

export async function listShareableFiles(root: string, rules: IgnoreRules, maxBytes: number): Promise<ShareableFiles> {
  const result: ShareableFiles = { files: [], skipped: [] };
  const pending = [''];
  while (pending.length > 0 && result.files.length < MAX_FILES) {
    const dir = pending.shift() as string;
    const entries = await readdir(join(root, dir), { withFileTypes: true });
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const rel = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (rules.isIgnored(rel, true)) continue;
        if (protectedPath(`${rel}/x`)?.kind === 'never') result.skipped.push({ path: `${rel}/`, reason: 'protected' });
        else pending.push(rel);
        continue;
      }
      if (!entry.isFile() || rules.isIgnored(rel, false)) continue;
      if (protectedPath(rel)?.kind === 'never') {
        result.skipped.push({ path: rel, reason: 'protected' });
        continue;
      }
      const absolute = join(root, rel);
      const { size } = await stat(absolute);
      if (size > maxBytes) {
        result.skipped.push({ path: rel, reason: 'too-large' });
        continue;
      }
      const kind = inspectText(await readFile(absolute));
      if (kind.binary) result.skipped.push({ path: rel, reason: 'binary' });
      else if (kind.eol === 'mixed') result.skipped.push({ path: rel, reason: 'line-endings' });
      else result.files.push(rel);
    }
  }
  return result;
}
