// relay_storage: updates per second the relay acknowledges with PostgreSQL (RELAY_DATABASE_URL) against SQLite (the
// embedded default) in the same run, each against a bare INSERT loop on the same database (one row per commit, one
// connection: what the database alone does without the relay). Both durable: SQLite with RELAY_SYNC_MODE=full,
// PostgreSQL with fsync and synchronous_commit on. Real WebSocket clients join a room with its write key and send
// signed UPDATEs, each keeping WINDOW of them unacknowledged, counting ACKs; rounds alternate the four measurements.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  joinStatement,
  MessageType,
  readMessage,
  updateStatement,
  writeProof,
  writeSyncRequest,
  writeUpdate,
} from '@pa/shared/relay/protocol';
import { deriveWriteKey, type RoomWriteKey } from '@pa/shared/relay/write-key';
import Database from 'better-sqlite3';
import pg from 'pg';
import WebSocket from 'ws';
import { type StartedRelay, startRelay } from '../tests/support/collab-relay.js';
import { startPostgres } from '../tests/support/postgres-server.js';
import { median, progress, report, round } from './support/report.js';

const ROUNDS = Number(process.env.RELAY_STORAGE_BENCH_ROUNDS ?? 3);
const ROUND_MS = Number(process.env.RELAY_STORAGE_BENCH_ROUND_MS ?? 3000);
const CLIENTS = 8;
const ROOMS = 4;
const WINDOW = 16;
const UPDATE_BYTES = 200;
/** Signed updates prepared before a round (signing is the client's cost, not the relay's). */
const PREPARED = 256;

const unlimited = {
  RELAY_MSG_RATE_PER_CONN: '1000000',
  RELAY_MSG_BURST_PER_CONN: '1000000',
  RELAY_BYTES_RATE_PER_CONN: String(1 << 30),
  RELAY_BYTES_BURST_PER_CONN: String(1 << 30),
  RELAY_MAX_ROOM_BYTES: String(1 << 30),
};

interface Prepared {
  ciphertext: Uint8Array;
  signature: Uint8Array;
}

async function prepare(room: RoomWriteKey): Promise<Prepared[]> {
  const out: Prepared[] = [];
  for (let i = 0; i < PREPARED; i += 1) {
    const ciphertext = new Uint8Array(randomBytes(UPDATE_BYTES));
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', ciphertext));
    out.push({ ciphertext, signature: await room.sign(updateStatement(room.roomId, digest)) });
  }
  return out;
}

/** One sync connection, joined and synced; `pump` keeps WINDOW updates in flight and counts ACKs until told to stop. */
async function client(relay: StartedRelay, room: RoomWriteKey, updates: Prepared[]) {
  const socket = new WebSocket(`${relay.url}/sync/${room.roomId}?token=${relay.token}`, { perMessageDeflate: false });
  let onMessage: (message: ReturnType<typeof readMessage>) => void = () => undefined;
  socket.on('message', (data: Buffer) => onMessage(readMessage(new Uint8Array(data))));
  socket.once('error', (error) => progress(`client socket error: ${error.message}`));
  // the CHALLENGE may come in the same packet as the upgrade's answer: listen before 'open'
  await new Promise<void>((resolve, reject) => {
    onMessage = (read) => {
      if (!read.ok) return reject(new Error(read.reason));
      const message = read.message;
      if (message.type === MessageType.challenge) {
        void room.sign(joinStatement(room.roomId, message.nonce)).then((signature) => {
          socket.send(writeProof(room.publicKey, signature));
          socket.send(writeSyncRequest(0)); // a new room: nothing to replay
        });
      } else if (message.type === MessageType.syncDone) resolve();
      else if (message.type === MessageType.error) reject(new Error(`${message.code}: ${message.message}`));
    };
    socket.once('close', (code) => reject(new Error(`closed with ${code} while joining`)));
  });
  let clientSeq = 0;
  return {
    /** Sends for `ms`, then waits for the ACKs in flight; returns how many were acknowledged within the window. */
    pump(ms: number): Promise<number> {
      return new Promise<number>((resolve, reject) => {
        let acked = 0;
        let inFlight = 0;
        let stopping = false;
        const send = () => {
          const update = updates[clientSeq % updates.length] as Prepared;
          clientSeq += 1;
          inFlight += 1;
          socket.send(writeUpdate(clientSeq, update.ciphertext, update.signature));
        };
        onMessage = (read) => {
          if (!read.ok) return reject(new Error(read.reason));
          if (read.message.type === MessageType.error) {
            return reject(new Error(`${read.message.code}: ${read.message.message}`));
          }
          if (read.message.type !== MessageType.ack) return;
          inFlight -= 1;
          if (!stopping) {
            acked += 1;
            send();
          } else if (inFlight === 0) resolve(acked);
        };
        for (let i = 0; i < WINDOW; i += 1) send();
        setTimeout(() => {
          stopping = true;
          if (inFlight === 0) resolve(acked);
        }, ms);
      });
    },
    close: () => socket.close(),
  };
}

async function relayRate(clients: Array<Awaited<ReturnType<typeof client>>>): Promise<number> {
  const started = performance.now();
  const counts = await Promise.all(clients.map((c) => c.pump(ROUND_MS)));
  const seconds = Math.min(ROUND_MS, performance.now() - started) / 1000;
  return counts.reduce((a, b) => a + b, 0) / seconds;
}

/** One row per commit, one connection, for ROUND_MS: the database alone. */
async function barePostgres(pool: pg.Pool, seq: { n: number }): Promise<number> {
  const data = randomBytes(UPDATE_BYTES);
  const deadline = performance.now() + ROUND_MS;
  const started = performance.now();
  let rows = 0;
  while (performance.now() < deadline) {
    seq.n += 1;
    await pool.query('INSERT INTO bench_updates (room_id, seq, data) VALUES ($1, $2, $3)', ['bench', seq.n, data]);
    rows += 1;
  }
  return rows / ((performance.now() - started) / 1000);
}

function bareSqlite(db: Database.Database, seq: { n: number }): number {
  const insert = db.prepare('INSERT INTO bench_updates (room_id, seq, data) VALUES (?, ?, ?)');
  const data = randomBytes(UPDATE_BYTES);
  const deadline = performance.now() + ROUND_MS;
  const started = performance.now();
  let rows = 0;
  while (performance.now() < deadline) {
    seq.n += 1;
    insert.run('bench', seq.n, data); // autocommit: one durable transaction per row
    rows += 1;
  }
  return rows / ((performance.now() - started) / 1000);
}

async function main(): Promise<void> {
  progress('starting PostgreSQL (durable) and two relays');
  const postgres = await startPostgres({ durable: true });
  const sqliteDir = mkdtempSync(join(tmpdir(), 'pa-bench-sqlite-'));
  const relays: StartedRelay[] = [];
  const cleanUp = async () => {
    for (const relay of relays) await relay.stop();
    await postgres.destroy();
    rmSync(sqliteDir, { recursive: true, force: true });
  };
  // stopped from outside (a timeout, ^C): still take the relays and the server down
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => void cleanUp().finally(() => process.exit(1)));
  }
  try {
    const relayUrl = await postgres.createDatabase('relay');
    const bareUrl = await postgres.createDatabase('bare');
    progress('databases created');
    const sqliteRelay = await startRelay({ syncMode: 'full', env: unlimited });
    relays.push(sqliteRelay);
    const pgRelay = await startRelay({ syncMode: 'full', env: { ...unlimited, RELAY_DATABASE_URL: relayUrl } });
    relays.push(pgRelay);

    progress('preparing signed updates and joining the clients');
    const rooms = await Promise.all(Array.from({ length: ROOMS }, (_, i) => deriveWriteKey(`bench room ${i}`)));
    const prepared = await Promise.all(rooms.map(prepare));
    const clientsOf = (relay: StartedRelay) =>
      Promise.all(
        Array.from({ length: CLIENTS }, (_, i) =>
          client(relay, rooms[i % ROOMS] as RoomWriteKey, prepared[i % ROOMS] as Prepared[]),
        ),
      );
    progress('clients joining');
    const sqliteClients = await clientsOf(sqliteRelay);
    const pgClients = await clientsOf(pgRelay);

    // the bare loops: the same kind of table, on the same PostgreSQL server and the same disk for SQLite
    const pool = new pg.Pool({ connectionString: bareUrl, max: 1 });
    await pool.query('CREATE TABLE bench_updates (room_id text, seq bigint, data bytea, PRIMARY KEY (room_id, seq))');
    const bareDb = new Database(join(sqliteDir, 'bare.sqlite'));
    bareDb.pragma('journal_mode = WAL');
    bareDb.pragma('synchronous = FULL');
    bareDb.exec('CREATE TABLE bench_updates (room_id TEXT, seq INTEGER, data BLOB, PRIMARY KEY (room_id, seq))');
    const pgSeq = { n: 0 };
    const sqliteSeq = { n: 0 };

    const figures = {
      relayPg: [] as number[],
      relaySqlite: [] as number[],
      barePg: [] as number[],
      bareSqlite: [] as number[],
    };
    for (let round = 0; round < ROUNDS; round += 1) {
      // paired rounds, alternating which back end goes first
      const order = round % 2 === 0 ? ['pg', 'sqlite'] : ['sqlite', 'pg'];
      for (const which of order) {
        if (which === 'pg') {
          figures.relayPg.push(await relayRate(pgClients));
          figures.barePg.push(await barePostgres(pool, pgSeq));
        } else {
          figures.relaySqlite.push(await relayRate(sqliteClients));
          figures.bareSqlite.push(bareSqlite(bareDb, sqliteSeq));
        }
      }
      progress(
        `round ${round + 1}: relay pg ${round_(figures.relayPg)} /s, bare pg ${round_(figures.barePg)} /s, ` +
          `relay sqlite ${round_(figures.relaySqlite)} /s, bare sqlite ${round_(figures.bareSqlite)} /s`,
      );
    }
    for (const c of [...sqliteClients, ...pgClients]) c.close();
    await pool.end();
    bareDb.close();

    const relayPg = median(figures.relayPg);
    const relaySqlite = median(figures.relaySqlite);
    const barePg = median(figures.barePg);
    const bareSqliteRate = median(figures.bareSqlite);
    report({
      name: 'relay_storage',
      value: round(relayPg, 0),
      unit: 'updates/s acknowledged (PostgreSQL)',
      baseline: round(relaySqlite, 0),
      ratio: round(relayPg / relaySqlite),
      goal: 'report: PostgreSQL against SQLite through the relay, each against a bare INSERT loop on its database',
      pass: relayPg > 0 && relaySqlite > 0,
      relay_postgres_per_s: round(relayPg, 0),
      relay_sqlite_per_s: round(relaySqlite, 0),
      bare_insert_postgres_per_s: round(barePg, 0),
      bare_insert_sqlite_per_s: round(bareSqliteRate, 0),
      postgres_relay_vs_bare_insert: round(relayPg / barePg),
      sqlite_relay_vs_bare_insert: round(relaySqlite / bareSqliteRate),
      rounds: {
        relay_postgres: figures.relayPg.map((v) => round(v, 0)),
        relay_sqlite: figures.relaySqlite.map((v) => round(v, 0)),
        bare_postgres: figures.barePg.map((v) => round(v, 0)),
        bare_sqlite: figures.bareSqlite.map((v) => round(v, 0)),
      },
      clients: CLIENTS,
      rooms: ROOMS,
      window_per_client: WINDOW,
      update_bytes: UPDATE_BYTES,
      round_ms: ROUND_MS,
      durable: 'sqlite synchronous=FULL; postgres fsync=on, synchronous_commit=on',
    });
  } finally {
    await cleanUp();
  }
}

function round_(values: number[]): number {
  return round(values.at(-1) ?? 0, 0);
}

await main();
