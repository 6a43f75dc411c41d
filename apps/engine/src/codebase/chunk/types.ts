// The shapes the chunker hands to the codebase index, and the limits every chunk keeps to.

import type { ChunkKind } from '@pa/shared';

// the protocol's kinds (a search hit carries one), so the two cannot drift
export type { ChunkKind } from '@pa/shared';

export interface Chunk {
  /** 1-based, inclusive. */
  startLine: number;
  /** 1-based, inclusive. */
  endLine: number;
  kind: ChunkKind;
  /** The definition's name qualified by its container ('UserStore.remove'), or null for blocks and windows. */
  name: string | null;
  /** The chunk's lines joined with '\n' (a carriage return before a line break is dropped); a piece of the line when
   * one line alone is over the character limit. */
  text: string;
}

/** Every chunk keeps within both limits; windows of one range share `overlap` lines where they are cut mid-way. */
export interface Limits {
  maxLines: number;
  maxChars: number;
  overlap: number;
}

/** A chunk before it is given its kind and name; rows are 0-based. */
export interface Piece {
  start: number;
  end: number;
  text: string;
}
