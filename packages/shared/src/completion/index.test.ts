import { describe, expect, it } from 'vitest';
import { indentWidth, overlapLength, StopScanner, stopIndex, trimOverlap } from './index.js';

/** The suggestion as stopIndex would cut it once the stream ended. */
function stopped(prefix: string, text: string, multiline = true): string {
  const at = stopIndex(prefix, text, { multiline, final: true });
  return at === null ? text : text.slice(0, at);
}

describe('stopIndex', () => {
  it('single-line: ends at the first line break', () => {
    expect(stopped('const x = ', 'compute(a);\nconst y = 2;', false)).toBe('compute(a);');
    expect(stopIndex('const x = ', 'compute(a', { multiline: false })).toBeNull();
  });

  it('multi-line at the end of a line: keeps the body and the closing bracket, then stops', () => {
    const prefix = 'function add(a, b) {';
    const text = '\n  const sum = a + b;\n  return sum;\n}\n\nfunction other() {\n}';
    expect(stopped(prefix, text)).toBe('\n  const sum = a + b;\n  return sum;\n}');
  });

  it('multi-line at an empty indented line: stops before a line back at or below the start', () => {
    const prefix = 'function f() {\n  ';
    expect(stopped(prefix, 'return 1;\n}\nmore')).toBe('return 1;');
    expect(stopped(prefix, 'if (x) {\n    y();\n  }\n  z();')).toBe('if (x) {\n    y();\n  }');
    expect(stopped(prefix, 'a();\n  b();')).toBe('a();');
  });

  it('Python: stops when the indentation comes back', () => {
    const prefix = 'def area(r):';
    expect(stopped(prefix, '\n    pi = 3.14159\n    return pi * r * r\ndef next():\n    pass')).toBe(
      '\n    pi = 3.14159\n    return pi * r * r',
    );
  });

  it('stops at a blank line once the block is closed, not inside an open one', () => {
    const prefix = 'const table = ';
    expect(stopped(prefix, '{\n  a: 1,\n\n  b: 2,\n}')).toBe('{\n  a: 1,\n\n  b: 2,\n}');
    expect(stopped('', 'x = 1\ny = 2\n\nz = 3')).toBe('x = 1');
    expect(stopped('  ', 'foo();\n\n  bar();')).toBe('foo();');
  });

  it('drops a trailing line break once the stream has ended', () => {
    expect(stopped('function f() {\n  ', 'return 1;\n')).toBe('return 1;');
    expect(stopIndex('function f() {\n  ', 'return 1;\n', { multiline: true })).toBeNull();
  });

  it('waits for a line to show its first character before judging it', () => {
    const prefix = 'function f() {\n  ';
    expect(stopIndex(prefix, 'return 1;\n', { multiline: true })).toBeNull();
    expect(stopIndex(prefix, 'return 1;\n  ', { multiline: true })).toBeNull();
    expect(stopIndex(prefix, 'return 1;\n}', { multiline: true })).toBe('return 1;'.length);
  });

  it('counts a tab as tabSize columns', () => {
    expect(indentWidth('\t  x', 4)).toBe(6);
    expect(stopped('\tif x:', '\n\t\ty()\n\tz()', true)).toBe('\n\t\ty()');
  });

  it('is linear on a huge suggestion', () => {
    const text = `\n${'  x();\n'.repeat(200_000)}`;
    const start = Date.now();
    stopIndex('function f() {', text, { multiline: true, final: true });
    expect(Date.now() - start).toBeLessThan(2_000);
  });
});

describe('overlap', () => {
  it('finds the longest end of a that starts b', () => {
    expect(overlapLength('foo(a, b)', ')')).toBe(1);
    expect(overlapLength('abcabc', 'abcabd')).toBe(3);
    expect(overlapLength('aaaa', 'aaab')).toBe(3);
    expect(overlapLength('abc', 'xyz')).toBe(0);
    expect(overlapLength('', 'x')).toBe(0);
  });

  it('trims what the rest of the line already has', () => {
    expect(trimOverlap('sum(a, b));', '));\nnext();')).toBe('sum(a, b');
    expect(trimOverlap('value', ' // note\n')).toBe('value');
  });

  it('trims last lines the next lines repeat, whatever their indentation', () => {
    const suffix = '\n}\n\nexport default add;';
    expect(trimOverlap('\n  return a + b;\n}', suffix)).toBe('\n  return a + b;');
    expect(trimOverlap('\n  return a + b;\n  }', suffix)).toBe('\n  return a + b;');
    expect(trimOverlap('\n  return a + b;', suffix)).toBe('\n  return a + b;');
  });

  it('may leave nothing when the model only repeated the suffix', () => {
    expect(trimOverlap(');', ');')).toBe('');
  });

  it('is linear on hostile repetitive input', () => {
    const a = 'a'.repeat(300_000);
    const b = `${'a'.repeat(299_999)}b`;
    const start = Date.now();
    expect(overlapLength(a, b)).toBe(299_999);
    expect(Date.now() - start).toBeLessThan(1_000);
  });
});

describe('StopScanner', () => {
  const stops = ['<|endoftext|>', '<|fim_middle|>', '</s>'];

  it('cuts at a stop string split across pieces and drops everything after it', () => {
    const scanner = new StopScanner(stops);
    const out: string[] = [];
    for (const piece of ['return x', ';<|endo', 'ftext|> junk', 'more']) out.push(scanner.push(piece).text);
    expect(out.join('') + scanner.end()).toBe('return x;');
    expect(scanner.stopped).toBe(true);
  });

  it('holds back only what could still become a stop, and gives it back at the end', () => {
    const scanner = new StopScanner(stops);
    expect(scanner.push('a <')).toEqual({ text: 'a ', stopped: false });
    expect(scanner.push('b')).toEqual({ text: '<b', stopped: false });
    expect(scanner.push('c </')).toEqual({ text: 'c ', stopped: false });
    expect(scanner.end()).toBe('</');
  });

  it('stops at whichever stop string comes first', () => {
    const scanner = new StopScanner(stops);
    expect(scanner.push('x</s>y<|fim_middle|>')).toEqual({ text: 'x', stopped: true });
  });
});
