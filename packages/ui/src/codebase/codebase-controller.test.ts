import { type CodebaseHit, ErrorCode, type IndexStatus, PaError, type WorkspaceInfo } from '@pa/shared';
import { describe, expect, it } from 'vitest';
import { deferred, FakeEngine } from '../testing/fake-engine';
import type { WorkbenchApi } from '../workbench/contributions';
import { Emitter } from '../workbench/observable';
import { CodebaseController, SEARCH_LIMIT } from './codebase-controller';

const READY: IndexStatus = {
  state: 'ready',
  filesTotal: 3,
  filesIndexed: 3,
  chunks: 9,
  filesPerSecond: null,
  embeddingModel: null,
  embeddingsNote: 'No embedding model is set.',
  embedded: 0,
  error: null,
};

const hit = (path: string, startLine: number, name: string): CodebaseHit => ({
  path,
  startLine,
  endLine: startLine + 4,
  kind: 'function',
  name,
  text: `export function ${name}() {}`,
  score: 1,
  via: ['keyword'],
});

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

function setup(options: { workspace?: boolean } = {}) {
  const engine = new FakeEngine();
  engine.answer('codebase.status', () => READY);
  const opened: Array<{ path: string; line?: number }> = [];
  const notes: string[] = [];
  const workspaceChanged = new Emitter<WorkspaceInfo | null>();
  const api = {
    client: engine.client,
    workspace: () => (options.workspace === false ? null : ({ root: '/w', name: 'w' } as WorkspaceInfo)),
    openFile: async (path: string, position?: { line: number }) => {
      opened.push({ path, ...(position ? { line: position.line } : {}) });
    },
    notify: (message: string) => notes.push(message),
    onDidChangeWorkspace: workspaceChanged.event,
  } as unknown as WorkbenchApi;
  return { engine, opened, notes, workspaceChanged, controller: new CodebaseController(api) };
}

describe('CodebaseController', () => {
  it('reads the status at start and follows codebase.changed; disposing stops following', async () => {
    const { engine, controller } = setup();
    await settle();
    expect(controller.status.value).toEqual(READY);
    const indexing = { ...READY, state: 'indexing' as const, filesIndexed: 1 };
    engine.emit('codebase.changed', indexing);
    expect(controller.status.value).toEqual(indexing);
    controller.dispose();
    expect(engine.listenerCount('codebase.changed')).toBe(0);
  });

  it('searches the query on run() and shows the ranked hits with the time taken', async () => {
    const { engine, controller } = setup();
    const hits = [hit('src/users.ts', 12, 'deleteAccount'), hit('src/auth.ts', 3, 'logout')];
    engine.answer('codebase.search', () => ({ hits, hybrid: false, elapsedMs: 7.4 }));
    controller.setQuery('  remove a user account ');
    const running = controller.run();
    expect(controller.search.value.searching).toBe(true);
    await running;
    expect(engine.calls.at(-1)).toEqual({
      method: 'codebase.search',
      params: { query: 'remove a user account', limit: SEARCH_LIMIT },
    });
    expect(controller.search.value).toMatchObject({
      hits,
      searching: false,
      error: null,
      answered: { query: 'remove a user account', elapsedMs: 7.4, hybrid: false },
    });
  });

  it('keeps the newest query’s answer when an older one arrives after it', async () => {
    const { engine, controller } = setup();
    const slow = deferred<{ hits: CodebaseHit[]; hybrid: boolean; elapsedMs: number }>();
    engine.answer('codebase.search', (params) =>
      params.query === 'first' ? slow.promise : { hits: [hit('b.ts', 1, 'second')], hybrid: true, elapsedMs: 1 },
    );
    controller.setQuery('first');
    const first = controller.run();
    controller.setQuery('second');
    await controller.run();
    slow.resolve({ hits: [hit('a.ts', 1, 'first')], hybrid: false, elapsedMs: 1 });
    await first;
    expect(controller.search.value.hits.map((h) => h.name)).toEqual(['second']);
    expect(controller.search.value.answered?.query).toBe('second');
  });

  it('shows a failed search’s error in place of the results', async () => {
    const { engine, controller } = setup();
    engine.answer('codebase.search', () => {
      throw new PaError(ErrorCode.UNAVAILABLE, 'The codebase index stopped; try again.');
    });
    controller.setQuery('x');
    await controller.run();
    expect(controller.search.value).toMatchObject({
      hits: [],
      searching: false,
      error: 'The codebase index stopped; try again.',
    });
  });

  it('asks for a folder instead of searching when none is open', async () => {
    const { engine, controller } = setup({ workspace: false });
    controller.setQuery('anything');
    await controller.run();
    expect(engine.methods()).not.toContain('codebase.search');
    expect(controller.search.value.error).toBe('Open a folder to index it.');
  });

  it('opens a hit’s file at its first line and moves the keyboard through the hits without leaving them', async () => {
    const { engine, controller, opened } = setup();
    engine.answer('codebase.search', () => ({
      hits: [hit('a.ts', 5, 'a'), hit('b.ts', 40, 'b')],
      hybrid: false,
      elapsedMs: 1,
    }));
    controller.setQuery('q');
    await controller.run();
    expect(controller.move(1)).toBe(0);
    expect(controller.move(1)).toBe(1);
    expect(controller.move(1)).toBe(1);
    expect(controller.move('first')).toBe(0);
    await controller.open(1);
    expect(opened).toEqual([{ path: 'b.ts', line: 40 }]);
    expect(controller.search.value.active).toBe(1);
  });

  it('clears the hits of the old folder when another one opens, keeping the query', async () => {
    const { engine, controller, workspaceChanged } = setup();
    engine.answer('codebase.search', () => ({ hits: [hit('a.ts', 1, 'a')], hybrid: false, elapsedMs: 1 }));
    controller.setQuery('q');
    await controller.run();
    workspaceChanged.fire({ root: '/other', name: 'other' } as WorkspaceInfo);
    expect(controller.search.value).toMatchObject({ query: 'q', hits: [], answered: null });
  });

  it('pauses, resumes and rebuilds through the engine, and shows a refusal as a toast', async () => {
    const { engine, controller, notes } = setup();
    engine.answer('codebase.pause', () => ({ ok: true as const }));
    engine.answer('codebase.resume', () => ({ ok: true as const }));
    engine.answer('codebase.rebuild', () => {
      throw new PaError(ErrorCode.UNAVAILABLE, 'The index is busy.');
    });
    await controller.pause();
    await controller.resume();
    await controller.rebuild();
    expect(engine.methods().filter((method) => method !== 'codebase.status')).toEqual([
      'codebase.pause',
      'codebase.resume',
      'codebase.rebuild',
    ]);
    expect(notes).toEqual(['The index is busy.']);
  });

  it('sets the embedding model: the answer becomes the status, a refusal shows under the field', async () => {
    const { engine, controller } = setup();
    engine.answer('codebase.setModel', ({ path }) => {
      if (path === '/m/bad.onnx') {
        throw new PaError(ErrorCode.NOT_FOUND, 'No tokenizer.json beside /m/bad.onnx.');
      }
      return { ...READY, embeddingModel: path, embeddingsNote: null };
    });
    controller.toggleModelForm(true);
    controller.setModelPath('/m/bad.onnx');
    expect(await controller.applyModel(controller.model.value.path)).toBe(false);
    expect(controller.model.value).toMatchObject({
      open: true,
      busy: false,
      error: 'No tokenizer.json beside /m/bad.onnx.',
    });
    controller.setModelPath(' /m/good.onnx ');
    expect(await controller.applyModel(controller.model.value.path)).toBe(true);
    expect(engine.calls.at(-1)?.params).toEqual({ path: '/m/good.onnx' });
    expect(controller.status.value?.embeddingModel).toBe('/m/good.onnx');
    expect(controller.model.value).toMatchObject({ open: false, error: null });
    // an empty field is not sent
    expect(await controller.applyModel('  ')).toBe(false);
    expect(controller.model.value.error).toBe('Give the absolute path of the .onnx model file.');
  });
});
