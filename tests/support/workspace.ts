// Temporary folders for tests: empty ones removed together at the end of a test file, files written into them by
// relative path, and workspaces copied from a fixture folder.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { repoRoot } from '../../scripts/paths.js';

/** The temporary folders of one test file: make() as many as it needs, removeAll() in its afterAll. */
export class TempFolders {
  private readonly made: string[] = [];

  /** A new, empty folder under the OS temp folder, its name starting with `prefix`. */
  make(prefix: string): string {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    this.made.push(dir);
    return dir;
  }

  removeAll(): void {
    for (const dir of this.made.splice(0)) rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes `content` to `rel` below `root`, making the folders on the way. */
export function writeBelow(root: string, rel: string, content: string | Uint8Array): void {
  const path = join(root, rel);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

export function copyFixture(name: string): { root: string; remove(): void } {
  const root = mkdtempSync(join(tmpdir(), `pa-ws-${name}-`));
  cpSync(join(repoRoot, 'tests/fixtures', name), root, { recursive: true });
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}
