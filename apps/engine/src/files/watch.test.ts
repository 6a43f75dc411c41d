import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FileChange } from '@pa/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { IgnoreRules } from './ignore-rules.js';
import { mergeKind, type WorkspaceWatcher, watchWorkspace } from './watch.js';

describe('mergeKind', () => {
  it('keeps a new file new when its bytes land in the same batch', () => {
    expect(mergeKind(undefined, 'changed')).toBe('changed');
    expect(mergeKind('created', 'changed')).toBe('created');
    expect(mergeKind('changed', 'changed')).toBe('changed');
  });
  it('a file deleted and written again is created; one created and deleted is deleted', () => {
    expect(mergeKind('deleted', 'changed')).toBe('created');
    expect(mergeKind('deleted', 'created')).toBe('created');
    expect(mergeKind('created', 'deleted')).toBe('deleted');
    expect(mergeKind('changed', 'deleted')).toBe('deleted');
  });
});

describe('watchWorkspace', () => {
  let root = '';
  let watcher: WorkspaceWatcher | null = null;
  afterEach(async () => {
    await watcher?.close();
    watcher = null;
    rmSync(root, { recursive: true, force: true });
  });

  it('reports a file written in two steps as created, not only changed', async () => {
    root = mkdtempSync(join(tmpdir(), 'pa-watch-'));
    mkdirSync(join(root, 'src'));
    const batches: FileChange[][] = [];
    watcher = watchWorkspace(root, new IgnoreRules(root), (changes) => batches.push(changes));
    await watcher.ready;
    // create the file, let chokidar see it, then write its bytes: an add and a change within one 50 ms batch
    const fd = openSync(join(root, 'src/added.ts'), 'w');
    await new Promise((resolve) => setTimeout(resolve, 15));
    writeSync(fd, 'export {};\n');
    closeSync(fd);
    await expect
      .poll(() => batches.flat().filter((change) => change.path === 'src/added.ts').length, { timeout: 5000 })
      .toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const kinds = batches
      .flat()
      .filter((change) => change.path === 'src/added.ts')
      .map((change) => change.kind);
    expect(kinds).toContain('created');
  });
});
