import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, type PaError } from '@pa/shared';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { resolveInside } from '../../files/index.js';
import { applyDiff, type EditTarget, writeContent } from './edit.js';
import { createEditJournal } from './edit-journal.js';

let root: string;
let journalDir: string;
let target: EditTarget;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'pa-edit-'));
  journalDir = mkdtempSync(join(tmpdir(), 'pa-journal-'));
  mkdirSync(join(root, 'src'));
  writeFileSync(
    join(root, 'src/math.js'),
    'export function add(a, b) {\n  return a + b;\n}\n\nexport function multiply(a, b) {\n  return a + b;\n}\n',
  );
  writeFileSync(join(root, 'README.md'), '# Demo\n');
  target = {
    resolve: (rel) => resolveInside(root, rel),
    write: async (rel, content) => writeFileSync(resolveInside(root, rel), content),
    journal: createEditJournal(journalDir, 'this-engine'),
  };
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(journalDir, { recursive: true, force: true });
});

const fix = `--- a/src/math.js
+++ b/src/math.js
@@ -5,3 +5,3 @@
 export function multiply(a, b) {
-  return a + b;
+  return a * b;
 }
`;

async function failure(promise: Promise<unknown>): Promise<PaError> {
  try {
    await promise;
  } catch (error) {
    return error as PaError;
  }
  throw new Error('expected a failure');
}

describe('applyDiff', () => {
  it('applies a unified diff, even inside a Markdown fence', async () => {
    const changes = await applyDiff(`Here you go:\n\`\`\`diff\n${fix}\`\`\`\n`, target);
    expect(changes.map((change) => [change.path, change.action])).toEqual([['src/math.js', 'modified']]);
    expect(readFileSync(join(root, 'src/math.js'), 'utf8')).toContain('return a * b;');
  });

  it('creates and deletes files', async () => {
    const diff = `--- /dev/null\n+++ b/src/new.js\n@@ -0,0 +1,1 @@\n+export const x = 1;\n--- a/README.md\n+++ /dev/null\n@@ -1,1 +0,0 @@\n-# Demo\n`;
    await applyDiff(diff, target);
    expect(readFileSync(join(root, 'src/new.js'), 'utf8')).toBe('export const x = 1;\n');
    expect(() => readFileSync(join(root, 'README.md'))).toThrow();
  });

  it('fails on a conflict with the hunk that did not apply, and writes nothing', async () => {
    const twoFiles = `--- a/README.md\n+++ b/README.md\n@@ -1,1 +1,1 @@\n-# Demo\n+# Changed\n${fix.replace('-  return a + b;', '-  return a - b;')}`;
    const error = await failure(applyDiff(twoFiles, target));
    expect(error.code).toBe(ErrorCode.CONFLICT);
    expect(error.message).toContain('"src/math.js" does not apply');
    expect(error.message).toContain('@@ -5,3 +5,3 @@\n export function multiply(a, b) {\n-  return a - b;');
    expect(readFileSync(join(root, 'README.md'), 'utf8')).toBe('# Demo\n');
  });

  it('refuses paths that climb out of the workspace', async () => {
    const error = await failure(applyDiff('--- /dev/null\n+++ b/../escaped.txt\n@@ -0,0 +1,1 @@\n+x\n', target));
    expect(error.code).toBe(ErrorCode.BAD_REQUEST);
    expect(error.message).toMatch(/climbs out/);
  });

  it('refuses a write through a symlink that leads outside', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'pa-outside-'));
    try {
      symlinkSync(outside, join(root, 'link'));
      const error = await failure(applyDiff('--- /dev/null\n+++ b/link/evil.txt\n@@ -0,0 +1,1 @@\n+x\n', target));
      expect(error.code).toBe(ErrorCode.BAD_REQUEST);
      expect(error.message).toMatch(/symlink/);
      expect(() => readFileSync(join(outside, 'evil.txt'))).toThrow();
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('refuses a diff with no hunks', async () => {
    expect((await failure(applyDiff('I could not do it.', target))).code).toBe(ErrorCode.BAD_REQUEST);
  });

  it('refuses any write into .git however it is spelt, and writes nothing of the diff', async () => {
    for (const name of ['.git/config', '.GIT/config', '.Git./hooks/pre-commit', '.g\u200cit/config']) {
      const diff = `--- a/README.md\n+++ b/README.md\n@@ -1,1 +1,1 @@\n-# Demo\n+# Changed\n--- /dev/null\n+++ b/${name}\n@@ -0,0 +1,2 @@\n+[core]\n+\tfsmonitor = touch pwned\n`;
      const error = await failure(applyDiff(diff, target));
      expect(error.code, name).toBe(ErrorCode.FORBIDDEN);
      expect(readFileSync(join(root, 'README.md'), 'utf8')).toBe('# Demo\n');
    }
    const contents = await failure(writeContent('.GIT/config', '[core]\n', target));
    expect(contents.code).toBe(ErrorCode.FORBIDDEN);
    expect(readdirSync(root).sort()).toEqual(['README.md', 'src']);
  });
});

describe('the edit journal', () => {
  const threeFiles =
    '--- a/README.md\n+++ b/README.md\n@@ -1,1 +1,1 @@\n-# Demo\n+# Changed\n' +
    '--- /dev/null\n+++ b/src/new.js\n@@ -0,0 +1,1 @@\n+export const x = 1;\n' +
    fix;

  it('rolls back the files already written when a later write fails', async () => {
    let writes = 0;
    const failing: EditTarget = {
      ...target,
      write: async (rel, content) => {
        writes += 1;
        if (writes === 3) throw Object.assign(new Error('disk full'), { code: 'ENOSPC' });
        await target.write(rel, content);
      },
    };
    await expect(applyDiff(threeFiles, failing)).rejects.toThrow('disk full');
    expect(readFileSync(join(root, 'README.md'), 'utf8')).toBe('# Demo\n');
    expect(existsSync(join(root, 'src/new.js'))).toBe(false);
    expect(readFileSync(join(root, 'src/math.js'), 'utf8')).toContain('return a + b;');
    expect(readdirSync(journalDir)).toEqual([]);
  });

  it('after a crash mid-way, the next engine puts every file back as it was', async () => {
    let writes = 0;
    // the engine dies before its third write: that write never returns
    const dying: EditTarget = {
      ...target,
      write: (rel, content) => {
        writes += 1;
        return writes === 3 ? new Promise(() => {}) : target.write(rel, content);
      },
    };
    void applyDiff(threeFiles, dying);
    await vi.waitFor(() => expect(writes).toBe(3));
    expect(readFileSync(join(root, 'README.md'), 'utf8')).toBe('# Changed\n');
    const live = createEditJournal(journalDir, 'next-engine');
    // while the first engine lives, its journal is its own
    expect(live.recover((owner) => owner === 'this-engine')).toEqual([]);
    expect(live.recover(() => false).sort()).toEqual(
      [join(root, 'README.md'), join(root, 'src/new.js'), join(root, 'src/math.js')].sort(),
    );
    expect(readFileSync(join(root, 'README.md'), 'utf8')).toBe('# Demo\n');
    expect(existsSync(join(root, 'src/new.js'))).toBe(false);
    expect(readdirSync(journalDir)).toEqual([]);
    // and the same diff applies cleanly again
    await applyDiff(threeFiles, target);
    expect(readFileSync(join(root, 'src/math.js'), 'utf8')).toContain('return a * b;');
  });
});
