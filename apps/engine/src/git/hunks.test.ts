import { describe, expect, it } from 'vitest';
import { hunkPatch, parseFileDiff } from './hunks.js';

const DIFF = `diff --git a/a.txt b/a.txt
index 1111111..2222222 100644
--- a/a.txt
+++ b/a.txt
@@ -1,3 +1,3 @@
 one
-two
+TWO
 three
@@ -10,2 +10,3 @@ function tail() {
 ten
 eleven
+twelve
\\ No newline at end of file
`;

describe('parseFileDiff', () => {
  it('splits the header from each hunk and reads its ranges', () => {
    const diff = parseFileDiff(DIFF);
    expect(diff.header).toHaveLength(4);
    expect(diff.binary).toBe(false);
    expect(diff.hunks.map((h) => [h.oldStart, h.oldLines, h.newStart, h.newLines])).toEqual([
      [1, 3, 1, 3],
      [10, 2, 10, 3],
    ]);
    expect(diff.hunks[1]?.lines.at(-1)).toBe('\\ No newline at end of file');
  });

  it('marks a binary diff', () => {
    expect(parseFileDiff('diff --git a/x b/x\nindex 1..2 100644\nBinary files a/x and b/x differ\n').binary).toBe(true);
  });

  it('reads a one-line range without a count as one line', () => {
    const [hunk] = parseFileDiff('--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n').hunks;
    expect([hunk?.oldLines, hunk?.newLines]).toEqual([1, 1]);
  });
});

describe('hunkPatch', () => {
  it('is the header and the one hunk named, ending in a newline', () => {
    const patch = hunkPatch(parseFileDiff(DIFF), '@@ -10,2 +10,3 @@ function tail() {');
    expect(patch).toBe(
      'diff --git a/a.txt b/a.txt\nindex 1111111..2222222 100644\n--- a/a.txt\n+++ b/a.txt\n@@ -10,2 +10,3 @@ function tail() {\n ten\n eleven\n+twelve\n\\ No newline at end of file\n',
    );
  });

  it('is null for a hunk that is no longer in the diff', () => {
    expect(hunkPatch(parseFileDiff(DIFF), '@@ -5,1 +5,1 @@')).toBeNull();
  });
});
