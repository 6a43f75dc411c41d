// One line's matches as the protocol carries them: columns in UTF-16 units, the matched text cut to a bound, and a
// short window of the line around each match (a minified file's 5 MB line is not sent whole).
import { SEARCH_MATCH_TEXT_CHARS, SEARCH_PREVIEW_CHARS, type SearchMatch } from '@pa/shared';

/** Characters of the line kept before the match in its preview. */
const LEAD_CHARS = 40;

export function toMatch(
  line: number,
  text: string,
  column: number,
  endColumn: number,
  groups?: Array<string | null>,
): SearchMatch {
  let from = 0;
  let to = text.length;
  if (text.length > SEARCH_PREVIEW_CHARS) {
    from = Math.max(0, column - LEAD_CHARS);
    to = Math.min(
      text.length,
      Math.max(from + SEARCH_PREVIEW_CHARS, Math.min(endColumn, from + 4 * SEARCH_PREVIEW_CHARS)),
    );
  }
  return {
    line,
    column,
    endColumn,
    text: text.slice(column, Math.min(endColumn, column + SEARCH_MATCH_TEXT_CHARS)),
    preview: { text: text.slice(from, to), start: column - from, end: Math.min(endColumn, to) - from },
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
