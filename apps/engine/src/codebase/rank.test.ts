import { describe, expect, it } from 'vitest';
import { type Candidate, fuse, RRF_K } from './rank.js';

const DAY = 24 * 3600 * 1000;
const NOW = 1_000 * DAY;

function candidates(...list: Candidate[]): Map<number, Candidate> {
  return new Map(list.map((candidate) => [candidate.id, candidate]));
}

describe('fuse (reciprocal rank fusion)', () => {
  const old = NOW - 365 * DAY;
  const all = candidates(
    { id: 1, path: 'src/a.ts', name: null, mtimeMs: old },
    { id: 2, path: 'src/b.ts', name: null, mtimeMs: old },
    { id: 3, path: 'src/c.ts', name: null, mtimeMs: old },
  );

  it('puts what both rankings found first, and says which found it', () => {
    const fused = fuse({ keyword: [1, 2], vector: [2, 3] }, all, [], NOW);
    expect(fused.map((entry) => entry.candidate.id)).toEqual([2, 1, 3]);
    expect(fused[0]?.via).toEqual(['keyword', 'vector']);
    expect(fused[1]?.via).toEqual(['keyword']);
    expect(fused[0]?.score).toBeCloseTo((1 / (RRF_K + 2) + 1 / (RRF_K + 1)) * (1 + 0.1 * 0.5 ** (365 / 7)), 6);
  });

  it('drops ids it has no candidate for (deleted meanwhile)', () => {
    expect(fuse({ keyword: [9, 1], vector: [] }, all, [], NOW).map((entry) => entry.candidate.id)).toEqual([1]);
  });

  it('boosts a path or name holding a query term, and a recently changed file', () => {
    const pool = candidates(
      { id: 1, path: 'src/misc.ts', name: null, mtimeMs: old },
      { id: 2, path: 'src/billing/invoice.ts', name: null, mtimeMs: old },
      { id: 3, path: 'src/other.ts', name: null, mtimeMs: NOW - DAY },
    );
    // same rank in different lists: only the boosts tell them apart
    const byPath = fuse({ keyword: [1], vector: [2] }, pool, ['invoice'], NOW);
    expect(byPath[0]?.candidate.id).toBe(2);
    const byRecency = fuse({ keyword: [1], vector: [3] }, pool, [], NOW);
    expect(byRecency[0]?.candidate.id).toBe(3);
  });
});
