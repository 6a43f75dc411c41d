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
 * A walk over an escaped line: where it stands in the JSON bytes, in the line's UTF-8 bytes and in its UTF-16
 * columns. It walks forward only; a target behind it starts it over from the line's start.
 */
class Cursor {
  constructor(
    private readonly json: Buffer,
    public at = 0,
    public byte = 0,
    public column = 0,
  ) {}

  clone(): Cursor {
    return new Cursor(this.json, this.at, this.byte, this.column);
  }

  /** To the first character that starts at or after `target` in the line's bytes (or to the line's end). */
  toByte(target: number): void {
    if (target < this.byte) this.at = this.byte = this.column = 0;
    this.walk(target, Number.POSITIVE_INFINITY);
  }

  /** To the first character at or after UTF-16 column `target` (or to the line's end). */
  toColumn(target: number): void {
    if (target < this.column) this.at = this.byte = this.column = 0;
    this.walk(Number.POSITIVE_INFINITY, target);
  }

  /** One loop for both targets, on locals: this runs over every byte of a 15 MB line. */
  private walk(byteTarget: number, columnTarget: number): void {
    const json = this.json;
    const length = json.length;
    let at = this.at;
    let byte = this.byte;
    let column = this.column;
    while (byte < byteTarget && column < columnTarget && at < length) {
      // a block of ASCII (checked natively) is passed from escape to escape: between two, the JSON bytes are the
      // line's bytes and its columns; an escape (`\n`, `\"`, `\u001b`) stands for one byte of the line
      const stop = Math.min(at + BLOCK, length);
      const bytes = json.subarray(at, stop);
      if (isAscii(bytes)) {
        const from = at;
        let room = Math.min(byteTarget - byte, columnTarget - column);
        while (room > 0 && at < stop) {
          const slash = bytes.indexOf(BACKSLASH, at - from);
          const plain = Math.min((slash === -1 ? stop : from + slash) - at, room);
          at += plain;
          byte += plain;
          column += plain;
          room -= plain;
          if (room === 0 || slash === -1) break;
          at += json[at + 1] === 0x75 /* u */ ? 6 : 2;
          byte += 1;
          column += 1;
          room -= 1;
        }
        continue;
      }
      const end = at + BLOCK;
      while (byte < byteTarget && column < columnTarget && at < length && at < end) {
        const lead = json[at] as number;
        if (lead < 0x80) {
          // an escape (`\n`, `\"`, `\u001b`) stands for one byte of the line
          at += lead !== BACKSLASH ? 1 : json[at + 1] === 0x75 /* u */ ? 6 : 2;
          byte += 1;
          column += 1;
        } else if (lead >= 0xf0) {
          at += 4;
          byte += 4;
          column += 2; // outside the BMP: a surrogate pair
        } else {
          const size = lead >= 0xe0 ? 3 : 2;
          at += size;
          byte += size;
          column += 1;
        }
      }
    }
    this.at = at;
    this.byte = byte;
    this.column = column;
  }
}

export class EscapedLine {
  private readonly json: Buffer;
  /** The walk through the line, kept at least LEAD_BYTES before the next match: it passes each byte once. */
  private walk: Cursor;
  /** Where the last match ended: the walk resumes there when the next match starts far enough after it. */
  private last: Cursor | null = null;

  /** `json`: the bytes between the quotes of rg's `lines.text`, the line's own terminator included. */
  constructor(json: Buffer) {
    this.json = withoutTerminator(json);
    this.walk = new Cursor(this.json);
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
    const span = JSON.parse(`"${this.json.toString('utf8', head.at, tail.at)}"`) as string;
    return cutMatch(lineNumber, span, head.column, to, column, endColumn);
  }
}

/** The JSON bytes of a line without its `\n` or `\r\n` (escaped; `\\n` is a backslash and an n, and stays). */
function withoutTerminator(json: Buffer): Buffer {
  let end = json.length;
  for (const letter of [0x6e /* n */, 0x72 /* r */]) {
    if (end < 2 || json[end - 1] !== letter) break;
    let backslashes = 0;
    while (json[end - 2 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) break; // the letter itself, after escaped backslashes
    end -= 2;
  }
  return json.subarray(0, end);
}
