// Test support for the relay's integration tests: the shared starter of the BUILT relay with these tests' settings,
// and a loopback TCP proxy that delays, drops and partitions the connections of one peer.
import { createServer, type Server, Socket } from 'node:net';
import { type RelaySyncOptions, RelaySyncProvider } from '@pa/shared/relay/client';
import { joinStatement, MessageType, readMessage, writeProof } from '@pa/shared/relay/protocol';
import { deriveWriteKey, type RoomWriteKey } from '@pa/shared/relay/write-key';
import { afterAll } from 'vitest';
import WebSocket from 'ws';
import type * as Y from 'yjs';
import {
  metricValue,
  type StartedRelay,
  type StartRelayOptions,
  startRelay as startSharedRelay,
} from '../support/collab-relay.js';
import { type PostgresServer, startPostgres } from '../support/postgres-server.js';

export { metricValue, type StartedRelay };
export const RELAY_TOKEN = 'test-token-0123456789abcdef';

/** Registers cleanups to run after the file's tests, the last registered first (providers before their relay). */
export function cleanupAfterAll(): (cleanup: () => unknown) => void {
  const cleanups: Array<() => unknown> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });
  return (cleanup) => {
    cleanups.push(cleanup);
  };
}

/** The storage back ends the relay suites run against: SQLite (embedded default) and PostgreSQL. */
export const BACKENDS = ['sqlite', 'postgres'] as const;
export type Backend = (typeof BACKENDS)[number];

// one PostgreSQL server per test file, started on first use and removed after the file's tests (registered at
// import, so it runs after the cleanups the file registers itself)
let postgres: Promise<PostgresServer> | null = null;
afterAll(async () => {
  if (postgres) await (await postgres).destroy();
});
/** This file's PostgreSQL server (started on first call). */
export function postgresServer(): Promise<PostgresServer> {
  postgres ??= startPostgres();
  return postgres;
}
/** A relay's database, by its data dir: a relay restarted on the same data dir finds its rooms again. */
const databaseOf = new Map<string, string>();

/**
 * The shared starter with what these tests assume: a known token (hand-written handshakes use it), the relay's
 * default fsync before every ACK, and the data dir left in place after stop() so a test can read the files. With
 * `backend: 'postgres'` the relay stores in a fresh database of this file's PostgreSQL server (the same one again
 * when restarted on the same data dir).
 */
export async function startRelay(
  options: Pick<StartRelayOptions, 'dataDir' | 'port' | 'env'> & { backend?: Backend } = {},
): Promise<StartedRelay> {
  const { backend = 'sqlite', ...rest } = options;
  if (backend === 'sqlite')
    return startSharedRelay({ token: RELAY_TOKEN, syncMode: 'full', keepDataDir: true, ...rest });
  const known = rest.dataDir ? databaseOf.get(rest.dataDir) : undefined;
  const url = known ?? (await (await postgresServer()).createDatabase());
  const relay = await startSharedRelay({
    token: RELAY_TOKEN,
    syncMode: 'full',
    keepDataDir: true,
    ...rest,
    env: { RELAY_DATABASE_URL: url, ...rest.env },
  });
  databaseOf.set(relay.dataDir, url);
  return relay;
}

/** The database URL of a relay started with `backend: 'postgres'`, or undefined. */
export function databaseUrlOf(relay: StartedRelay): string | undefined {
  return databaseOf.get(relay.dataDir);
}

/** A room as a host makes one: its id is the hash of the write key its secret derives. */
export interface TestRoom {
  roomId: string;
  secret: string;
  writer: RoomWriteKey;
}

export async function testRoom(secret: string): Promise<TestRoom> {
  const writer = await deriveWriteKey(secret);
  return { roomId: writer.roomId, secret, writer };
}

/** The URL of a hand-driven sync connection to the room, with the token unless told otherwise. */
export function syncUrl(base: string, roomId: string, token: string | null = RELAY_TOKEN): string {
  return `${base}/sync/${roomId}${token === null ? '' : `?token=${token}`}`;
}

/** The PROOF that answers a CHALLENGE frame: the write key and its signature of the challenge's nonce. */
export async function proofFor(
  roomId: string,
  writer: Pick<RoomWriteKey, 'publicKey' | 'sign'>,
  challenge: Uint8Array,
): Promise<Uint8Array> {
  const read = readMessage(challenge);
  if (!read.ok || read.message.type !== MessageType.challenge) throw new Error('the relay did not send a CHALLENGE');
  return writeProof(writer.publicKey, await writer.sign(joinStatement(roomId, read.message.nonce)));
}

/** Joins a hand-driven `ws` sync connection: answers the relay's first frame (its CHALLENGE) with a PROOF. */
export async function joinRaw(
  socket: WebSocket,
  roomId: string,
  writer: Pick<RoomWriteKey, 'publicKey' | 'sign'>,
): Promise<void> {
  const challenge = await new Promise<Buffer>((resolve) => socket.once('message', (data: Buffer) => resolve(data)));
  socket.send(await proofFor(roomId, writer, new Uint8Array(challenge)));
}

/** A Node client of the relay with these tests' token, over `ws`; `errors` collects the codes it reports. */
export function relayPeer(
  doc: Y.Doc,
  options: Omit<RelaySyncOptions, 'token' | 'WebSocket'>,
): { provider: RelaySyncProvider; errors: string[] } {
  const provider = new RelaySyncProvider(doc, { ...options, token: RELAY_TOKEN, WebSocket });
  const errors: string[] = [];
  provider.onDidError((error) => errors.push(error.code));
  return { provider, errors };
}

/** A loopback TCP proxy in front of the relay, for one peer: delays chunks, drops connections, partitions. */
export class FaultyProxy {
  private server: Server;
  private readonly pairs = new Set<[Socket, Socket]>();
  private partitioned = false;
  port = 0;

  constructor(
    public targetPort: number,
    private readonly random: () => number,
    public maxDelayMs = 0,
  ) {
    this.server = createServer((client) => this.accept(client));
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
    const address = this.server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
    return this.port;
  }

  /** Cuts every open connection (both directions, abruptly). */
  drop(): void {
    for (const [a, b] of this.pairs) {
      a.destroy();
      b.destroy();
    }
    this.pairs.clear();
  }

  /** Cuts everything and refuses new connections until heal(). */
  partition(): void {
    this.partitioned = true;
    this.drop();
  }

  heal(): void {
    this.partitioned = false;
  }

  async close(): Promise<void> {
    this.drop();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    if (this.partitioned) {
      client.destroy();
      return;
    }
    const upstream = new Socket();
    upstream.connect(this.targetPort, '127.0.0.1');
    const pair: [Socket, Socket] = [client, upstream];
    this.pairs.add(pair);
    const end = () => {
      client.destroy();
      upstream.destroy();
      this.pairs.delete(pair);
    };
    for (const socket of pair) {
      socket.on('error', end);
      socket.on('close', end);
    }
    this.pipe(client, upstream);
    this.pipe(upstream, client);
  }

  /** Forwards chunks in order, each held for a random delay; one queue per direction so nothing is reordered. */
  private pipe(from: Socket, to: Socket): void {
    const queue: Array<{ at: number; chunk: Buffer }> = [];
    let timer: NodeJS.Timeout | null = null;
    const drain = () => {
      timer = null;
      while (queue.length > 0 && (queue[0] as { at: number }).at <= Date.now()) {
        const { chunk } = queue.shift() as { chunk: Buffer };
        if (!to.destroyed) to.write(chunk);
      }
      if (queue.length > 0) timer = setTimeout(drain, (queue[0] as { at: number }).at - Date.now());
    };
    from.on('data', (chunk: Buffer) => {
      if (this.maxDelayMs === 0 && queue.length === 0) {
        to.write(chunk);
        return;
      }
      const last = queue[queue.length - 1]?.at ?? 0;
      queue.push({ at: Math.max(last, Date.now() + this.random() * this.maxDelayMs), chunk });
      if (timer === null) timer = setTimeout(drain, Math.max(0, (queue[0] as { at: number }).at - Date.now()));
    });
    from.on('close', () => {
      if (timer !== null) clearTimeout(timer);
    });
  }
}

/** Mulberry32: a small seeded generator, so a failing run can be replayed from its seed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Resolves as soon as `condition` holds (checked every 10 ms), or rejects after `timeoutMs` naming what it awaited. */
export async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The async twin of `until`, for conditions read over the network (e.g. /metrics). */
export async function eventually(condition: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
