import { describe, expect, it } from 'vitest';
import { ContextRing, clipLines } from './context-ring';

const code = (name: string) => `function ${name}(a, b) {\n  return a + b;\n}`;

describe('ContextRing', () => {
  it('sends the newest chunks of other files first, not the file being completed', () => {
    const ring = new ContextRing({ maxChunks: 8, maxChars: 10_000, maxLines: 40 });
    ring.add('a.ts', code('alpha'));
    ring.add('b.ts', code('beta'));
    ring.add('c.ts', code('gamma'));
    expect(ring.chunksFor('b.ts')).toEqual([
      { path: 'c.ts', text: code('gamma') },
      { path: 'a.ts', text: code('alpha') },
    ]);
  });

  it('holds a chunk once: the same text again, or a part of a held chunk, moves it to the front', () => {
    const ring = new ContextRing({ maxChunks: 8, maxChars: 10_000, maxLines: 40 });
    ring.add('a.ts', code('alpha'));
    ring.add('b.ts', code('beta'));
    ring.add('a.ts', code('alpha'));
    ring.add('a.ts', 'function alpha(a, b) {');
    expect(ring.size).toBe(2);
    expect(ring.chunksFor('x.ts').map((chunk) => chunk.path)).toEqual(['a.ts', 'b.ts']);
    // a chunk that contains held ones of its file replaces them
    ring.add('b.ts', `${code('beta')}\n${code('delta')}`);
    expect(ring.size).toBe(2);
    expect(ring.chunksFor('x.ts')[0]?.text).toContain('delta');
  });

  it('stays within its count and character budget, dropping the oldest', () => {
    const ring = new ContextRing({ maxChunks: 3, maxChars: 120, maxLines: 40 });
    for (let i = 0; i < 10; i++) ring.add(`f${i}.ts`, code(`fn${i}`));
    expect(ring.size).toBeLessThanOrEqual(3);
    const chunks = ring.chunksFor('none.ts');
    expect(chunks.reduce((sum, chunk) => sum + chunk.text.length, 0)).toBeLessThanOrEqual(120);
    expect(chunks[0]?.path).toBe('f9.ts');
    // a smaller budget asked for is kept too
    expect(ring.chunksFor('none.ts', 50).length).toBe(1);
  });

  it('clips a long chunk to its middle lines and ignores trivial ones; forget drops a file', () => {
    const ring = new ContextRing({ maxChunks: 8, maxChars: 10_000, maxLines: 4 });
    const lines = Array.from({ length: 10 }, (_, i) => `const value${i} = ${i};`).join('\n');
    ring.add('long.ts', lines);
    expect(ring.chunksFor('x.ts')[0]?.text.split('\n')).toEqual([
      'const value3 = 3;',
      'const value4 = 4;',
      'const value5 = 5;',
      'const value6 = 6;',
    ]);
    ring.add('tiny.ts', '  }\n');
    expect(ring.size).toBe(1);
    ring.forget('long.ts');
    expect(ring.size).toBe(0);
    expect(clipLines('a\nb', 5)).toBe('a\nb');
  });
});
