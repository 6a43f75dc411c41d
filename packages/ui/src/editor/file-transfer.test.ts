import { type EngineClient, ErrorCode, PaError, WRITE_CHUNK_CHARS } from '@pa/shared';
import { describe, expect, it } from 'vitest';
import { SINGLE_WRITE_CHARS, splitText, writeWholeFile } from './file-transfer';

/** The engine's side of an upload, recording each call; `failPart` refuses that part as a full disk would. */
function uploadEngine(failPart?: number) {
  const calls: Array<{ method: string; params: Record<string, unknown> }> = [];
  let parts = 0;
  const call = (async (method: string, params: Record<string, unknown>) => {
    calls.push({ method, params });
    if (method === 'files.writeBegin') return { uploadId: 'u1' };
    if (method === 'files.writeChunk') {
      if (parts++ === failPart) throw new PaError(ErrorCode.UNAVAILABLE, 'The disk has no room; free some space.');
      return { received: 0 };
    }
    if (method === 'files.writeCommit') return { path: 'a.txt', size: 1, mtimeMs: 2 };
    if (method === 'files.writeAbort') return { ok: true };
    throw new Error(`unexpected ${method}`);
  }) as unknown as EngineClient['call'];
  return { client: { call }, calls };
}

describe('file transfer', () => {
  it('cuts text into parts without splitting a character made of two UTF-16 units', () => {
    const parts = splitText('ab😀cd', 3);
    expect(parts).toEqual(['ab', '😀c', 'd']);
    expect(parts.join('')).toBe('ab😀cd');
  });

  it('sends a large text in parts at the UTF-8 byte offsets the engine counts, then commits', async () => {
    const { client, calls } = uploadEngine();
    const text = `${'é'.repeat(WRITE_CHUNK_CHARS)}tail`;
    await writeWholeFile(client, { path: 'a.txt', content: text, expectedMtimeMs: 5 });
    expect(calls.map((c) => c.method)).toEqual([
      'files.writeBegin',
      'files.writeChunk',
      'files.writeChunk',
      'files.writeCommit',
    ]);
    expect(calls[0]?.params).toEqual({ path: 'a.txt', size: 2 * WRITE_CHUNK_CHARS + 4, expectedMtimeMs: 5 });
    expect(calls[2]?.params).toMatchObject({ offset: 2 * WRITE_CHUNK_CHARS, data: 'tail' });
  });

  it('aborts the upload when a part is refused, and passes the refusal on', async () => {
    const { client, calls } = uploadEngine(0);
    const write = writeWholeFile(client, { path: 'a.txt', content: 'x'.repeat(SINGLE_WRITE_CHARS + 1) });
    await expect(write).rejects.toMatchObject({ code: ErrorCode.UNAVAILABLE });
    expect(calls.map((c) => c.method)).toEqual(['files.writeBegin', 'files.writeChunk', 'files.writeAbort']);
  });
});
