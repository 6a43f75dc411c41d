// What every chunking must keep to, for the tests: within the limits, never blank, the text of the rows it names,
// and every non-blank row of the file in at least one chunk. Problems are returned as sentences, so a test shows
// them all at once rather than stopping at the first of 200,000 rows.
import type { Chunk } from './types.js';

export interface CheckLimits {
  maxLines: number;
  maxChars: number;
}

export function chunkProblems(text: string, chunks: Chunk[], limits: CheckLimits = { maxLines: 60, maxChars: 2_000 }) {
  const rows = text.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  const problems: string[] = [];
  const covered = new Uint8Array(rows.length + 1);
  // a row over the character limit comes in pieces, in order: where the last piece of each such row ended
  const pieceEnd = new Map<number, number>();
  for (const chunk of chunks) {
    const where = `chunk ${chunk.kind} ${chunk.name} ${chunk.startLine}-${chunk.endLine}`;
    if (problems.length > 20) break;
    if (chunk.startLine < 1 || chunk.endLine < chunk.startLine || chunk.endLine > rows.length) {
      problems.push(`${where}: rows out of the file (${rows.length} rows)`);
      continue;
    }
    if (chunk.endLine - chunk.startLine + 1 > limits.maxLines) problems.push(`${where}: over ${limits.maxLines} lines`);
    if (chunk.text.length > limits.maxChars) problems.push(`${where}: ${chunk.text.length} characters`);
    if (!/\S/.test(chunk.text)) problems.push(`${where}: blank`);
    const row = rows[chunk.startLine - 1] as string;
    if (chunk.startLine === chunk.endLine && row.length > limits.maxChars) {
      const from = pieceEnd.get(chunk.startLine) ?? 0;
      const at = row.indexOf(chunk.text, from);
      if (at < 0 || /\S/.test(row.slice(from, at))) problems.push(`${where}: not the next piece of its row`);
      else pieceEnd.set(chunk.startLine, at + chunk.text.length);
    } else if (chunk.text !== rows.slice(chunk.startLine - 1, chunk.endLine).join('\n')) {
      problems.push(`${where}: text is not its rows`);
    }
    covered.fill(1, chunk.startLine, chunk.endLine + 1);
  }
  for (const [line, end] of pieceEnd) {
    if (/\S/.test((rows[line - 1] as string).slice(end))) problems.push(`row ${line}: its end is in no piece`);
  }
  let uncovered = 0;
  for (let line = 1; line <= rows.length; line++) {
    if (covered[line] === 0 && /\S/.test(rows[line - 1] as string) && uncovered++ < 10) {
      problems.push(`row ${line} is in no chunk`);
    }
  }
  return problems;
}

/** kind, name, first and last line of each chunk: what the language tests compare. */
export function outline(chunks: Chunk[]): [string, string | null, number, number][] {
  return chunks.map((chunk) => [chunk.kind, chunk.name, chunk.startLine, chunk.endLine]);
}

/** A template literal as written (backslashes kept), less the line break after the opening backtick. */
export function code(strings: TemplateStringsArray, ...values: unknown[]): string {
  return String.raw(strings, ...values).replace(/^\n/, '');
}
