// Pure shaping of a completion on the editor's side: where the cursor is (what is sent as prefix and suffix, whether
// the suggestion may span lines, whether the cursor is inside a word) and what of the model's text is shown (plain
// text only: no control characters or terminal escapes, bounded in length and lines, never repeating what the
// suffix already has, single-line where it must be). The stop and overlap rules are shared/completion's.
import { stopIndex, trimOverlap } from '@pa/shared/completion/index';

/** Characters before the cursor sent at least (more, up to PREFIX_BLOCK, so the prefix's start stays put). */
export const PREFIX_CHARS = 12_000;
/** The prefix starts at a multiple of this offset: typing does not move it, so typed-through lookups match. */
export const PREFIX_BLOCK = 4_096;
export const SUFFIX_CHARS = 4_000;
/** The most a suggestion shows, whatever the model wrote. */
export const MAX_SUGGESTION_CHARS = 2_000;
export const MAX_SUGGESTION_LINES = 40;

/** Where the text sent as prefix starts, for a cursor at `offset` (stable while the user types on). */
export function prefixStart(offset: number): number {
  return Math.max(0, Math.floor((offset - PREFIX_CHARS) / PREFIX_BLOCK) * PREFIX_BLOCK);
}

export interface CursorPlace {
  /** Multi-line at an empty line or the end of a line; single-line mid-line. */
  multiline: boolean;
  /** A word character on both sides of the cursor. */
  insideWord: boolean;
}

const WORD = /[\p{L}\p{N}_$]/u;

/** `before` and `after`: the cursor line's text left and right of the cursor. */
export function placeOf(before: string, after: string): CursorPlace {
  const left = before.slice(-1);
  const right = after.slice(0, 1);
  return {
    multiline: after.trim() === '',
    insideWord: left !== '' && right !== '' && WORD.test(left) && WORD.test(right),
  };
}

/**
 * Model output as plain text: terminal escape sequences (CSI, OSC and two-character ESC ones) removed, other
 * control characters but tab and line feed dropped (a carriage return too), bounded to MAX_SUGGESTION_CHARS.
 * Linear, no regular expression over the output.
 */
export function plainText(text: string): string {
  let out = '';
  let i = 0;
  const n = Math.min(text.length, MAX_SUGGESTION_CHARS * 4);
  while (i < n && out.length < MAX_SUGGESTION_CHARS) {
    const code = text.charCodeAt(i);
    if (code === 0x1b || code === 0x9b) {
      // ESC [ … final (CSI), ESC ] … BEL or ESC \ (OSC), or ESC and one character; 0x9b is the 8-bit CSI
      const kind = code === 0x9b ? '[' : text[i + 1];
      i += code === 0x9b ? 1 : 2;
      if (kind === '[') {
        while (i < n && !(text.charCodeAt(i) >= 0x40 && text.charCodeAt(i) <= 0x7e)) i += 1;
        i += 1;
      } else if (kind === ']') {
        while (i < n && text.charCodeAt(i) !== 0x07 && !(text[i] === '\u001b' && text[i + 1] === '\\')) i += 1;
        i += text.charCodeAt(i) === 0x07 ? 1 : 2;
      }
      continue;
    }
    const control = code < 0x20 || (code >= 0x7f && code < 0xa0) || code === 0x2028 || code === 0x2029;
    if (!control || code === 0x0a || code === 0x09) out += text[i];
    i += 1;
  }
  return out;
}

/**
 * What is shown of a suggestion: plain text, single-line unless `multiline`, ended at the block's end, at most
 * MAX_SUGGESTION_LINES lines, without its overlap with `suffix`, without trailing blanks. Empty: nothing to show.
 */
export function shownSuggestion(raw: string, prefix: string, suffix: string, multiline: boolean): string {
  let text = plainText(raw);
  const stop = stopIndex(prefix, text, { multiline, final: true });
  if (stop !== null) text = text.slice(0, stop);
  let lines = 0;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) {
    lines += 1;
    if (lines >= MAX_SUGGESTION_LINES) {
      text = text.slice(0, at);
      break;
    }
  }
  text = trimOverlap(text, suffix);
  // no trailing line breaks and blank lines (a single line keeps its trailing spaces)
  let end = text.length;
  let cut = end;
  while (end > 0 && ' \t\n'.includes(text[end - 1] as string)) {
    end -= 1;
    if (text[end] === '\n') cut = end;
  }
  return text.slice(0, cut);
}

/** The part of a Monaco text model the request is read from (a fake in tests). */
export interface TextSource {
  getLineContent(lineNumber: number): string;
  getOffsetAt(position: CursorPosition): number;
  getPositionAt(offset: number): CursorPosition;
  getValueInRange(range: TextRange): string;
}

export interface CursorPosition {
  lineNumber: number;
  column: number;
}

export interface TextRange {
  startLineNumber: number;
  startColumn: number;
  endLineNumber: number;
  endColumn: number;
}

export interface InlineRequest {
  prefix: string;
  suffix: string;
  multiline: boolean;
}

/**
 * What to ask for at `position`: the prefix from a stable start (prefixStart) to the cursor, up to SUFFIX_CHARS
 * after it, single- or multi-line by the place; null inside a word unless the user asked (`explicit`) — the model
 * gives no confidence to go by there.
 */
export function requestAt(model: TextSource, position: CursorPosition, explicit: boolean): InlineRequest | null {
  const line = model.getLineContent(position.lineNumber);
  const place = placeOf(line.slice(0, position.column - 1), line.slice(position.column - 1));
  if (place.insideWord && !explicit) return null;
  const offset = model.getOffsetAt(position);
  const start = model.getPositionAt(prefixStart(offset));
  const end = model.getPositionAt(offset + SUFFIX_CHARS);
  return {
    prefix: model.getValueInRange(rangeOf(start, position)),
    suffix: model.getValueInRange(rangeOf(position, end)),
    multiline: place.multiline,
  };
}

function rangeOf(from: CursorPosition, to: CursorPosition): TextRange {
  return {
    startLineNumber: from.lineNumber,
    startColumn: from.column,
    endLineNumber: to.lineNumber,
    endColumn: to.column,
  };
}

/** Monaco's inline completion list for a suggestion: inserted at the cursor, replacing nothing. */
export function inlineItemsOf(
  text: string,
  position: CursorPosition,
): { items: Array<{ insertText: string; range: TextRange }> } {
  return { items: [{ insertText: text, range: rangeOf(position, position) }] };
}
