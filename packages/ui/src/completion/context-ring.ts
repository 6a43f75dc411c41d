// The extra context a completion is sent (llama.vscode's idea): a bounded ring of chunks of code the user recently
// opened, edited or copied, in any file. The newest chunk wins: a chunk already held (same text) moves to the front
// instead of being held twice, a chunk inside a newer one is dropped, and the oldest go once the ring is over its
// count or its character budget (a token budget at ~4 characters a token, and one character a token at worst).
import type { InfillChunk } from '@pa/shared';

export interface ContextRingOptions {
  /** Most chunks held. */
  maxChunks: number;
  /** Most characters of all chunks together. */
  maxChars: number;
  /** Most lines of one chunk (a longer one keeps the lines around its middle). */
  maxLines: number;
}

export const DEFAULT_RING: ContextRingOptions = { maxChunks: 16, maxChars: 6_000, maxLines: 48 };

/** Chunks shorter than this (after trimming) say nothing about the code: not held. */
const MIN_CHARS = 12;

interface Chunk {
  path: string;
  text: string;
}

export class ContextRing {
  /** Newest first. */
  private chunks: Chunk[] = [];

  constructor(private readonly options: ContextRingOptions = DEFAULT_RING) {}

  get size(): number {
    return this.chunks.length;
  }

  /** Holds `text` (a file's opening lines, the lines around an edit, a copied selection) as the newest chunk. */
  add(path: string, text: string): void {
    const clipped = clipLines(text, this.options.maxLines).slice(0, this.options.maxChars);
    if (clipped.trim().length < MIN_CHARS) return;
    // already held, or part of a held chunk of the same file: that one becomes the newest
    const holder = this.chunks.findIndex((chunk) => chunk.path === path && chunk.text.includes(clipped));
    if (holder >= 0) {
      const [held] = this.chunks.splice(holder, 1);
      if (held) this.chunks.unshift(held);
      return;
    }
    // held chunks the new one contains are replaced by it
    this.chunks = this.chunks.filter((chunk) => !(chunk.path === path && clipped.includes(chunk.text)));
    this.chunks.unshift({ path, text: clipped });
    this.trim();
  }

  /** Forgets a file's chunks (it was deleted, or .aiignore excludes it). */
  forget(path: string): void {
    this.chunks = this.chunks.filter((chunk) => chunk.path !== path);
  }

  /**
   * The chunks to send with a completion in `path`, newest first, within `maxChars` (the ring's budget unless less
   * is asked). The file being completed is sent as prefix and suffix already: its chunks are left out.
   */
  chunksFor(path: string, maxChars = this.options.maxChars): InfillChunk[] {
    const out: InfillChunk[] = [];
    let used = 0;
    for (const chunk of this.chunks) {
      if (chunk.path === path) continue;
      if (used + chunk.text.length > maxChars) continue;
      used += chunk.text.length;
      out.push({ path: chunk.path, text: chunk.text });
    }
    return out;
  }

  clear(): void {
    this.chunks = [];
  }

  private trim(): void {
    let used = 0;
    let keep = 0;
    for (const chunk of this.chunks) {
      if (keep >= this.options.maxChunks || used + chunk.text.length > this.options.maxChars) break;
      used += chunk.text.length;
      keep += 1;
    }
    this.chunks.length = keep;
  }
}

/** At most `maxLines` lines of `text`: the ones around its middle when it has more. */
export function clipLines(text: string, maxLines: number): string {
  const lines = text.split('\n');
  if (lines.length <= maxLines) return text;
  const start = Math.floor((lines.length - maxLines) / 2);
  return lines.slice(start, start + maxLines).join('\n');
}
