// Pure helpers of code completion used by the engine (while a suggestion streams) and the editor (when it shows
// one): where a suggestion stops (end of line / end of block), what of it repeats the text after the cursor, and a
// streaming cut at stop strings (template and control tokens).
//
// Every function here is linear in its input: no regular expression over model output, no quadratic scan.
// The suggestion cache (typed-through) and the adaptive debounce: cache.ts.

export * from './cache.js';

/** Width of the leading whitespace of `line` (a tab counts `tabSize`). */
export function indentWidth(line: string, tabSize = 4): number {
  let width = 0;
  for (const char of line) {
    if (char === ' ') width += 1;
    else if (char === '\t') width += tabSize;
    else break;
  }
  return width;
}

function isBlank(line: string): boolean {
  for (const char of line) if (char !== ' ' && char !== '\t' && char !== '\r') return false;
  return true;
}

const OPENERS = '([{';
const CLOSERS = ')]}';

/** Bracket depth change of `text` (strings and comments are not parsed: a rough but linear count). */
function depthOf(text: string): number {
  let depth = 0;
  for (const char of text) {
    if (OPENERS.includes(char)) depth += 1;
    else if (CLOSERS.includes(char)) depth -= 1;
  }
  return depth;
}

function startsWithCloser(line: string): boolean {
  const trimmed = line.trimStart();
  const first = trimmed[0];
  return (first !== undefined && CLOSERS.includes(first)) || /^end\b/.test(trimmed.slice(0, 4));
}

export interface StopOptions {
  /** False: the suggestion ends at the end of the cursor's line. */
  multiline: boolean;
  /** The stream has ended: the last, unterminated line is judged too. */
  final?: boolean;
  tabSize?: number;
}

/**
 * Where a suggestion written after `prefix` should end, or null when it may go on. Single-line: at the first line
 * break. Multi-line, the block that starts at the cursor ends before a line indented below the cursor's line, before
 * a line back at its indentation (a closing bracket there is kept, as the block's last line), or before a blank line
 * once every bracket the suggestion opened is closed; at the end, before trailing blanks. A line is judged once it
 * is complete or shows its first non-blank character.
 */
export function stopIndex(prefix: string, text: string, options: StopOptions): number | null {
  const firstBreak = text.indexOf('\n');
  if (!options.multiline) return firstBreak >= 0 ? firstBreak : null;
  if (firstBreak < 0) return null;
  const tabSize = options.tabSize ?? 4;
  const cursorLine = prefix.slice(prefix.lastIndexOf('\n') + 1);
  const base = indentWidth(cursorLine, tabSize);
  let depth = depthOf(cursorLine) + depthOf(text.slice(0, firstBreak));
  let content = !isBlank(cursorLine.trimStart() + text.slice(0, firstBreak));
  let lineStart = firstBreak + 1;
  while (lineStart <= text.length) {
    const lineEnd = text.indexOf('\n', lineStart);
    const complete = lineEnd >= 0;
    const line = text.slice(lineStart, complete ? lineEnd : text.length);
    const cutBefore = lineStart - 1; // the break before this line
    if (isBlank(line)) {
      // a suggestion does not end with a line break and blanks
      if (!complete) return options.final ? cutBefore : null;
      if (content && depth <= 0) return cutBefore;
    } else {
      const indent = indentWidth(line, tabSize);
      if (indent < base) return cutBefore;
      if (indent === base && content) {
        if (!startsWithCloser(line)) return cutBefore;
        if (!complete && !options.final) return null;
        return complete ? lineEnd : text.length;
      }
      if (!complete && !options.final) return null;
      depth += depthOf(line);
      content = true;
    }
    if (!complete) return null;
    lineStart = lineEnd + 1;
  }
  return null;
}

/** Longest k such that the last k characters of `a` are the first k characters of `b` (KMP, linear). */
export function overlapLength(a: string, b: string): number {
  const limit = Math.min(a.length, b.length);
  if (limit === 0) return 0;
  const pattern = b.slice(0, limit);
  const failure = new Int32Array(pattern.length);
  for (let i = 1, k = 0; i < pattern.length; i++) {
    while (k > 0 && pattern[i] !== pattern[k]) k = failure[k - 1] as number;
    if (pattern[i] === pattern[k]) k += 1;
    failure[i] = k;
  }
  let k = 0;
  for (let i = a.length - limit; i < a.length; i++) {
    while (k > 0 && (k === pattern.length || a[i] !== pattern[k])) k = failure[k - 1] as number;
    if (a[i] === pattern[k]) k += 1;
  }
  return k;
}

/** How many of the suffix's next lines an overlap check looks at. */
const NEXT_LINES = 16;

/**
 * The suggestion without what the text after the cursor already has: its end repeating the start of the suffix
 * (`foo)` before a `)`), and its last lines repeating the next lines (a closing `}` the file already has), compared
 * without their indentation. What is left may be empty.
 */
export function trimOverlap(suggestion: string, suffix: string): string {
  let text = suggestion;
  const lineEnd = suffix.indexOf('\n');
  const restOfLine = lineEnd >= 0 ? suffix.slice(0, lineEnd) : suffix;
  // the characters right of the cursor, when the suggestion ends with (the start of) them
  if (restOfLine.trim()) text = text.slice(0, text.length - overlapLength(text, restOfLine));
  // whole lines the suffix has next
  const next: string[] = [];
  let at = suffix.indexOf('\n');
  while (at >= 0 && next.length < NEXT_LINES) {
    const end = suffix.indexOf('\n', at + 1);
    const line = suffix.slice(at + 1, end >= 0 ? end : suffix.length).trim();
    if (line) next.push(line);
    at = end;
  }
  if (next.length === 0 || !text.includes('\n')) return text;
  const lines = text.split('\n');
  for (let count = Math.min(next.length, lines.length - 1); count >= 1; count--) {
    const tail = lines.slice(lines.length - count).map((line) => line.trim());
    if (tail.every((line, i) => line === next[i])) {
      return lines
        .slice(0, lines.length - count)
        .join('\n')
        .replace(/[ \t]*$/, '');
    }
  }
  return text;
}

/**
 * Cuts a stream of text at the first of `stops` (template and control tokens): `push` gives back what is safe to
 * show now — the end that could still become a stop string is held back until the next piece — and whether a stop
 * was reached (nothing after it is ever given back). `end` gives back what was held.
 */
export class StopScanner {
  private held = '';
  private done = false;
  private readonly longest: number;

  constructor(private readonly stops: readonly string[]) {
    this.longest = stops.reduce((max, stop) => Math.max(max, stop.length), 0);
  }

  get stopped(): boolean {
    return this.done;
  }

  push(piece: string): { text: string; stopped: boolean } {
    if (this.done) return { text: '', stopped: true };
    const buffer = this.held + piece;
    let cut = -1;
    for (const stop of this.stops) {
      if (!stop) continue;
      const at = buffer.indexOf(stop);
      if (at >= 0 && (cut < 0 || at < cut)) cut = at;
    }
    if (cut >= 0) {
      this.done = true;
      this.held = '';
      return { text: buffer.slice(0, cut), stopped: true };
    }
    // hold back the longest end of the buffer that is the start of a stop string
    let keep = 0;
    for (let length = Math.min(this.longest - 1, buffer.length); length > 0; length--) {
      const tail = buffer.slice(buffer.length - length);
      if (this.stops.some((stop) => stop.startsWith(tail))) {
        keep = length;
        break;
      }
    }
    this.held = buffer.slice(buffer.length - keep);
    return { text: buffer.slice(0, buffer.length - keep), stopped: false };
  }

  end(): string {
    const rest = this.done ? '' : this.held;
    this.held = '';
    return rest;
  }
}
