// Keeps the per-edit cost of a Monaco model flat over a long session. Monaco's piece tree appends every inserted string
// to one "change buffer" with `+=` and each edit reads its line back with `substring`, which makes V8 flatten that
// rope: a copy of all text ever inserted into the model, on every edit (a 400 k-char buffer made typing 30× slower
// than Yjs in the editing_trace benchmark). Sealing sets the full buffer aside, read-only, and starts an empty one.
import type * as monaco from 'monaco-editor';

/**
 * Past this many chars the change buffer is sealed. The copy per edit stays ≤ 2 k chars (1 k on average); a seal
 * walks the tree's pieces once, so it comes every 2 k typed chars. 16 k copied 8× more per edit, and typing into a
 * model cost 1.5× Yjs instead of 1.2× (editing_trace, rustcode); below 2 k nothing measurable was gained.
 */
export const SEAL_AT_CHARS = 2048;

/** The private piece-tree fields sealing touches (monaco-editor 0.52); checked before use, never assumed. */
interface StringBuffer {
  buffer: string;
  lineStarts: number[];
}
interface Piece {
  readonly bufferIndex: number;
  readonly start: unknown;
  readonly end: unknown;
  readonly lineFeedCnt: number;
  readonly length: number;
}
interface PieceTree {
  _buffers: StringBuffer[];
  _lastChangeBufferPos: { line: number; column: number };
  root: unknown;
  iterate(node: unknown, callback: (node: { piece: Piece | null }) => boolean): boolean;
}

/** The model's piece tree, or null where Monaco's internals are not the ones this module knows. */
export function pieceTreeOf(model: monaco.editor.ITextModel): PieceTree | null {
  const tree = (model as unknown as { _buffer?: { _pieceTree?: Partial<PieceTree> } })._buffer?._pieceTree;
  if (!tree || !Array.isArray(tree._buffers) || typeof tree.iterate !== 'function') return null;
  const changes = tree._buffers[0];
  if (typeof changes?.buffer !== 'string' || !Array.isArray(changes.lineStarts)) return null;
  if (typeof tree._lastChangeBufferPos?.line !== 'number') return null;
  return tree as PieceTree;
}

// Risk: a text snapshot (model.createSnapshot()) lists the tree's pieces when made and reads their buffers when read;
// a piece of buffer 0 listed before a seal would read the new, empty buffer 0 after it. Sealing runs only inside an
// edit's content event, so a snapshot read synchronously (Monaco's own: the SHA-1 of a disposed model) is safe; keep
// it so: our code creates no snapshot, and one read across an edit must be replaced by model.getValue().
/**
 * Moves a change buffer longer than `sealAt` to a new buffer index (pieces pointing at it follow) and starts an empty
 * one, as the tree looks when freshly created. The text is unchanged; returns whether it sealed.
 */
export function sealChangeBuffer(model: monaco.editor.ITextModel, sealAt = SEAL_AT_CHARS): boolean {
  const tree = pieceTreeOf(model);
  const changes = tree?._buffers[0];
  if (!tree || !changes || changes.buffer.length < sealAt) return false;
  const sealed = tree._buffers.length;
  tree._buffers.push(changes);
  tree.iterate(tree.root, (node) => {
    const piece = node.piece;
    if (piece && piece.bufferIndex === 0) {
      // Piece is immutable in Monaco: make a new one with the same class
      const PieceClass = piece.constructor as new (...args: unknown[]) => Piece;
      node.piece = new PieceClass(sealed, piece.start, piece.end, piece.lineFeedCnt, piece.length);
    }
    return true;
  });
  const StringBufferClass = changes.constructor as new (buffer: string, lineStarts: number[]) => StringBuffer;
  tree._buffers[0] = new StringBufferClass('', [0]);
  tree._lastChangeBufferPos = { line: 0, column: 0 };
  return true;
}

const kept = new WeakSet<monaco.editor.ITextModel>();

/** Seals the model's change buffer whenever it grows past SEAL_AT_CHARS; once per model, ends with the model. */
export function keepChangeBufferShort(model: monaco.editor.ITextModel): void {
  if (kept.has(model) || !pieceTreeOf(model)) return;
  kept.add(model);
  model.onDidChangeContent(() => sealChangeBuffer(model));
}
