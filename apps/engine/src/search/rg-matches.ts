// rg's own printer in --only-matching mode (`--null --line-number --column --byte-offset`) read as it streams:
// one record per match, `path NUL line:column:offset:text LF`, where column is the 1-based byte column of the match
// in its line, offset its byte offset in the file and text the matched bytes. Unlike --json, rg never prints the
// matched line: a match in a 15 MB source-map line costs rg and us a few dozen bytes, not the line (the preview is
// read from the file, file-lines.ts).
//
// Framing without ambiguity: a path may hold any byte but NUL (a newline or a colon included), so it runs to the
// NUL; the three numbers are digits; a match holds no newline (rg refuses `\n` in a pattern without --multiline,
// which we never pass), so the text runs to the LF. A match's text is kept only up to MATCH_TEXT_BYTES (what the
// verification and the item need); its length is counted whole.

const NUL = 0;
const NEWLINE = 10;
const COLON = 0x3a;
/** A path longer than this is not one (Linux's PATH_MAX is 4,096 bytes); the record is skipped. */
const MAX_PATH_BYTES = 16 * 1024;
/** Bytes of a match's text kept: enough for the item's text and to check it against the file. */
export const MATCH_TEXT_BYTES = 4 * 1024;

export interface RgMatch {
  /** The path as rg printed it (relative to rg's working folder, `./` first), or null when it is not UTF-8. */
  path: string | null;
  line: number;
  /** Byte offset of the line's start in the file. */
  lineStart: number;
  /** Byte offsets of the match in its line. */
  start: number;
  end: number;
  /** The match's first MATCH_TEXT_BYTES bytes. */
  head: Buffer;
}

type Mode =
  | { kind: 'path'; pieces: Buffer[]; size: number }
  | { kind: 'numbers'; text: string }
  | { kind: 'text'; pieces: Buffer[]; kept: number; size: number }
  | { kind: 'skip' };

export class RgMatchReader {
  private mode: Mode = { kind: 'path', pieces: [], size: 0 };
  private path: string | null = null;
  private numbers: [number, number, number] = [0, 0, 0];
  private out: RgMatch[] = [];
  /** The last path decoded: consecutive matches of one file share its string. */
  private lastPathBytes: Buffer | null = null;

  /** The records `chunk` completes. */
  push(chunk: Buffer): RgMatch[] {
    this.out = [];
    let rest = chunk;
    while (rest.length > 0) rest = this.read(rest);
    return this.out;
  }

  private read(data: Buffer): Buffer {
    const mode = this.mode;
    switch (mode.kind) {
      case 'path': {
        const nul = data.indexOf(NUL);
        const part = nul === -1 ? data : data.subarray(0, nul);
        if (mode.size + part.length > MAX_PATH_BYTES) return this.skip(data);
        mode.pieces.push(part);
        mode.size += part.length;
        if (nul === -1) return EMPTY;
        this.path = this.decodePath(mode.pieces.length === 1 ? (mode.pieces[0] as Buffer) : Buffer.concat(mode.pieces));
        this.mode = { kind: 'numbers', text: '' };
        return data.subarray(nul + 1);
      }
      case 'numbers': {
        // `line:column:offset:`, digits only; short, so kept as text until its third colon
        let at = 0;
        let text = mode.text;
        while (at < data.length) {
          const byte = data[at] as number;
          at++;
          if (byte === COLON) {
            const parts = text.split(':');
            if (parts.length === 3) {
              const [line, column, offset] = parts.map(Number) as [number, number, number];
              if (!(line >= 1 && column >= 1 && offset >= column - 1)) return this.skip(data.subarray(at));
              this.numbers = [line, column, offset];
              this.mode = { kind: 'text', pieces: [], kept: 0, size: 0 };
              return data.subarray(at);
            }
            text += ':';
          } else if (byte >= 0x30 && byte <= 0x39 && text.length < 64) text += String.fromCharCode(byte);
          else return this.skip(data.subarray(at - 1));
        }
        mode.text = text;
        return EMPTY;
      }
      case 'text': {
        const newline = data.indexOf(NEWLINE);
        const part = newline === -1 ? data : data.subarray(0, newline);
        if (mode.kept < MATCH_TEXT_BYTES) {
          const keep = part.subarray(0, MATCH_TEXT_BYTES - mode.kept);
          mode.pieces.push(keep);
          mode.kept += keep.length;
        }
        mode.size += part.length;
        if (newline === -1) return EMPTY;
        const [line, column, offset] = this.numbers;
        const head = mode.pieces.length === 1 ? (mode.pieces[0] as Buffer) : Buffer.concat(mode.pieces);
        const start = column - 1;
        this.out.push({ path: this.path, line, lineStart: offset - start, start, end: start + mode.size, head });
        this.mode = { kind: 'path', pieces: [], size: 0 };
        return data.subarray(newline + 1);
      }
      case 'skip': {
        const newline = data.indexOf(NEWLINE);
        if (newline === -1) return EMPTY;
        this.mode = { kind: 'path', pieces: [], size: 0 };
        return data.subarray(newline + 1);
      }
    }
  }

  /** Malformed: the rest of the record is passed over, to the next LF (a record never holds one before its text). */
  private skip(data: Buffer): Buffer {
    this.mode = { kind: 'skip' };
    return data;
  }

  private decodePath(bytes: Buffer): string | null {
    if (this.lastPathBytes?.equals(bytes)) return this.path;
    this.lastPathBytes = Buffer.from(bytes);
    const text = bytes.toString('utf8');
    // a name that is not UTF-8 cannot be opened by a path the protocol carries
    return Buffer.from(text, 'utf8').equals(bytes) ? text : null;
  }
}

const EMPTY = Buffer.alloc(0);
