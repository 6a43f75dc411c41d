// PostgreSQL behind the Storage seam (RELAY_DATABASE_URL=postgres://…), for several relays sharing rooms. The
// database is the only authority: a room's seqs are assigned inside the insert transaction (the room row is
// locked by `UPDATE rooms SET latest_seq = latest_seq + n … RETURNING`), so two relays appending to one room never
// collide or leave a gap; a compaction locks the same row, deletes only rows ≤ the snapshot it stores and never
// moves the snapshot backwards. Heads, seats and the relay-wide totals are cached briefly (bounded, and at most
// CACHE_TTL_MS old) for the caps; nothing cached is ever used to number a row. Migrations are versioned in
// relay_migrations and run at start under an advisory lock, so relays starting at once apply each one once.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Log } from './log.js';
import type { RoomSeats } from './seats.js';
import {
  BoundedCache,
  type CompactResult,
  type LogPage,
  type RoomHead,
  type Storage,
  StorageError,
  type StorageUsage,
  type StoredRow,
  storageCall,
} from './storage.js';

/** How old a cached head, seats or totals may be: what another relay wrote meanwhile is seen this late by the caps. */
export const CACHE_TTL_MS = 1000;
const MAX_CACHED_ROOMS = 10_000;
/** Any constant the relay alone uses: the key of the advisory lock the migrations run under. */
const MIGRATION_LOCK = 0x52454c41; // "RELA"

/** Each version once, in order, in one transaction with its row in relay_migrations. Never edit a shipped one. */
export const MIGRATIONS: ReadonlyArray<{ version: number; name: string; sql: string }> = [
  {
    version: 1,
    name: 'rooms, updates, seats',
    sql: `
      CREATE TABLE rooms (
        room_id text PRIMARY KEY,
        epoch text NOT NULL,
        latest_seq bigint NOT NULL DEFAULT 0,
        snapshot_seq bigint NOT NULL DEFAULT 0,
        snapshot bytea,
        row_bytes bigint NOT NULL DEFAULT 0,
        snapshot_bytes bigint NOT NULL DEFAULT 0,
        last_active bigint NOT NULL
      );
      CREATE INDEX rooms_last_active ON rooms (last_active);
      CREATE TABLE updates (
        room_id text NOT NULL REFERENCES rooms (room_id) ON DELETE CASCADE,
        seq bigint NOT NULL,
        data bytea NOT NULL,
        PRIMARY KEY (room_id, seq)
      );
      CREATE TABLE room_seats (
        room_id text PRIMARY KEY REFERENCES rooms (room_id) ON DELETE CASCADE,
        host_key bytea NOT NULL,
        guests integer NOT NULL
      );
    `,
  },
];

export interface PostgresStorageOptions {
  log?: Log;
  maxCachedRooms?: number;
  /** Connections in the pool (default 10). */
  poolSize?: number;
  /** How long a call waits for a connection before it fails (default 5 s). */
  connectTimeoutMs?: number;
  /** How long one query may run before it fails (default 15 s). */
  queryTimeoutMs?: number;
}

type Queryable = Pick<pg.PoolClient, 'query'>;

interface HeadRow {
  latest_seq: string;
  snapshot_seq: string;
  epoch: string;
  row_bytes: string;
  snapshot_bytes: string;
}

const toHead = (row: HeadRow): RoomHead => ({
  latestSeq: Number(row.latest_seq),
  snapshotSeq: Number(row.snapshot_seq),
  epoch: row.epoch,
  bytes: Number(row.row_bytes) + Number(row.snapshot_bytes),
});

const newEpoch = () => randomBytes(8).toString('hex');

/** Applies the migrations this database lacks; safe when several relays start at once (advisory lock). */
export async function migrate(pool: pg.Pool): Promise<number[]> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // held to the end of the transaction: a second relay waits here, then finds everything applied
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(
      `CREATE TABLE IF NOT EXISTS relay_migrations (
         version integer PRIMARY KEY,
         name text NOT NULL,
         applied_at timestamptz NOT NULL DEFAULT now()
       )`,
    );
    const done = new Set(
      (await client.query<{ version: number }>('SELECT version FROM relay_migrations')).rows.map((r) => r.version),
    );
    const applied: number[] = [];
    for (const migration of MIGRATIONS) {
      if (done.has(migration.version)) continue;
      await client.query(migration.sql);
      await client.query('INSERT INTO relay_migrations (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
      applied.push(migration.version);
    }
    await client.query('COMMIT');
    return applied;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

export async function openPostgresStorage(url: string, options: PostgresStorageOptions = {}): Promise<Storage> {
  const log = options.log;
  const maxCached = options.maxCachedRooms ?? MAX_CACHED_ROOMS;
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
    query_timeout: options.queryTimeoutMs ?? 15_000,
    idleTimeoutMillis: 30_000,
    application_name: 'pa-relay',
  });
  // an idle connection dropped by the server (restart, failover) is reported here; the pool replaces it on next use
  pool.on('error', (error) => log?.warn('database_connection_lost', { error: error.message }));
  // a connection lost while checked out (between two queries of a transaction) must not be an unhandled 'error':
  // the query waiting on it fails, which is what the caller sees
  pool.on('connect', (client) => client.on('error', () => undefined));
  try {
    const applied = await migrate(pool);
    if (applied.length > 0) log?.info('database_migrated', { versions: applied });
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new StorageError(`cannot prepare the database: ${(error as Error).message}`, { cause: error });
  }

  let closed = false;
  let inFlight = 0;
  let idle: (() => void) | null = null;
  /** Every call: refused after close, counted while running (close waits), errors as StorageError. */
  const call = async <T>(what: string, work: () => Promise<T>): Promise<T> => {
    if (closed) throw new StorageError('storage is closed');
    inFlight += 1;
    try {
      return await storageCall(what, work);
    } finally {
      inFlight -= 1;
      if (inFlight === 0) idle?.();
    }
  };

  /**
   * Runs `work` in one transaction (opened by `begin`) on one pooled connection; a connection that failed is not
   * reused.
   */
  const transaction = async <T>(work: (client: Queryable) => Promise<T>, begin = 'BEGIN'): Promise<T> => {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      await client.query(begin);
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      broken = error as Error;
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      // after a failure the session may be gone or in an unknown state (a timeout, a restart): never reuse it
      client.release(broken);
    }
  };

  const heads = new BoundedCache<{ head: RoomHead; at: number }>(maxCached);
  const knownSeats = new BoundedCache<{ seats: RoomSeats | null; at: number }>(maxCached);
  const remember = (roomId: string, head: RoomHead) => heads.set(roomId, { head, at: Date.now() });

  /** The room's head from the database, creating the room on first use (two relays at once: one row). */
  const readHead = async (db: Queryable, roomId: string): Promise<RoomHead> => {
    for (;;) {
      const { rows } = await db.query<HeadRow & { created: boolean }>(
        `WITH created AS (
           INSERT INTO rooms (room_id, epoch, last_active) VALUES ($1, $2, $3)
           ON CONFLICT (room_id) DO NOTHING
           RETURNING latest_seq, snapshot_seq, epoch, row_bytes, snapshot_bytes, true AS created
         )
         SELECT * FROM created
         UNION ALL
         SELECT latest_seq, snapshot_seq, epoch, row_bytes, snapshot_bytes, false FROM rooms WHERE room_id = $1`,
        [roomId, newEpoch(), Date.now()],
      );
      // neither: another transaction created it after this statement's snapshot; read again
      if (rows[0]) {
        if (rows[0].created) totals.rooms += 1;
        const head = toHead(rows[0]);
        remember(roomId, head);
        return head;
      }
    }
  };

  // relay-wide totals: a scan of `rooms` (one row per room) at most every CACHE_TTL_MS, plus what this relay
  // changed since; one refresh at a time
  let totals: StorageUsage & { at: number } = { rooms: 0, bytes: 0, at: 0 };
  let refreshing: Promise<void> | null = null;
  const refreshTotals = (): Promise<void> => {
    refreshing ??= (async () => {
      try {
        const { rows } = await pool.query<{ rooms: string; bytes: string }>(
          'SELECT count(*) AS rooms, coalesce(sum(row_bytes + snapshot_bytes), 0) AS bytes FROM rooms',
        );
        totals = { rooms: Number(rows[0]?.rooms ?? 0), bytes: Number(rows[0]?.bytes ?? 0), at: Date.now() };
      } finally {
        refreshing = null;
      }
    })();
    return refreshing;
  };
  await storageCall('usage', refreshTotals);

  const append = async (batch: ReadonlyArray<{ roomId: string; data: Uint8Array }>, now: number) => {
    // per room, in the order received; rooms locked in one order (sorted) so two relays cannot deadlock
    const byRoom = new Map<string, number[]>();
    batch.forEach(({ roomId }, index) => {
      const list = byRoom.get(roomId);
      if (list) list.push(index);
      else byRoom.set(roomId, [index]);
    });
    const rooms = [...byRoom.keys()].sort();
    const appendRoom = async (db: Queryable, roomId: string) => {
      const indexes = byRoom.get(roomId) as number[];
      const datas = indexes.map((index) => Buffer.from((batch[index] as { data: Uint8Array }).data));
      const bytes = datas.reduce((sum, data) => sum + data.byteLength, 0);
      // one statement: create or lock the room row, take n seqs, insert the rows under them
      const { rows } = await db.query<HeadRow & { created: boolean }>(
        `WITH room AS (
           INSERT INTO rooms AS r (room_id, epoch, latest_seq, row_bytes, last_active)
           VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (room_id) DO UPDATE
             SET latest_seq = r.latest_seq + EXCLUDED.latest_seq,
                 row_bytes = r.row_bytes + EXCLUDED.row_bytes,
                 last_active = greatest(r.last_active, EXCLUDED.last_active)
           RETURNING latest_seq, snapshot_seq, epoch, row_bytes, snapshot_bytes, (xmax = 0) AS created
         ), inserted AS (
           INSERT INTO updates (room_id, seq, data)
           SELECT $1, room.latest_seq - $3 + t.ord, t.data
           FROM room, unnest($6::bytea[]) WITH ORDINALITY AS t(data, ord)
         )
         SELECT * FROM room`,
        [roomId, newEpoch(), datas.length, bytes, now, datas],
      );
      const row = rows[0] as HeadRow & { created: boolean };
      return { head: toHead(row), created: row.created, bytes, count: datas.length };
    };
    const results =
      rooms.length === 1
        ? [await appendRoom(pool, rooms[0] as string)] // one statement is its own transaction
        : await transaction(async (db) => {
            const out = [];
            for (const roomId of rooms) out.push(await appendRoom(db, roomId));
            return out;
          });
    // committed: hand out the seqs, and count what this relay added until the next refresh of the totals
    const seqs = new Array<number>(batch.length);
    rooms.forEach((roomId, i) => {
      const { head, created, bytes, count } = results[i] as Awaited<ReturnType<typeof appendRoom>>;
      const first = head.latestSeq - count + 1;
      (byRoom.get(roomId) as number[]).forEach((index, k) => {
        seqs[index] = first + k;
      });
      remember(roomId, head);
      totals.bytes += bytes;
      if (created) totals.rooms += 1;
    });
    return seqs;
  };

  const readRows = async (db: Queryable, roomId: string, after: number, limit: number): Promise<StoredRow[]> => {
    const { rows } = await db.query<{ seq: string; data: Buffer }>(
      'SELECT seq, data FROM updates WHERE room_id = $1 AND seq > $2 ORDER BY seq LIMIT $3',
      [roomId, after, limit],
    );
    return rows.map((row) => ({ seq: Number(row.seq), data: new Uint8Array(row.data) }));
  };

  const readSnapshot = async (db: Queryable, roomId: string): Promise<StoredRow | null> => {
    const { rows } = await db.query<{ snapshot_seq: string; snapshot: Buffer | null }>(
      'SELECT snapshot_seq, snapshot FROM rooms WHERE room_id = $1',
      [roomId],
    );
    const row = rows[0];
    return row?.snapshot ? { seq: Number(row.snapshot_seq), data: new Uint8Array(row.snapshot) } : null;
  };

  const compact = async (roomId: string, upTo: number, data: Uint8Array, now: number): Promise<CompactResult> => {
    const outcome = await transaction(async (db) => {
      // the room row locked: appends (which lock it to take seqs) and other compactions of the room wait
      const { rows } = await db.query<HeadRow>(
        `SELECT latest_seq, snapshot_seq, epoch, row_bytes, snapshot_bytes FROM rooms WHERE room_id = $1 FOR UPDATE`,
        [roomId],
      );
      const current = rows[0] ? toHead(rows[0]) : null;
      if (!current || upTo <= current.snapshotSeq) return { result: 'stale' as const, current };
      if (upTo > current.latestSeq) return { result: 'past_log' as const, current };
      const updated = await db.query<HeadRow>(
        `WITH gone AS (
           DELETE FROM updates WHERE room_id = $1 AND seq <= $2 RETURNING length(data) AS n
         )
         UPDATE rooms SET snapshot_seq = $2, snapshot = $3, snapshot_bytes = $4, last_active = $5,
           row_bytes = row_bytes - (SELECT coalesce(sum(n), 0) FROM gone)
         WHERE room_id = $1
         RETURNING latest_seq, snapshot_seq, epoch, row_bytes, snapshot_bytes`,
        [roomId, upTo, Buffer.from(data), data.byteLength, now],
      );
      const head = toHead(updated.rows[0] as HeadRow);
      totals.bytes += head.bytes - current.bytes;
      return { result: 'stored' as const, current: head };
    });
    if (outcome.current) remember(roomId, outcome.current);
    return outcome.result;
  };

  return {
    kind: 'postgres',
    hasRoom: (roomId) =>
      call('hasRoom', async () => {
        if (heads.get(roomId)) return true;
        const { rows } = await pool.query('SELECT 1 FROM rooms WHERE room_id = $1', [roomId]);
        return rows.length > 0;
      }),
    head: (roomId) =>
      call('head', async () => {
        const known = heads.get(roomId);
        if (known && Date.now() - known.at <= CACHE_TTL_MS) return { ...known.head };
        return { ...(await readHead(pool, roomId)) };
      }),
    append: (batch, now) => call('append', () => append(batch, now)),
    readLog: (roomId, after, limit) =>
      call('readLog', async () => {
        // one snapshot of the database for the head, the snapshot and the rows: a compaction committing meanwhile
        // cannot delete rows between what is read (REPEATABLE READ)
        for (;;) {
          // created (if new) outside the read-only snapshot, so two relays creating it at once cannot conflict there
          if (!heads.get(roomId)) await readHead(pool, roomId);
          const page = await transaction(async (client): Promise<LogPage | null> => {
            const { rows: found } = await client.query<HeadRow>(
              'SELECT latest_seq, snapshot_seq, epoch, row_bytes, snapshot_bytes FROM rooms WHERE room_id = $1',
              [roomId],
            );
            if (!found[0]) return null;
            const head = toHead(found[0]);
            const snapshot = after < head.snapshotSeq ? await readSnapshot(client, roomId) : null;
            const rows = await readRows(client, roomId, Math.max(after, head.snapshotSeq), limit);
            remember(roomId, head);
            return { head, snapshot, rows };
          }, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
          if (page) return page;
          // expired meanwhile: create it again (a new epoch), then read
          heads.delete(roomId);
        }
      }),
    rowsAfter: (roomId, after, limit) => call('rowsAfter', () => readRows(pool, roomId, after, limit)),
    snapshot: (roomId) => call('snapshot', () => readSnapshot(pool, roomId)),
    compact: (roomId, upTo, data, now) => call('compact', () => compact(roomId, upTo, data, now)),
    seats: (roomId) =>
      call('seats', async () => {
        const known = knownSeats.get(roomId);
        if (known && Date.now() - known.at <= CACHE_TTL_MS) return known.seats;
        const { rows } = await pool.query<{ host_key: Buffer; guests: number }>(
          'SELECT host_key, guests FROM room_seats WHERE room_id = $1',
          [roomId],
        );
        const row = rows[0];
        const seats = row ? { hostKey: new Uint8Array(row.host_key), guests: row.guests } : null;
        knownSeats.set(roomId, { seats, at: Date.now() });
        return seats;
      }),
    setSeats: (roomId, seats) =>
      call('setSeats', async () => {
        await readHead(pool, roomId); // the room row, so the seats expire with the room
        // first host key wins, atomically: a conflicting key updates nothing and returns no row
        const { rows } = await pool.query(
          `INSERT INTO room_seats AS s (room_id, host_key, guests) VALUES ($1, $2, $3)
           ON CONFLICT (room_id) DO UPDATE SET guests = EXCLUDED.guests WHERE s.host_key = EXCLUDED.host_key
           RETURNING 1`,
          [roomId, Buffer.from(seats.hostKey), seats.guests],
        );
        if (rows.length === 0) {
          knownSeats.delete(roomId);
          return false;
        }
        knownSeats.set(roomId, { seats, at: Date.now() });
        return true;
      }),
    expire: (olderThan, active) =>
      call('expire', async () => {
        // a room written meanwhile (by any relay) has a newer last_active and is re-checked under its row lock;
        // its rows and seats go with it (ON DELETE CASCADE)
        const { rows } = await pool.query<{ room_id: string; bytes: string }>(
          `DELETE FROM rooms WHERE last_active < $1 AND NOT (room_id = ANY($2::text[]))
           RETURNING room_id, row_bytes + snapshot_bytes AS bytes`,
          [olderThan, [...active]],
        );
        for (const row of rows) {
          heads.delete(row.room_id);
          knownSeats.delete(row.room_id);
          totals.rooms -= 1;
          totals.bytes -= Number(row.bytes);
        }
        return rows.length;
      }),
    usage: () =>
      call('usage', async () => {
        if (Date.now() - totals.at > CACHE_TTL_MS) await refreshTotals();
        return { rooms: totals.rooms, bytes: totals.bytes };
      }),
    stats: () =>
      call('stats', async () => {
        const { rows } = await pool.query<{ rooms: string; rows: string }>(
          'SELECT (SELECT count(*) FROM rooms) AS rooms, (SELECT count(*) FROM updates) AS rows',
        );
        return { rooms: Number(rows[0]?.rooms ?? 0), rows: Number(rows[0]?.rows ?? 0) };
      }),
    ping: () =>
      call('ping', async () => {
        await pool.query('SELECT 1');
      }),
    async close() {
      if (closed) return;
      closed = true;
      if (inFlight > 0) await new Promise<void>((resolve) => (idle = resolve));
      await pool.end();
    },
  };
}
