import type * as monaco from 'monaco-editor/esm/vs/editor/editor.api';
import { describe, expect, it } from 'vitest';
import { navigationTree } from './navigation-tree';

const model = { uri: { toString: () => 'file:///src/a.ts' } } as unknown as monaco.editor.ITextModel;
const tree = { text: '"a"', kind: 'module', spans: [{ start: 0, length: 1 }] };

/** A worker getter whose first `silent` workers never answer (stopped by a restart), the next ones do. */
function workers(silent: number) {
  let made = 0;
  const getWorker = async () => async () => {
    made++;
    const answers = made > silent;
    return { getNavigationTree: () => (answers ? Promise.resolve(tree) : new Promise<never>(() => undefined)) };
  };
  return { getWorker, made: () => made };
}

describe('navigationTree', () => {
  it('asks the worker again when the one it asked never answers (a restarted TypeScript worker)', async () => {
    const source = workers(1);
    expect(await navigationTree(source.getWorker, model, 20)).toEqual(tree);
    expect(source.made()).toBe(2);
  });

  it('gives up after three unanswered tries with a message saying what to do', async () => {
    const source = workers(Number.POSITIVE_INFINITY);
    await expect(navigationTree(source.getWorker, model, 10)).rejects.toThrow(/did not answer. Try again/);
    expect(source.made()).toBe(3);
  });
});
