import { describe, expect, it } from 'vitest';
import { MATCH_TEXT_BYTES, type RgMatch, RgMatchReader } from './rg-matches.js';

function readAll(output: Buffer, size: (index: number) => number): RgMatch[] {
  const reader = new RgMatchReader();
  const records: RgMatch[] = [];
  for (let at = 0, index = 0; at < output.length; index++) {
    const step = Math.max(1, size(index));
    records.push(...reader.push(output.subarray(at, at + step)));
    at += step;
  }
  return records;
}

const record = (path: string | Buffer, line: number, column: number, offset: number, text: string | Buffer) =>
  Buffer.concat([
    Buffer.from(path),
    Buffer.from([0]),
    Buffer.from(`${line}:${column}:${offset}:`),
    Buffer.from(text),
    Buffer.from('\n'),
  ]);

describe('RgMatchReader', () => {
  const output = Buffer.concat([
    record('./src/a.ts', 1, 5, 4, 'Dep'),
    record('./src/a.ts', 2, 3, 20, 'é:Dep'),
    record('./we:ird\nname 1:2:3:.txt', 7, 1, 90, 'x'),
    record(Buffer.from([0x2e, 0x2f, 0xff, 0x61]), 1, 1, 0, 'y'), // not UTF-8
    record('./long.map', 1, 1_000_001, 5_000_000, 'z'.repeat(10_000)),
  ]);
  const want = [
    { path: './src/a.ts', line: 1, lineStart: 0, start: 4, end: 7 },
    { path: './src/a.ts', line: 2, lineStart: 18, start: 2, end: 8 },
    { path: './we:ird\nname 1:2:3:.txt', line: 7, lineStart: 90, start: 0, end: 1 },
    { path: null, line: 1, lineStart: 0, start: 0, end: 1 },
    { path: './long.map', line: 1, lineStart: 4_000_000, start: 1_000_000, end: 1_010_000 },
  ];

  it('reads each record whatever the chunks: paths with newlines and colons, texts with colons, long texts kept short', () => {
    for (const size of [() => output.length, () => 1, (i: number) => (i * 7919) % 61, () => 4096]) {
      const records = readAll(output, size);
      expect(records.map(({ head: _, ...rest }) => rest)).toEqual(want);
      expect(records[1]?.head.toString()).toBe('é:Dep');
      expect(records[4]?.head.length).toBe(MATCH_TEXT_BYTES);
    }
  });

  it('passes over a malformed record to the next line and reads on', () => {
    const bad = Buffer.concat([
      Buffer.from('./x\u00001:zz:3:text\n'),
      Buffer.from('./y\u00000:1:0:zero line\n'),
      Buffer.from('./z\u00003:5:2:offset before its column\n'),
      record('./ok', 4, 2, 10, 'fine'),
    ]);
    expect(readAll(bad, () => 5).map((r) => [r.path, r.line, r.start])).toEqual([['./ok', 4, 1]]);
  });

  it('refuses a path longer than any file system allows, and keeps reading', () => {
    const long = Buffer.concat([Buffer.from('a'.repeat(20_000)), record('./after', 1, 1, 0, 'q')]);
    // the endless "path" is skipped to its line's end, which here is the next record's
    expect(readAll(long, () => 1000).length).toBeLessThanOrEqual(1);
    expect(
      readAll(Buffer.concat([Buffer.from(`${'a'.repeat(20_000)}\n`), record('./after', 1, 1, 0, 'q')]), () => 999),
    ).toHaveLength(1);
  });
});
