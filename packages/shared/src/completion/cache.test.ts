import { describe, expect, it } from 'vitest';
import { AdaptiveDebounce, CompletionCache } from './cache.js';

const at = (prefix: string, suffix = '\n}', path = 'a.ts') => ({ path, prefix, suffix });

describe('CompletionCache', () => {
  it('answers the place a suggestion was asked for', () => {
    const cache = new CompletionCache();
    cache.put(at('return '), 'a + b;');
    expect(cache.lookup(at('return '))).toBe('a + b;');
    expect(cache.lookup(at('return ', '\n}', 'b.ts'))).toBeNull();
    expect(cache.lookup(at('return ', ';\n}'))).toBeNull();
  });

  it('typed-through: the rest of a suggestion whose start the user typed', () => {
    const cache = new CompletionCache();
    cache.put(at('return '), 'a + b;');
    expect(cache.lookup(at('return a'))).toBe(' + b;');
    expect(cache.lookup(at('return a + '))).toBe('b;');
    // typed something else, or typed it all out: no answer
    expect(cache.lookup(at('return x'))).toBeNull();
    expect(cache.lookup(at('return a + b;'))).toBeNull();
    // deleted back before where it was asked
    expect(cache.lookup(at('return'))).toBeNull();
  });

  it('tells places apart by the prefix before them, not only its length', () => {
    const cache = new CompletionCache();
    cache.put(at('let x = '), '1;');
    expect(cache.lookup(at('let y = '))).toBeNull();
  });

  it('drops the least recently used entry past its capacity', () => {
    const cache = new CompletionCache(2);
    cache.put(at('a'), '1');
    cache.put(at('b'), '2');
    expect(cache.lookup(at('a'))).toBe('1'); // now the most recent
    cache.put(at('c'), '3');
    expect(cache.lookup(at('b'))).toBeNull();
    expect(cache.lookup(at('a'))).toBe('1');
    expect(cache.size).toBe(2);
  });

  it('keeps bounded memory and answers quickly for a huge file', () => {
    const cache = new CompletionCache(64);
    const huge = 'x'.repeat(2_000_000);
    for (let i = 0; i < 64; i++) cache.put(at(`${huge}${i}`, huge), `s${i}`);
    const typedOn = at(`${huge}63s`, huge);
    cache.lookup(typedOn); // the query string built once (the editor holds the text anyway)
    const start = Date.now();
    for (let i = 0; i < 1_000; i++) cache.lookup(typedOn);
    expect(Date.now() - start).toBeLessThan(1_000);
    expect(cache.lookup(at(`${huge}63`, huge))).toBe('s63');
  });
});

describe('AdaptiveDebounce', () => {
  it('starts at 200 ms and follows the typing rhythm within its bounds', () => {
    const debounce = new AdaptiveDebounce({ minMs: 100, maxMs: 400 });
    expect(debounce.keystroke(0)).toBe(200);
    let now = 0;
    let delay = 0;
    // a fast typist
    for (let i = 0; i < 20; i++) {
      now += 50;
      delay = debounce.keystroke(now);
    }
    expect(delay).toBe(100);
    // a slow one
    for (let i = 0; i < 20; i++) {
      now += 240;
      delay = debounce.keystroke(now);
    }
    expect(delay).toBeGreaterThan(300);
    expect(delay).toBeLessThanOrEqual(400);
  });

  it('a pause is not rhythm', () => {
    const debounce = new AdaptiveDebounce({ minMs: 100, maxMs: 400 });
    debounce.keystroke(0);
    const before = debounce.keystroke(80);
    expect(debounce.keystroke(60_000)).toBe(before);
  });
});
