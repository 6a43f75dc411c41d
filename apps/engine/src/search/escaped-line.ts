// A long line as rg's JSON printed it (the escaped UTF-8 bytes of the `lines.text` string, never decoded whole): a
// match in it is found by walking the bytes to rg's byte offsets, and only the window the preview needs is
// decoded. A 15 MB source-map line costs one pass over its bytes up to the last match, not a decode, a JSON.parse
// and a copy per match.
import { isAscii } from 'node:buffer';
import type { SearchMatch } from '@pa/shared';
import { cutMatch, LEAD_CHARS, matchTextEnd, previewWindow } from './matches.js';

const BACKSLASH = 0x5c;
/** Bytes the walk checks at once for plain ASCII. */
const BLOCK = 4096;
/** UTF-8 bytes that LEAD_CHARS columns take at most (a UTF-16 unit is at most 3 bytes). */
const LEAD_BYTES = 3 * LEAD_CHARS;

/**
 * The line's JSON bytes as the pieces they arrived in (rg's pipe gives 64 KiB chunks; a 15 MB line is not copied
 * into one buffer), addressed by one offset across them.
 */
class Pieces {
  readonly pieces: readonly Buffer[];
  /** Where each piece starts in the line's JSON bytes. */
  readonly starts: number[] = [];
  readonly length: number;

  constructor(pieces: readonly Buffer[]) {
    this.pieces = pieces.filter((piece) => piece.length > 0);
    let length = 0;
    for (const piece of this.pieces) {
      this.starts.push(length);
      length += piece.length;
    }
    this.length = length;
  }

  /** Whether each piece is all ASCII, asked once per piece (undefined: not asked yet). */
  private readonly ascii: Array<boolean | undefined> = [];

  isAsciiPiece(index: number): boolean {
    let known = this.ascii[index];
    if (known === undefined) {
      known = isAscii(this.pieces[index] as Buffer);
      this.ascii[index] = known;
    }
    return known;
  }

  /** The piece that holds offset `at` (the last one for an offset past the end): a binary search. */
  pieceOf(at: number): number {
    let low = 0;
    let high = this.pieces.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((this.starts[middle] as number) <= at) low = middle;
      else high = middle - 1;
    }
    return low;
  }

  byteAt(at: number): number | undefined {
    const index = this.pieceOf(at);
    return this.pieces[index]?.[at - (this.starts[index] as number)];
  }

  /** The bytes from `from` to `to` decoded as UTF-8 (a preview's window: short). */
  text(from: number, to: number): string {
    const first = this.pieceOf(from);
    const last = this.pieceOf(Math.max(from, to - 1));
    const local = (index: number, at: number) => at - (this.starts[index] as number);
    const piece = this.pieces[first];
    if (piece === undefined || from >= to) return '';
    if (first === last) return piece.toString('utf8', local(first, from), local(first, to));
    const parts: Buffer[] = [];
    for (let index = first; index <= last; index++) {
      const bytes = this.pieces[index] as Buffer;
      parts.push(bytes.subarray(Math.max(0, local(index, from)), Math.min(bytes.length, local(index, to))));
    }
    return Buffer.concat(parts).toString('utf8');
  }
}

/**
 * A walk over an escaped line: where it stands in the JSON bytes (and in which piece), in the line's UTF-8 bytes
 * and in its UTF-16 columns. It walks forward only; a target behind it starts it over from the line's start.
 */
class Cursor {
  constructor(
    private readonly json: Pieces,
    /** Where the walk ends: the line without its terminator. */
    private readonly length: number,
    public at = 0,
    public byte = 0,
    public column = 0,
    private piece = 0,
  ) {}

  clone(): Cursor {
    return new Cursor(this.json, this.length, this.at, this.byte, this.column, this.piece);
  }

  /** To the first character that starts at or after `target` in the line's bytes (or to the line's end). */
  toByte(target: number): void {
    if (target < this.byte) this.at = this.byte = this.column = this.piece = 0;
    this.walk(target, Number.POSITIVE_INFINITY);
  }

  /** To the first character at or after UTF-16 column `target` (or to the line's end). */
  toColumn(target: number): void {
    if (target < this.column) this.at = this.byte = this.column = this.piece = 0;
    this.walk(Number.POSITIVE_INFINITY, target);
  }

  /** One loop for both targets, on locals: this runs over every byte of a 15 MB line. */
  private walk(byteTarget: number, columnTarget: number): void {
    const { pieces, starts } = this.json;
    const length = this.length;
    let at = this.at;
    let byte = this.byte;
    let column = this.column;
    let piece = this.piece;
    while (byte < byteTarget && column < columnTarget && at < length) {
      while (piece + 1 < pieces.length && (starts[piece + 1] as number) <= at) piece++;
      const json = pieces[piece] as Buffer;
      const base = starts[piece] as number;
      // offsets in this piece from here on; a character or an escape may run on into the next piece
      let local = at - base;
      const pieceEnd = Math.min(json.length, length - base);
      const stop = Math.min(local + BLOCK, pieceEnd);
      // ASCII is passed from escape to escape: between two, the JSON bytes are the line's bytes and its columns; an
      // escape (`\n`, `\"`, `\u001b`) stands for one byte of the line. An ASCII piece (checked natively, once per
      // piece) in one loop to its end; in a piece that is not, each ASCII block of it (its own check)
      const wholePiece = this.json.isAsciiPiece(piece);
      if (wholePiece || isAscii(json.subarray(local, stop))) {
        const end = wholePiece ? pieceEnd : stop;
        // the bytes the search for the next escape may look at: never past this stretch
        const scope = end === json.length ? json : json.subarray(0, end);
        let room = Math.min(byteTarget - byte, columnTarget - column);
        while (room > 0 && local < end) {
          const slash = scope.indexOf(BACKSLASH, local);
          const plain = Math.min((slash === -1 ? end : slash) - local, room);
          local += plain;
          byte += plain;
          column += plain;
          room -= plain;
          if (room === 0 || slash === -1) break;
          const letter = local + 1 < json.length ? json[local + 1] : this.json.byteAt(base + local + 1);
          local += letter === 0x75 /* u */ ? 6 : 2;
          byte += 1;
          column += 1;
          room -= 1;
        }
        at = base + local;
        continue;
      }
      while (byte < byteTarget && column < columnTarget && local < stop) {
        const lead = json[local] as number;
        if (lead < 0x80) {
          // an escape (`\n`, `\"`, `\u001b`) stands for one byte of the line
          if (lead !== BACKSLASH) local += 1;
          else {
            const letter = local + 1 < json.length ? json[local + 1] : this.json.byteAt(base + local + 1);
            local += letter === 0x75 /* u */ ? 6 : 2;
          }
          byte += 1;
          column += 1;
        } else if (lead >= 0xf0) {
          local += 4;
          byte += 4;
          column += 2; // outside the BMP: a surrogate pair
        } else {
          const size = lead >= 0xe0 ? 3 : 2;
          local += size;
          byte += size;
          column += 1;
        }
      }
      at = base + local;
    }
    this.at = at;
    this.byte = byte;
    this.column = column;
    this.piece = piece;
  }
}

export class EscapedLine {
  private readonly json: Pieces;
  /** The JSON bytes of the line without its terminator. */
  private readonly length: number;
  /** The walk through the line, kept at least LEAD_BYTES before the next match: it passes each byte once. */
  private walk: Cursor;
  /** Where the last match ended: the walk resumes there when the next match starts far enough after it. */
  private last: Cursor | null = null;

  /** `json`: the bytes between the quotes of rg's `lines.text`, the line's own terminator included, in pieces. */
  constructor(json: Buffer | readonly Buffer[]) {
    this.json = new Pieces(Buffer.isBuffer(json) ? [json] : json);
    this.length = withoutTerminator(this.json);
    this.walk = new Cursor(this.json, this.length);
  }

  /**
   * The match between two of rg's byte offsets in the line, or null for an empty one. Matches asked in order (as rg
   * reports them) cost one walk over the line in all, and a short one around each.
   */
  matchAt(lineNumber: number, startByte: number, endByte: number): SearchMatch | null {
    const lead = startByte - LEAD_BYTES;
    if (this.last && this.last.byte > this.walk.byte && this.last.byte <= lead) this.walk = this.last;
    this.walk.toByte(Math.max(0, lead));
    const start = this.walk.clone();
    start.toByte(startByte);
    const end = start.clone();
    end.toByte(endByte);
    this.last = end;
    const column = start.column;
    const endColumn = end.column;
    if (column >= endColumn) return null;
    const { from, to } = previewWindow(column, endColumn);
    const head = this.walk.clone(); // at most LEAD_CHARS columns before the match: the preview starts after it
    head.toColumn(from);
    const tail = start.clone();
    tail.toColumn(Math.max(to, matchTextEnd(column, endColumn)));
    const span = JSON.parse(`"${this.json.text(head.at, Math.min(tail.at, this.length))}"`) as string;
    return cutMatch(lineNumber, span, head.column, to, column, endColumn);
  }
}

/** Where a line's JSON bytes end without its `\n` or `\r\n` (escaped; `\\n` is a backslash and an n, and stays). */
function withoutTerminator(json: Pieces): number {
  let end = json.length;
  for (const letter of [0x6e /* n */, 0x72 /* r */]) {
    if (end < 2 || json.byteAt(end - 1) !== letter) break;
    let backslashes = 0;
    while (end - 2 - backslashes >= 0 && json.byteAt(end - 2 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) break; // the letter itself, after escaped backslashes
    end -= 2;
  }
  return end;
}
