// The relay's operator console against the real, built relay: who may use it (admin token by header or through the
// login endpoint; nothing else, nothing from another origin, never the token in a URL or echoed back), what its
// page is served with (strict CSP, no inline script, uPlot from the relay), what its JSON says after real client
// traffic, and the per-relay breakdown of two relays sharing a real Redis.
import { type ChildProcess, spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import {
  cleanupAfterAll,
  eventually,
  RELAY_TOKEN,
  relayPeer,
  type StartedRelay,
  startRelay,
  testRoom,
} from './relay-harness.js';

const ADMIN = 'admin-token-for-the-console-0123456789';
const defer = cleanupAfterAll();

async function relayWith(env: Record<string, string>): Promise<StartedRelay> {
  const relay = await startRelay({ env });
  defer(() => relay.stop());
  return relay;
}

const http = (relay: StartedRelay, path: string) => `http://127.0.0.1:${relay.port}${path}`;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

interface ConsoleSnapshot {
  relayId: string;
  current: {
    connections: { signal: number; sync: number; total: number };
    rooms: number;
    messagesTotal: { in: number; out: number };
    bytesTotal: { in: number; out: number };
  };
  storage: { rooms: number; bytes: number; maxTotalBytes: number; topRooms: Array<{ room: string; bytes: number }> };
  rejected: Array<{ reason: string; count: number }>;
  series: Record<string, number[]>;
  cluster: { redis: string; relays: Array<{ relayId: string; connections: number; sync: number; at: number }> };
}

async function snapshot(relay: StartedRelay): Promise<ConsoleSnapshot> {
  const response = await fetch(http(relay, '/console/api/metrics'), { headers: bearer(ADMIN) });
  expect(response.status).toBe(200);
  return (await response.json()) as ConsoleSnapshot;
}

/** Everything a response says: status line, headers and body, to look for the token in. */
async function whole(response: Response): Promise<string> {
  const headers: string[] = [];
  response.headers.forEach((value, name) => {
    headers.push(`${name}: ${value}`);
  });
  return `${response.status} ${headers.join('\n')} ${await response.text()}`;
}

describe('console access', () => {
  it('is absent (404) on a relay without an admin token', async () => {
    const relay = await relayWith({});
    for (const path of ['/console', '/console/', '/console/api/metrics', '/console/assets/console.js']) {
      const response = await fetch(http(relay, path), { headers: bearer(ADMIN) });
      expect(response.status, path).toBe(404);
    }
    const login = await fetch(http(relay, '/console/api/session'), { method: 'POST', headers: bearer(ADMIN) });
    expect(login.status).toBe(404);
  });

  it('takes the admin token only, only in the Authorization header, and never echoes it', async () => {
    const relay = await relayWith({ RELAY_ADMIN_TOKEN: ADMIN });
    const seen: string[] = [];
    const check = async (path: string, init: RequestInit, status: number) => {
      const response = await fetch(http(relay, path), init);
      expect(response.status, `${init.method ?? 'GET'} ${path}`).toBe(status);
      seen.push(await whole(response));
      return response;
    };
    const missing = await fetch(http(relay, '/console/api/metrics'));
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer /);
    seen.push(await whole(missing));
    await check('/console/api/metrics', { headers: bearer('wrong-admin-token-0123456789') }, 401);
    await check('/console/api/metrics', { headers: bearer(`${ADMIN}x`) }, 401);
    await check('/console/api/metrics', { headers: { authorization: ADMIN } }, 401);
    // the client token opens WebSockets, not the console
    await check('/console/api/metrics', { headers: bearer(RELAY_TOKEN) }, 401);
    // a token in a URL ends up in logs and histories: refused even when it is the right one
    await check(`/console/api/metrics?token=${ADMIN}`, {}, 400);
    await check(`/console/api/metrics?token=${ADMIN}`, { headers: bearer(ADMIN) }, 400);
    await check(`/console/api/session?access_token=${ADMIN}`, { method: 'POST' }, 400);
    // the login form's exchange: 204 for the right token, 401 for a wrong one, and no cookie either way
    const login = await check('/console/api/session', { method: 'POST', headers: bearer(ADMIN) }, 204);
    expect(login.headers.get('set-cookie')).toBeNull();
    await check('/console/api/session', { method: 'POST', headers: bearer('not-the-admin-token-000') }, 401);
    // a form posted without the script sends the token as a body: not a credential here
    await check(
      '/console/api/session',
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `token=${encodeURIComponent(ADMIN)}`,
      },
      401,
    );
    const ok = await check('/console/api/metrics', { headers: bearer(ADMIN) }, 200);
    expect(ok.headers.get('cache-control')).toBe('no-store');
    for (const text of seen) expect(text).not.toContain(ADMIN);
    expect(relay.stderr()).not.toContain(ADMIN);
    expect(relay.stderr()).toContain('console_refused');
  });

  it('refuses requests from another origin, the right token included (CSRF)', async () => {
    const relay = await relayWith({ RELAY_ADMIN_TOKEN: ADMIN });
    const evil = 'https://evil.example';
    const attempts: Array<[string, RequestInit]> = [
      ['/console/api/session', { method: 'POST', headers: { ...bearer(ADMIN), origin: evil } }],
      ['/console/api/metrics', { headers: { ...bearer(ADMIN), origin: evil } }],
      ['/console/api/metrics', { headers: { ...bearer(ADMIN), origin: 'null' } }],
      ['/console/api/metrics', { headers: { ...bearer(ADMIN), 'sec-fetch-site': 'cross-site' } }],
      ['/console/api/metrics', { headers: { ...bearer(ADMIN), 'sec-fetch-site': 'same-site' } }],
      // a page on another origin fetching the console's script to read it
      ['/console/assets/console.js', { headers: { origin: evil, 'sec-fetch-site': 'cross-site' } }],
    ];
    for (const [path, init] of attempts) {
      const response = await fetch(http(relay, path), init);
      expect(response.status, `${path} ${JSON.stringify(init.headers)}`).toBe(403);
      expect(await whole(response)).not.toContain(ADMIN);
    }
    // the preflight a cross-origin script needs to send the header is never granted
    const preflight = await fetch(http(relay, '/console/api/metrics'), {
      method: 'OPTIONS',
      headers: {
        origin: evil,
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization',
      },
    });
    expect(preflight.status).toBe(403);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    // the same request from the console's own page goes through
    const own = await fetch(http(relay, '/console/api/metrics'), {
      headers: { ...bearer(ADMIN), origin: `http://127.0.0.1:${relay.port}`, 'sec-fetch-site': 'same-origin' },
    });
    expect(own.status).toBe(200);
  });

  it('locks out an address after a burst of wrong tokens', async () => {
    const relay = await relayWith({ RELAY_ADMIN_TOKEN: ADMIN });
    const statuses: number[] = [];
    for (let i = 0; i < 22; i += 1) {
      const response = await fetch(http(relay, '/console/api/metrics'), { headers: bearer(`guess-${i}-0123456789ab`) });
      statuses.push(response.status);
    }
    expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(20)).toEqual([429, 429]);
    // for a while the right token is refused too from that address
    expect((await fetch(http(relay, '/console/api/metrics'), { headers: bearer(ADMIN) })).status).toBe(429);
  });

  it('serves its page under a strict CSP, with no inline script, and uPlot from the relay', async () => {
    const relay = await relayWith({ RELAY_ADMIN_TOKEN: ADMIN });
    const page = await fetch(http(relay, '/console'));
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await page.text();
    // every <script> has a src on this origin; no inline handler attributes
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThanOrEqual(2);
    for (const [, attributes, body] of scripts) {
      expect(attributes).toMatch(/\bsrc="\/console\/assets\/[^"]+\.js"/);
      expect(body?.trim()).toBe('');
    }
    expect(html).not.toMatch(/\son[a-z]+=/i);
    expect(html).not.toMatch(/\sstyle=/i);
    expect(html).toMatch(/<form[^>]*method="post"/);
    for (const [path, type] of [
      ['/console/assets/console.js', 'text/javascript'],
      ['/console/assets/uPlot.iife.min.js', 'text/javascript'],
      ['/console/assets/uPlot.min.css', 'text/css'],
      ['/console/assets/console.css', 'text/css'],
    ] as const) {
      const response = await fetch(http(relay, path));
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type')).toContain(type);
      expect((await response.text()).length).toBeGreaterThan(500);
    }
    expect((await fetch(http(relay, '/console/assets/../../main.js'))).status).toBe(404);
    expect((await fetch(http(relay, '/console/assets/nothing.js'))).status).toBe(404);
  });
});

describe('console contents', () => {
  it('reports connections, rooms, rates, rejections and room storage after real client traffic', async () => {
    const relay = await relayWith({ RELAY_ADMIN_TOKEN: ADMIN, RELAY_ID: 'relay-under-test' });
    const room = await testRoom('console contents secret');
    const docs = [new Y.Doc(), new Y.Doc()];
    const peers = docs.map((doc) => relayPeer(doc, { url: relay.url, roomId: room.roomId, secret: room.secret }));
    for (const { provider } of peers) defer(() => provider.destroy());
    await Promise.all(peers.map(({ provider }) => provider.whenSynced()));
    const text = docs[0]?.getText('t') as Y.Text;
    for (let i = 0; i < 40; i += 1) text.insert(text.length, `line ${i} of the shared document\n`);
    await peers[0]?.provider.whenAcknowledged();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(docs[1]?.getText('t').toString()).toBe(text.toString());
    // two refused handshakes: no token, wrong token
    for (const url of [`${relay.url}/sync/${room.roomId}`, `${relay.url}/signal?token=wrong-token-0123456789`]) {
      const socket = new WebSocket(url);
      await new Promise<void>((resolve) => {
        socket.on('error', () => resolve());
        socket.on('close', () => resolve());
      });
    }

    let seen: ConsoleSnapshot | null = null;
    await eventually(
      async () => {
        seen = await snapshot(relay);
        return (
          seen.current.connections.sync === 2 &&
          (seen.series.t ?? []).length >= 3 &&
          seen.storage.topRooms.length > 0 &&
          (seen.series.messagesInPerSecond ?? []).some((n) => n > 0) &&
          seen.rejected.some((r) => r.reason === 'unauthorized' && r.count >= 2)
        );
      },
      15_000,
      'the console to show the traffic',
    );
    const m = seen as unknown as ConsoleSnapshot;
    expect(m.relayId).toBe('relay-under-test');
    expect(m.current.rooms).toBe(1);
    expect(m.current.messagesTotal.in).toBeGreaterThanOrEqual(40);
    expect(m.current.bytesTotal.in).toBeGreaterThan(1000);
    expect(m.storage.bytes).toBeGreaterThan(1000);
    expect(m.storage.topRooms[0]).toEqual({ room: `${room.roomId.slice(0, 8)}…`, bytes: expect.any(Number) });
    expect(m.storage.topRooms[0]?.bytes).toBeGreaterThan(1000);
    // the series are columns of one length, one sample a second, time ascending
    const lengths = new Set(Object.values(m.series).map((column) => column.length));
    expect(lengths.size).toBe(1);
    const t = m.series.t ?? [];
    expect(t.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < t.length; i += 1) expect((t[i] as number) - (t[i - 1] as number)).toBeGreaterThan(0.5);
    expect(Math.max(...(m.series.sync ?? []))).toBe(2);
    expect(Math.max(...(m.series.bytesInPerSecond ?? []))).toBeGreaterThan(0);
    expect(m.cluster).toEqual({ redis: 'off', relays: [expect.objectContaining({ relayId: 'relay-under-test' })] });
    expect(m.cluster.relays[0]?.sync).toBe(2);
    // the whole room id, its secret and the tokens never leave the relay through the console
    const raw = JSON.stringify(m);
    for (const secret of [room.roomId, room.secret, RELAY_TOKEN, ADMIN]) expect(raw).not.toContain(secret);
    // the Prometheus side exports what the alerts read
    const metrics = await relay.metrics();
    expect(metrics).toMatch(/^relay_stored_bytes \d+$/m);
    expect(metrics).toMatch(/^relay_storage_limit_bytes \d+$/m);
  });
});

/** A free loopback port. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('console across relays', () => {
  let redis: ChildProcess | null = null;
  afterAll(() => {
    redis?.kill('SIGKILL');
  });

  it('shows every relay sharing the Redis, and drops one that stops', async () => {
    const port = await freePort();
    redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    const url = `redis://127.0.0.1:${port}`;
    await eventually(
      async () =>
        new Promise<boolean>((resolve) => {
          const socket = connect(port, '127.0.0.1', () => {
            socket.end();
            resolve(true);
          });
          socket.on('error', () => resolve(false));
        }),
      10_000,
      'redis-server to listen',
    );
    const a = await relayWith({ RELAY_ADMIN_TOKEN: ADMIN, RELAY_ID: 'relay-a', RELAY_REDIS_URL: url });
    const b = await relayWith({ RELAY_ADMIN_TOKEN: ADMIN, RELAY_ID: 'relay-b', RELAY_REDIS_URL: url });
    const room = await testRoom('cluster console secret');
    const { provider } = relayPeer(new Y.Doc(), { url: b.url, roomId: room.roomId, secret: room.secret });
    defer(() => provider.destroy());
    await provider.whenSynced();
    let seen: ConsoleSnapshot | null = null;
    await eventually(
      async () => {
        seen = await snapshot(a);
        const ids = seen.cluster.relays.map((r) => r.relayId);
        return ids.includes('relay-a') && ids.includes('relay-b') && seen.cluster.relays[1]?.sync === 1;
      },
      15_000,
      'relay a to see relay b',
    );
    const view = (seen as unknown as ConsoleSnapshot).cluster;
    expect(view.redis).toBe('ok');
    expect(view.relays.map((r) => [r.relayId, r.sync])).toEqual([
      ['relay-a', 0],
      ['relay-b', 1],
    ]);
    provider.destroy();
    await b.stop();
    // a relay that stops removes its key; one that dies would drop out when the key's TTL runs out
    await eventually(
      async () => (await snapshot(a)).cluster.relays.map((r) => r.relayId).join() === 'relay-a',
      15_000,
      'relay b to leave the breakdown',
    );
  });
});
