import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileLines } from './file-lines.js';
import { byteToColumn, toMatch } from './matches.js';
import { MATCH_TEXT_BYTES, type RgMatch } from './rg-matches.js';

const root = mkdtempSync(join(tmpdir(), 'pa-file-lines-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A seeded generator (the same lines every run). */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

/** The record rg prints for the match at UTF-16 columns [from, to) of `lines[index]` in a file of `lines`. */
function record(lines: string[], terminator: string, index: number, from: number, to: number): RgMatch {
  const before = lines.slice(0, index).reduce((sum, line) => sum + Buffer.byteLength(line + terminator), 0);
  const line = lines[index] as string;
  const start = Buffer.byteLength(line.slice(0, from));
  const end = Buffer.byteLength(line.slice(0, to));
  const head = Buffer.from(line.slice(from, to)).subarray(0, MATCH_TEXT_BYTES);
  return { path: 'f', line: index + 1, lineStart: before, start, end, head };
}

/** What the match must be: the line decoded whole, as the --json reader makes it. */
function expected(line: string, index: number, from: number, to: number) {
  const column = byteToColumn(line);
  return toMatch(
    index + 1,
    line,
    column(Buffer.byteLength(line.slice(0, from))),
    column(Buffer.byteLength(line.slice(0, to))),
  );
}

let files = 0;
function fileOf(lines: string[], terminator = '\n'): FileLines {
  const path = join(root, `f${files++}`);
  writeFileSync(path, lines.map((line) => line + terminator).join(''));
  const file = FileLines.open(path, FileLines.block());
  if (!file) throw new Error('not opened');
  return file;
}

describe('FileLines', () => {
  it('makes matches on short lines with UTF-16 columns, CRLF lines included', () => {
    for (const terminator of ['\n', '\r\n']) {
      const lines = ['const foo = 1;', 'é😀 foo and foo', '', `${'x'.repeat(300)}foo${'y'.repeat(300)}`];
      const file = fileOf(lines, terminator);
      for (const [index, from] of [
        [0, 6],
        [1, 4],
        [1, 12],
        [3, 300],
      ] as const) {
        expect(file.matchAt(record(lines, terminator, index, from, from + 3))).toEqual(
          expected(lines[index] as string, index, from, from + 3),
        );
      }
      file.close();
    }
  });

  it('walks long lines (scattered non-ASCII, characters cut between blocks) to the same matches as a decode', () => {
    const next = random(7);
    const alphabet = ['a', 'b', ' ', '\\', '"', 'é', '—', '😀', '\t'];
    for (let round = 0; round < 6; round++) {
      const parts: string[] = [];
      const length = 70_000 + Math.floor(next() * 150_000);
      const plain = round % 2 === 0; // ASCII with a rare non-ASCII character, or dense with them
      for (let size = 0; size < length; ) {
        const piece = plain && next() < 0.999 ? 'abcdefgh' : (alphabet[Math.floor(next() * alphabet.length)] as string);
        parts.push(piece);
        size += piece.length;
      }
      const line = parts.join('');
      const lines = ['short first line', line, 'after'];
      const file = fileOf(lines, round === 3 ? '\r\n' : '\n');
      const starts = Array.from({ length: 12 }, () => Math.floor(next() * (line.length - 10))).sort((a, b) => a - b);
      for (const from of starts) {
        // a UTF-16 range that does not cut a surrogate pair
        const start = line.charCodeAt(from) >= 0xdc00 && line.charCodeAt(from) < 0xe000 ? from + 1 : from;
        let end = start + 1 + Math.floor(next() * 5);
        if (line.charCodeAt(end) >= 0xdc00 && line.charCodeAt(end) < 0xe000) end++;
        const got = file.matchAt(record(lines, round === 3 ? '\r\n' : '\n', 1, start, end));
        const want = expected(line, 1, start, end);
        expect(got).toMatchObject({ line: want.line, column: want.column, endColumn: want.endColumn, text: want.text });
        // the preview is the line around the match; where its window would start inside a surrogate pair, it starts
        // after the pair (a decode would start with half a character)
        const preview = got?.preview ?? { text: '', start: 0, end: 0 };
        expect(preview.text.slice(preview.start, preview.end)).toBe(line.slice(start, end));
        expect(line.slice(start - preview.start, start - preview.start + preview.text.length)).toBe(preview.text);
        expect(want.preview.start - preview.start).toBeLessThanOrEqual(1);
      }
      // the last line's match after the long one, and a match at the long line's very end
      expect(file.matchAt(record(lines, '\n', 0, 0, 5))).toEqual(expected('short first line', 0, 0, 5));
      file.close();
    }
  });

  it('a match at the end of a long line has a preview that stops at the line, not in the next one', () => {
    const line = `${'q'.repeat(40_000)}needle`;
    const lines = [line, 'next line text'];
    const file = fileOf(lines, '\r\n');
    const match = file.matchAt(record(lines, '\r\n', 0, 40_000, 40_006));
    expect(match).toEqual(expected(line, 0, 40_000, 40_006));
    expect(match?.preview.text.endsWith('needle')).toBe(true);
    file.close();
  });

  it('says when the bytes are not what rg matched (a changed or transcoded file), and drops empty matches', () => {
    const lines = ['hello world'];
    const file = fileOf(lines);
    const wrong = { ...record(lines, '\n', 0, 6, 11), head: Buffer.from('WORLD') };
    expect(file.matchAt(wrong)).toBeUndefined();
    expect(file.matchAt({ ...record(lines, '\n', 0, 6, 6) })).toBeNull();
    // offsets past the file's end (it was cut since rg read it)
    expect(file.matchAt({ ...record(lines, '\n', 0, 6, 11), lineStart: 1_000 })).toBeUndefined();
    file.close();
  });

  it('opens no symlink and no folder', () => {
    writeFileSync(join(root, 'target'), 'x\n');
    symlinkSync(join(root, 'target'), join(root, 'link'));
    expect(FileLines.open(join(root, 'link'), FileLines.block())).toBeNull();
    expect(FileLines.open(root, FileLines.block())).toBeNull();
    expect(FileLines.open(join(root, 'missing'), FileLines.block())).toBeNull();
  });
});
