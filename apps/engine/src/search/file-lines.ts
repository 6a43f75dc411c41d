// A match rg reported by its byte offsets (rg-matches.ts) made into a protocol match from the file itself: the
// line's UTF-16 columns and the preview window are read from the file's bytes, in 64 KiB blocks. A short line is read
// and decoded whole; a long one (a source map's 15 MB line) is walked from its start to the match, natively over
// ASCII blocks, and only the preview's window is decoded.
//
// The file is what rg read only if nothing changed it since, and only if rg did not transcode it (a UTF-16 file
// with a BOM is searched as UTF-8, so its offsets are not the file's): each match's bytes are checked against the
// text rg printed, and a file that fails is searched again through rg --json (ripgrep.ts), which carries the line.
import { isAscii } from 'node:buffer';
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import type { SearchMatch } from '@pa/shared';
import { byteToColumn, cutMatch, LEAD_CHARS, matchTextEnd, previewWindow, toMatch } from './matches.js';
import type { RgMatch } from './rg-matches.js';

/** Bytes read at once. */
const BLOCK = 64 * 1024;
/** Bytes checked for ASCII at once in a long line's walk. */
const SMALL_BLOCK = 4 * 1024;
/** A line that ends within this many bytes is read and decoded whole. */
const SHORT_LINE = 16 * 1024;
/** UTF-8 bytes that LEAD_CHARS columns take at most (a UTF-16 unit is at most 3 bytes). */
const LEAD_BYTES = 3 * LEAD_CHARS;
const NEWLINE = 10;
const RETURN = 13;

/** One file open for reading, through one block of it kept in memory. */
class Blocks {
  private start = 0;
  private length = 0;

  constructor(
    private readonly fd: number,
    /** BLOCK bytes, one for all the files of a search: one file is read at a time. */
    private readonly block: Buffer,
  ) {}

  /** The bytes from `at` on that the kept block holds (reading a new one when it holds none): a view, short-lived. */
  from(at: number): Buffer {
    if (at < this.start || at >= this.start + this.length) this.load(at, BLOCK);
    return this.block.subarray(at - this.start, this.length);
  }

  /** `length` bytes from `at` (fewer at the file's end): a view, valid until the next read. */
  exact(at: number, length: number): Buffer {
    if (at < this.start || at + length > this.start + this.length) {
      if (length > BLOCK) {
        const bytes = Buffer.allocUnsafe(length);
        return bytes.subarray(0, readSync(this.fd, bytes, 0, length, at));
      }
      this.load(at, BLOCK);
    }
    return this.block.subarray(at - this.start, Math.min(this.length, at - this.start + length));
  }

  private load(at: number, length: number): void {
    this.start = at;
    this.length = readSync(this.fd, this.block, 0, length, at);
  }
}

/**
 * A walk along a long line from its start: where it stands in the line's bytes and in its UTF-16 columns. Forward
 * only; it stops at the line's end.
 */
class Cursor {
  constructor(
    private readonly blocks: Blocks,
    private readonly lineStart: number,
    public byte = 0,
    public column = 0,
    /** The walk reached the line's end (its LF or the file's end). */
    public ended = false,
  ) {}

  clone(): Cursor {
    return new Cursor(this.blocks, this.lineStart, this.byte, this.column, this.ended);
  }

  /** To the first character that starts at or after `target` in the line's bytes (or to the line's end). */
  toByte(target: number): this {
    this.walk(target, Number.POSITIVE_INFINITY);
    return this;
  }

  /** To the first character at or after UTF-16 column `target` (or to the line's end). */
  toColumn(target: number): this {
    this.walk(Number.POSITIVE_INFINITY, target);
    return this;
  }

  private walk(byteTarget: number, columnTarget: number): void {
    while (!this.ended && this.byte < byteTarget && this.column < columnTarget) {
      const block = this.blocks.from(this.lineStart + this.byte);
      if (block.length === 0) {
        this.ended = true;
        break;
      }
      // a small block at a time, checked natively for ASCII, so that a rare other character costs one small block
      const bytes = block.length > SMALL_BLOCK ? block.subarray(0, SMALL_BLOCK) : block;
      const newline = bytes.indexOf(NEWLINE);
      const limit = newline === -1 ? bytes.length : newline;
      const room = Math.min(byteTarget - this.byte, columnTarget - this.column);
      const step = Math.min(limit, room);
      if (isAscii(bytes.subarray(0, step))) {
        // ASCII: bytes are columns
        this.byte += step;
        this.column += step;
        if (step === limit && newline !== -1) this.ended = true;
        continue;
      }
      let local = 0;
      while (local < limit && this.byte < byteTarget && this.column < columnTarget) {
        const lead = bytes[local] as number;
        const size = lead < 0x80 ? 1 : lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
        local += size;
        this.byte += size;
        this.column += size === 4 ? 2 : 1; // outside the BMP: a surrogate pair
      }
      if (local >= limit && newline !== -1 && this.byte < byteTarget && this.column < columnTarget) this.ended = true;
    }
  }
}

export class FileLines {
  private readonly blocks: Blocks;
  /** The last short line decoded, for the next match in it. */
  private short: { lineStart: number; text: string; column: (byte: number) => number } | null = null;
  /** The walk through the last long line, kept at least LEAD_BYTES before its next match. */
  private long: { lineStart: number; walk: Cursor } | null = null;

  private constructor(
    private readonly fd: number,
    block: Buffer,
  ) {
    this.blocks = new Blocks(fd, block);
  }

  /** A block for FileLines.open: one per search, shared by the files it reads one after the other. */
  static block(): Buffer {
    return Buffer.allocUnsafe(BLOCK);
  }

  /**
   * The file opened for reading, or null when it cannot be (gone, a symlink put in its place, not a file). `block`
   * (FileLines.block()) must not be in use by another open file.
   */
  static open(absolute: string, block: Buffer): FileLines | null {
    let fd: number;
    try {
      fd = openSync(absolute, constants.O_RDONLY | constants.O_NOFOLLOW);
    } catch {
      return null;
    }
    try {
      if (fstatSync(fd).isFile()) return new FileLines(fd, block);
    } catch {
      // fall through to close
    }
    closeSync(fd);
    return null;
  }

  close(): void {
    closeSync(this.fd);
  }

  /**
   * The protocol match for `match` (null for an empty one), or undefined when the file's bytes at its offsets are
   * not what rg matched (the file changed, or rg transcoded it).
   */
  matchAt(match: RgMatch): SearchMatch | null | undefined {
    const { lineStart, start, end, head, line } = match;
    // the line first: the block read for it holds the match too, unless the line is long
    if (this.short?.lineStart !== lineStart && this.long?.lineStart !== lineStart) this.readLine(lineStart);
    if (!this.blocks.exact(lineStart + start, head.length).equals(head)) return undefined;
    if (start === end) return null;
    const short = this.short;
    if (short?.lineStart === lineStart) {
      const column = short.column(start);
      const endColumn = Math.min(short.column(end), short.text.length);
      return column >= endColumn ? null : toMatch(line, short.text, column, endColumn);
    }
    return this.longMatch(line, lineStart, start, end);
  }

  /** Makes the line at `lineStart` the current short one, or the current long one when it runs past SHORT_LINE. */
  private readLine(lineStart: number): void {
    const bytes = this.blocks.exact(lineStart, SHORT_LINE);
    const newline = bytes.indexOf(NEWLINE);
    if (newline === -1 && bytes.length === SHORT_LINE) {
      this.long = { lineStart, walk: new Cursor(this.blocks, lineStart) };
      return;
    }
    let length = newline === -1 ? bytes.length : newline;
    if (length > 0 && bytes[length - 1] === RETURN) length--;
    const text = bytes.toString('utf8', 0, length);
    this.short = { lineStart, text, column: byteToColumn(text) };
  }

  /** As EscapedLine did over rg's JSON: one walk over the line up to its last match, and a short one around each. */
  private longMatch(line: number, lineStart: number, start: number, end: number): SearchMatch | null {
    const long = this.long as { lineStart: number; walk: Cursor };
    if (long.walk.byte > Math.max(0, start - LEAD_BYTES)) long.walk = new Cursor(this.blocks, lineStart);
    long.walk.toByte(Math.max(0, start - LEAD_BYTES));
    const first = long.walk.clone().toByte(start);
    const last = first.clone().toByte(end);
    const column = first.column;
    const endColumn = last.column;
    if (column >= endColumn) return null;
    const { from, to } = previewWindow(column, endColumn);
    const headAt = long.walk.clone().toColumn(from);
    const tail = first.clone().toColumn(Math.max(to, matchTextEnd(column, endColumn)));
    const bytes = this.blocks.exact(lineStart + headAt.byte, tail.byte - headAt.byte);
    let length = bytes.length;
    if (tail.ended && length > 0 && bytes[length - 1] === RETURN) length--; // a CRLF line's CR is not its text
    return cutMatch(line, bytes.toString('utf8', 0, length), headAt.column, to, column, endColumn);
  }
}
