import { type EditorSession, ErrorCode, PaError } from '@pa/shared';
import { describe, expect, it } from 'vitest';
import { HotExit, type HotExitHost, type PageStorage, type Timers } from './hot-exit';

/** Timers the test fires by hand: `run()` plays every pending one, as if typing had stopped long enough. */
class ManualTimers implements Timers {
  private next = 1;
  readonly pending = new Map<number, () => void>();
  setTimeout(callback: () => void) {
    const id = this.next++;
    this.pending.set(id, callback);
    return id;
  }
  clearTimeout(handle: unknown) {
    this.pending.delete(handle as number);
  }
  run() {
    const callbacks = [...this.pending.values()];
    this.pending.clear();
    for (const callback of callbacks) callback();
  }
}

class MemoryStorage implements PageStorage {
  readonly items = new Map<string, string>();
  getItem = (key: string) => this.items.get(key) ?? null;
  setItem = (key: string, value: string) => void this.items.set(key, value);
  removeItem = (key: string) => void this.items.delete(key);
}

/** The engine's backup methods over maps; `down` makes every call fail as a lost connection does. */
function fakeEngine() {
  const backups = new Map<string, { content: string; mtimeMs: number | null }>();
  let session: EditorSession | null = null;
  const calls: string[] = [];
  const engine = {
    down: false,
    backups,
    calls,
    session: () => session,
    call: async (method: string, params?: Record<string, unknown>) => {
      await Promise.resolve();
      if (engine.down) throw new PaError(ErrorCode.UNAVAILABLE, 'The engine is not connected.');
      calls.push(method);
      const path = params?.path as string;
      if (method === 'backup.write') backups.set(path, { content: params?.content as string, mtimeMs: null });
      if (method === 'backup.discard') backups.delete(path);
      if (method === 'backup.saveSession') session = params as unknown as EditorSession;
      if (method === 'backup.restore')
        return { session, backups: [...backups].map(([p, b]) => ({ path: p, ...b, savedAt: 1, disk: 'unchanged' })) };
      return { ok: true };
    },
  };
  return engine;
}

function setUp() {
  const engine = fakeEngine();
  const buffers = new Map<string, string>(); // path → unsaved text (absent: clean)
  let tabs: EditorSession = { tabs: [], active: null };
  const host: HotExitHost = {
    client: engine as unknown as HotExitHost['client'],
    workspaceRoot: () => '/work/project',
    unsaved: (path) => (buffers.has(path) ? { content: buffers.get(path) ?? '', mtimeMs: 10 } : null),
    dirtyPaths: () => [...buffers.keys()],
    session: () => tabs,
  };
  const timers = new ManualTimers();
  const storage = new MemoryStorage();
  const hotExit = new HotExit(host, storage, timers);
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
  return {
    engine,
    buffers,
    timers,
    storage,
    hotExit,
    settle,
    setTabs: (next: EditorSession) => (tabs = next),
    fresh: () =>
      new HotExit(
        { ...host, dirtyPaths: () => [], unsaved: () => null, session: () => ({ tabs: [], active: null }) },
        storage,
        timers,
      ),
  };
}

describe('hot exit', () => {
  it('backs a buffer up once typing stops, not on every keystroke', async () => {
    const { engine, buffers, timers, hotExit, settle } = setUp();
    for (const text of ['a', 'ab', 'abc']) {
      buffers.set('src/a.ts', text);
      hotExit.changed('src/a.ts');
    }
    expect(timers.pending.size).toBe(1);
    timers.run();
    await settle();
    expect(engine.calls).toEqual(['backup.write']);
    expect(engine.backups.get('src/a.ts')?.content).toBe('abc');
  });

  it('a saved or discarded buffer loses its backup and a pending one is not sent after', async () => {
    const { engine, buffers, timers, hotExit, settle } = setUp();
    buffers.set('src/a.ts', 'draft');
    hotExit.changed('src/a.ts');
    timers.run();
    await settle();
    buffers.set('src/a.ts', 'draft 2');
    hotExit.changed('src/a.ts');
    buffers.delete('src/a.ts'); // saved
    hotExit.forget('src/a.ts');
    timers.run();
    await settle();
    expect(engine.backups.has('src/a.ts')).toBe(false);
    expect(engine.calls).toEqual(['backup.write', 'backup.discard']);
  });

  it('keeps the copy in the page while the engine is away and hands it over when it is back', async () => {
    const { engine, buffers, timers, hotExit, storage, settle } = setUp();
    engine.down = true;
    buffers.set('src/a.ts', 'typed while the engine was down');
    hotExit.changed('src/a.ts');
    timers.run();
    await settle();
    expect([...storage.items.values()].join()).toContain('typed while the engine was down');
    engine.down = false;
    await hotExit.handOver();
    expect(engine.backups.get('src/a.ts')?.content).toBe('typed while the engine was down');
    expect(storage.items.size).toBe(0);
  });

  it('a page unloading copies every unsaved buffer and the tabs, which the next page restores', async () => {
    const { engine, buffers, hotExit, setTabs, fresh } = setUp();
    buffers.set('src/a.ts', 'not backed up yet');
    const tabs = { tabs: [{ path: 'src/a.ts', line: 4, column: 2 }], active: 'src/a.ts' };
    setTabs(tabs);
    expect(hotExit.flushToPage()).toBe(true); // no leave prompt needed
    const restored = await fresh().restore();
    expect(restored.session).toEqual(tabs);
    expect(restored.backups.map((backup) => [backup.path, backup.content])).toEqual([
      ['src/a.ts', 'not backed up yet'],
    ]);
    expect(engine.backups.has('src/a.ts')).toBe(true);
  });

  it('says the page must ask before unloading when the copy could not be stored', () => {
    const { buffers, hotExit, storage } = setUp();
    storage.setItem = () => {
      throw new DOMException('full', 'QuotaExceededError');
    };
    buffers.set('src/a.ts', 'unsaved');
    expect(hotExit.flushToPage()).toBe(false);
  });
});
