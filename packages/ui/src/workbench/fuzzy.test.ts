import { describe, expect, it } from 'vitest';
import { fuzzyMatch, rankByFuzzy } from './fuzzy';

describe('fuzzyMatch', () => {
  it('matches characters in order, case-insensitively', () => {
    expect(fuzzyMatch('grt', 'src/Greet.ts')).not.toBeNull();
    expect(fuzzyMatch('tgr', 'src/greet.ts')).toBeNull();
  });

  it('reports the matched indices for highlighting', () => {
    expect(fuzzyMatch('math', 'src/math.js')?.indices).toEqual([4, 5, 6, 7]);
  });

  it('matches everything with an empty query', () => {
    expect(fuzzyMatch('', 'anything')).toEqual({ score: 0, indices: [] });
  });
});

describe('rankByFuzzy', () => {
  const files = ['docs/greeting-notes.md', 'src/greet.ts', 'src/deep/green/eagle/token.ts', 'README.md'];

  it('ranks a file-name prefix match above scattered path matches', () => {
    expect(rankByFuzzy('greet', files, (f) => f)[0]?.item).toBe('src/greet.ts');
  });

  it('ranks word-start matches first (acronyms)', () => {
    const ranked = rankByFuzzy('mt', ['src/format.ts', 'src/math-tools.ts'], (f) => f);
    expect(ranked[0]?.item).toBe('src/math-tools.ts');
  });

  it('drops candidates that do not match', () => {
    expect(rankByFuzzy('zzz', files, (f) => f)).toEqual([]);
  });

  it('keeps the input order among equal scores and honours the limit', () => {
    const ranked = rankByFuzzy('', ['b', 'a', 'c'], (f) => f, 2);
    expect(ranked.map((r) => r.item)).toEqual(['b', 'a']);
  });
});
