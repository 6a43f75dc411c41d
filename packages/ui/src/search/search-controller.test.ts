import type { SearchMatch } from '@pa/shared';
import { describe, expect, it } from 'vitest';
import { comparePaths, type FileResult, mergeResults, splitGlobs, stepMatch } from './search-controller';

const match = (line: number): SearchMatch => ({
  line,
  column: 0,
  endColumn: 3,
  text: 'foo',
  preview: { text: 'foo', start: 0, end: 3 },
});

describe('search results', () => {
  it('joins a file streamed in several items into one entry', () => {
    const first = mergeResults([], [{ path: 'b.ts', matches: [match(1)] }]);
    const next = mergeResults(first, [
      { path: 'a.ts', matches: [match(2)] },
      { path: 'b.ts', matches: [match(9)] },
    ]);
    expect(next.map((file) => [file.path, file.matches.map((m) => m.line)])).toEqual([
      ['a.ts', [2]],
      ['b.ts', [1, 9]],
    ]);
    expect(first[0]?.matches).toHaveLength(1); // the earlier state is not changed under the view
  });

  it('keeps files in VS Code’s path order whatever order they arrive in', () => {
    const paths = [
      'src/z.ts',
      'file10.ts',
      'src/lib/a.ts',
      'B.md',
      'file9.ts',
      'a.ts',
      'Src2/x.ts',
      'b.ts',
      'src/A.ts',
    ];
    const expected = [
      'a.ts',
      'B.md',
      'b.ts',
      'file9.ts',
      'file10.ts',
      'src/A.ts',
      'src/z.ts',
      'src/lib/a.ts',
      'Src2/x.ts',
    ];
    // one at a time in two different orders, and all at once: the same list
    for (const order of [paths, [...paths].reverse()]) {
      const merged = order.reduce<FileResult[]>(
        (results, path) => mergeResults(results, [{ path, matches: [match(1)] }]),
        [],
      );
      expect(merged.map((file) => file.path)).toEqual(expected);
    }
    expect(
      mergeResults(
        [],
        paths.map((path) => ({ path, matches: [match(1)] })),
      ).map((file) => file.path),
    ).toEqual(expected);
    expect([...expected].sort(comparePaths)).toEqual(expected);
  });

  it('steps through matches across files and wraps around (F4 / Shift+F4)', () => {
    const results = [
      { path: 'a.ts', matches: [match(1), match(2)] },
      { path: 'b.ts', matches: [match(3)] },
    ];
    expect(stepMatch(results, null, 1)).toEqual({ path: 'a.ts', index: 0 });
    expect(stepMatch(results, null, -1)).toEqual({ path: 'b.ts', index: 0 });
    expect(stepMatch(results, { path: 'a.ts', index: 1 }, 1)).toEqual({ path: 'b.ts', index: 0 });
    expect(stepMatch(results, { path: 'b.ts', index: 0 }, 1)).toEqual({ path: 'a.ts', index: 0 });
    expect(stepMatch(results, { path: 'a.ts', index: 0 }, -1)).toEqual({ path: 'b.ts', index: 0 });
    expect(stepMatch([], null, 1)).toBeNull();
  });

  it('reads the include and exclude fields as comma-separated globs', () => {
    expect(splitGlobs(' *.ts, src/** ,, docs ')).toEqual(['*.ts', 'src/**', 'docs']);
    expect(splitGlobs('')).toEqual([]);
  });
});
