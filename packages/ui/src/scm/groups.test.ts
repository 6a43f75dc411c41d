import type { GitChange, GitStatus } from '@pa/shared';
import { describe, expect, it } from 'vitest';
import { groupsOf, hunkAt } from './groups';

const change = (path: string, over: Partial<GitChange>): GitChange => ({
  path,
  kind: 'tracked',
  index: '.',
  worktree: '.',
  ...over,
});

const status = (changes: GitChange[]): GitStatus => ({
  repository: true,
  branch: { head: 'main', oid: 'a'.repeat(40), upstream: null, ahead: 0, behind: 0 },
  changes,
  trusted: true,
  merging: false,
});

describe('source control groups', () => {
  it('puts a file staged and changed again in both groups, untracked in Changes, conflicts apart, ignored nowhere', () => {
    const groups = groupsOf(
      status([
        change('both.ts', { index: 'M', worktree: 'M' }),
        change('new.ts', { kind: 'untracked' }),
        change('clash.ts', { kind: 'conflict', index: 'U', worktree: 'U' }),
        change('dist/x.js', { kind: 'ignored' }),
        change('moved.ts', { kind: 'renamed', index: 'R', origPath: 'old.ts' }),
      ]),
    );
    expect(groups.staged.map((c) => c.path)).toEqual(['both.ts', 'moved.ts']);
    expect(groups.changes.map((c) => c.path)).toEqual(['both.ts', 'new.ts']);
    expect(groups.conflicts.map((c) => c.path)).toEqual(['clash.ts']);
  });

  it('finds the hunk under the cursor, and the one that deleted lines just above it', () => {
    const hunks = [
      { header: '@@ -1,3 +1,4 @@', oldStart: 1, oldLines: 3, newStart: 1, newLines: 4, lines: [] },
      { header: '@@ -20,2 +21,0 @@', oldStart: 20, oldLines: 2, newStart: 21, newLines: 0, lines: [] },
    ];
    expect(hunkAt(hunks, 3)?.header).toBe('@@ -1,3 +1,4 @@');
    expect(hunkAt(hunks, 22)?.header).toBe('@@ -20,2 +21,0 @@');
    expect(hunkAt(hunks, 10)).toBeNull();
  });
});
