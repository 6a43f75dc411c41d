import { ErrorCode, expandReplacement } from '@pa/shared';
import { describe, expect, it } from 'vitest';
import { matchText } from './builtin.js';
import { byteToColumn, toMatch } from './matches.js';
import { compileQuery, expandGlobs } from './query.js';

const query = (pattern: string, options: { isRegex?: boolean; matchCase?: boolean; wholeWord?: boolean } = {}) => ({
  pattern,
  isRegex: false,
  matchCase: false,
  wholeWord: false,
  ...options,
});

describe('search queries', () => {
  it('widens a plain name to the folder and what is under it, and refuses globs that leave the workspace', () => {
    expect(expandGlobs(['src', '*.ts', './docs/', 'a/{b,c}/**'])).toEqual([
      'src',
      'src/**',
      '*.ts',
      'docs',
      'docs/**',
      'a/{b,c}/**',
    ]);
    for (const glob of ['../x', 'a/../../b', '/etc', 'C:/x', '!src', 'a\\b']) {
      expect(() => expandGlobs([glob])).toThrow(expect.objectContaining({ code: ErrorCode.BAD_REQUEST }));
    }
  });

  it('matches line by line: ^ and $ at each line, whole words, case', () => {
    const text = 'foo bar\nbar foo\nfoobar\r\nFOO';
    const found = (q: ReturnType<typeof query>) =>
      [...matchText(compileQuery(q, true), compileQuery(q), text)].map((m) => `${m.line}:${m.column}`);
    expect(found(query('^foo', { isRegex: true }))).toEqual(['1:0', '3:0', '4:0']);
    expect(found(query('foo$', { isRegex: true }))).toEqual(['2:4', '4:0']);
    expect(found(query('foo', { wholeWord: true, matchCase: true }))).toEqual(['1:0', '2:4']);
    expect(found(query('a.'))).toEqual([]);
  });

  it('refuses what RE2 cannot run in linear time', () => {
    expect(() => compileQuery(query('(a)\\1', { isRegex: true }))).toThrow(/backreferences/);
    expect(() => compileQuery(query('(?=a)', { isRegex: true }))).toThrow(
      expect.objectContaining({ code: ErrorCode.BAD_REQUEST }),
    );
  });

  it('turns UTF-8 byte offsets into UTF-16 columns and keeps a long line’s preview short', () => {
    const column = byteToColumn('é😀 foo');
    expect([column(0), column(2), column(6), column(7)]).toEqual([0, 1, 3, 4]);
    const line = `${'x'.repeat(10_000)}needle`;
    const match = toMatch(1, line, 10_000, 10_006);
    expect(match.preview.text.length).toBeLessThanOrEqual(1_000);
    expect(match.preview.text.slice(match.preview.start, match.preview.end)).toBe('needle');
  });

  it('expands a replacement as JavaScript does', () => {
    expect(expandReplacement('<$1|$2|$&|$$|$3|$10>', 'ab', ['a', 'b'])).toBe('<a|b|ab|$|$3|a0>');
  });
});
