import { describe, expect, it } from 'vitest';
import { EscapedLine } from './escaped-line.js';
import { byteToColumn, toMatch } from './matches.js';
import { RgJsonReader, type RgRecord } from './rg-json.js';

/** A seeded generator (the same chunkings every run). */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

/** rg's match frame for `line` (its terminator included) with matches at these UTF-16 ranges. */
function matchFrame(path: string, lineNumber: number, line: string, ranges: Array<[number, number]>): string {
  const bytes = (column: number) => Buffer.byteLength(line.slice(0, column));
  return JSON.stringify({
    type: 'match',
    data: {
      path: { text: path },
      lines: { text: line },
      line_number: lineNumber,
      absolute_offset: 0,
      submatches: ranges.map(([from, to]) => ({
        match: { text: line.slice(from, to) },
        start: bytes(from),
        end: bytes(to),
      })),
    },
  });
}

function readAll(output: string, chunkSizes: () => number): RgRecord[] {
  const reader = new RgJsonReader();
  const bytes = Buffer.from(output);
  const records: RgRecord[] = [];
  for (let at = 0; at < bytes.length; ) {
    const size = Math.max(1, Math.floor(chunkSizes()));
    records.push(...reader.push(bytes.subarray(at, at + size)));
    at += size;
  }
  records.push(...reader.end());
  return records;
}

/** A long line with every kind of escape rg prints, multi-byte and astral characters, and text that looks like rg's. */
const piece = 'ab"c\\d\te\u001bé😀 },"start":1,"end":2} "},"line_number":3, \\n ';
const LONG = `${piece.repeat(3_000)}needle${piece.repeat(10)}`;

describe('rg --json read as it streams', () => {
  it('reads small frames whole, however the output is cut', () => {
    const output = [
      JSON.stringify({ type: 'begin', data: { path: { text: './a.ts' } } }),
      matchFrame('./a.ts', 3, 'const foo = "foo";\n', [
        [6, 9],
        [13, 16],
      ]),
      JSON.stringify({ type: 'end', data: { path: { text: './a.ts' } } }),
      JSON.stringify({ type: 'summary', data: {} }),
    ].join('\n');
    const expected: RgRecord[] = [
      { type: 'begin', path: './a.ts' },
      { type: 'line', lineNumber: 3, line: { text: 'const foo = "foo";\n' } },
      { type: 'submatch', start: 6, end: 9 },
      { type: 'submatch', start: 13, end: 16 },
      { type: 'end' },
    ];
    expect(readAll(`${output}\n`, () => 1)).toEqual(expected);
    expect(readAll(output, () => 7)).toEqual(expected); // the last frame without its newline
  });

  it('reads a large match frame as its line’s JSON bytes and its offsets one by one, at any chunking', () => {
    const line = `${LONG}\n`;
    const ranges: Array<[number, number]> = [
      [0, 2],
      [LONG.indexOf('needle'), LONG.indexOf('needle') + 6],
      [LONG.length - 3, LONG.length],
    ];
    const output = [
      JSON.stringify({ type: 'begin', data: { path: { text: './big.js' } } }),
      matchFrame('./big.js', 7, line, ranges),
      JSON.stringify({ type: 'end', data: { path: { text: './big.js' } } }),
      '',
    ].join('\n');
    const json = Buffer.from(JSON.stringify(line).slice(1, -1));
    const bytes = (column: number) => Buffer.byteLength(line.slice(0, column));
    const next = random(13);
    for (const sizes of [() => 65_536, () => 1 + next() * 40, () => 1 + next() * 70_000]) {
      const records = readAll(output, sizes);
      expect(records.map((record) => record.type)).toEqual([
        'begin',
        'line',
        'submatch',
        'submatch',
        'submatch',
        'end',
      ]);
      const found = records[1] as Extract<RgRecord, { type: 'line' }>;
      expect(found.lineNumber).toBe(7);
      expect('json' in found.line && Buffer.concat(found.line.json).equals(json)).toBe(true);
      expect(records.slice(2, 5)).toEqual(
        ranges.map(([from, to]) => ({ type: 'submatch', start: bytes(from), end: bytes(to) })),
      );
      // the line walked in the pieces it arrived in (escapes and characters cut between them) finds the same matches
      if (!('json' in found.line)) throw new Error('the long line was parsed whole');
      const escaped = new EscapedLine(found.line.json);
      for (const [from, to] of ranges)
        expect(escaped.matchAt(7, bytes(from), bytes(to))).toEqual(toMatch(7, LONG, from, to));
    }
  });

  it('skips a large frame that is not a UTF-8 line, and reads on', () => {
    const output = [
      JSON.stringify({
        type: 'match',
        data: {
          path: { text: './bin' },
          lines: { bytes: 'A'.repeat(100_000) },
          line_number: 1,
          absolute_offset: 0,
          submatches: [],
        },
      }),
      JSON.stringify({ type: 'end', data: { path: { text: './bin' } } }),
      '',
    ].join('\n');
    expect(readAll(output, () => 4_096)).toEqual([{ type: 'end' }]);
  });
});

describe('a long line read where its matches are', () => {
  it('finds the same columns, matched text and previews as the decoded line', () => {
    const line = `${LONG}\n`;
    const json = Buffer.from(JSON.stringify(line).slice(1, -1));
    const escaped = new EscapedLine(json);
    const column = byteToColumn(LONG);
    const bytes = (at: number) => Buffer.byteLength(LONG.slice(0, at));
    const needle = LONG.indexOf('needle');
    // in order, as rg reports them: near the start, a match spanning many escapes, one just after it, the end
    const ranges: Array<[number, number]> = [
      [1, 3],
      [piece.length * 5 + 2, piece.length * 900],
      [piece.length * 900 + 1, piece.length * 900 + 4],
      [needle, needle + 6],
      [LONG.length - 1, LONG.length],
    ];
    for (const [from, to] of ranges) {
      const got = escaped.matchAt(4, bytes(from), bytes(to));
      expect(column(bytes(from))).toBe(from);
      expect(got).toEqual(toMatch(4, LONG, from, to));
    }
    expect(escaped.matchAt(4, bytes(needle), bytes(needle))).toBeNull(); // empty
  });

  it('finds the same matches in a mostly ASCII line dense with escapes (a source map), whatever falls on a block edge', () => {
    // escapes of every length at every offset of the walk's 4 KiB blocks, and now and then a block with an é or a 😀
    const next = random(13);
    const parts: string[] = [];
    for (let i = 0; i < 6_000; i++) {
      parts.push('x'.repeat(Math.floor(next() * 9)), ['"', '\\', '\n', '\u001b', '\t'][i % 5] as string);
      if (i % 1_500 === 7) parts.push(i % 2 === 0 ? 'é' : '😀');
    }
    const text = parts.join('');
    const json = Buffer.from(JSON.stringify(`${text}\n`).slice(1, -1));
    const whole = new EscapedLine(json);
    const cuts: Buffer[] = [];
    for (let at = 0; at < json.length; ) {
      const size = 1 + Math.floor(next() * (next() < 0.5 ? 8 : 9_000));
      cuts.push(json.subarray(at, at + size));
      at += size;
    }
    const cut = new EscapedLine(cuts); // in pieces, as rg's pipe delivers it: escapes and characters cut between them
    const bytes = (at: number) => Buffer.byteLength(text.slice(0, at));
    let checked = 0;
    for (let from = 3; from + 5 < text.length; from += 1 + Math.floor(next() * 60)) {
      if (text.charCodeAt(from) >= 0xdc00 && text.charCodeAt(from) < 0xe000) continue; // inside a surrogate pair
      const to = from + 1 + Math.floor(next() * 4);
      if (text.charCodeAt(to) >= 0xdc00 && text.charCodeAt(to) < 0xe000) continue;
      const expected = toMatch(7, text, from, to);
      expect(whole.matchAt(7, bytes(from), bytes(to))).toEqual(expected);
      expect(cut.matchAt(7, bytes(from), bytes(to))).toEqual(expected);
      checked++;
    }
    expect(checked).toBeGreaterThan(500);
  });

  it('finds the same sparse matches in large ASCII pieces, escapes cut at their edges', () => {
    // a minified bundle's line: long ASCII runs dense with escapes (runs of backslashes, \u0001), now and then an é;
    // pieces of 16–70 KiB as rg's pipe gives them, and matches far apart, so the walk counts most pieces whole
    const next = random(29);
    const parts: string[] = [];
    for (let i = 0; i < 40_000; i++) {
      parts.push('y'.repeat(Math.floor(next() * 12)), ['"', '\\', '\\\\\\', '\u0001', '\n', '\\"'][i % 6] as string);
      if (i % 9_000 === 4_500) parts.push('é');
    }
    const text = parts.join('');
    const json = Buffer.from(JSON.stringify(`${text}\n`).slice(1, -1));
    for (let round = 0; round < 4; round++) {
      const cuts: Buffer[] = [];
      for (let at = 0; at < json.length; ) {
        const size = 16_384 + Math.floor(next() * 56_000);
        cuts.push(json.subarray(at, at + size));
        at += size;
      }
      const line = new EscapedLine(cuts);
      const bytes = (at: number) => Buffer.byteLength(text.slice(0, at));
      let checked = 0;
      for (let from = 5; from + 5 < text.length; from += 10_000 + Math.floor(next() * 40_000)) {
        const to = from + 1 + Math.floor(next() * 4);
        expect(line.matchAt(7, bytes(from), bytes(to))).toEqual(toMatch(7, text, from, to));
        checked++;
      }
      expect(checked).toBeGreaterThan(5);
    }
  });

  it('drops the line terminator, but not a backslash and an n that end the line', () => {
    for (const [line, text] of [
      [`${'x'.repeat(300)}end\r\n`, `${'x'.repeat(300)}end`],
      [`${'x'.repeat(300)}\\n`, `${'x'.repeat(300)}\\n`],
      [`${'x'.repeat(300)}\\\n`, `${'x'.repeat(300)}\\`],
    ] as const) {
      const json = Buffer.from(JSON.stringify(line).slice(1, -1));
      const last = new EscapedLine(json).matchAt(1, 290, Buffer.byteLength(text));
      expect(last?.text).toBe(text.slice(290));
      const bytewise = [...json].map((byte) => Buffer.from([byte])); // the terminator cut between pieces
      expect(new EscapedLine(bytewise).matchAt(1, 290, Buffer.byteLength(text))?.text).toBe(text.slice(290));
    }
  });
});
