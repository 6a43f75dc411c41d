import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, type PaError } from '@pa/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveInside } from '../../files/index.js';
import { applyDiff, type EditTarget } from './edit.js';

let root: string;
let target: EditTarget;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'pa-edit-'));
  mkdirSync(join(root, 'src'));
  writeFileSync(
    join(root, 'src/math.js'),
    'export function add(a, b) {\n  return a + b;\n}\n\nexport function multiply(a, b) {\n  return a + b;\n}\n',
  );
  writeFileSync(join(root, 'README.md'), '# Demo\n');
  target = {
    resolve: (rel) => resolveInside(root, rel),
    write: async (rel, content) => writeFileSync(resolveInside(root, rel), content),
  };
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

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
});
