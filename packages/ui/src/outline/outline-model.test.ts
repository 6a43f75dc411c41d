import { expect, it } from 'vitest';
import type { DocumentSymbol } from '../quickopen/document-symbols';
import { activeRow, outlineRows } from './outline-model';

const symbol = (name: string, line: number, container = '', kind = 'function'): DocumentSymbol => ({
  name,
  kind,
  container,
  line,
  column: 1,
});

const symbols = [
  symbol('Greeter', 1, '', 'class'),
  symbol('constructor', 2, 'Greeter', 'constructor'),
  symbol('greet', 5, 'Greeter', 'method'),
  symbol('helper', 9, 'greet'),
  symbol('main', 20),
];

it('nests each symbol under the symbol its container names', () => {
  expect(outlineRows(symbols).map((row) => [row.symbol.name, row.depth])).toEqual([
    ['Greeter', 0],
    ['constructor', 1],
    ['greet', 1],
    ['helper', 2],
    ['main', 0],
  ]);
});

it('a container it cannot find puts the symbol at the top level', () => {
  expect(outlineRows([symbol('orphan', 3, 'missing')])[0]?.depth).toBe(0);
});

it('follows the cursor: the last symbol starting at or before its line', () => {
  const rows = outlineRows(symbols);
  expect(activeRow(rows, 1)).toBe(0);
  expect(activeRow(rows, 6)).toBe(2);
  expect(activeRow(rows, 15)).toBe(3);
  expect(activeRow(rows, 99)).toBe(4);
  expect(activeRow(outlineRows([symbol('late', 10)]), 3)).toBe(-1);
});
