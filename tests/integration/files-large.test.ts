// Files bigger than one 16 MiB message, against the real engine over its WebSocket: written through uploads and
// read in parts byte for byte (with the UI's own transfer code), an oversize request answered instead of left
// waiting, and uploads that cannot be finished refused with typed errors, leaving nothing behind.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode, MAX_MESSAGE_BYTES, type RpcClient } from '@pa/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { readWholeFile, writeWholeFile } from '../../packages/ui/src/editor/file-transfer.js';
import { type StartedEngine, startEngine } from '../support/engine.js';
import { errorOf } from '../support/error-of.js';
import { nextAnswer } from '../support/next-answer.js';
import { copyFixture } from '../support/workspace.js';

let engine: StartedEngine;
let client: RpcClient;
let workspace: ReturnType<typeof copyFixture>;

beforeAll(async () => {
  workspace = copyFixture('sample-project');
  engine = await startEngine({ workspace: workspace.root });
  client = await engine.connect();
});

afterAll(async () => {
  await engine?.stop();
  workspace?.remove();
});

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** About `bytes` of UTF-8 text with lines, multi-byte characters and emoji (surrogate pairs) all through it. */
function largeText(bytes: number): string {
  const line = 'const ü = "größe ✓ 😀"; // line of a large file\n';
  return line.repeat(Math.ceil(bytes / Buffer.byteLength(line)));
}

describe('files bigger than one message', () => {
  it('writes 20 MB through the editor’s save path byte for byte, and reads it back the same', async () => {
    const text = largeText(20 * 1024 * 1024);
    const stat = await writeWholeFile(client, { path: 'big/twenty.txt', content: text });
    const onDisk = readFileSync(join(workspace.root, 'big/twenty.txt'));
    expect(onDisk.length).toBe(Buffer.byteLength(text));
    expect(stat.size).toBe(onDisk.length);
    expect(sha256(onDisk)).toBe(sha256(text));
    expect(readdirSync(join(workspace.root, 'big'))).toEqual(['twenty.txt']);

    const read = await readWholeFile(client, 'big/twenty.txt');
    expect(read.content.length).toBe(text.length);
    expect(sha256(read.content)).toBe(sha256(text));
  }, 60_000);

  it('answers a files.write too big for one message at once, with a refusal that says what to do', async () => {
    const content = 'x'.repeat(MAX_MESSAGE_BYTES + 1);
    const error = await errorOf(client.call('files.write', { path: 'big/one-message.txt', content }));
    expect(error.code).toBe(ErrorCode.TOO_LARGE);
    // the same frame sent raw reaches the engine, which answers it with the request's id
    const socket = new WebSocket(`${engine.url}?token=${engine.token}`);
    await new Promise((resolve) => socket.once('open', resolve));
    const answer = nextAnswer(socket);
    socket.send(JSON.stringify({ id: 77, method: 'files.write', params: { path: 'big/raw.txt', content } }));
    expect(JSON.parse(await answer)).toMatchObject({ id: 77, error: { code: ErrorCode.TOO_LARGE } });
    socket.close();
  }, 60_000);

  it('reads a file over the inline size in parts when asked whole in one message', async () => {
    writeFileSync(join(workspace.root, 'big/six.txt'), largeText(6 * 1024 * 1024));
    const error = await errorOf(client.call('files.read', { path: 'big/six.txt' }));
    expect(error).toMatchObject({ code: ErrorCode.TOO_LARGE, data: { reason: 'read_in_chunks' } });
    const first = await client.call('files.readChunk', { path: 'big/six.txt', offset: 0 });
    // a part ends on a whole character, so a part decodes without replacement characters
    expect(first.text).not.toContain('\ufffd');
    writeFileSync(join(workspace.root, 'big/six.txt'), 'changed meanwhile');
    const changed = await errorOf(
      client.call('files.readChunk', { path: 'big/six.txt', offset: first.nextOffset, expectedMtimeMs: first.mtimeMs }),
    );
    expect(changed.code).toBe(ErrorCode.CONFLICT);
  });

  it('never hands a large file that is not UTF-8 to the editor as text (a save would corrupt it)', async () => {
    const text = Buffer.from(largeText(6 * 1024 * 1024));
    // latin-1 from the start: binary by its first block
    writeFileSync(join(workspace.root, 'big/latin1.txt'), Buffer.concat([Buffer.from('caf\xe9 ', 'latin1'), text]));
    expect(await client.call('files.read', { path: 'big/latin1.txt' })).toMatchObject({ binary: true, content: '' });
    // text at the start, a latin-1 byte deep inside: the part that holds it is refused
    const late = Buffer.concat([text, Buffer.from('caf\xe9\n', 'latin1')]);
    writeFileSync(join(workspace.root, 'big/late.txt'), late);
    const error = await errorOf(readWholeFile(client, 'big/late.txt'));
    expect(error).toMatchObject({ code: ErrorCode.BAD_REQUEST, data: { reason: 'binary' } });
  });

  it('refuses a save above the editable limit before any byte is sent', async () => {
    const error = await errorOf(client.call('files.writeBegin', { path: 'big/huge.txt', size: 300 * 1024 * 1024 }));
    expect(error.code).toBe(ErrorCode.TOO_LARGE);
    expect(error.message).toMatch(/256 MB/);
    expect(readdirSync(join(workspace.root, 'big')).filter((name) => name.includes('huge'))).toEqual([]);
  });

  it('keeps an upload to the connection that began it, and removes it when that connection closes', async () => {
    const owner = await engine.connect();
    const stranger = await engine.connect();
    mkdirSync(join(workspace.root, 'owned'));
    const { uploadId } = await owner.call('files.writeBegin', { path: 'owned/a.txt', size: 6 });
    await owner.call('files.writeChunk', { uploadId, offset: 0, data: 'abc' });
    const refused = await errorOf(stranger.call('files.writeChunk', { uploadId, offset: 3, data: 'def' }));
    expect(refused.code).toBe(ErrorCode.NOT_FOUND);
    expect(readdirSync(join(workspace.root, 'owned'))).toHaveLength(1); // the upload's temp file
    owner.close();
    await expect.poll(() => readdirSync(join(workspace.root, 'owned'))).toEqual([]);
    stranger.close();
  });

  it('refuses a conflict-checked save under a file where a folder must be with a typed answer, not E_INTERNAL', async () => {
    writeFileSync(join(workspace.root, 'in-the-way'), 'a file, not a folder\n');
    for (const call of [
      client.call('files.write', { path: 'in-the-way/a.txt', content: 'x', expectedMtimeMs: 1 }),
      client.call('files.writeBegin', { path: 'in-the-way/a.txt', size: 1, expectedMtimeMs: 1 }),
    ]) {
      const error = await errorOf(call);
      expect(error.code).toBe(ErrorCode.BAD_REQUEST);
      expect(error.message).toMatch(/move what is in the way/);
    }
  });

  it('refuses a commit whose folder was removed meanwhile, and never makes it again', async () => {
    const text = largeText(1024 * 1024);
    const { uploadId } = await client.call('files.writeBegin', { path: 'gone/a.txt', size: Buffer.byteLength(text) });
    await client.call('files.writeChunk', { uploadId, offset: 0, data: text });
    rmSync(join(workspace.root, 'gone'), { recursive: true });
    const commit = await errorOf(client.call('files.writeCommit', { uploadId }));
    expect(commit.code).toBe(ErrorCode.CONFLICT);
    expect(commit.message).toMatch(/try again|save again/);
    expect(readdirSync(workspace.root)).not.toContain('gone');
    expect((await errorOf(client.call('files.writeCommit', { uploadId }))).code).toBe(ErrorCode.NOT_FOUND);
  });
});
