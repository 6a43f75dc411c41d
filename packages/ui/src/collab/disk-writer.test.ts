import { type EngineClient, ErrorCode, PaError } from '@pa/shared';
import { describe, expect, it } from 'vitest';
import { SharedFileWriter } from './disk-writer';

const ROOM = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';

function setup(open: string[]) {
  const direct: Array<{ path: string; content: string }> = [];
  const throughWorkbench: string[] = [];
  const client = {
    call: (async (_method: string, params: { path: string; content: string }) => {
      direct.push({ path: params.path, content: params.content });
      return { path: params.path, mtimeMs: 1, size: params.content.length };
    }) as unknown as EngineClient['call'],
  };
  const writer = new SharedFileWriter(client, ROOM, {
    isOpen: (path) => open.includes(path),
    save: async (path) => {
      throughWorkbench.push(path);
    },
  });
  return { writer, direct, throughWorkbench };
}

describe('SharedFileWriter', () => {
  it('saves a shared file open in a tab through the workbench, not with a direct write', async () => {
    const { writer, direct, throughWorkbench } = setup(['src/open.ts']);
    await writer.write('src/open.ts', 'text');
    expect(throughWorkbench).toEqual(['src/open.ts']);
    expect(direct).toEqual([]);
  });

  it('writes a shared file that is not open with collab.writeFile, once per new content', async () => {
    const { writer, direct, throughWorkbench } = setup([]);
    writer.remember('src/closed.ts', 'on disk');
    await writer.write('src/closed.ts', 'on disk');
    await writer.write('src/closed.ts', 'changed');
    await writer.write('src/closed.ts', 'changed');
    expect(direct).toEqual([{ path: 'src/closed.ts', content: 'changed' }]);
    expect(throughWorkbench).toEqual([]);
  });

  it('saves an open file even when its text equals the disk, so its tab loses the dirty marker', async () => {
    const { writer, throughWorkbench } = setup(['src/open.ts']);
    writer.remember('src/open.ts', 'same');
    await writer.write('src/open.ts', 'same');
    expect(throughWorkbench).toEqual(['src/open.ts']);
  });

  it('writes the file directly when its tab closed before the workbench saved it', async () => {
    const direct: Array<{ path: string; content: string }> = [];
    const client = {
      call: (async (_method: string, params: { path: string; content: string }) => {
        direct.push({ path: params.path, content: params.content });
        return { path: params.path, mtimeMs: 1, size: 0 };
      }) as unknown as EngineClient['call'],
    };
    const writer = new SharedFileWriter(client, ROOM, {
      isOpen: () => true,
      save: async (path) => {
        throw new PaError(ErrorCode.NOT_FOUND, `"${path}" is not open in the editor.`);
      },
    });
    await writer.write('src/closed.ts', 'latest');
    expect(direct).toEqual([{ path: 'src/closed.ts', content: 'latest' }]);
  });

  it('rejects a write that failed and tries again with the next one', async () => {
    const attempts: string[] = [];
    const client = {
      call: (async (_method: string, params: { path: string; content: string }) => {
        attempts.push(params.content);
        if (attempts.length === 1) throw new Error('disk full');
        return { path: params.path, mtimeMs: 1, size: 0 };
      }) as unknown as EngineClient['call'],
    };
    const writer = new SharedFileWriter(client, ROOM, null);
    await expect(writer.write('a.ts', 'x')).rejects.toThrow('disk full');
    await writer.write('a.ts', 'x');
    expect(attempts).toEqual(['x', 'x']);
  });

  it("writes a closed file with collab.writeFile and throws the engine's refusal instead of retrying it", async () => {
    const calls: Array<{ method: string; roomId: string }> = [];
    const client = {
      call: (async (method: string, params: { roomId: string; path: string }) => {
        calls.push({ method, roomId: params.roomId });
        throw new PaError(ErrorCode.FORBIDDEN, `Refused a guest's change to ${params.path}: not a shared file.`);
      }) as unknown as EngineClient['call'],
    };
    const writer = new SharedFileWriter(client, ROOM, null);
    await expect(writer.write('conftest.py', 'import os')).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
    expect(calls).toEqual([{ method: 'collab.writeFile', roomId: ROOM }]);
  });
});
