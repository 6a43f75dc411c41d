// The engine's loopback server as a hostile web page or local process meets it: a socket without the token hears
// nothing and is dropped within a second, a foreign page's socket is refused even with the token, a DNS-rebinding
// Host is refused on every route, and malformed or oversize requests get a 4xx instead of a 500 or a reset.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CloseCode, type RpcClient } from '@pa/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type StartedEngine, startEngine } from '../support/engine.js';
import { copyFixture } from '../support/workspace.js';

const ROOM = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const SECRET = 'c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0';
const BODY_LIMIT = 16 * 1024 * 1024;

let workspace: ReturnType<typeof copyFixture>;
let uiDir: string;
let engine: StartedEngine;
let client: RpcClient;

beforeAll(async () => {
  workspace = copyFixture('sample-project');
  uiDir = mkdtempSync(join(tmpdir(), 'pa-ui-'));
  mkdirSync(join(uiDir, 'assets'));
  writeFileSync(join(uiDir, 'index.html'), '<!doctype html><title>ui</title>');
  writeFileSync(join(uiDir, 'assets/app.js'), 'export {};');
  engine = await startEngine({ workspace: workspace.root, uiDir });
  client = await engine.connect();
});

afterAll(async () => {
  await engine?.stop();
  workspace?.remove();
  rmSync(uiDir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(path: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: engine.port, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Opens a socket and settles with 'open' or the HTTP status the upgrade was refused with. */
function upgrade(url: string, options: WebSocket.ClientOptions = {}): Promise<number | 'open'> {
  const socket = new WebSocket(url, options);
  return new Promise((resolve, reject) => {
    socket.once('open', () => {
      socket.close();
      resolve('open');
    });
    socket.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      socket.terminate();
    });
    socket.once('error', reject);
  });
}

/** Sends raw bytes on a fresh TCP connection; resolves with the status and body once the server closes it. */
function rawExchange(write: (socket: ReturnType<typeof connect>) => void): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(engine.port, '127.0.0.1', () => write(socket));
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      received += chunk;
    });
    socket.on('error', reject);
    socket.on('close', () => {
      const status = /^HTTP\/1\.1 (\d{3}) /.exec(received)?.[1];
      if (status) resolve({ status: Number(status), body: received.slice(received.indexOf('\r\n\r\n') + 4) });
      else reject(new Error(`closed without an answer: ${JSON.stringify(received)}`));
    });
  });
}

describe('a socket that has not presented the token', () => {
  it('hears none of the broadcasts an authenticated client causes and is closed within 1 s', async () => {
    const spy = new WebSocket(engine.url);
    const heard: string[] = [];
    spy.on('message', (data) => heard.push(data.toString()));
    const closed = new Promise<{ code: number; at: number }>((resolve) =>
      spy.once('close', (code) => resolve({ code, at: performance.now() })),
    );
    await new Promise<void>((resolve, reject) => {
      spy.once('open', () => resolve());
      spy.once('error', reject);
    });
    const openedAt = performance.now();

    const broadcast = new Promise<number>((resolve) => client.on('collab.changed', () => resolve(performance.now())));
    await client.call('collab.join', { roomId: ROOM, secret: SECRET, relay: { url: 'ws://127.0.0.1:9/', token: 't' } });
    const broadcastAt = await broadcast;
    const { code, at } = await closed;

    expect(broadcastAt).toBeLessThan(at); // the broadcast went out while the spy was still connected
    expect(heard).toEqual([]);
    expect(code).toBe(CloseCode.unauthorized);
    expect(at - openedAt).toBeLessThan(1000);
    await client.call('collab.leave', { roomId: ROOM });
  });

  it('starts hearing broadcasts once its first message carries the token', async () => {
    const socket = new WebSocket(engine.url);
    const messages: Array<{ event?: string }> = [];
    const authed = new Promise<void>((resolve) =>
      socket.on('message', (data) => {
        const message = JSON.parse(data.toString()) as { event?: string };
        messages.push(message);
        if (message.event === 'auth') resolve();
      }),
    );
    await new Promise<void>((resolve) => socket.once('open', () => resolve()));
    socket.send(JSON.stringify({ token: engine.token }));
    await authed;
    const heard = new Promise<void>((resolve) =>
      socket.on('message', (data) => {
        if ((JSON.parse(data.toString()) as { event?: string }).event === 'collab.changed') resolve();
      }),
    );
    await client.call('collab.join', { roomId: ROOM, secret: SECRET, relay: { url: 'ws://127.0.0.1:9/', token: 't' } });
    await heard;
    await client.call('collab.leave', { roomId: ROOM });
    socket.close();
  });
});

describe('the Origin of a socket', () => {
  it('refuses a foreign web page with 403 at upgrade, even when it holds the token', async () => {
    const url = `${engine.url}?token=${engine.token}`;
    expect(await upgrade(url, { origin: 'https://attacker.example' })).toBe(403);
    expect(await upgrade(url, { origin: `http://127.0.0.1:${engine.port}.attacker.example` })).toBe(403);
    expect(await upgrade(url, { origin: 'http://127.0.0.1:1' })).toBe(403);
    expect(await upgrade(url, { origin: 'null' })).toBe(403);
  });

  it("accepts the engine's own page, the desktop app and a client without an Origin", async () => {
    const url = `${engine.url}?token=${engine.token}`;
    expect(await upgrade(url, { origin: `http://127.0.0.1:${engine.port}` })).toBe('open');
    expect(await upgrade(url, { origin: `http://localhost:${engine.port}` })).toBe('open');
    expect(await upgrade(url, { origin: 'app://ui' })).toBe('open');
    expect(await upgrade(url)).toBe('open');
  });
});

describe('the Host of a request (DNS rebinding)', () => {
  it('refuses a foreign Host with 421 on static files, /healthz, /v1 and the socket upgrade', async () => {
    const { token } = await client.call('ai.server.info');
    const foreign = { host: `rebind.attacker.example:${engine.port}` };
    expect((await get('/', foreign)).status).toBe(421);
    expect((await get('/healthz', foreign)).status).toBe(421);
    expect((await get('/v1/models', { ...foreign, authorization: `Bearer ${token}` })).status).toBe(421);
    expect(await upgrade(`${engine.url}?token=${engine.token}`, { headers: foreign })).toBe(421);
  });

  it('answers 127.0.0.1 and localhost with the server port', async () => {
    const { token } = await client.call('ai.server.info');
    expect((await get('/healthz')).status).toBe(200);
    expect((await get('/healthz', { host: `localhost:${engine.port}` })).status).toBe(200);
    expect((await get('/v1/models', { authorization: `Bearer ${token}` })).status).toBe(200);
  });
});

describe('malformed and oversize requests', () => {
  it('answers 400 to a malformed % escape instead of failing with 500', async () => {
    expect((await get('/%E0%A4%A')).status).toBe(400);
    expect((await get('/assets/%zz.js')).status).toBe(400);
    expect((await get('/assets/app%2Ejs')).status).toBe(200);
  });

  it('answers 413 to a /v1 body whose declared length is over the limit, without reading it', {
    timeout: 10_000,
  }, async () => {
    const { token } = await client.call('ai.server.info');
    const answer = await rawExchange((socket) =>
      socket.write(
        `POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:${engine.port}\r\nAuthorization: Bearer ${token}\r\n` +
          `Content-Type: application/json\r\nContent-Length: ${BODY_LIMIT + 1}\r\n\r\n{"model":`,
      ),
    );
    expect(answer.status).toBe(413);
    expect(answer.body).toContain('"code":"E_TOO_LARGE"');
  });

  it('answers 413 to a chunked /v1 body that grows over the limit', async () => {
    const { token } = await client.call('ai.server.info');
    const piece = Buffer.alloc(1024 * 1024, 0x20);
    const answer = await rawExchange((socket) => {
      socket.write(
        `POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:${engine.port}\r\nAuthorization: Bearer ${token}\r\n` +
          'Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n',
      );
      for (let i = 0; i < BODY_LIMIT / piece.length; i++) socket.write(`${piece.length.toString(16)}\r\n${piece}\r\n`);
      socket.write('1\r\n \r\n'); // one byte over; the terminating chunk never comes
    });
    expect(answer.status).toBe(413);
    expect(answer.body).toContain('"code":"E_TOO_LARGE"');
  });
});

describe("browser mode's page headers", () => {
  it('forbids form submissions and framing', async () => {
    const page = await get('/');
    expect(page.status).toBe(200);
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("form-action 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(page.headers['x-frame-options']).toBe('DENY');
  });
});
