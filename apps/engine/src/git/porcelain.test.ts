import { describe, expect, it } from 'vitest';
import { parseStatus } from './porcelain.js';

const sha = 'a'.repeat(40);

describe('parseStatus', () => {
  it('reads the branch headers, a rename with its original path, a conflict, a submodule and untracked/ignored files', () => {
    const output = [
      `# branch.oid ${sha}`,
      '# branch.head main',
      '# branch.upstream origin/main',
      '# branch.ab +2 -1',
      `1 .M N... 100644 100644 100644 ${sha} ${sha} a file with spaces.txt`,
      `2 R. N... 100644 100644 100644 ${sha} ${sha} R100 new name.txt`,
      'old name.txt',
      `u UU N... 100644 100644 100644 100644 ${sha} ${sha} ${sha} both.txt`,
      `1 M. SC.. 160000 160000 160000 ${sha} ${sha} vendor/sub`,
      '? new.txt',
      '! dist/out.js',
      '',
    ].join('\0');
    const { branch, changes } = parseStatus(output);
    expect(branch).toEqual({ head: 'main', oid: sha, upstream: 'origin/main', ahead: 2, behind: 1 });
    expect(changes).toEqual([
      { path: 'a file with spaces.txt', kind: 'tracked', index: '.', worktree: 'M', submodule: undefined },
      {
        path: 'new name.txt',
        origPath: 'old name.txt',
        kind: 'renamed',
        index: 'R',
        worktree: '.',
        submodule: undefined,
      },
      { path: 'both.txt', kind: 'conflict', index: 'U', worktree: 'U', submodule: undefined },
      {
        path: 'vendor/sub',
        kind: 'tracked',
        index: 'M',
        worktree: '.',
        submodule: { commit: true, modified: false, untracked: false },
      },
      { path: 'new.txt', kind: 'untracked', index: '.', worktree: '.' },
      { path: 'dist/out.js', kind: 'ignored', index: '.', worktree: '.' },
    ]);
  });

  it('reads a repository before its first commit and a detached HEAD', () => {
    expect(parseStatus('# branch.oid (initial)\0# branch.head (detached)\0').branch).toEqual({
      head: null,
      oid: null,
      upstream: null,
      ahead: 0,
      behind: 0,
    });
  });

  it('keeps a newline inside a path (records end at NUL)', () => {
    expect(parseStatus('? two\nlines.txt\0').changes[0]?.path).toBe('two\nlines.txt');
  });
});
