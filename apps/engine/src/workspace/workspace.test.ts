import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { openStore, type Store } from '../store/index.js';
import { createWorkspace } from './index.js';

let dir = '';
let store: Store | null = null;
afterEach(() => {
  store?.close();
  rmSync(dir, { recursive: true, force: true });
});

function setUp() {
  dir = mkdtempSync(join(tmpdir(), 'pa-workspace-'));
  for (const name of ['a', 'b', 'cli']) mkdirSync(join(dir, name));
  store = openStore(join(dir, 'pa.db'));
  let now = 1000;
  return createWorkspace(store, () => now++);
}

it('a folder opened without remembering (the CLI) stays out of the Recent list', () => {
  const workspace = setUp();
  workspace.open(join(dir, 'a'));
  workspace.open(join(dir, 'cli'), { remember: false });
  expect(workspace.current()?.root).toBe(join(dir, 'cli'));
  expect(workspace.recent().map((entry) => entry.name)).toEqual(['a']);
});

it('reopens the folder opened last, skipping one that no longer exists', () => {
  const workspace = setUp();
  workspace.open(join(dir, 'a'));
  workspace.open(join(dir, 'b'));
  const again = createWorkspace(store as Store);
  expect(again.reopenLast()?.root).toBe(join(dir, 'b'));
  rmSync(join(dir, 'b'), { recursive: true });
  expect(createWorkspace(store as Store).reopenLast()?.root).toBe(join(dir, 'a'));
  rmSync(join(dir, 'a'), { recursive: true });
  expect(createWorkspace(store as Store).reopenLast()).toBeNull();
});
