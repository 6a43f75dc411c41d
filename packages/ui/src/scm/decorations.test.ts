import type { GitStatus } from '@pa/shared';
import { describe, expect, it } from 'vitest';
import { decorationFor, decorationsOf } from './decorations';

const status: GitStatus = {
  repository: true,
  branch: { head: 'main', oid: null, upstream: null, ahead: 0, behind: 0 },
  changes: [
    { path: 'src/a.ts', kind: 'tracked', index: '.', worktree: 'M' },
    { path: 'src/new.ts', kind: 'untracked', index: '.', worktree: '.' },
    { path: 'src/deep/added.ts', kind: 'tracked', index: 'A', worktree: '.' },
    { path: 'clash.ts', kind: 'conflict', index: 'U', worktree: 'U' },
    { path: 'dist/', kind: 'ignored', index: '.', worktree: '.' },
  ],
  trusted: true,
  merging: false,
};

describe('git decorations', () => {
  const decorations = decorationsOf(status);

  it('gives files the letters and marks VS Code shows', () => {
    expect(decorationFor(decorations, 'src/a.ts')).toEqual({ mark: 'modified', letter: 'M' });
    expect(decorationFor(decorations, 'src/new.ts')).toEqual({ mark: 'untracked', letter: 'U' });
    expect(decorationFor(decorations, 'src/deep/added.ts')).toEqual({ mark: 'added', letter: 'A' });
    expect(decorationFor(decorations, 'clash.ts')).toEqual({ mark: 'conflict', letter: '!' });
    expect(decorationFor(decorations, 'README.md')).toBeNull();
  });

  it('colours a folder by the strongest change below it, and dims what an ignored folder holds', () => {
    expect(decorationFor(decorations, 'src')).toEqual({ mark: 'modified', letter: '' });
    expect(decorationFor(decorations, 'src/deep')).toEqual({ mark: 'added', letter: '' });
    expect(decorationFor(decorations, 'dist')?.mark).toBe('ignored');
    expect(decorationFor(decorations, 'dist/bundle.js')?.mark).toBe('ignored');
  });

  it('has nothing outside a repository', () => {
    expect(decorationsOf({ repository: false }).files.size).toBe(0);
  });
});
