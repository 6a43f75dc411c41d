// The Outline's rows from the flat, document-ordered symbols quick open's `@` uses: each symbol's depth (under the
// symbol its container names) and which row the cursor is in. Pure, for tests.
import type { DocumentSymbol } from '../quickopen/document-symbols';

export interface OutlineRow {
  symbol: DocumentSymbol;
  depth: number;
}

export function outlineRows(symbols: readonly DocumentSymbol[]): OutlineRow[] {
  const rows: OutlineRow[] = [];
  for (const symbol of symbols) {
    let depth = 0;
    if (symbol.container) {
      // the nearest earlier symbol of that name is the one it sits in (a class before its methods)
      for (let index = rows.length - 1; index >= 0; index--) {
        const row = rows[index];
        if (row && row.symbol.name === symbol.container) {
          depth = row.depth + 1;
          break;
        }
      }
    }
    rows.push({ symbol, depth });
  }
  return rows;
}

/** The row of the innermost symbol starting at or before `line` (the cursor's), or -1 above the first. */
export function activeRow(rows: readonly OutlineRow[], line: number): number {
  let active = -1;
  for (let index = 0; index < rows.length; index++) {
    const row = rows[index];
    if (!row || row.symbol.line > line) break;
    active = index;
  }
  return active;
}
