// rg --json's output read as it streams, frame by frame, in bounded memory. A frame is one line of JSON; most are
// small and parsed whole. A match frame on a huge line (a source map: the whole 15 MB line, then one entry per
// match, a million of them for `.` on a minified file) is never held or decoded whole: the line's JSON bytes are
// kept as they are (EscapedLine decodes only the windows it needs) and the submatch offsets that follow are read
// one by one as they arrive, so the reader can stop rg after the matches it needs.
//
// What makes this safe without a JSON parser: inside a JSON string every `"` is escaped, so `,"` never occurs in
// one, and neither does a raw newline. Markers that contain `,"` (`,"lines":{"text":"`, `"},"line_number":`,
// `},"start":`) are therefore always structure, and a newline always ends a frame.

/** Frames up to this size are parsed whole (every begin/end and nearly every match frame). */
const SMALL_FRAME = 64 * 1024;

const LINES_TEXT = Buffer.from(',"lines":{"text":"');
const LINE_NUMBER = Buffer.from('"},"line_number":');
const SUBMATCH_START = Buffer.from('},"start":');
const MATCH_FRAME = Buffer.from('{"type":"match"');
const NEWLINE = 10;
const EMPTY = Buffer.alloc(0);
/** `123,"end":456}`: the offsets of a submatch, far shorter than this. */
const MAX_OFFSETS = 64;

export type RgLine =
  /** A line parsed whole. */
  | { text: string }
  /** A long line's JSON-escaped bytes (between the quotes of `lines.text`), in the pieces they arrived in. */
  | { json: Buffer[] };

export type RgRecord =
  | { type: 'begin'; path: string | null }
  /** A matched line; its submatches follow, in order. */
  | { type: 'line'; lineNumber: number; line: RgLine }
  /** UTF-8 byte offsets in the line. */
  | { type: 'submatch'; start: number; end: number }
  | { type: 'end' };

interface SmallFrame {
  type?: string;
  data?: {
    path?: { text?: string };
    lines?: { text?: string };
    line_number?: number;
    submatches?: Array<{ start: number; end: number }>;
  };
}

type Mode =
  /** The start of a frame, until it ends or proves large. */
  | { kind: 'frame'; pieces: Buffer[]; size: number }
  /** Inside the `lines.text` string of a large match frame. */
  | { kind: 'line'; pieces: Buffer[]; size: number }
  /** After the line: its number, then each submatch's `},"start":N,"end":M}` (match texts skipped). */
  | { kind: 'lineNumber'; json: Buffer[]; digits: Buffer }
  | { kind: 'seek' }
  | { kind: 'offsets'; text: Buffer }
  /** The rest of a frame we do not read (a large frame of another type, a line that is not UTF-8). */
  | { kind: 'skip' };

export class RgJsonReader {
  private mode: Mode = { kind: 'frame', pieces: [], size: 0 };
  /** The last bytes of the previous chunk, while a marker may straddle two chunks. */
  private seam: Buffer = EMPTY;
  private out: RgRecord[] = [];

  /** The records `chunk` completes. */
  push(chunk: Buffer): RgRecord[] {
    this.out = [];
    let rest = chunk;
    while (rest.length > 0) rest = this.read(rest);
    return this.out;
  }

  /** The records of a last frame rg ended without a newline. */
  end(): RgRecord[] {
    this.out = [];
    if (this.mode.kind === 'frame' && this.mode.size > 0) this.small(Buffer.concat(this.mode.pieces));
    this.mode = { kind: 'frame', pieces: [], size: 0 };
    return this.out;
  }

  /** Reads from the start of `data` in the current mode; returns what is left for the next mode. */
  private read(data: Buffer): Buffer {
    const mode = this.mode;
    switch (mode.kind) {
      case 'frame': {
        const newline = data.indexOf(NEWLINE);
        const size = mode.size + (newline === -1 ? data.length : newline);
        if (size <= SMALL_FRAME) {
          mode.pieces.push(newline === -1 ? data : data.subarray(0, newline));
          mode.size = size;
          if (newline === -1) return EMPTY;
          this.small(mode.pieces.length === 1 ? (mode.pieces[0] as Buffer) : Buffer.concat(mode.pieces));
          this.mode = { kind: 'frame', pieces: [], size: 0 };
          return data.subarray(newline + 1);
        }
        return this.large(Buffer.concat([...mode.pieces, data]));
      }
      case 'line': {
        const past = this.find(LINE_NUMBER, data);
        const newline = data.indexOf(NEWLINE);
        if (newline !== -1 && (past === -1 || newline < past)) return this.next(data.subarray(newline + 1)); // malformed
        mode.pieces.push(past === -1 ? data : data.subarray(0, past));
        mode.size += past === -1 ? data.length : past;
        if (past === -1) return EMPTY;
        this.mode = { kind: 'lineNumber', json: withoutEnd(mode.pieces, LINE_NUMBER.length), digits: EMPTY };
        return data.subarray(past);
      }
      case 'lineNumber': {
        const comma = data.indexOf(0x2c);
        const digits = Buffer.concat([mode.digits, comma === -1 ? data : data.subarray(0, comma)]);
        if (digits.length > 20) return this.skip(data);
        if (comma === -1) {
          mode.digits = digits;
          return EMPTY;
        }
        this.out.push({ type: 'line', lineNumber: Number(digits.toString('latin1')), line: { json: mode.json } });
        this.mode = { kind: 'seek' };
        this.seam = EMPTY;
        return data.subarray(comma);
      }
      case 'seek': {
        const past = this.find(SUBMATCH_START, data);
        const newline = data.indexOf(NEWLINE);
        if (newline !== -1 && (past === -1 || newline < past)) return this.next(data.subarray(newline + 1));
        if (past === -1) return EMPTY;
        this.mode = { kind: 'offsets', text: EMPTY };
        return data.subarray(past);
      }
      case 'offsets': {
        const close = data.indexOf(0x7d /* } */);
        const text = Buffer.concat([mode.text, close === -1 ? data : data.subarray(0, close)]);
        if (text.length > MAX_OFFSETS) return this.skip(data);
        if (close === -1) {
          mode.text = text;
          return EMPTY;
        }
        const offsets = /^(\d+),"end":(\d+)$/.exec(text.toString('latin1'));
        if (!offsets) return this.skip(data);
        this.out.push({ type: 'submatch', start: Number(offsets[1]), end: Number(offsets[2]) });
        this.mode = { kind: 'seek' };
        this.seam = EMPTY;
        return data.subarray(close + 1);
      }
      case 'skip': {
        const newline = data.indexOf(NEWLINE);
        return newline === -1 ? EMPTY : this.next(data.subarray(newline + 1));
      }
    }
  }

  /** A frame over SMALL_FRAME, `head` its first bytes (and maybe more): a match frame's line is read as bytes. */
  private large(head: Buffer): Buffer {
    this.seam = EMPTY;
    if (!head.subarray(0, MATCH_FRAME.length).equals(MATCH_FRAME)) return this.skip(head);
    const at = head.indexOf(LINES_TEXT);
    const newline = head.indexOf(NEWLINE);
    if (at === -1 || (newline !== -1 && newline < at)) return this.skip(head); // a line that is not UTF-8: `bytes`
    this.mode = { kind: 'line', pieces: [], size: 0 };
    return head.subarray(at + LINES_TEXT.length);
  }

  private small(frame: Buffer): void {
    const event = JSON.parse(frame.toString('utf8')) as SmallFrame;
    const data = event.data;
    if (event.type === 'begin') {
      this.out.push({ type: 'begin', path: data?.path?.text ?? null });
    } else if (event.type === 'match') {
      const text = data?.lines?.text;
      const lineNumber = data?.line_number;
      if (text === undefined || lineNumber === undefined) return; // a line that is not UTF-8
      this.out.push({ type: 'line', lineNumber, line: { text } });
      for (const sub of data?.submatches ?? []) this.out.push({ type: 'submatch', start: sub.start, end: sub.end });
    } else if (event.type === 'end') {
      this.out.push({ type: 'end' });
    }
  }

  private skip(data: Buffer): Buffer {
    this.mode = { kind: 'skip' };
    return data;
  }

  private next(data: Buffer): Buffer {
    this.mode = { kind: 'frame', pieces: [], size: 0 };
    this.seam = EMPTY;
    return data;
  }

  /**
   * Where `marker` ends in `data` (it may have begun in the previous chunk), or -1; keeps the end of `data` for a
   * marker that continues in the next chunk.
   */
  private find(marker: Buffer, data: Buffer): number {
    const keep = marker.length - 1;
    let past = -1;
    if (this.seam.length > 0) {
      const at = Buffer.concat([this.seam, data.subarray(0, keep)]).indexOf(marker);
      if (at !== -1) past = at + marker.length - this.seam.length;
    }
    if (past === -1) {
      const at = data.indexOf(marker);
      if (at !== -1) past = at + marker.length;
    }
    if (past !== -1) this.seam = EMPTY;
    else if (data.length >= keep) this.seam = Buffer.from(data.subarray(data.length - keep));
    else this.seam = Buffer.concat([this.seam, data]).subarray(-keep);
    return past;
  }
}

/** `pieces` less their last `count` bytes (a marker that may have been cut between chunks), none of them copied. */
function withoutEnd(pieces: Buffer[], count: number): Buffer[] {
  let left = count;
  while (left > 0 && pieces.length > 0) {
    const last = pieces.pop() as Buffer;
    if (last.length > left) pieces.push(last.subarray(0, last.length - left));
    left -= Math.min(left, last.length);
  }
  return pieces;
}
