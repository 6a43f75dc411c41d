// Hybrid ranking: reciprocal rank fusion of the keyword (BM25) and vector (cosine) rankings, then small boosts for
// chunks whose file path or name holds a query term and for recently changed files. RRF needs no calibration
// between BM25 scores and cosine distances (they are not comparable); only ranks are.

/** RRF's constant: how much the first places outweigh the rest (60 is the value of the original paper). */
export const RRF_K = 60;
/** A query term in the chunk's path or name multiplies its score by up to this much more. */
const PATH_BOOST = 0.3;
/** A file changed just now gets up to this much more, halving every RECENCY_HALF_LIFE_MS. */
const RECENCY_BOOST = 0.1;
const RECENCY_HALF_LIFE_MS = 7 * 24 * 3600 * 1000;

export interface Candidate {
  id: number;
  path: string;
  name: string | null;
  mtimeMs: number;
}

export interface Fused<C extends Candidate> {
  candidate: C;
  score: number;
  via: ('keyword' | 'vector')[];
}

/**
 * Fuses the rankings (each best first, ids of `candidates`); ids missing from `candidates` (deleted meanwhile) are
 * dropped.
 */
export function fuse<C extends Candidate>(
  rankings: { keyword: readonly number[]; vector: readonly number[] },
  candidates: ReadonlyMap<number, C>,
  terms: readonly string[],
  now: number,
): Fused<C>[] {
  const fused = new Map<number, Fused<C>>();
  for (const source of ['keyword', 'vector'] as const) {
    rankings[source].forEach((id, rank) => {
      const candidate = candidates.get(id);
      if (!candidate) return;
      const entry = fused.get(id) ?? { candidate, score: 0, via: [] };
      entry.score += 1 / (RRF_K + rank + 1);
      if (!entry.via.includes(source)) entry.via.push(source);
      fused.set(id, entry);
    });
  }
  for (const entry of fused.values()) {
    entry.score *= boost(entry.candidate, terms, now);
  }
  return [...fused.values()].sort((a, b) => b.score - a.score || a.candidate.id - b.candidate.id);
}

function boost(candidate: Candidate, terms: readonly string[], now: number): number {
  let factor = 1;
  if (terms.length > 0) {
    const where = `${candidate.path} ${candidate.name ?? ''}`.toLowerCase();
    const hits = terms.filter((term) => where.includes(term)).length;
    factor += (PATH_BOOST * hits) / terms.length;
  }
  const age = Math.max(0, now - candidate.mtimeMs);
  factor += RECENCY_BOOST * 0.5 ** (age / RECENCY_HALF_LIFE_MS);
  return factor;
}
