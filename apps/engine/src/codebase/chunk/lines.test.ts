// Line windows on their own: where they cut, what they share, and that they always move on.
import { describe, expect, test } from 'vitest';
import { longLine, Source, windows } from './lines.js';
import type { Limits } from './types.js';

const all = async (text: string, limits: Limits, breaks?: number[], overlapAtBreaks = true) => {
  const source = await Source.of(text);
  const marks = new Uint8Array(source.rowCount + 1);
  for (const row of breaks ?? []) marks[row] = 1;
  return [
    ...windows(source, 0, source.rowCount - 1, limits, {
      overlap: limits.overlap,
      breaks: breaks ? marks : undefined,
      overlapAtBreaks,
    }),
  ].map((piece) => [piece.start, piece.end]);
};

const numbered = (count: number, width = 8) => Array.from({ length: count }, (_, i) => `${i}`.padEnd(width, '.'));

describe('Source', () => {
  test('rows split at \\n only, a \\r before it dropped, blank rows known', async () => {
    const source = await Source.of('a\r\n  \r\nb\rc\n\t\n');
    expect(source.lines).toEqual(['a', '  ', 'b\rc', '\t', '']);
    expect([...source.blank]).toEqual([0, 1, 0, 1, 1]);
    expect(source.trim(0, 4)).toEqual([0, 2]);
    expect(source.trim(3, 4)).toBeNull();
  });

  test('fits counts the line breaks between rows', async () => {
    const source = await Source.of('12345\n12345');
    expect(source.fits(0, 1, { maxLines: 2, maxChars: 11, overlap: 0 })).toBe(true);
    expect(source.fits(0, 1, { maxLines: 2, maxChars: 10, overlap: 0 })).toBe(false);
    expect(source.fits(0, 1, { maxLines: 1, maxChars: 100, overlap: 0 })).toBe(false);
  });
});

describe('windows', () => {
  test('windows of maxLines rows sharing `overlap` rows', async () => {
    expect(await all(numbered(25).join('\n'), { maxLines: 10, maxChars: 1_000, overlap: 2 })).toEqual([
      [0, 9],
      [8, 17],
      [16, 24],
    ]);
  });

  test('the character limit cuts too, and the overlap shrinks to keep the next window moving', async () => {
    // 9 characters a row with its break: 3 rows to a window of 30 characters
    const cuts = await all(numbered(10).join('\n'), { maxLines: 100, maxChars: 30, overlap: 5 });
    expect(cuts).toEqual([
      [0, 2],
      [2, 4],
      [4, 6],
      [6, 8],
      [8, 9],
    ]);
  });

  test('a cut falls on a break row in the second half of the window, with no overlap for blocks', async () => {
    expect(await all(numbered(20).join('\n'), { maxLines: 10, maxChars: 1_000, overlap: 3 }, [7, 13], false)).toEqual([
      [0, 6],
      [7, 12],
      [13, 19],
    ]);
    // a break in the first half is too early: the window is kept whole
    expect(await all(numbered(20).join('\n'), { maxLines: 10, maxChars: 1_000, overlap: 0 }, [2], false)).toEqual([
      [0, 9],
      [10, 19],
    ]);
  });

  test('blank rows are never a window of their own, nor start or end one', async () => {
    const text = ['a', '', '', 'b', '', '', '', '', 'c', ''].join('\n');
    expect(await all(text, { maxLines: 3, maxChars: 1_000, overlap: 1 })).toEqual([
      [0, 0],
      [3, 3],
      [8, 8],
    ]);
  });

  test('a row over the character limit comes alone, in pieces, and the rows around it in windows', async () => {
    const long = 'x'.repeat(25);
    const source = await Source.of(['a', 'b', long, 'c'].join('\n'));
    const pieces = [
      ...windows(source, 0, 3, { maxLines: 10, maxChars: 10, overlap: 2 }, { overlap: 2, overlapAtBreaks: true }),
    ];
    expect(pieces.map((piece) => [piece.start, piece.end, piece.text])).toEqual([
      [0, 1, 'a\nb'],
      [2, 2, 'x'.repeat(10)],
      [2, 2, 'x'.repeat(10)],
      [2, 2, 'x'.repeat(5)],
      [3, 3, 'c'],
    ]);
  });

  test('one row a window: every row once', async () => {
    expect(await all('a\nb\nc', { maxLines: 1, maxChars: 1_000, overlap: 0 })).toEqual([
      [0, 0],
      [1, 1],
      [2, 2],
    ]);
  });
});

describe('longLine', () => {
  test('cuts after a separator near the end of a piece', () => {
    const pieces = [...longLine('alpha beta gamma delta', 0, 12)].map((piece) => piece.text);
    expect(pieces).toEqual(['alpha beta ', 'gamma delta']);
  });

  test('never between the halves of a surrogate pair, and pieces of only spaces are left out', () => {
    const line = `${'😀'.repeat(30)}${' '.repeat(40)}end`;
    const pieces = [...longLine(line, 0, 11)].map((piece) => piece.text);
    for (const piece of pieces) {
      expect(piece.length).toBeLessThanOrEqual(11);
      const last = piece.charCodeAt(piece.length - 1);
      expect(last >= 0xd800 && last <= 0xdbff).toBe(false);
      expect(piece.trim()).not.toBe('');
    }
    expect(pieces.join('').replace(/ /g, '')).toBe(`${'😀'.repeat(30)}end`);
  });
});
