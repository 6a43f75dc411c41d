import { ErrorCode, PaError } from '@pa/shared';
import type * as monaco from 'monaco-editor';
import { describe, expect, it } from 'vitest';
import { FakeEngine } from '../testing/fake-engine';
import type { WorkbenchApi } from '../workbench/contributions';
import { formatWithProject, minimalEdit } from './project-format';

/** Just what formatWithProject touches of Monaco's model and editor: the text, its version, offsets, edits. */
function editorOf(text: string) {
  let version = 1;
  const edits: Array<{ range: monaco.IRange; text: string | null }> = [];
  const positionAt = (offset: number) => {
    const lines = text.slice(0, offset).split('\n');
    return { lineNumber: lines.length, column: (lines.at(-1) ?? '').length + 1 };
  };
  const model = {
    getValue: () => text,
    getVersionId: () => version,
    isDisposed: () => false,
    getPositionAt: positionAt,
    bump: () => {
      version += 1;
    },
  };
  const editor = {
    pushUndoStop: () => true,
    executeEdits: (_source: string, list: Array<{ range: monaco.IRange; text: string | null }>) => {
      edits.push(...list);
      return true;
    },
  };
  return {
    model,
    edits,
    editor: editor as unknown as monaco.editor.IStandaloneCodeEditor,
    textModel: model as unknown as monaco.editor.ITextModel,
  };
}

function apiOf(engine: FakeEngine, notes: string[]): WorkbenchApi {
  return {
    client: engine.client,
    activeFile: () => 'src/a.ts',
    notify: (message: string) => notes.push(message),
  } as unknown as WorkbenchApi;
}

const biome = { name: 'biome' as const, version: '2.6.8' };

describe('minimalEdit', () => {
  it('replaces only the changed middle', () => {
    expect(minimalEdit('a\nb  c\nd\n', 'a\nb c\nd\n')).toEqual({ start: 4, end: 5, text: '' });
    expect(minimalEdit('same', 'same')).toBeNull();
    expect(minimalEdit('', 'x\n')).toEqual({ start: 0, end: 0, text: 'x\n' });
  });
});

describe('formatWithProject', () => {
  it("applies the project formatter's text as one edit of the changed span", async () => {
    const engine = new FakeEngine();
    engine.answer('format.detect', () => ({ formatter: biome, available: [biome] }));
    engine.answer('format.document', ({ content }) => ({
      content: content.replace('{b:1}', '{ b: 1 }'),
      formatter: biome,
    }));
    const { editor, textModel, edits } = editorOf('let x;\nconst a = {b:1}\n');
    expect(await formatWithProject(apiOf(engine, []), editor, textModel)).toBe(true);
    expect(edits).toEqual([
      { range: { startLineNumber: 2, startColumn: 12, endLineNumber: 2, endColumn: 15 }, text: ' b: 1 ' },
    ]);
  });

  it('leaves the file to the language formatter when no project formatter applies', async () => {
    const engine = new FakeEngine();
    engine.answer('format.detect', () => ({ formatter: null, available: [] }));
    const { editor, textModel } = editorOf('x');
    expect(await formatWithProject(apiOf(engine, []), editor, textModel)).toBe(false);
    expect(engine.calls.map((call) => call.method)).toEqual(['format.detect']);
  });

  it("shows the formatter's message in a toast and edits nothing", async () => {
    const engine = new FakeEngine();
    engine.answer('format.detect', () => ({ formatter: biome, available: [biome] }));
    engine.answer('format.document', () => {
      throw new PaError(ErrorCode.BAD_REQUEST, 'Biome: expected `,` but instead found `;` (1:15)');
    });
    const notes: string[] = [];
    const { editor, textModel, edits } = editorOf('const a = {b:1;');
    expect(await formatWithProject(apiOf(engine, notes), editor, textModel)).toBe(true);
    expect(notes).toEqual(['Biome: expected `,` but instead found `;` (1:15)']);
    expect(edits).toEqual([]);
  });

  it('drops an answer for text that changed while the formatter ran', async () => {
    const engine = new FakeEngine();
    const { editor, textModel, edits, model } = editorOf('a  b');
    engine.answer('format.detect', () => ({ formatter: biome, available: [biome] }));
    engine.answer('format.document', () => {
      model.bump();
      return { content: 'a b', formatter: biome };
    });
    expect(await formatWithProject(apiOf(engine, []), editor, textModel)).toBe(true);
    expect(edits).toEqual([]);
  });
});
