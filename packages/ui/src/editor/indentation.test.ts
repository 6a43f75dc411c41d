import { expect, it } from 'vitest';
import { indentationLabel } from './indentation';

it('names a tab-indented file by its tab size, never as spaces', () => {
  expect(indentationLabel({ insertSpaces: false, tabSize: 4, indentSize: 4 })).toBe('Tab Size: 4');
});

it('names a space-indented file by its indent width', () => {
  expect(indentationLabel({ insertSpaces: true, tabSize: 4, indentSize: 2 })).toBe('Spaces: 2');
});
