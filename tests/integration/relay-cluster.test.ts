// Three relay processes on one Redis and one PostgreSQL, clients of one room spread over all three (each through
// its own loopback balancer that prefers "its" relay and falls back to the others, as a load balancer without
// sticky routing would): every client converges, y-webrtc signaling crosses relays, a relay killed with SIGKILL
// loses no acknowledged update (its clients land on another), a Redis restart costs a resync from storage, and a
// PostgreSQL outage stops acknowledgements (clients keep their edits) until it returns. Then /healthz and the drain.
import { generateKeyPairSync, sign } from 'node:crypto';
import { RelaySyncProvider } from '@pa/shared/relay/client';
import { seatsStatement } from '@pa/shared/relay/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { LoopbackBalancer } from '../support/loopback-balancer.js';
import { type PostgresServer, startPostgres } from '../support/postgres-server.js';
import { type RedisServer, startRedisServer } from '../support/redis-server.js';
import { eventually, RELAY_TOKEN, type StartedRelay, seeded, startRelay, testRoom, until } from './relay-harness.js';

const SECRET = 'cluster secret: correct horse battery staple';
const ROOM = (await testRoom(SECRET)).roomId;

let redis: RedisServer;
let postgres: PostgresServer;
let databaseUrl = '';
const relays: StartedRelay[] = [];
const ports: number[] = [];
const balancers: LoopbackBalancer[] = [];
const cleanups: Array<() => unknown> = [];

/** Everything the providers reported; the relays must never send a gap, a duplicate or an unreadable frame. */
const errors: string[] = [];

function clusterEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    RELAY_REDIS_URL: redis.url,
    RELAY_DATABASE_URL: databaseUrl,
    RELAY_CONN_RATE_PER_IP: '100000',
    RELAY_CONN_BURST_PER_IP: '100000',
    ...extra,
  };
}

async function startClusterRelay(index: number): Promise<StartedRelay> {
  const relay = await startRelay({ env: clusterEnv(), ...(ports[index] ? { port: ports[index] } : {}) });
  relays[index] = relay;
  ports[index] = relay.port;
  return relay;
}

interface Peer {
  name: string;
  doc: Y.Doc;
  text: Y.Text;
  provider: RelaySyncProvider;
  balancer: LoopbackBalancer;
}

/** A client whose balancer prefers relay `home`, then the next ones. */
async function peer(name: string, home: number, random: () => number, snapshotEvery = 25): Promise<Peer> {
  const order = [0, 1, 2].map((i) => ports[(home + i) % 3] as number);
  const balancer = await new LoopbackBalancer(order).listen();
  balancers.push(balancer);
  const doc = new Y.Doc();
  const provider = new RelaySyncProvider(doc, {
    url: balancer.url,
    roomId: ROOM,
    secret: SECRET,
    token: RELAY_TOKEN,
    WebSocket,
    snapshotEvery,
    backoff: { minMs: 20, maxMs: 400 },
    connectTimeoutMs: 2000,
    random,
  });
  cleanups.push(() => provider.destroy());
  provider.onDidError((error) => {
    // storage refusals while PostgreSQL is down are expected; anything about the sequence is a relay bug
    if (error.code !== 'storage') errors.push(`${name}: ${error.code} ${error.message}`);
  });
  return { name, doc, text: doc.getText('file'), provider, balancer };
}

function converged(peers: Peer[]): boolean {
  const [first, ...rest] = peers;
  return rest.every(
    (p) =>
      p.text.toString() === first?.text.toString() &&
      Buffer.from(Y.encodeStateVector(p.doc)).equals(Buffer.from(Y.encodeStateVector(first.doc))),
  );
}

async function convergence(peers: Peer[], timeoutMs: number, what: string): Promise<void> {
  await until(() => converged(peers), timeoutMs, what).catch((error: Error) => {
    const state = peers.map((p) => ({
      peer: p.name,
      status: p.provider.status,
      lastServerSeq: p.provider.lastServerSeq,
      unacknowledged: p.provider.unacknowledged,
      length: p.text.length,
    }));
    throw new Error(`${error.message}: ${JSON.stringify(state)}\n${relays.map((r) => r.stderr()).join('\n')}`);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Paced edits (like typing, so faults land between sends), each inserting a checkable token. */
async function type(peers: Peer[], random: () => number, rounds: number, tokens: string[], tag: string) {
  for (let round = 0; round < rounds; round += 1) {
    const p = peers[Math.floor(random() * peers.length)] as Peer;
    const token = `<${p.name}-${tag}${round}>`;
    p.text.insert(random() < 0.5 ? 0 : p.text.length, `${token}.`);
    tokens.push(token);
    await sleep(4);
  }
}

async function healthz(port: number): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`http://127.0.0.1:${port}/healthz`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  redis = await startRedisServer();
  postgres = await startPostgres();
  databaseUrl = await postgres.createDatabase();
  for (const index of [0, 1, 2]) await startClusterRelay(index);
}, 120_000);

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  for (const balancer of balancers) await balancer.close();
  for (const relay of relays) await relay?.kill9();
  await redis?.close();
  await postgres?.destroy();
});

describe('relay cluster (three relays, one Redis, one PostgreSQL)', () => {
  let peers: Peer[] = [];
  const random = seeded(20261204);
  const tokens: string[] = [];

  it('converges every client of a room spread over three relays', async () => {
    peers = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => peer(`p${i}`, i % 3, random)));
    await Promise.all(peers.map((p) => p.provider.whenSynced()));
    // two clients landed on each relay
    for (const port of ports) {
      expect(peers.filter((p) => p.balancer.landed.get(port) === 1).length).toBe(2);
    }
    await type(peers, random, 200, tokens, 'a');
    await Promise.all(peers.map((p) => p.provider.whenAcknowledged()));
    await convergence(peers, 15_000, 'every client to converge');
    const text = peers[0]?.text.toString() ?? '';
    expect(tokens.filter((token) => !text.includes(token))).toEqual([]);
    // the snapshots compacted the shared log along the way, through whichever relay
    expect(errors).toEqual([]);
  });

  it('carries y-webrtc signaling between clients on different relays', async () => {
    const clients = await Promise.all(ports.map((port) => signalClient(port)));
    for (const client of clients) client.send({ type: 'subscribe', topics: ['cluster-webrtc-room'] });
    // a ping answered after the subscribe: that relay has subscribed the topic on Redis
    for (const client of clients) {
      client.send({ type: 'ping' });
      await client.next((m) => m.type === 'pong');
    }
    const [a, b, c] = clients as [SignalClient, SignalClient, SignalClient];
    a.send({ type: 'publish', topic: 'cluster-webrtc-room', data: { type: 'announce', from: 'peer-a' } });
    for (const client of [a, b, c]) {
      expect((await client.next((m) => m.type === 'publish')).data).toEqual({ type: 'announce', from: 'peer-a' });
    }
    // the answer addressed to peer-a (y-webrtc's offer/answer exchange) goes back across the relays
    c.send({ type: 'publish', topic: 'cluster-webrtc-room', data: { type: 'signal', from: 'peer-c', to: 'peer-a' } });
    expect((await a.next((m) => m.type === 'publish')).data).toEqual({ type: 'signal', from: 'peer-c', to: 'peer-a' });

    // an unmodified y-webrtc WebrtcProvider on relay 1 announces itself to a subscriber on relay 2
    const global = globalThis as { WebSocket?: unknown };
    global.WebSocket ??= WebSocket;
    const { WebrtcProvider } = await import('y-webrtc');
    c.send({ type: 'subscribe', topics: ['cluster-webrtc-provider'] });
    c.send({ type: 'ping' });
    await c.next((m) => m.type === 'pong');
    const provider = new WebrtcProvider('cluster-webrtc-provider', new Y.Doc(), {
      signaling: [`ws://127.0.0.1:${ports[1]}/signal?token=${RELAY_TOKEN}`],
      password: 'room secret',
      filterBcConns: true,
    });
    try {
      const announce = await c.next((m) => m.type === 'publish' && m.topic === 'cluster-webrtc-provider');
      expect(typeof announce.data).toBe('string');
    } finally {
      provider.destroy();
      for (const client of clients) client.socket.terminate();
    }
  });

  it('loses no acknowledged update when a relay is killed with SIGKILL mid-run; its clients move', async () => {
    const before = tokens.length;
    const typing = type(peers, random, 150, tokens, 'k');
    await sleep(250);
    await relays[0]?.kill9();
    await typing;
    expect(tokens.length - before).toBe(150);
    await Promise.all(peers.map((p) => p.provider.whenAcknowledged()));
    // the clients of relay 0 came back through their balancer on relay 1
    for (const p of peers.filter((_, i) => i % 3 === 0)) expect(p.balancer.landed.get(ports[1] as number)).toBe(1);
    await convergence(peers, 15_000, 'convergence after the kill');
    // a device joining now, on the last relay, has every update (each was acknowledged, so stored)
    const observer = await peer('observer-k', 2, random, 1_000_000);
    await observer.provider.whenSynced();
    const seen = observer.text.toString();
    expect(tokens.filter((token) => !seen.includes(token))).toEqual([]);
    observer.provider.destroy();
    await startClusterRelay(0);
    expect(errors).toEqual([]);
  });

  it('resyncs from storage after a Redis restart, so edits made while it was down reach every relay', async () => {
    await redis.stop(true);
    const during: string[] = [];
    // every edit lands while Redis is down, all on relay 0: relays 1 and 2 commit nothing that would show them a
    // gap, so only the resync after Redis returns can carry the edits to their clients
    await type([peers[0], peers[3]] as Peer[], random, 60, during, 'r');
    await Promise.all(peers.map((p) => p.provider.whenAcknowledged()));
    // a room first opened on a relay while Redis is down still works among that relay's clients
    const fresh = await testRoom('cluster room opened during the outage');
    const local = [0, 1].map(() => {
      const doc = new Y.Doc();
      const provider = new RelaySyncProvider(doc, {
        url: `ws://127.0.0.1:${ports[2]}`,
        roomId: fresh.roomId,
        secret: fresh.secret,
        token: RELAY_TOKEN,
        WebSocket,
      });
      cleanups.push(() => provider.destroy());
      return { doc, provider };
    });
    await Promise.all(local.map((l) => l.provider.whenSynced()));
    local[0]?.doc.getText('file').insert(0, 'typed while Redis was down');
    await until(
      () => local[1]?.doc.getText('file').toString() === 'typed while Redis was down',
      5000,
      'the edit to reach the other client of the new room',
    );
    // degraded, not down: every relay is alike, a balancer must not pull them all
    const down = await healthz(ports[1] as number);
    expect(down).toMatchObject({
      status: 200,
      body: { status: 'degraded', redis: { ok: false }, database: { ok: true } },
    });
    await redis.start();
    tokens.push(...during);
    await convergence(peers, 20_000, 'convergence after the Redis restart');
    const text = peers[2]?.text.toString() ?? '';
    expect(during.filter((token) => !text.includes(token))).toEqual([]);
    // each relay's two Redis connections come back on their own retry schedule
    await eventually(
      async () => (await healthz(ports[1] as number)).body.status === 'ok',
      10_000,
      'relay 1 to report Redis reachable again',
    );
    expect(errors).toEqual([]);
  });

  it('stops acknowledging while PostgreSQL is down, keeps the edits, and recovers when it returns', async () => {
    await postgres.stop();
    const during: string[] = [];
    await type(peers, random, 30, during, 'p');
    await sleep(1500);
    // nothing is acknowledged without the database: the clients hold their edits
    const holding = peers.filter((p) => p.provider.unacknowledged > 0);
    expect(holding.length).toBeGreaterThan(0);
    const down = await healthz(ports[2] as number);
    expect(down).toMatchObject({
      status: 200,
      body: { status: 'degraded', database: { ok: false }, redis: { ok: true } },
    });
    await postgres.start();
    await Promise.all(peers.map((p) => p.provider.whenAcknowledged()));
    tokens.push(...during);
    await convergence(peers, 20_000, 'convergence after PostgreSQL returned');
    const text = peers[0]?.text.toString() ?? '';
    expect(tokens.filter((token) => !text.includes(token))).toEqual([]);
    await eventually(
      async () => (await healthz(ports[2] as number)).body.status === 'ok',
      10_000,
      'relay 2 to report the database reachable again',
    );
    const up = await healthz(ports[2] as number);
    expect(up).toMatchObject({ status: 200, body: { status: 'ok', database: { ok: true }, redis: { ok: true } } });
    expect(errors).toEqual([]);
  });

  it('holds a room to its seats across relays: the host on one, a guest on another, the next guest turned away', async () => {
    const room = await testRoom('cluster seats secret');
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const hostKey = new Uint8Array(Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url'));
    const seats = {
      guests: 1,
      hostKey,
      signature: new Uint8Array(sign(null, seatsStatement(room.roomId, 1), privateKey)),
    };
    const member = (port: number, withSeats: boolean) => {
      const codes: string[] = [];
      const provider = new RelaySyncProvider(new Y.Doc(), {
        url: `ws://127.0.0.1:${port}`,
        roomId: room.roomId,
        secret: room.secret,
        token: RELAY_TOKEN,
        WebSocket,
        backoff: { minMs: 50, maxMs: 200 },
        ...(withSeats ? { seats } : {}),
      });
      provider.onDidError((error) => codes.push(error.code));
      cleanups.push(() => provider.destroy());
      return { provider, codes };
    };
    const host = member(ports[0] as number, true);
    await host.provider.whenSynced();
    const guest = member(ports[1] as number, false);
    await guest.provider.whenSynced();
    const late = member(ports[2] as number, false);
    await until(() => late.codes.includes('session_full'), 10_000, 'the second guest, on a third relay, turned away');
    expect(late.provider.status).not.toBe('synced');
    // the seat frees when the first guest leaves, whichever relay held it
    guest.provider.destroy();
    await late.provider.whenSynced();
    expect(host.codes).toEqual([]);
  });

  it('drains on SIGTERM: healthz says so, new connections are refused, then clients are told to go elsewhere', async () => {
    const draining = await startRelay({ env: clusterEnv({ RELAY_DRAIN_MS: '1500' }) });
    const socket = new WebSocket(`ws://127.0.0.1:${draining.port}/signal?token=${RELAY_TOKEN}`);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    const startedAt = Date.now();
    draining.process.kill('SIGTERM');
    let health = await healthz(draining.port);
    for (let i = 0; i < 50 && health.status === 200; i += 1) {
      await sleep(20);
      health = await healthz(draining.port);
    }
    expect(health).toMatchObject({ status: 503, body: { status: 'draining' } });
    // still draining: no new connection is accepted
    const refused = await new Promise<number>((resolve) => {
      const late = new WebSocket(`ws://127.0.0.1:${draining.port}/signal?token=${RELAY_TOKEN}`);
      late.once('unexpected-response', (_request, response) => {
        resolve(response.statusCode ?? 0);
        late.terminate();
      });
      late.once('open', () => resolve(101));
      late.once('error', () => resolve(-1));
    });
    expect(refused).toBe(503);
    expect(await closed).toBe(1001);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(1400);
    expect(await draining.stop()).toBe(0);
  });
});

interface SignalClient {
  socket: WebSocket;
  send(message: unknown): void;
  next(match: (message: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
}

async function signalClient(port: number): Promise<SignalClient> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/signal?token=${RELAY_TOKEN}`);
  const inbox: Array<Record<string, unknown>> = [];
  const waiters: Array<{
    match: (m: Record<string, unknown>) => boolean;
    resolve: (m: Record<string, unknown>) => void;
  }> = [];
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as Record<string, unknown>;
    const waiter = waiters.find((w) => w.match(message));
    if (waiter) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(message);
    } else inbox.push(message);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return {
    socket,
    send: (message) => socket.send(JSON.stringify(message)),
    next(match) {
      const queued = inbox.find(match);
      if (queued) {
        inbox.splice(inbox.indexOf(queued), 1);
        return Promise.resolve(queued);
      }
      return new Promise((resolve) => waiters.push({ match, resolve }));
    },
  };
}
