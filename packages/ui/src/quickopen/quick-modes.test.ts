import { describe, expect, it } from 'vitest';
import { goToLineItem, modeOf } from './quick-modes';

describe('quick open modes', () => {
  it('switches mode by the first character, as VS Code does', () => {
    expect(modeOf('src/a.ts')).toBe('files');
    expect(modeOf(':12')).toBe('line');
    expect(modeOf('@greet')).toBe('symbols');
    expect(modeOf('>save')).toBe('commands');
  });

  it('goes to a line (and character), clamped to the file', () => {
    expect(goToLineItem(':12', 40, null)).toEqual({ label: 'Go to line 12.', line: 12, column: 1 });
    expect(goToLineItem(':12:5', 40, null)).toEqual({ label: 'Go to line 12, character 5.', line: 12, column: 5 });
    expect(goToLineItem(':99', 40, null).line).toBe(40);
  });

  it('says what to type, or that no editor is open', () => {
    expect(goToLineItem(':', 40, { lineNumber: 3, column: 7 })).toEqual({
      label: 'Current Line: 3, Character: 7. Type a line number between 1 and 40 to navigate to.',
      line: null,
      column: 1,
    });
    expect(goToLineItem(':x', 40, null).line).toBeNull();
    expect(goToLineItem(':5', null, null)).toEqual({
      label: 'Open a text editor first to go to a line.',
      line: null,
      column: 1,
    });
  });
});
