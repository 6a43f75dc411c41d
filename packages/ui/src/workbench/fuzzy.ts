// Fuzzy matching for quick open and the command palette: a query matches when its characters appear in order;
// the score favours matches in the file name, at word starts and in runs, so `wbts` finds `workbench.ts` first.

export interface FuzzyMatch {
  score: number;
  /** Indices in the candidate of the matched characters, for highlighting. */
  indices: number[];
}

const SEPARATORS = new Set(['/', '\\', '.', '-', '_', ' ']);

function isWordStart(text: string, index: number): boolean {
  if (index === 0) return true;
  const before = text[index - 1] ?? '';
  const here = text[index] ?? '';
  if (SEPARATORS.has(before)) return true;
  // camelCase boundary: fooBar → B starts a word
  return before === before.toLowerCase() && here !== here.toLowerCase();
}

/** Matches `query` against `text` (case-insensitive); null when some query character is missing. */
export function fuzzyMatch(query: string, text: string): FuzzyMatch | null {
  const needle = query.replace(/\s+/g, '').toLowerCase();
  if (needle === '') return { score: 0, indices: [] };
  const haystack = text.toLowerCase();
  const nameStart = Math.max(text.lastIndexOf('/'), text.lastIndexOf('\\')) + 1;

  // Prefer a match inside the file name: try to place the whole query there first, then fall back to the path.
  const inName = greedy(needle, haystack, nameStart);
  const indices = inName ?? greedy(needle, haystack, 0);
  if (!indices) return null;

  let score = 0;
  let previous = -2;
  for (const index of indices) {
    score += 1;
    if (index === previous + 1) score += 5;
    if (isWordStart(text, index)) score += 8;
    if (index >= nameStart) score += 4;
    if (text[index] === query[indices.indexOf(index)]) score += 1; // exact case
    previous = index;
  }
  if (inName && indices[0] === nameStart) score += 10;
  // shorter candidates and shorter names rank first among equals
  score -= text.length * 0.05;
  return { score, indices };
}

/** Leftmost placement of each character, then tightened from the right so runs stay together. */
function greedy(needle: string, haystack: string, from: number): number[] | null {
  const indices: number[] = [];
  let position = from;
  for (const char of needle) {
    const found = haystack.indexOf(char, position);
    if (found === -1) return null;
    indices.push(found);
    position = found + 1;
  }
  // walk back: move each index as far right as possible while keeping order, which joins runs near the end
  for (let i = indices.length - 2; i >= 0; i--) {
    const next = indices[i + 1] as number;
    const char = needle[i] as string;
    const candidate = haystack.lastIndexOf(char, next - 1);
    if (candidate > (indices[i] as number) && candidate === next - 1) indices[i] = candidate;
  }
  return indices;
}

export interface Ranked<T> {
  item: T;
  match: FuzzyMatch;
}

/** Filters and sorts items by fuzzy score, best first; ties keep the input order. */
export function rankByFuzzy<T>(
  query: string,
  items: readonly T[],
  textOf: (item: T) => string,
  limit = 200,
): Ranked<T>[] {
  const ranked: Array<Ranked<T> & { order: number }> = [];
  items.forEach((item, order) => {
    const match = fuzzyMatch(query, textOf(item));
    if (match) ranked.push({ item, match, order });
  });
  ranked.sort((a, b) => b.match.score - a.match.score || a.order - b.order);
  return ranked.slice(0, limit).map(({ item, match }) => ({ item, match }));
}
