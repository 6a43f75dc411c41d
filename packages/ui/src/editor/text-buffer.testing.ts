// For tests only: a Monaco model reduced to its real piece-tree text buffer, which change-buffer.ts reaches into, and
// content listeners fired by `edit`. Monaco's full TextModel needs a browser; its text buffer does not.
import type * as monaco from 'monaco-editor';

/** Monaco's piece-tree text buffer (the one inside every ITextModel); its ESM paths have no type declarations. */
export interface TextBuffer {
  getLinesContent(): string[];
  getLineContent(lineNumber: number): string;
  getPositionAt(offset: number): { lineNumber: number; column: number };
  applyEdits(edits: Array<{ range: unknown; text: string }>, trimWhitespace: boolean, undo: boolean): unknown;
}
const internals = 'monaco-editor/esm/vs/editor/common';
const { PieceTreeTextBufferBuilder } = (await import(
  `${internals}/model/pieceTreeTextBuffer/pieceTreeTextBufferBuilder.js`
)) as {
  PieceTreeTextBufferBuilder: new () => {
    acceptChunk(chunk: string): void;
    finish(normalizeEOL: boolean): { create(eol: number): { textBuffer: TextBuffer } };
  };
};
const { Range } = (await import(`${internals}/core/range.js`)) as {
  Range: new (startLine: number, startColumn: number, endLine: number, endColumn: number) => unknown;
};

/** A model holding `text` in Monaco's real text buffer; `edit` replaces `deleted` chars at `offset` as typing would. */
export function textModel(text: string) {
  const builder = new PieceTreeTextBufferBuilder();
  builder.acceptChunk(text);
  const buffer = builder.finish(true).create(1).textBuffer;
  const listeners: Array<() => void> = [];
  const fake = {
    _buffer: buffer,
    onDidChangeContent: (listener: () => void) => {
      listeners.push(listener);
      return { dispose() {} };
    },
  };
  return {
    model: fake as unknown as monaco.editor.ITextModel,
    buffer,
    listeners,
    edit(offset: number, deleted: number, inserted: string) {
      const start = buffer.getPositionAt(offset);
      const end = buffer.getPositionAt(offset + deleted);
      buffer.applyEdits(
        [{ range: new Range(start.lineNumber, start.column, end.lineNumber, end.column), text: inserted }],
        false,
        false,
      );
      for (const listener of listeners) listener();
    },
  };
}
