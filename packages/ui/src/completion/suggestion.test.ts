import { describe, expect, it } from 'vitest';
import {
  MAX_SUGGESTION_CHARS,
  MAX_SUGGESTION_LINES,
  PREFIX_BLOCK,
  PREFIX_CHARS,
  placeOf,
  plainText,
  prefixStart,
  shownSuggestion,
} from './suggestion';

describe('placeOf', () => {
  it('is multi-line at the end of a line or an empty one, single-line mid-line', () => {
    expect(placeOf('  const x = ', '')).toEqual({ multiline: true, insideWord: false });
    expect(placeOf('', '   ')).toEqual({ multiline: true, insideWord: false });
    expect(placeOf('call(', ');')).toEqual({ multiline: false, insideWord: false });
  });

  it('tells the inside of a word (letters, digits, _ and $ on both sides)', () => {
    expect(placeOf('const val', 'ue = 1')).toMatchObject({ insideWord: true });
    expect(placeOf('naïv', 'e')).toMatchObject({ insideWord: true });
    expect(placeOf('foo', '(')).toMatchObject({ insideWord: false });
    expect(placeOf('foo ', 'bar')).toMatchObject({ insideWord: false });
  });
});

describe('prefixStart', () => {
  it('starts at a block boundary that typing on does not move', () => {
    expect(prefixStart(100)).toBe(0);
    const offset = 50_000;
    const start = prefixStart(offset);
    expect(start % PREFIX_BLOCK).toBe(0);
    expect(offset - start).toBeGreaterThanOrEqual(PREFIX_CHARS);
    expect(offset - start).toBeLessThan(PREFIX_CHARS + PREFIX_BLOCK);
    expect(prefixStart(offset + 5)).toBe(start);
  });
});

describe('plainText', () => {
  it('removes terminal escapes and control characters, keeps tabs and line breaks', () => {
    expect(plainText('\u001b[31mred\u001b[0m')).toBe('red');
    expect(plainText('a\u001b]0;title\u0007b')).toBe('ab');
    expect(plainText('a\u001b]8;;http://x\u001b\\link\u001b]8;;\u001b\\b')).toBe('alinkb');
    expect(plainText('x\u0000y\u0008z\r\n\tw\u009b2Jv\u2028')).toBe('xyz\n\twv');
    expect(plainText('\u001bc' + 'ok')).toBe('ok');
  });

  it('is bounded whatever the model wrote', () => {
    expect(plainText('x'.repeat(1_000_000)).length).toBe(MAX_SUGGESTION_CHARS);
    // an escape that never ends is not a loop without end
    expect(plainText(`\u001b[${'1;'.repeat(100_000)}`)).toBe('');
  });
});

describe('shownSuggestion', () => {
  it('is single-line mid-line and trims what the rest of the line repeats', () => {
    expect(shownSuggestion('a, b);\nmore()', 'call(', ');', false)).toBe('a, b');
  });

  it('ends a multi-line suggestion with its block and never repeats the next lines', () => {
    const raw = 'if (x) {\n    y();\n  }\n  return 1;\n}\n\nfunction g() {}';
    expect(shownSuggestion(raw, 'function f() {\n  ', '', true)).toBe('if (x) {\n    y();\n  }');
    // the next lines of the file are not suggested again
    expect(shownSuggestion('  a();\n  b();', 'f() {\n', '\n  b();\n}\n', true)).toBe('  a();');
  });

  it('shows plain, bounded text: no escapes, at most MAX_SUGGESTION_LINES lines, no trailing blank lines', () => {
    expect(shownSuggestion('\u001b[2J\u001b[Hrm -rf /\u0007', 'x = ', '', false)).toBe('rm -rf /');
    const many = Array.from({ length: 200 }, (_, i) => `  line${i}();`).join('\n');
    const shown = shownSuggestion(many, 'function f() {\n', '', true);
    expect(shown.split('\n').length).toBeLessThanOrEqual(MAX_SUGGESTION_LINES);
    expect(shownSuggestion('foo();  \n\n  \n', '', '', false)).toBe('foo();  ');
  });
});
