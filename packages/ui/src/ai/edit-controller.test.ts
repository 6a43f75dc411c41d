import { describe, expect, it } from 'vitest';
import { keepTrailingNewline } from './edit-controller';

describe('keepTrailingNewline', () => {
  it('keeps the final newline of the selection when the proposal dropped it', () => {
    expect(keepTrailingNewline('a\nb\n', 'c')).toBe('c\n');
  });

  it('leaves a proposal alone when the selection had no final newline or the proposal kept it', () => {
    expect(keepTrailingNewline('a', 'c')).toBe('c');
    expect(keepTrailingNewline('a\n', 'c\n')).toBe('c\n');
  });
});
