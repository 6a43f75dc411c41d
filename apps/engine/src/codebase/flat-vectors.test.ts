import { describe, expect, it } from 'vitest';
import { FlatVectors } from './flat-vectors.js';

function unit(values: number[]): Float32Array {
  const norm = Math.hypot(...values);
  return Float32Array.from(values, (value) => value / norm);
}

/** The exact answer, by sorting every similarity. */
function bruteForce(rows: Map<number, Float32Array>, query: Float32Array, k: number): number[] {
  return [...rows.entries()]
    .map(([id, row]) => ({ id, score: row.reduce((sum, value, index) => sum + value * (query[index] as number), 0) }))
    .sort((a, b) => b.score - a.score || a.id - b.id)
    .slice(0, k)
    .map((entry) => entry.id);
}

describe('FlatVectors', () => {
  it('finds the nearest by cosine, best first, with distance 1 − similarity', () => {
    const vectors = new FlatVectors(2);
    vectors.put(1, unit([1, 0]));
    vectors.put(2, unit([1, 1]));
    vectors.put(3, unit([0, 1]));
    const nearest = vectors.nearest(unit([1, 0.1]), 2);
    expect(nearest.map((hit) => hit.bodyId)).toEqual([1, 2]);
    expect(nearest[0]?.distance).toBeCloseTo(1 - 1 / Math.hypot(1, 0.1), 5);
    expect(vectors.nearest(unit([1, 0]), 10)).toHaveLength(3);
  });

  it('agrees with a brute-force sort through growth, replacement and removal', () => {
    const dim = 16;
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648 - 0.5;
    };
    const vectors = new FlatVectors(dim);
    const rows = new Map<number, Float32Array>();
    for (let id = 1; id <= 5_000; id++) {
      const row = unit(Array.from({ length: dim }, random));
      vectors.put(id, row);
      rows.set(id, row);
    }
    for (let id = 1; id <= 5_000; id += 3) {
      vectors.remove(id);
      rows.delete(id);
    }
    for (let id = 2; id <= 5_000; id += 7) {
      const row = unit(Array.from({ length: dim }, random));
      vectors.put(id, row); // replaced in place (or, for a removed id, put again in a freed row)
      rows.set(id, row);
    }
    expect(vectors.size).toBe(rows.size);
    for (let query = 0; query < 5; query++) {
      const q = unit(Array.from({ length: dim }, random));
      expect(vectors.nearest(q, 50).map((hit) => hit.bodyId)).toEqual(bruteForce(rows, q, 50));
    }
    vectors.clear();
    expect(vectors.nearest(unit([1, ...Array(dim - 1).fill(0)]), 5)).toEqual([]);
  });

  it('scores a width that is not a multiple of four the same way', () => {
    const vectors = new FlatVectors(3);
    vectors.put(1, unit([1, 2, 3]));
    vectors.put(2, unit([3, 2, 1]));
    expect(vectors.nearest(unit([1, 2, 2.9]), 2).map((hit) => hit.bodyId)).toEqual([1, 2]);
    expect(vectors.nearest(unit([1, 2, 3]), 1)[0]?.distance).toBeCloseTo(0, 6);
  });

  it('refuses a vector of the wrong size, and answers nothing for a query of the wrong size', () => {
    const vectors = new FlatVectors(4);
    expect(() => vectors.put(1, new Float32Array(3))).toThrow(RangeError);
    vectors.put(1, unit([1, 0, 0, 0]));
    expect(vectors.nearest(new Float32Array(3), 5)).toEqual([]);
  });
});
