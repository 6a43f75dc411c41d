// Quick open's modes by the query's first character (`:` line, `@` symbols, `>` commands), and the go-to-line
// entry for a `:` query, as VS Code words it. Pure, for tests.

export type QuickMode = 'files' | 'line' | 'symbols' | 'commands';

export function modeOf(query: string): QuickMode {
  if (query.startsWith('>')) return 'commands';
  if (query.startsWith(':')) return 'line';
  if (query.startsWith('@')) return 'symbols';
  return 'files';
}

/** `:12` or `:12:5` against a model of `lines` lines (null: no editor open). */
export function goToLineItem(
  query: string,
  lines: number | null,
  position: { lineNumber: number; column: number } | null,
): { label: string; line: number | null; column: number } {
  if (lines === null) return { label: 'Open a text editor first to go to a line.', line: null, column: 1 };
  const match = /^:\s*(\d+)(?:\s*[:,]\s*(\d+))?\s*$/.exec(query);
  if (!match) {
    const at = position ? `Current Line: ${position.lineNumber}, Character: ${position.column}. ` : '';
    return { label: `${at}Type a line number between 1 and ${lines} to navigate to.`, line: null, column: 1 };
  }
  const line = Math.min(Math.max(Number(match[1]), 1), lines);
  const column = Math.max(Number(match[2] ?? 1), 1);
  return {
    label: match[2] ? `Go to line ${line}, character ${column}.` : `Go to line ${line}.`,
    line,
    column,
  };
}
