import type * as monaco from 'monaco-editor';
import { describe, expect, it } from 'vitest';
import { pieceTreeOf, SEAL_AT_CHARS } from './change-buffer';
import { fileModelFactory } from './models';
import { textModel } from './text-buffer.testing';

/** Monaco's API as the factory calls it, making models on Monaco's real text buffer; `made` keeps what it made. */
function fakeMonaco() {
  const made: Array<ReturnType<typeof textModel> & { language: string }> = [];
  const api = {
    Uri: { from: (parts: monaco.UriComponents) => parts as monaco.Uri },
    editor: {
      getModel: () => null,
      createModel: (text: string, language?: string) => {
        const model = textModel(text);
        made.push({ ...model, language: language ?? '' });
        return model.model;
      },
    },
    languages: { getLanguages: () => [{ id: 'typescript', extensions: ['.ts'] }] },
  };
  return { api, made };
}

describe('fileModelFactory', () => {
  it('keeps the change buffer of every file model short while 100 k chars are typed into it', () => {
    const { api, made } = fakeMonaco();
    const model = fileModelFactory(api)('src/big.ts', 'export const big = 1;\n', false);
    const typed = made[0];
    expect(typed?.model).toBe(model);
    expect(typed?.language).toBe('typescript');
    const keystrokes = 'let a = 1;\n';
    let offset = 0;
    while (offset < 100_000) {
      for (const char of keystrokes) typed?.edit(offset++, 0, char);
    }
    expect(pieceTreeOf(model)?._buffers[0]?.buffer.length).toBeLessThan(SEAL_AT_CHARS);
    expect(typed?.buffer.getLinesContent().join('\n')).toBe(
      `${keystrokes.repeat(offset / keystrokes.length)}export const big = 1;\n`,
    );
  });
});
