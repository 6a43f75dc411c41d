import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { IndexStore } from './store.js';

const made: string[] = [];
function store(): IndexStore {
  const dir = mkdtempSync(join(tmpdir(), 'pa-store-'));
  made.push(dir);
  return new IndexStore(join(dir, 'index.sqlite'));
}
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const chunk = (text: string, name: string | null = null) =>
  ({ startLine: 1, endLine: 3, kind: 'function', name, text }) as const;

describe('IndexStore', () => {
  it('finds a word it had never seen once a file brings it (word counts are cached, never as "absent")', () => {
    const index = store();
    index.replaceFile('a.ts', { size: 1, mtimeMs: 1 }, 'h1', [chunk('export function other() {}', 'other')]);
    expect(index.keywordSearch(['refund', 'invoice'], 10)).toEqual([]);
    index.replaceFile('b.ts', { size: 1, mtimeMs: 1 }, 'h2', [
      chunk('export function refundInvoice() {}', 'refundInvoice'),
    ]);
    expect(index.keywordSearch(['refund', 'invoice'], 10)).toHaveLength(1);
    index.close();
  });

  it('keeps a vector with its text: an unchanged chunk of a changed file is not embedded again', () => {
    const index = store();
    index.useModel('m', 2);
    index.replaceFile('a.ts', { size: 1, mtimeMs: 1 }, 'h1', [chunk('alpha'), chunk('beta')]);
    const pending = index.pendingBodies(10);
    expect(pending).toHaveLength(2);
    index.putVectors(pending.map((body, n) => ({ id: body.id, vector: Float32Array.of(n, 1 - n) })));
    // the file changes: beta stays, gamma is new; alpha's body (and vector) goes
    expect(index.replaceFile('a.ts', { size: 2, mtimeMs: 2 }, 'h2', [chunk('beta'), chunk('gamma')])).toBe(1);
    expect(index.pendingBodies(10).map((body) => body.text)).toEqual(['gamma']);
    expect(index.vectorSearch(Float32Array.of(1, 0), 10).map((hit) => hit.bodyId)).toEqual([pending[1]?.id]);
    expect(index.counts()).toEqual({ files: 1, chunks: 2, embedded: 1 });
    index.close();
  });

  it('reopens with its vectors, and drops them for another model', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pa-store-'));
    made.push(dir);
    const file = join(dir, 'index.sqlite');
    let index = new IndexStore(file);
    index.useModel('m', 2);
    index.replaceFile('a.ts', { size: 1, mtimeMs: 1 }, 'h1', [chunk('alpha')]);
    const [body] = index.pendingBodies(1);
    index.putVectors([{ id: body?.id ?? 0, vector: Float32Array.of(0, 1) }]);
    index.close();
    index = new IndexStore(file);
    index.useModel('m', 2); // the same model: kept
    expect(index.vectorSearch(Float32Array.of(0, 1), 1)[0]?.distance).toBeCloseTo(0, 6);
    index.useModel('other', 2);
    expect(index.vectorSearch(Float32Array.of(0, 1), 1)).toEqual([]);
    expect(index.pendingBodies(10)).toHaveLength(1);
    index.close();
  });
});
