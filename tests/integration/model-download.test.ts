// The model manager through the real, built engine: models.pull of the tiny GGUF from a loopback HTTP server with
// Range support — a full download verified (size, header, sha256), kill -9 of the engine mid-download then a
// resume that fetches only what was missing (the server's log of Range headers says so), cancel (partial kept, or
// removed), a corrupted file refused and removed; hostile sources: redirects to file: and other schemes, a path
// traversal in the file name, a server lying about the length, a file larger than the free disk.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ErrorCode,
  type ModelsPullParams,
  type ModelsPullProgress,
  type ModelsPullResult,
  PaError,
  type RpcClient,
  type RpcStream,
} from '@pa/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTinyGguf } from '../../scripts/make-tiny-gguf.js';
import { type StartedEngine, startEngine } from '../support/engine.js';
import { type FileServer, paddedGguf, startFileServer } from './model-download-server.js';

type End =
  | { kind: 'done'; result: ModelsPullResult; items: ModelsPullProgress[] }
  | { kind: 'error'; code: string; message: string; items: ModelsPullProgress[] };

async function collect(
  stream: RpcStream<ModelsPullProgress, ModelsPullResult>,
  onItem?: (item: ModelsPullProgress) => void,
): Promise<End> {
  const items: ModelsPullProgress[] = [];
  try {
    for await (const item of stream) {
      items.push(item);
      onItem?.(item);
    }
    return { kind: 'done', result: await stream.result, items };
  } catch (error) {
    if (error instanceof PaError) return { kind: 'error', code: error.code, message: error.message, items };
    throw error;
  }
}

const sha256 = (buffer: Buffer) => createHash('sha256').update(buffer).digest('hex');
const MB = 1024 * 1024;

describe('models.pull from a loopback server', () => {
  let server: FileServer;
  let engine: StartedEngine;
  let client: RpcClient;
  let tiny: Buffer;
  let modelsDir: string;
  const pull = (params: Partial<ModelsPullParams> & { source: string }) =>
    collect(client.stream('models.pull', params));

  beforeAll(async () => {
    tiny = readFileSync(ensureTinyGguf());
    server = await startFileServer();
    server.files.set('/tiny.gguf', { body: tiny });
    engine = await startEngine();
    client = await engine.connect();
    modelsDir = join(engine.dataDir, 'models');
  });
  afterAll(async () => {
    await engine?.stop();
    await server?.close();
  });

  it('downloads the file into the models folder, checks it and lists it with its header', async () => {
    const end = await pull({ source: `${server.url}/tiny.gguf`, sha256: sha256(tiny) });
    if (end.kind !== 'done') throw new Error(`${end.code}: ${end.message}`);
    expect(end.result.path).toBe(join(modelsDir, 'tiny.gguf'));
    expect(end.result.sizeBytes).toBe(tiny.length);
    expect(end.result.sha256).toBe(sha256(tiny));
    expect(end.result.header).toMatchObject({ architecture: 'llama', name: 'pa-tiny-llama', fim: true });
    expect(readFileSync(end.result.path).equals(tiny)).toBe(true);
    expect(end.items.map((item) => item.phase)).toContain('downloading');
    expect(end.items.at(-1)).toMatchObject({
      phase: 'verifying',
      downloadedBytes: tiny.length,
      totalBytes: tiny.length,
    });

    const { models } = await client.call('models.list');
    expect(models).toEqual([
      expect.objectContaining({ fileName: 'tiny.gguf', partial: false, sizeBytes: tiny.length, error: null }),
    ]);
    // again: already there, nothing fetched
    const before = server.log.filter((entry) => entry.method === 'GET').length;
    const again = await pull({ source: `${server.url}/tiny.gguf` });
    expect(again.kind === 'done' && again.result.alreadyPresent).toBe(true);
    expect(
      server.log.filter((entry) => entry.method === 'GET' && entry.bytesSent > 0).length - before,
    ).toBeLessThanOrEqual(1);
  });

  it('refuses a file whose sha256 is not the one the server announces, and removes it', async () => {
    server.files.set('/badsum.gguf', { body: tiny, headers: { 'x-linked-etag': `"${'ab'.repeat(32)}"` } });
    const end = await pull({ source: `${server.url}/badsum.gguf` });
    expect(end).toMatchObject({ kind: 'error', code: ErrorCode.BAD_REQUEST });
    expect(end.kind === 'error' && end.message).toMatch(/sha256/);
    expect(existsSync(join(modelsDir, 'badsum.gguf'))).toBe(false);
  });

  it('refuses what is not a GGUF file, and removes it', async () => {
    server.files.set('/notgguf.gguf', {
      body: Buffer.from('<html>this is a login page, not a model</html>'.repeat(50)),
    });
    const end = await pull({ source: `${server.url}/notgguf.gguf` });
    expect(end).toMatchObject({ kind: 'error', code: ErrorCode.BAD_REQUEST });
    expect(end.kind === 'error' && end.message).toMatch(/not a GGUF/);
    expect(existsSync(join(modelsDir, 'notgguf.gguf'))).toBe(false);
  });

  it('refuses other schemes and redirects to them, before anything is downloaded', async () => {
    for (const source of [
      'file:///etc/passwd',
      'ftp://127.0.0.1/x.gguf',
      '/etc/passwd',
      'data:,GGUF',
      'hf:../../etc',
    ]) {
      const end = await pull({ source });
      expect(end, source).toMatchObject({ kind: 'error', code: ErrorCode.BAD_REQUEST });
    }
    server.routes.set('/to-file.gguf', (_request, response) => {
      response.writeHead(302, { location: 'file:///etc/passwd' }).end();
    });
    server.routes.set('/to-ftp.gguf', (_request, response) => {
      response.writeHead(301, { location: 'ftp://127.0.0.1/x.gguf' }).end();
    });
    for (const path of ['/to-file.gguf', '/to-ftp.gguf']) {
      const end = await pull({ source: `${server.url}${path}` });
      expect(end, path).toMatchObject({ kind: 'error', code: ErrorCode.FORBIDDEN });
      expect(server.log.filter((entry) => entry.path === path && entry.method === 'GET')).toEqual([]);
    }
    expect(readdirSync(modelsDir).filter((name) => name.includes('to-'))).toEqual([]);
  });

  it('keeps a traversing file name inside the models folder', async () => {
    server.files.set('/dir/..%2F..%2Fescaped.gguf', { body: tiny });
    const viaUrl = await pull({ source: `${server.url}/dir/..%2F..%2Fescaped.gguf` });
    if (viaUrl.kind !== 'done') throw new Error(`${viaUrl.code}: ${viaUrl.message}`);
    expect(viaUrl.result.path).toBe(join(modelsDir, 'escaped.gguf'));
    const viaName = await pull({ source: `${server.url}/tiny.gguf`, fileName: '../../x.gguf' });
    if (viaName.kind !== 'done') throw new Error(`${viaName.code}: ${viaName.message}`);
    expect(viaName.result.path).toBe(join(modelsDir, 'x.gguf'));
    expect(existsSync(join(engine.dataDir, 'x.gguf'))).toBe(false);
    expect(existsSync(join(engine.dataDir, '..', 'x.gguf'))).toBe(false);
    expect(existsSync(join(engine.dataDir, '..', 'escaped.gguf'))).toBe(false);
    // nor into a folder whose files make tools run code, nor a relative one
    for (const dir of [join(engine.dataDir, 'repo', '.git', 'hooks'), join(engine.dataDir, '.vscode')]) {
      expect(await pull({ source: `${server.url}/tiny.gguf`, dir }), dir).toMatchObject({ code: ErrorCode.FORBIDDEN });
      expect(existsSync(dir)).toBe(false);
    }
    expect(await pull({ source: `${server.url}/tiny.gguf`, dir: 'models' })).toMatchObject({
      code: ErrorCode.BAD_REQUEST,
    });
    const hidden = await pull({ source: `${server.url}/tiny.gguf`, fileName: '..' });
    expect(hidden).toMatchObject({ kind: 'error', code: ErrorCode.BAD_REQUEST });
  });

  it('refuses a server that announces more bytes than it sends; no model is left', async () => {
    server.files.set('/liar.gguf', { body: tiny, lieLength: tiny.length + 100_000 });
    const end = await pull({ source: `${server.url}/liar.gguf`, stallTimeoutMs: 1_500 });
    expect(end.kind).toBe('error');
    expect([ErrorCode.PROVIDER, ErrorCode.TIMEOUT]).toContain(end.kind === 'error' ? end.code : '');
    expect(existsSync(join(modelsDir, 'liar.gguf'))).toBe(false);
  });

  it('refuses a file larger than the free disk with a typed error, before downloading', async () => {
    server.files.set('/huge.gguf', { body: tiny, headLength: 4 * 1024 ** 5 }); // 4 PiB
    const end = await pull({ source: `${server.url}/huge.gguf` });
    expect(end, JSON.stringify(end).slice(0, 400)).toMatchObject({ kind: 'error', code: ErrorCode.TOO_LARGE });
    expect(end.kind === 'error' && end.message).toMatch(/free/);
    expect(server.log.filter((entry) => entry.path === '/huge.gguf' && entry.method === 'GET')).toEqual([]);
  });

  it('reads a remote header by range requests and scores it for this machine; recommends from the catalog', async () => {
    const before = server.log.length;
    const inspected = await client.call('models.inspect', { source: `${server.url}/tiny.gguf`, contextSize: 2048 });
    expect(inspected.header).toMatchObject({ architecture: 'llama', fim: true, trainContextSize: 4096 });
    expect(inspected.fit).toMatchObject({ basis: 'insights', fits: true, totalLayers: expect.any(Number) });
    expect(inspected.fit.contextSize).toBeGreaterThan(0);
    // the header only: not the whole file
    const sent = server.log.slice(before).reduce((sum, entry) => sum + entry.bytesSent, 0);
    expect(sent).toBeLessThan(tiny.length * 2);
    await expect(client.call('models.inspect', { source: 'file:///etc/passwd' })).rejects.toMatchObject({
      code: ErrorCode.BAD_REQUEST,
    });

    const { hardware, entries } = await client.call('models.recommend');
    expect(hardware.ramBytes).toBeGreaterThan(0);
    expect(hardware.freeDiskBytes).toBeGreaterThan(0); // the models folder need not exist yet
    expect(entries.map((entry) => entry.id)).toEqual(
      expect.arrayContaining(['qwen2.5-coder-0.5b', 'qwen2.5-coder-7b']),
    );
    expect(entries.some((entry) => entry.moe)).toBe(true);
    for (const entry of entries) expect(entry.source).toMatch(/^hf:[\w.-]+\/[\w.-]+\/[\w.-]+\.gguf$/);
    // the smallest coder fits wherever the engine runs; the badge is the size estimate's, never a constant
    const smallest = entries.find((entry) => entry.id === 'qwen2.5-coder-0.5b');
    expect(smallest?.fit.fits).toBe(
      smallest ? smallest.fit.ramBytes <= hardware.ramBytes || smallest.fit.gpuLayers !== 0 : false,
    );
    expect(
      entries.filter((entry) => entry.recommended && entry.purpose[0] === 'completion').length,
    ).toBeLessThanOrEqual(1);
  });

  it('cancels (models.cancel): the partial file is kept for a resume, or removed when asked', async () => {
    const body = paddedGguf(tiny, 12 * MB);
    server.files.set('/slow.gguf', { body, rate: 4 * MB });
    const source = `${server.url}/slow.gguf`;
    let asked = false;
    const end = await collect(client.stream('models.pull', { source }), (item) => {
      // ipull writes whole 5 MB chunks: past the first one there is something to keep
      if (!asked && item.downloadedBytes > 6 * MB) {
        asked = true;
        void client.call('models.cancel', { source });
      }
    });
    expect(end).toMatchObject({ kind: 'error', code: ErrorCode.CANCELLED });
    expect(existsSync(join(modelsDir, 'slow.gguf'))).toBe(false);
    expect(existsSync(join(modelsDir, 'slow.gguf.ipull'))).toBe(true);
    const listed = await client.call('models.list');
    expect(listed.models.find((model) => model.fileName === 'slow.gguf')).toMatchObject({ partial: true });

    asked = false;
    const removed = await collect(client.stream('models.pull', { source }), (item) => {
      if (!asked && item.phase === 'downloading') {
        asked = true;
        void client.call('models.cancel', { source, deletePartial: true });
      }
    });
    expect(removed).toMatchObject({ kind: 'error', code: ErrorCode.CANCELLED });
    expect(existsSync(join(modelsDir, 'slow.gguf.ipull'))).toBe(false);
    expect(await client.call('models.cancel', { source })).toEqual({ cancelled: false });
  });
});

describe('models.pull of an hf: URI (HF_ENDPOINT on loopback)', () => {
  let server: FileServer;
  let engine: StartedEngine;
  let client: RpcClient;
  let tiny: Buffer;

  beforeAll(async () => {
    tiny = readFileSync(ensureTinyGguf());
    server = await startFileServer();
    server.files.set('/cdn/coder.gguf', { body: tiny });
    // Hugging Face's resolve URL: a redirect to its CDN carrying the LFS sha256 and size
    const resolveTo = (sha: string) => (_request: IncomingMessage, response: ServerResponse) => {
      response
        .writeHead(302, {
          location: '/cdn/coder.gguf',
          'x-linked-etag': `"${sha}"`,
          'x-linked-size': String(tiny.length),
        })
        .end();
    };
    server.routes.set('/org/coder-GGUF/resolve/main/coder.gguf', resolveTo(sha256(tiny)));
    server.routes.set('/org/tampered-GGUF/resolve/main/coder.gguf', resolveTo('cd'.repeat(32)));
    engine = await startEngine({ env: { HF_ENDPOINT: `${server.url}/` } });
    client = await engine.connect();
  });
  afterAll(async () => {
    await engine?.stop();
    await server?.close();
  });

  it('downloads it under its own file name, checked against the sha256 Hugging Face announces', async () => {
    const end = await collect(client.stream('models.pull', { source: 'hf:org/coder-GGUF/coder.gguf' }));
    if (end.kind !== 'done') throw new Error(`${end.code}: ${end.message}`);
    expect(end.result).toMatchObject({ fileName: 'coder.gguf', sha256: sha256(tiny), sizeBytes: tiny.length });
    expect(end.result.path).toBe(join(engine.dataDir, 'models', 'coder.gguf'));
  });

  it('recommends by the real headers when asked: insights for what the server has, the size estimate for the rest', async () => {
    server.files.set('/ggml-org/Qwen2.5-Coder-0.5B-Q8_0-GGUF/resolve/main/qwen2.5-coder-0.5b-q8_0.gguf', {
      body: tiny,
    });
    const { entries } = await client.call('models.recommend', { inspect: true, contextSize: 2048 });
    const byId = new Map(entries.map((entry) => [entry.id, entry]));
    // the tiny model's header read by range requests: 2 blocks + the output layer, as node-llama-cpp counts them
    expect(byId.get('qwen2.5-coder-0.5b')?.fit).toMatchObject({ basis: 'insights', totalLayers: 3, fits: true });
    expect(byId.get('qwen2.5-coder-7b')?.fit.basis).toBe('size'); // 404 here: the estimate stands
    const plain = await client.call('models.recommend');
    expect(plain.entries.every((entry) => entry.fit.basis === 'size')).toBe(true);
  });

  it('refuses and removes a file whose bytes are not the announced sha256', async () => {
    const end = await collect(
      client.stream('models.pull', { source: 'hf:org/tampered-GGUF/coder.gguf', fileName: 'tampered.gguf' }),
    );
    expect(end).toMatchObject({ kind: 'error', code: ErrorCode.BAD_REQUEST });
    expect(existsSync(join(engine.dataDir, 'models', 'tampered.gguf'))).toBe(false);
  });
});

describe('models.pull after kill -9 of the engine', () => {
  let server: FileServer;
  let dataDir: string;
  const engines: StartedEngine[] = [];

  beforeAll(async () => {
    server = await startFileServer();
    dataDir = mkdtempSync(join(tmpdir(), 'pa-models-'));
  });
  afterAll(async () => {
    for (const engine of engines) await engine.stop();
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('resumes: the bytes already on disk are not fetched again', async () => {
    const body = paddedGguf(readFileSync(ensureTinyGguf()), 24 * MB);
    server.files.set('/big.gguf', { body, rate: 3 * MB });
    const source = `${server.url}/big.gguf`;

    const first = await startEngine({ dataDir });
    engines.push(first);
    const client = await first.connect();
    const killed = new Promise<void>((resolve) => first.process.once('exit', () => resolve()));
    const stream = client.stream('models.pull', { source });
    // two of ipull's 5 MB chunks written and recorded, then the engine dies without a word
    void collect(stream, (item) => {
      if (item.downloadedBytes >= 16 * MB && first.process.exitCode === null) first.process.kill('SIGKILL');
    });
    await killed;
    const partial = join(dataDir, 'models', 'big.gguf.ipull');
    expect(existsSync(partial)).toBe(true);
    expect(existsSync(join(dataDir, 'models', 'big.gguf'))).toBe(false);

    const firstRun = server.log.length;
    const second = await startEngine({ dataDir });
    engines.push(second);
    const end = await collect((await second.connect()).stream('models.pull', { source, sha256: sha256(body) }));
    if (end.kind !== 'done') throw new Error(`${end.code}: ${end.message}`);
    expect(end.result.resumedFromBytes).toBeGreaterThanOrEqual(5 * MB);
    expect(end.result.sha256).toBe(sha256(body));
    expect(statSync(end.result.path).size).toBe(body.length);

    // the second run asked only for ranges past what the first one finished
    const ranged = server.log.slice(firstRun).filter((entry) => entry.method === 'GET' && entry.range);
    expect(ranged.length).toBeGreaterThan(0);
    const requested = ranged.reduce((sum, entry) => {
      const [, from, to] = /bytes=(\d+)-(\d+)/.exec(entry.range ?? '') ?? [];
      return sum + (Number(to) - Number(from) + 1);
    }, 0);
    expect(requested).toBeLessThanOrEqual(body.length - 5 * MB);
  }, 60_000);
});
