import { ErrorCode, PaError } from '@pa/shared';
import { describe, expect, it } from 'vitest';
import { AiStreamsEngine, answerOf, settle } from '../testing/ai-streams';
import type { WorkbenchApi } from '../workbench/contributions';
import { EditController, type EditTarget, keepTrailingNewline } from './edit-controller';

const TARGET: EditTarget = {
  path: 'src/greet.ts',
  language: 'typescript',
  range: { startLineNumber: 1, startColumn: 1, endLineNumber: 2, endColumn: 1 },
  original: 'const a = 1;\n',
};

function setup() {
  const engine = new AiStreamsEngine();
  const api = { client: engine.client, editor: () => null, notify: () => {} } as unknown as WorkbenchApi;
  const edit = new EditController(api);
  edit.state.set({ phase: 'prompting', target: TARGET });
  return { engine, edit };
}

describe('EditController', () => {
  it('streams the proposal, then shows it for review with who answered', async () => {
    const { engine, edit } = setup();
    const submitting = edit.submit('Use let');
    await settle();
    expect(engine.last()).toMatchObject({
      method: 'ai.edit',
      params: { instruction: 'Use let', code: TARGET.original, path: TARGET.path, language: TARGET.language },
    });
    engine.last().tokens('let a', ' = 1;');
    await settle();
    expect(edit.state.value).toMatchObject({ phase: 'generating', proposed: 'let a = 1;' });
    engine.last().answer(answerOf('let a = 1;'));
    await submitting;
    expect(edit.state.value).toEqual({
      phase: 'reviewing',
      target: TARGET,
      instruction: 'Use let',
      proposed: 'let a = 1;\n',
      answeredBy: 'good · good-model',
    });
  });

  it('goes back to the instruction box with the error when the edit fails', async () => {
    const { engine, edit } = setup();
    const submitting = edit.submit('Use let');
    await settle();
    engine.last().fail(new PaError(ErrorCode.PROVIDER, 'Every model provider failed.', { partial: '' }));
    await submitting;
    expect(edit.state.value).toEqual({ phase: 'prompting', target: TARGET, error: 'Every model provider failed.' });
  });

  it('reject while generating cancels the stream and closes the box; nothing comes back afterwards', async () => {
    const { engine, edit } = setup();
    const submitting = edit.submit('Use let');
    await settle();
    engine.last().tokens('let');
    await settle();
    edit.reject();
    await submitting;
    expect(engine.last().cancelled).toBe(true);
    expect(edit.state.value).toEqual({ phase: 'idle' });
  });

  it('stops the stream when the box is opened for another edit meanwhile', async () => {
    const { engine, edit } = setup();
    const submitting = edit.submit('Use let');
    await settle();
    edit.state.set({ phase: 'prompting', target: { ...TARGET, path: 'src/other.ts' } });
    engine.last().tokens('let');
    await submitting;
    expect(engine.last().cancelled).toBe(true);
    expect(edit.state.value).toMatchObject({ phase: 'prompting', target: { path: 'src/other.ts' } });
  });
});

describe('keepTrailingNewline', () => {
  it('keeps the final newline of the selection when the proposal dropped it', () => {
    expect(keepTrailingNewline('a\nb\n', 'c')).toBe('c\n');
  });

  it('leaves a proposal alone when the selection had no final newline or the proposal kept it', () => {
    expect(keepTrailingNewline('a', 'c')).toBe('c');
    expect(keepTrailingNewline('a\n', 'c\n')).toBe('c\n');
  });
});
