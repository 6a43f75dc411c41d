import { type Disposable, toDisposable } from '@pa/shared';
import type * as monaco from 'monaco-editor';
import { describe, expect, it, vi } from 'vitest';
import { FeatureSlot } from '../workbench/feature-slot';
import { activateOnFirstFile, type LazyLspController, type LspApi } from './activation';

class FakeController implements LazyLspController {
  readonly adopted: string[] = [];
  active: string | null | undefined;
  disposed = false;
  adopt(path: string): void {
    this.adopted.push(path);
  }
  followActive(path: string | null): void {
    this.active = path;
  }
  dispose(): void {
    this.disposed = true;
  }
}

function model(languageId: string, disposed = false): monaco.editor.ITextModel {
  return { getLanguageId: () => languageId, isDisposed: () => disposed } as monaco.editor.ITextModel;
}

function harness(load: () => Promise<() => FakeController>) {
  const listeners = new Set<(path: string, model: monaco.editor.ITextModel) => void>();
  const notify = vi.fn();
  const api: LspApi = {
    onDidOpenModel: (listener): Disposable => {
      listeners.add(listener);
      return toDisposable(() => listeners.delete(listener));
    },
    activeFile: () => 'main.py',
    notify,
  };
  const slot = new FeatureSlot<FakeController>();
  const activation = activateOnFirstFile(api, slot, load);
  const open = (path: string, languageId: string, disposed = false) => {
    for (const listener of [...listeners]) listener(path, model(languageId, disposed));
  };
  return { slot, activation, open, notify, listeners };
}

/** A module load the test settles by hand. */
function deferred() {
  let resolve!: (create: () => FakeController) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<() => FakeController>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('the lsp feature loads its controller with the first file a server serves', () => {
  it('fetches nothing for TypeScript, Markdown or JSON files', async () => {
    const load = vi.fn(async () => () => new FakeController());
    const { slot, open } = harness(load);
    open('a.ts', 'typescript');
    open('README.md', 'markdown');
    open('package.json', 'json');
    await settle();
    expect(load).not.toHaveBeenCalled();
    expect(slot.current.value).toBeNull();
  });

  it('loads once, and hands over every server file opened meanwhile (not a closed one) and the active file', async () => {
    const module = deferred();
    const load = vi.fn(() => module.promise);
    const { slot, open, listeners } = harness(load);
    open('main.py', 'python');
    open('notes.md', 'markdown');
    open('lib.go', 'go');
    open('gone.rs', 'rust', true); // closed before the controller arrived
    expect(load).toHaveBeenCalledTimes(1);
    const controller = new FakeController();
    module.resolve(() => controller);
    await settle();
    expect(slot.current.value).toBe(controller);
    expect(controller.adopted).toEqual(['main.py', 'lib.go']);
    expect(controller.active).toBe('main.py');
    expect(listeners.size).toBe(0); // the controller follows the files itself from now on
  });

  it('says a failed load once, and the next server file tries again', async () => {
    let attempts = 0;
    const controller = new FakeController();
    const load = vi.fn(async () => {
      attempts += 1;
      if (attempts === 1) throw new Error('chunk gone');
      return () => controller;
    });
    const { slot, open, notify } = harness(load);
    open('main.py', 'python');
    open('util.py', 'python');
    await settle();
    expect(notify).toHaveBeenCalledTimes(1);
    expect(notify).toHaveBeenCalledWith('The language server client could not be loaded: chunk gone', 'error');
    expect(slot.current.value).toBeNull();
    open('main.c', 'c');
    await settle();
    expect(load).toHaveBeenCalledTimes(2);
    expect(controller.adopted).toEqual(['main.c']);
  });

  it('creates no controller once the feature is gone, and disposes the one it made', async () => {
    const module = deferred();
    const first = harness(() => module.promise);
    first.open('main.py', 'python');
    first.activation.dispose();
    const create = vi.fn(() => new FakeController());
    module.resolve(create);
    await settle();
    expect(create).not.toHaveBeenCalled();
    expect(first.slot.current.value).toBeNull();

    const made = new FakeController();
    const second = harness(async () => () => made);
    second.open('main.py', 'python');
    await settle();
    second.activation.dispose();
    expect(made.disposed).toBe(true);
    expect(second.slot.current.value).toBeNull();
  });
});
