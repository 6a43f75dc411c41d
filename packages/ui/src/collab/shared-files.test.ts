import { type EngineClient, ErrorCode, PaError } from '@pa/shared';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { SharedFileWriter } from './disk-writer';
import { SharedFilesSync } from './shared-files';

const ROOM = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';

/** An engine that admits `shared` only, records writes, and fails the first `down` calls (not answering). */
function engineFake(shared: string[], down = 0, onDisk: string[] = []) {
  const calls: Array<{ method: string; path: string }> = [];
  const written = new Map<string, string>();
  let failures = down;
  const client = {
    call: (async (method: string, params: { path: string; content?: string }) => {
      if (method === 'files.tree') return { files: onDisk, truncated: false };
      calls.push({ method, path: params.path });
      if (params.content !== undefined) written.set(params.path, params.content);
      if (failures > 0) {
        failures -= 1;
        throw new PaError(ErrorCode.UNAVAILABLE, 'The engine is restarting.');
      }
      if (method === 'collab.admit') {
        return shared.includes(params.path)
          ? { admitted: true, path: params.path }
          : { admitted: false, path: params.path, reason: 'not-shared', message: `Refused ${params.path}.` };
      }
      return { path: params.path, size: 0, mtimeMs: 1 };
    }) as unknown as EngineClient['call'],
  };
  return { client, calls, written };
}

function setup(
  engine: ReturnType<typeof engineFake>,
  admitted: string[],
  options: { autoSave?: () => boolean; writeMissing?: boolean; bom?: (path: string) => boolean } = {},
) {
  const doc = new Y.Doc();
  const files = doc.getMap<Y.Text>('files');
  const writer = new SharedFileWriter(engine.client, ROOM, null);
  const sync = new SharedFilesSync(files, {
    client: engine.client,
    roomId: ROOM,
    writer,
    admitted,
    checkDelayMs: 60_000,
    ...options,
  });
  return { files, sync };
}

describe('SharedFilesSync', () => {
  it('asks the engine before writing a new key, and writes only what it admitted', async () => {
    const engine = engineFake(['src/new.ts']);
    const { files, sync } = setup(engine, ['README.md']);
    files.set('README.md', new Y.Text('readme'));
    files.set('src/new.ts', new Y.Text('new'));
    files.set('conftest.py', new Y.Text('import os'));
    await sync.save();
    expect(engine.calls).toEqual([
      { method: 'collab.admit', path: 'src/new.ts' },
      { method: 'collab.admit', path: 'conftest.py' },
      { method: 'collab.writeFile', path: 'README.md' },
      { method: 'collab.writeFile', path: 'src/new.ts' },
    ]);
    expect(sync.isAdmitted('src/new.ts')).toBe(true);
    expect(sync.isAdmitted('conftest.py')).toBe(false);
    expect(sync.refusals.value).toEqual([{ path: 'conftest.py', message: 'Refused conftest.py.' }]);
    sync.dispose();
  });

  it('asks once per refused path and lists each refusal once', async () => {
    const engine = engineFake([]);
    const { files, sync } = setup(engine, []);
    files.set('conftest.py', new Y.Text('a'));
    await sync.save();
    files.get('conftest.py')?.insert(0, 'b');
    await sync.save();
    expect(engine.calls).toEqual([{ method: 'collab.admit', path: 'conftest.py' }]);
    expect(sync.refusals.value).toHaveLength(1);
    sync.dispose();
  });

  it('keeps a change whose admission the engine did not answer, and saves it with the next one', async () => {
    const engine = engineFake(['src/new.ts'], 1);
    const { files, sync } = setup(engine, []);
    const warn = console.warn;
    console.warn = () => undefined;
    try {
      files.set('src/new.ts', new Y.Text('v1'));
      await sync.save();
      await sync.save();
    } finally {
      console.warn = warn;
    }
    expect(engine.calls.map((call) => call.method)).toEqual(['collab.admit', 'collab.admit', 'collab.writeFile']);
    expect(sync.refusals.value).toEqual([]);
    sync.dispose();
  });

  it("lists a peer's edit as unsaved and writes nothing until the participant saves", async () => {
    const engine = engineFake(['src/a.ts']);
    const { files, sync } = setup(engine, ['src/a.ts']);
    files.set('src/a.ts', new Y.Text('on disk'));
    sync.markOnDisk('src/a.ts', 'on disk');
    expect(sync.unsaved.value).toEqual([]);
    files.get('src/a.ts')?.insert(0, 'peer: ');
    await sync.check();
    expect(sync.unsaved.value).toEqual(['src/a.ts']);
    expect(engine.calls).toEqual([]);
    await sync.save();
    expect(engine.written.get('src/a.ts')).toBe('peer: on disk');
    expect(sync.unsaved.value).toEqual([]);
    sync.dispose();
  });

  it('counts a file the workbench saved itself (Ctrl+S on its tab) as saved', async () => {
    const engine = engineFake(['src/a.ts']);
    const { files, sync } = setup(engine, ['src/a.ts']);
    files.set('src/a.ts', new Y.Text('edited'));
    expect(sync.unsaved.value).toEqual(['src/a.ts']);
    sync.markOnDisk('src/a.ts', 'older text');
    expect(sync.unsaved.value).toEqual(['src/a.ts']);
    sync.markOnDisk('src/a.ts', 'edited');
    expect(sync.unsaved.value).toEqual([]);
    sync.dispose();
  });

  it('writes every admitted change by itself when auto-save is on', async () => {
    const engine = engineFake(['src/a.ts']);
    const { files, sync } = setup(engine, ['src/a.ts'], { autoSave: () => true });
    files.set('src/a.ts', new Y.Text('typed'));
    await sync.check();
    expect(engine.written.get('src/a.ts')).toBe('typed');
    expect(sync.unsaved.value).toEqual([]);
    sync.dispose();
  });

  it('a guest writes a shared file it does not have yet when it arrives, and leaves the ones it has to Save', async () => {
    const engine = engineFake(['new.ts', 'have.ts'], 0, ['have.ts']);
    const { files, sync } = setup(engine, [], { writeMissing: true });
    files.set('new.ts', new Y.Text('new'));
    files.set('have.ts', new Y.Text('host version'));
    await sync.check();
    expect([...engine.written]).toEqual([['new.ts', 'new']]);
    files.get('have.ts')?.insert(0, 'edit ');
    await sync.check();
    expect(sync.unsaved.value).toEqual(['have.ts']);
    sync.dispose();
  });

  it("puts a file's byte order mark back in front of its text when writing it", async () => {
    const engine = engineFake(['bom.txt']);
    const { files, sync } = setup(engine, ['bom.txt'], { bom: (path) => path === 'bom.txt' });
    files.set('bom.txt', new Y.Text('text\r\n'));
    await sync.save();
    expect(engine.written.get('bom.txt')).toBe('\uFEFFtext\r\n');
    sync.dispose();
  });

  it('rejects a save the engine did not answer and keeps the change unsaved', async () => {
    const engine = engineFake(['src/a.ts'], 1);
    const { files, sync } = setup(engine, ['src/a.ts']);
    files.set('src/a.ts', new Y.Text('text'));
    await expect(sync.save()).rejects.toMatchObject({ code: ErrorCode.UNAVAILABLE });
    expect(sync.unsaved.value).toEqual(['src/a.ts']);
    await sync.save();
    expect(sync.unsaved.value).toEqual([]);
    sync.dispose();
  });
});
