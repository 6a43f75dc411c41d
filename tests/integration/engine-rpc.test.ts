// The real engine over its real WebSocket: authentication, every files method, and hostile input.
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CloseCode, ErrorCode, type RpcClient } from '@pa/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
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

function openSocket(url: string): Promise<WebSocket> {
  const socket = new WebSocket(url);
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

function nextMessage(socket: WebSocket): Promise<string> {
  return nextAnswer(socket);
}

function closed(socket: WebSocket): Promise<number> {
  return new Promise((resolve) => socket.once('close', (code) => resolve(code)));
}

describe('authentication', () => {
  it('refuses a connection with a wrong token in the query before upgrading', async () => {
    await expect(openSocket(`${engine.url}?token=wrong`)).rejects.toThrow(/401/);
  });

  it('closes a socket whose first message carries a wrong token', async () => {
    const socket = await openSocket(engine.url);
    const code = closed(socket);
    socket.send(JSON.stringify({ token: 'not-the-token' }));
    expect(await code).toBe(CloseCode.unauthorized);
  });

  it('closes a socket that sends a request before authenticating', async () => {
    const socket = await openSocket(engine.url);
    const code = closed(socket);
    socket.send(JSON.stringify({ id: 1, method: 'engine.ping' }));
    expect(await code).toBe(CloseCode.unauthorized);
  });

  it('accepts the token as the first message, then answers requests', async () => {
    const socket = await openSocket(engine.url);
    socket.send(JSON.stringify({ token: engine.token }));
    expect(JSON.parse(await nextMessage(socket))).toEqual({ event: 'auth', data: { ok: true } });
    socket.send(JSON.stringify({ id: 1, method: 'engine.ping' }));
    expect(JSON.parse(await nextMessage(socket))).toMatchObject({ id: 1, result: { pong: true } });
    socket.close();
  });

  it('accepts the token in the query string', async () => {
    const info = await client.call('engine.info');
    expect(info).toMatchObject({ transport: 'websocket', dataDir: engine.dataDir });
  });
});

describe('files', () => {
  it('lists a folder, hiding what .gitignore hides', async () => {
    const { entries } = await client.call('files.list', { dir: '' });
    const names = entries.map((entry) => entry.name);
    expect(names).toEqual(['src', '.gitignore', 'package.json', 'README.md']);
    expect(names).not.toContain('build');
    expect(names).not.toContain('debug.log');
  });

  it('indexes every non-ignored file for quick open', async () => {
    const { files, truncated } = await client.call('files.tree');
    expect(truncated).toBe(false);
    expect(files.sort()).toEqual(['.gitignore', 'README.md', 'package.json', 'src/greet.ts', 'src/math.js']);
  });

  it('reads a file with its size and mtime', async () => {
    const file = await client.call('files.read', { path: 'src/math.js' });
    expect(file.content).toBe(readFileSync(join(workspace.root, 'src/math.js'), 'utf8'));
    expect(file.binary).toBe(false);
    expect(file.size).toBe(Buffer.byteLength(file.content));
  });

  it('writes atomically and refuses a stale write with E_CONFLICT', async () => {
    const before = await client.call('files.read', { path: 'README.md' });
    const written = await client.call('files.write', {
      path: 'README.md',
      content: '# Changed\n',
      expectedMtimeMs: before.mtimeMs,
    });
    expect(readFileSync(join(workspace.root, 'README.md'), 'utf8')).toBe('# Changed\n');
    const stale = await errorOf(
      client.call('files.write', { path: 'README.md', content: 'x', expectedMtimeMs: written.mtimeMs - 1000 }),
    );
    expect(stale.code).toBe(ErrorCode.CONFLICT);
    expect(readFileSync(join(workspace.root, 'README.md'), 'utf8')).toBe('# Changed\n');
  });

  it('creates, renames and deletes files and folders', async () => {
    await client.call('files.create', { path: 'notes', kind: 'dir' });
    await client.call('files.create', { path: 'notes/todo.md', kind: 'file', content: '- ship\n' });
    expect((await errorOf(client.call('files.create', { path: 'notes/todo.md', kind: 'file' }))).code).toBe(
      ErrorCode.CONFLICT,
    );
    await client.call('files.rename', { from: 'notes/todo.md', to: 'notes/done.md' });
    expect(readFileSync(join(workspace.root, 'notes/done.md'), 'utf8')).toBe('- ship\n');
    await client.call('files.delete', { path: 'notes' });
    expect((await errorOf(client.call('files.read', { path: 'notes/done.md' }))).code).toBe(ErrorCode.NOT_FOUND);
  });

  it('refuses paths that escape the workspace, through ".." or a symlink', async () => {
    const outside = join(workspace.root, '..', `${workspace.root.split('/').pop()}-outside`);
    mkdirSync(outside, { recursive: true });
    writeFileSync(join(outside, 'secret.txt'), 'secret');
    symlinkSync(outside, join(workspace.root, 'link-out'));
    try {
      for (const path of ['../secret.txt', 'link-out/secret.txt', '/etc/passwd', 'src/../../x']) {
        expect((await errorOf(client.call('files.read', { path }))).code, path).toBe(ErrorCode.BAD_REQUEST);
      }
      const write = await errorOf(client.call('files.write', { path: 'link-out/new.txt', content: 'x' }));
      expect(write.code).toBe(ErrorCode.BAD_REQUEST);
      const rename = await errorOf(client.call('files.rename', { from: 'README.md', to: '../stolen.md' }));
      expect(rename.code).toBe(ErrorCode.BAD_REQUEST);
    } finally {
      rmSync(join(workspace.root, 'link-out'));
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('reports a change made outside the editor, but not its own writes', async () => {
    const events: string[] = [];
    const subscription = client.on('files.changed', ({ changes }) => {
      for (const change of changes) events.push(`${change.kind}:${change.path}`);
    });
    await client.call('files.write', { path: 'src/math.js', content: 'export const own = 1;\n' });
    const outside = new Promise<void>((resolve) => {
      const watch = client.on('files.changed', ({ changes }) => {
        if (changes.some((change) => change.path === 'src/greet.ts')) {
          watch.dispose();
          resolve();
        }
      });
    });
    writeFileSync(join(workspace.root, 'src/greet.ts'), 'export const changed = true;\n');
    await outside;
    subscription.dispose();
    expect(events).toContain('changed:src/greet.ts');
    expect(events).not.toContain('changed:src/math.js');
  });

  it('remembers recent workspaces across restarts', async () => {
    const { items } = await client.call('workspace.recent');
    expect(items.map((item) => item.path)).toContain(workspace.root);
  });
});

describe('hostile input', () => {
  it('answers 1,000 malformed messages with typed errors and keeps serving', async () => {
    const socket = await openSocket(`${engine.url}?token=${engine.token}`);
    const answers: Array<{ id?: unknown; error?: { code: string } }> = [];
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString());
      // broadcast events (files.changed from earlier tests) are not answers
      if ('id' in message) answers.push(message);
    });
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const deep = (depth: number): unknown => (depth === 0 ? 1 : { a: deep(depth - 1) });
    const generators: Array<() => string | Buffer> = [
      () => Buffer.from(Array.from({ length: 1 + Math.floor(random() * 200) }, () => Math.floor(random() * 256))),
      () => JSON.stringify({ id: 1, method: 'files.read', params: { path: random() } }),
      () => JSON.stringify({ id: 'x', method: 'files.write', params: { path: ['a'], content: 5 } }),
      () => JSON.stringify({ id: 2, method: 'x'.repeat(100_000) }),
      () => JSON.stringify({ id: 3, method: 'files.read', params: { path: 'a'.repeat(1_000_000) } }),
      () => JSON.stringify({ id: 4, method: 'files.list', params: deep(2_000) }),
      () => `{"id":5,"method":"files.list","params":${'['.repeat(5_000)}${']'.repeat(5_000)}}`,
      () => '{"__proto__":{"polluted":true},"id":6,"method":"engine.ping"}',
      () => JSON.stringify({ id: 7, method: 'files.list', params: JSON.parse('{"__proto__":{"dir":"../.."}}') }),
      () => JSON.stringify({ id: 8, method: 'constructor', params: {} }),
      () => JSON.stringify({ id: 9, method: 'files.read', params: { path: '../../../../etc/passwd' } }),
      () => JSON.stringify({ id: Number.MAX_VALUE, method: 'engine.ping' }),
      () => JSON.stringify([{ id: 1, method: 'engine.ping' }]),
      () => 'null',
      () => '',
      () => '\u0000\u0001\u0002',
    ];
    const count = 1_000;
    for (let i = 0; i < count; i++) {
      const make = generators[i % generators.length] as () => string | Buffer;
      socket.send(make());
    }
    const done = new Promise<void>((resolve) => {
      const check = () => (answers.length >= count ? resolve() : setImmediate(check));
      check();
    });
    await done;
    expect(answers).toHaveLength(count);
    for (const answer of answers) {
      expect(answer.error?.code, JSON.stringify(answer).slice(0, 200)).toMatch(/^E_(BAD_REQUEST|NOT_FOUND)$/);
    }
    socket.close();
    expect(await client.call('engine.ping')).toMatchObject({ pong: true });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('answers an oversize message with E_TOO_LARGE and keeps the connection', async () => {
    const socket = await openSocket(`${engine.url}?token=${engine.token}`);
    const answer = nextMessage(socket);
    socket.send(
      JSON.stringify({ id: 1, method: 'files.write', params: { path: 'a', content: 'x'.repeat(17 * 1024 * 1024) } }),
    );
    expect(JSON.parse(await answer)).toMatchObject({ error: { code: ErrorCode.TOO_LARGE } });
    const ping = nextMessage(socket);
    socket.send(JSON.stringify({ id: 2, method: 'engine.ping' }));
    expect(JSON.parse(await ping)).toMatchObject({ id: 2, result: { pong: true } });
    socket.close();
  });
});
