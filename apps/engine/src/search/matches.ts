// One line's matches as the protocol carries them: columns in UTF-16 units, the matched text cut to a bound, and a
// short window of the line around each match (a minified file's 5 MB line is not sent whole).
import { SEARCH_MATCH_TEXT_CHARS, SEARCH_PREVIEW_CHARS, type SearchMatch } from '@pa/shared';

/** Characters of the line kept before the match in its preview. */
export const LEAD_CHARS = 40;

export function toMatch(
  line: number,
  text: string,
  column: number,
  endColumn: number,
  groups?: Array<string | null>,
): SearchMatch {
  if (text.length <= SEARCH_PREVIEW_CHARS) return cutMatch(line, text, 0, text.length, column, endColumn, groups);
  const { from, to } = previewWindow(column, endColumn);
  const span = text.slice(from, Math.max(to, matchTextEnd(column, endColumn)));
  return cutMatch(line, span, from, to, column, endColumn, groups);
}

/** Where the preview of a match in a long line lies, in UTF-16 columns (`to` may pass the line's end). */
export function previewWindow(column: number, endColumn: number): { from: number; to: number } {
  const from = Math.max(0, column - LEAD_CHARS);
  return { from, to: Math.max(from + SEARCH_PREVIEW_CHARS, Math.min(endColumn, from + 4 * SEARCH_PREVIEW_CHARS)) };
}

/** The column where the matched text an item carries ends. */
export function matchTextEnd(column: number, endColumn: number): number {
  return Math.min(endColumn, column + SEARCH_MATCH_TEXT_CHARS);
}

/**
 * A match cut from `span`, the part of its line from column `from` that holds the preview (up to column `to`) and
 * the matched text; a span shorter than that ends where the line ends.
 */
export function cutMatch(
  line: number,
  span: string,
  from: number,
  to: number,
  column: number,
  endColumn: number,
  groups?: Array<string | null>,
): SearchMatch {
  const preview = span.slice(0, to - from);
  return {
    line,
    column,
    endColumn,
    text: span.slice(column - from, matchTextEnd(column, endColumn) - from),
    preview: { text: preview, start: column - from, end: Math.min(endColumn - from, preview.length) },
    ...(groups ? { groups: groups.map((group) => group?.slice(0, SEARCH_MATCH_TEXT_CHARS) ?? null) } : {}),
  };
}

/** UTF-16 column of each UTF-8 byte offset of `text` (ripgrep reports bytes); offsets asked in order cost O(line). */
export function byteToColumn(text: string): (byte: number) => number {
  if (Buffer.byteLength(text) === text.length) return (byte) => byte; // ASCII: the same
  const bytes = Buffer.from(text, 'utf8');
  let lastByte = 0;
  let lastColumn = 0;
  return (byte) => {
    if (byte < lastByte) {
      lastByte = 0;
      lastColumn = 0;
    }
    lastColumn += bytes.subarray(lastByte, byte).toString('utf8').length;
    lastByte = byte;
    return lastColumn;
  };
}
