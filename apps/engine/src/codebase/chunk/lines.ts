// A file as rows, and the line windows every other way of chunking falls back on. Rows are split at '\n' only, as
// tree-sitter counts them, so a node's row is an index into `lines`; a '\r' before the break is dropped from the row.
import type { Limits, Piece } from './types.js';

const NON_BLANK = /\S/;

/** How many rows are split off between two looks at the clock. */
const ROWS_PER_PACE = 1_024;

export class Source {
  readonly lines: string[];
  /** 1 where the row has nothing but whitespace: asked of every row several times, so tested once. */
  readonly blank: Uint8Array;

  private constructor(lines: string[], blank: Uint8Array) {
    this.lines = lines;
    this.blank = blank;
  }

  /** Splitting a file of 200,000 lines takes tens of milliseconds: `pace` lets the event loop in along the way. */
  static async of(text: string, pace?: () => Promise<void>): Promise<Source> {
    const lines: string[] = [];
    let blank = new Uint8Array(1_024);
    let from = 0;
    for (;;) {
      const at = text.indexOf('\n', from);
      let line = text.slice(from, at < 0 ? text.length : at);
      if (line.endsWith('\r')) line = line.slice(0, -1);
      if (lines.length === blank.length) {
        const grown = new Uint8Array(blank.length * 2);
        grown.set(blank);
        blank = grown;
      }
      if (!NON_BLANK.test(line)) blank[lines.length] = 1;
      lines.push(line);
      if (at < 0) break;
      from = at + 1;
      if (pace && lines.length % ROWS_PER_PACE === 0) await pace();
    }
    return new Source(lines, blank.subarray(0, lines.length));
  }

  get rowCount(): number {
    return this.lines.length;
  }

  line(row: number): string {
    return this.lines[row] ?? '';
  }

  text(start: number, end: number): string {
    return start === end ? this.line(start) : this.lines.slice(start, end + 1).join('\n');
  }

  /** Whether rows start..end make one chunk within the limits (a chunk's text is its rows joined by '\n'). */
  fits(start: number, end: number, limits: Limits): boolean {
    if (end - start + 1 > limits.maxLines) return false;
    let chars = -1;
    for (let row = start; row <= end; row++) {
      chars += this.line(row).length + 1;
      if (chars > limits.maxChars) return false;
    }
    return true;
  }

  /** The first and last non-blank rows of start..end, or null when all of it is blank. */
  trim(start: number, end: number): [number, number] | null {
    while (start <= end && this.blank[start] === 1) start++;
    while (end >= start && this.blank[end] === 1) end--;
    return start <= end ? [start, end] : null;
  }
}

export interface WindowOptions {
  /** Lines shared by two windows where a window is cut mid-way. */
  overlap: number;
  /** Rows a window would best start at (a statement's or definition's first row); cut there when one is near. */
  breaks?: Uint8Array;
  /** Whether windows share lines even where the cut falls on a break or a blank line. */
  overlapAtBreaks: boolean;
}

/**
 * Rows start..end as windows within the limits, in order: each non-blank row is in at least one. A window is cut at
 * a break row or else a blank row in its second half when there is one; a row longer than the character limit
 * alone is cut into pieces (`longLine`).
 */
export function* windows(source: Source, start: number, end: number, limits: Limits, options: WindowOptions) {
  const { maxLines, maxChars } = limits;
  const { breaks } = options;
  let first = start;
  while (first <= end) {
    while (first <= end && source.blank[first] === 1) first++;
    if (first > end) return;
    const head = source.line(first);
    if (head.length > maxChars) {
      yield* longLine(head, first, maxChars);
      first++;
      continue;
    }
    let last = first;
    let chars = head.length;
    // why the window stopped growing: the range's end, a row too long to join it, or the limits
    let stop: 'end' | 'long' | 'limit' = 'end';
    while (last < end) {
      const next = source.line(last + 1);
      if (next.length > maxChars) {
        stop = 'long';
        break;
      }
      if (last + 2 - first > maxLines || chars + 1 + next.length > maxChars) {
        stop = 'limit';
        break;
      }
      last++;
      chars += 1 + next.length;
    }
    let clean = stop !== 'limit';
    if (stop === 'limit') {
      // a cut at a natural boundary beats a full window, as long as the window keeps at least half its rows
      const floor = first + Math.max(1, Math.ceil((last - first + 1) / 2));
      if (breaks) {
        for (let row = last + 1; row >= floor; row--) {
          if (breaks[row] === 1) {
            last = row - 1;
            clean = true;
            break;
          }
        }
      }
      if (!clean) {
        for (let row = last + 1; row >= floor; row--) {
          if (source.blank[row] === 1) {
            last = row - 1;
            clean = true;
            break;
          }
        }
      }
    }
    const kept = source.trim(first, last);
    if (kept) yield { start: kept[0], end: kept[1], text: source.text(kept[0], kept[1]) } satisfies Piece;
    if (last >= end) return;
    if (stop === 'long' || (clean && !options.overlapAtBreaks)) {
      first = last + 1;
      continue;
    }
    // Overlap: at most half the window (so each row is in at most about two windows) and few enough characters that
    // the next window still takes the row after this one (so every window moves on).
    const most = Math.min(options.overlap, Math.floor((last - first + 1) / 2));
    let shared = 0;
    let sharedChars = source.line(last + 1).length;
    while (shared < most) {
      const candidate = sharedChars + 1 + source.line(last - shared).length;
      if (candidate > maxChars || shared + 2 > maxLines) break;
      sharedChars = candidate;
      shared++;
    }
    first = last + 1 - shared;
  }
}

/** Cuts after a space or a separator, so a long minified line is cut between tokens where it can be. */
function isCutAfter(code: number): boolean {
  // space, tab, ',', ';', ')', ']', '}', '>'
  return (
    code === 32 || code === 9 || code === 44 || code === 59 || code === 41 || code === 93 || code === 125 || code === 62
  );
}

/** One over-long row as pieces of at most maxChars, never between the halves of a surrogate pair. */
export function* longLine(line: string, row: number, maxChars: number): Generator<Piece> {
  let from = 0;
  while (from < line.length) {
    let to = Math.min(line.length, from + maxChars);
    if (to < line.length) {
      const least = from + Math.floor((maxChars * 3) / 4);
      for (let at = to; at > least; at--) {
        if (isCutAfter(line.charCodeAt(at - 1))) {
          to = at;
          break;
        }
      }
      const before = line.charCodeAt(to - 1);
      if (before >= 0xd800 && before <= 0xdbff && to - 1 > from) to--;
    }
    const text = line.slice(from, to);
    if (NON_BLANK.test(text)) yield { start: row, end: row, text };
    from = to;
  }
}
