// How a search hit's chunk shows in the results: its first few lines with their numbers and the shared indentation
// taken off, and the query's words marked where they occur in them. Pure.
import type { CodebaseHit } from '@pa/shared';

export interface PreviewLine {
  number: number;
  text: string;
}

/** The first `max` lines of the chunk (leading blank lines skipped), dedented together. */
export function previewLines(hit: Pick<CodebaseHit, 'text' | 'startLine'>, max = 4): PreviewLine[] {
  const lines = hit.text.replace(/\r\n?/g, '\n').split('\n');
  let first = 0;
  while (first < lines.length - 1 && (lines[first] ?? '').trim() === '') first++;
  const shown = lines.slice(first, first + max);
  while (shown.length > 1 && (shown.at(-1) ?? '').trim() === '') shown.pop();
  const indents = shown.filter((line) => line.trim() !== '').map((line) => /^[ \t]*/.exec(line)?.[0].length ?? 0);
  const indent = indents.length > 0 ? Math.min(...indents) : 0;
  return shown.map((text, index) => ({ number: hit.startLine + first + index, text: text.slice(indent) }));
}

/** Words too common to be worth marking in code. */
const STOPWORDS = new Set(
  'the and for with that this where what when which who why how does did are was were has have not from into our its you your can all any get set use'.split(
    ' ',
  ),
);

/** The query's words worth marking: three letters or more, lower-cased, common words left out, longest first. */
export function queryTerms(query: string): string[] {
  const words = query.toLowerCase().match(/[\p{L}\p{N}_]{3,}/gu) ?? [];
  return [...new Set(words.filter((word) => !STOPWORDS.has(word)))].sort((a, b) => b.length - a.length);
}

export interface MarkedRun {
  text: string;
  marked: boolean;
}

/** The text cut where the terms occur (case-insensitively, also inside identifiers: `account` in `deleteAccount`). */
export function markTerms(text: string, terms: readonly string[]): MarkedRun[] {
  if (terms.length === 0 || text === '') return [{ text, marked: false }];
  const escaped = terms.map((term) => term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const pattern = new RegExp(escaped.join('|'), 'giu');
  const runs: MarkedRun[] = [];
  let at = 0;
  for (const match of text.matchAll(pattern)) {
    if (match.index > at) runs.push({ text: text.slice(at, match.index), marked: false });
    runs.push({ text: match[0], marked: true });
    at = match.index + match[0].length;
  }
  if (at < text.length) runs.push({ text: text.slice(at), marked: false });
  return runs;
}
