// Temporary workspaces copied from a fixture folder, removed after the test.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../scripts/paths.js';

export function copyFixture(name: string): { root: string; remove(): void } {
  const root = mkdtempSync(join(tmpdir(), `pa-ws-${name}-`));
  cpSync(join(repoRoot, 'tests/fixtures', name), root, { recursive: true });
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}
