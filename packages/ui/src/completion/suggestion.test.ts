import { describe, expect, it } from 'vitest';
import {
  type CursorPosition,
  inlineItemsOf,
  MAX_SUGGESTION_CHARS,
  MAX_SUGGESTION_LINES,
  PREFIX_BLOCK,
  PREFIX_CHARS,
  placeOf,
  plainText,
  prefixStart,
  requestAt,
  SUFFIX_CHARS,
  shownSuggestion,
  type TextRange,
  type TextSource,
} from './suggestion';

/** A text model over a string, as Monaco's answers these (1-based lines and columns). */
function fakeModel(text: string): TextSource {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  const offsetAt = ({ lineNumber, column }: CursorPosition) => (starts[lineNumber - 1] ?? text.length) + column - 1;
  return {
    getLineContent: (n) => text.slice(starts[n - 1], (starts[n] ?? text.length + 1) - 1),
    getOffsetAt: offsetAt,
    getPositionAt: (offset) => {
      const at = Math.min(Math.max(0, offset), text.length);
      let line = 0;
      while (line + 1 < starts.length && (starts[line + 1] as number) <= at) line += 1;
      return { lineNumber: line + 1, column: at - (starts[line] as number) + 1 };
    },
    getValueInRange: (r: TextRange) =>
      text.slice(
        offsetAt({ lineNumber: r.startLineNumber, column: r.startColumn }),
        offsetAt({ lineNumber: r.endLineNumber, column: r.endColumn }),
      ),
  };
}

describe('provider mapping', () => {
  const text = 'function f() {\n  return sum();\n}\n';

  it('asks mid-line for one line: the prefix to the cursor, the suffix after it', () => {
    expect(requestAt(fakeModel(text), { lineNumber: 2, column: 14 }, false)).toEqual({
      prefix: 'function f() {\n  return sum(',
      suffix: ');\n}\n',
      multiline: false,
    });
  });

  it('asks at the end of a line for a block; not inside a word unless explicitly', () => {
    expect(requestAt(fakeModel(text), { lineNumber: 1, column: 15 }, false)).toMatchObject({ multiline: true });
    expect(requestAt(fakeModel(text), { lineNumber: 2, column: 6 }, false)).toBeNull();
    expect(requestAt(fakeModel(text), { lineNumber: 2, column: 6 }, true)).toMatchObject({
      prefix: 'function f() {\n  ret',
    });
  });

  it('bounds what is sent from a large file: the prefix from a stable start, SUFFIX_CHARS after', () => {
    const big = `${'x = 1;\n'.repeat(10_000)}y = \n${'z = 2;\n'.repeat(10_000)}`;
    const model = fakeModel(big);
    const request = requestAt(model, { lineNumber: 10_001, column: 5 }, false);
    expect(request?.prefix.length).toBeLessThan(PREFIX_CHARS + PREFIX_BLOCK);
    expect(request?.prefix.endsWith('x = 1;\ny = ')).toBe(true);
    expect(request?.suffix.length).toBe(SUFFIX_CHARS);
  });

  it('inserts the suggestion at the cursor, replacing nothing', () => {
    expect(inlineItemsOf('a, b', { lineNumber: 2, column: 14 })).toEqual({
      items: [{ insertText: 'a, b', range: { startLineNumber: 2, startColumn: 14, endLineNumber: 2, endColumn: 14 } }],
    });
  });
});

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
