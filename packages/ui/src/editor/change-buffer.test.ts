import * as prng from 'lib0/prng';
import type * as monaco from 'monaco-editor';
import { describe, expect, it } from 'vitest';
import { keepChangeBufferShort, pieceTreeOf, SEAL_AT_CHARS, sealChangeBuffer } from './change-buffer';
// Monaco's real text buffer: sealing touches its private fields, only the real thing tells whether text survives
import { textModel } from './text-buffer.testing';

describe('sealChangeBuffer', () => {
  it('keeps the text, line by line, through thousands of edits with seals in between', () => {
    // seeded, so a failure replays the same edits
    const gen = prng.create(7);
    const { model, buffer, edit } = textModel('fn main() {\n}\n');
    let expected = 'fn main() {\n}\n';
    let seals = 0;
    for (let i = 0; i < 3000; i++) {
      const offset = prng.uint32(gen, 0, expected.length);
      const deleted = prng.uint32(gen, 0, 9) < 3 ? prng.uint32(gen, 0, Math.min(8, expected.length - offset)) : 0;
      const inserted = prng.oneOf(gen, ['x', 'let a = 1;\n', '\n', '{}', '  ', '']);
      edit(offset, deleted, inserted);
      expected = expected.slice(0, offset) + inserted + expected.slice(offset + deleted);
      if (sealChangeBuffer(model, 64)) seals += 1;
      const lines = expected.split('\n');
      const line = prng.uint32(gen, 1, lines.length);
      expect(buffer.getLineContent(line)).toBe(lines[line - 1]);
    }
    expect(buffer.getLinesContent().join('\n')).toBe(expected);
    expect(seals).toBeGreaterThan(10);
    expect(pieceTreeOf(model)?._buffers[0]?.buffer.length).toBeLessThan(64 + 'let a = 1;\n'.length);
  });

  it('leaves a change buffer under the limit alone', () => {
    const { model, edit } = textModel('abc');
    edit(1, 0, 'typed');
    expect(sealChangeBuffer(model)).toBe(false);
    expect(pieceTreeOf(model)?._buffers[0]?.buffer).toBe('typed');
  });

  it('does nothing to a model whose internals it does not know', () => {
    const stranger = { _buffer: { _pieceTree: { _buffers: 'no' } } } as unknown as monaco.editor.ITextModel;
    expect(pieceTreeOf(stranger)).toBeNull();
    expect(sealChangeBuffer(stranger, 0)).toBe(false);
  });
});

describe('keepChangeBufferShort', () => {
  it('seals after the edit that passes the limit, listening once however often it is called', () => {
    const { model, listeners, edit, buffer } = textModel('');
    keepChangeBufferShort(model);
    keepChangeBufferShort(model);
    expect(listeners).toHaveLength(1);
    const chunk = `${'y'.repeat(1023)}\n`;
    for (let i = 0; i < 17; i++) edit(i * chunk.length, 0, chunk);
    expect(pieceTreeOf(model)?._buffers[0]?.buffer.length).toBeLessThan(SEAL_AT_CHARS);
    // 17 k chars typed in 1 k chunks, sealed at 2 k: eight sealed buffers beside the change buffer
    expect(pieceTreeOf(model)?._buffers.length).toBeGreaterThanOrEqual(1 + 8);
    expect(buffer.getLinesContent().join('\n')).toBe(chunk.repeat(17));
  });
});
