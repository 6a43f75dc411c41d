import type { SearchMatch } from '@pa/shared';
import { describe, expect, it } from 'vitest';
import { mergeResults, splitGlobs, stepMatch } from './search-controller';

const match = (line: number): SearchMatch => ({
  line,
  column: 0,
  endColumn: 3,
  text: 'foo',
  preview: { text: 'foo', start: 0, end: 3 },
});

describe('search results', () => {
  it('joins a file streamed in several items into one entry and keeps the order files arrived in', () => {
    const first = mergeResults([], [{ path: 'b.ts', matches: [match(1)] }]);
    const next = mergeResults(first, [
      { path: 'a.ts', matches: [match(2)] },
      { path: 'b.ts', matches: [match(9)] },
    ]);
    expect(next.map((file) => [file.path, file.matches.map((m) => m.line)])).toEqual([
      ['b.ts', [1, 9]],
      ['a.ts', [2]],
    ]);
    expect(first[0]?.matches).toHaveLength(1); // the earlier state is not changed under the view
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
