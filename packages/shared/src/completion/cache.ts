// The editor's side of completion latency, pure: an LRU of recent suggestions with the typed-through lookup (the
// user typed the first characters of a suggestion: the rest is served without asking the model again), and the
// adaptive debounce that follows the user's typing rhythm.
//
// Bounded: an entry keeps only the end of its prefix (ANCHOR_CHARS) and the start of its suffix, so the cache's
// memory and every lookup are bounded whatever the file's size.

/** Characters of the prefix's end (and the suffix's start) an entry keeps to recognise its place. */
export const ANCHOR_CHARS = 512;

interface Entry {
  path: string;
  /** Where the suggestion was asked: the prefix's length and its last ANCHOR_CHARS characters. */
  prefixLength: number;
  anchor: string;
  suffixHead: string;
  suggestion: string;
}

export interface CacheQuery {
  path: string;
  prefix: string;
  suffix: string;
}

/**
 * Recent suggestions, least recently used dropped first. `lookup` answers for the exact place a suggestion was
 * asked, or for a place further on when what was typed since is the start of that suggestion (typed-through): the
 * rest of it is the answer. An empty rest is no answer (the suggestion was typed out).
 */
export class CompletionCache {
  private readonly entries: Entry[] = [];

  constructor(private readonly capacity = 64) {}

  get size(): number {
    return this.entries.length;
  }

  put(query: CacheQuery, suggestion: string): void {
    if (!suggestion) return;
    const entry: Entry = {
      path: query.path,
      prefixLength: query.prefix.length,
      anchor: query.prefix.slice(-ANCHOR_CHARS),
      suffixHead: query.suffix.slice(0, ANCHOR_CHARS),
      suggestion,
    };
    const same = this.entries.findIndex(
      (other) =>
        other.path === entry.path &&
        other.prefixLength === entry.prefixLength &&
        other.anchor === entry.anchor &&
        other.suffixHead === entry.suffixHead,
    );
    if (same >= 0) this.entries.splice(same, 1);
    this.entries.push(entry);
    if (this.entries.length > this.capacity) this.entries.shift();
  }

  lookup(query: CacheQuery): string | null {
    const suffixHead = query.suffix.slice(0, ANCHOR_CHARS);
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const entry = this.entries[i] as Entry;
      if (entry.path !== query.path || entry.suffixHead !== suffixHead) continue;
      const typed = query.prefix.length - entry.prefixLength;
      if (typed < 0 || typed >= entry.suggestion.length) continue;
      const anchorStart = entry.prefixLength - entry.anchor.length;
      if (query.prefix.slice(anchorStart, entry.prefixLength) !== entry.anchor) continue;
      if (!entry.suggestion.startsWith(query.prefix.slice(entry.prefixLength))) continue;
      // most recently used last
      this.entries.splice(i, 1);
      this.entries.push(entry);
      return entry.suggestion.slice(typed);
    }
    return null;
  }

  clear(): void {
    this.entries.length = 0;
  }
}

export interface DebounceOptions {
  minMs: number;
  maxMs: number;
  /** The delay before any rhythm is known. */
  initialMs?: number;
}

/** Gaps longer than this are pauses, not rhythm: they do not move the delay. */
const PAUSE_MS = 2_000;
const ALPHA = 0.3;

/**
 * The delay after a keystroke before a suggestion is asked for, from the user's typing rhythm: a little longer
 * than their usual gap between keys (so a fast typist is not asked for every key), clamped to [minMs, maxMs].
 */
export class AdaptiveDebounce {
  private gapEwma: number | null = null;
  private last: number | null = null;

  constructor(private readonly options: DebounceOptions) {}

  /** Records a keystroke at `now` (ms) and answers the delay to wait before asking. */
  keystroke(now: number): number {
    if (this.last !== null) {
      const gap = now - this.last;
      if (gap > 0 && gap < PAUSE_MS)
        this.gapEwma = this.gapEwma === null ? gap : this.gapEwma + ALPHA * (gap - this.gapEwma);
    }
    this.last = now;
    return this.delay();
  }

  delay(): number {
    const { minMs, maxMs } = this.options;
    const wanted = this.gapEwma === null ? (this.options.initialMs ?? 200) : this.gapEwma * 1.5;
    return Math.round(Math.min(maxMs, Math.max(minMs, wanted)));
  }
}
