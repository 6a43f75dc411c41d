import type { FileEntry } from '@pa/shared';
import { describe, expect, it } from 'vitest';
import { foldersToReload, parentOf, sortEntries, treeKeyAction, validateEntryName, visibleRows } from './tree';

const file = (path: string): FileEntry => ({ path, name: path.split('/').pop() ?? path, kind: 'file' });
const dir = (path: string): FileEntry => ({ path, name: path.split('/').pop() ?? path, kind: 'dir' });

describe('sortEntries', () => {
  it('puts folders first and orders numbers naturally', () => {
    const sorted = sortEntries([file('b10.ts'), dir('zeta'), file('b2.ts'), file('A.ts'), dir('alpha')]);
    expect(sorted.map((entry) => entry.name)).toEqual(['alpha', 'zeta', 'A.ts', 'b2.ts', 'b10.ts']);
  });
});

describe('visibleRows', () => {
  const children = new Map<string, FileEntry[]>([
    ['', [dir('src'), dir('docs'), file('README.md')]],
    ['src', [dir('src/lib'), file('src/greet.ts')]],
  ]);

  it('shows only the root level when nothing is expanded', () => {
    expect(visibleRows(children, new Set()).map((row) => row.entry.path)).toEqual(['src', 'docs', 'README.md']);
  });

  it('nests expanded folders with depth and marks ones still loading', () => {
    const rows = visibleRows(children, new Set(['src', 'src/lib']));
    expect(rows.map((row) => [row.entry.path, row.depth])).toEqual([
      ['src', 0],
      ['src/lib', 1],
      ['src/greet.ts', 1],
      ['docs', 0],
      ['README.md', 0],
    ]);
    expect(rows.find((row) => row.entry.path === 'src/lib')?.loading).toBe(true);
    expect(rows.find((row) => row.entry.path === 'src')?.loading).toBe(false);
  });
});

describe('foldersToReload', () => {
  it('reloads the loaded parents of changed paths only', () => {
    expect(foldersToReload(['src/a.ts', 'src/b.ts', 'new.txt', 'deep/x/y.ts'], new Set(['', 'src']))).toEqual([
      'src',
      '',
    ]);
  });

  it('knows the root is the parent of top-level paths', () => {
    expect(parentOf('README.md')).toBe('');
    expect(parentOf('a/b/c')).toBe('a/b');
  });
});

describe('validateEntryName', () => {
  it('accepts a fresh name and nested paths', () => {
    expect(validateEntryName('util.ts', ['greet.ts'])).toBeNull();
    expect(validateEntryName('lib/util.ts', [])).toBeNull();
  });

  it('refuses empty, traversal and duplicate names', () => {
    expect(validateEntryName('  ', [])).toMatch(/required/);
    expect(validateEntryName('../x', [])).toMatch(/not valid/);
    expect(validateEntryName('Greet.ts', ['greet.ts'])).toMatch(/already exists/);
  });
});

describe('treeKeyAction', () => {
  const children = new Map<string, FileEntry[]>([
    ['', [dir('src'), file('README.md')]],
    ['src', [file('src/a.ts'), file('src/b.ts')]],
  ]);
  const rows = visibleRows(children, new Set(['src']));

  it('moves the selection with the up and down arrows, starting at the top', () => {
    expect(treeKeyAction(rows, null, 'ArrowDown')).toEqual({ kind: 'select', path: 'src' });
    expect(treeKeyAction(rows, 'src/a.ts', 'ArrowDown')).toEqual({ kind: 'select', path: 'src/b.ts' });
    expect(treeKeyAction(rows, 'src/a.ts', 'ArrowUp')).toEqual({ kind: 'select', path: 'src' });
    expect(treeKeyAction(rows, 'README.md', 'ArrowDown')).toEqual({ kind: 'none' });
  });

  it('expands and collapses folders with right and left, and climbs to the parent from a file', () => {
    expect(treeKeyAction(rows, 'src', 'ArrowRight')).toEqual({ kind: 'select', path: 'src/a.ts' });
    expect(treeKeyAction(rows, 'src', 'ArrowLeft')).toEqual({ kind: 'toggle', path: 'src' });
    expect(treeKeyAction(rows, 'src/b.ts', 'ArrowLeft')).toEqual({ kind: 'select', path: 'src' });
    const collapsed = visibleRows(children, new Set());
    expect(treeKeyAction(collapsed, 'src', 'ArrowRight')).toEqual({ kind: 'toggle', path: 'src' });
  });

  it('opens files and toggles folders with Enter', () => {
    expect(treeKeyAction(rows, 'src/a.ts', 'Enter')).toEqual({ kind: 'open', path: 'src/a.ts' });
    expect(treeKeyAction(rows, 'src', 'Enter')).toEqual({ kind: 'toggle', path: 'src' });
  });
});
