import { type EngineClient, ErrorCode, PaError } from '@pa/shared';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { SharedFileWriter } from './disk-writer';
import { SharedFilesSync } from './shared-files';

const ROOM = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';

/** An engine that admits `shared` only, records writes, and fails the first `down` calls (not answering). */
function engineFake(shared: string[], down = 0) {
  const calls: Array<{ method: string; path: string }> = [];
  let failures = down;
  const client = {
    call: (async (method: string, params: { path: string }) => {
      calls.push({ method, path: params.path });
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
  return { client, calls };
}

function setup(engine: ReturnType<typeof engineFake>, admitted: string[]) {
  const doc = new Y.Doc();
  const files = doc.getMap<Y.Text>('files');
  const writer = new SharedFileWriter(engine.client, ROOM, null);
  const sync = new SharedFilesSync(files, {
    client: engine.client,
    roomId: ROOM,
    writer,
    admitted,
    saveDelayMs: 60_000,
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
      { method: 'collab.writeFile', path: 'README.md' },
      { method: 'collab.admit', path: 'src/new.ts' },
      { method: 'collab.writeFile', path: 'src/new.ts' },
      { method: 'collab.admit', path: 'conftest.py' },
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
});
