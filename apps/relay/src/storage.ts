// The relay's Storage seam, and its embedded back end: SQLite persistence of each room's encrypted log (one row per
// update numbered by serverSeq, compaction into one encrypted snapshot, expiry of rooms without activity), with the
// relay-wide totals (rooms, bytes) that the global caps read. better-sqlite3 is synchronous underneath: each call
// runs whole within one turn (a commit returns durable) and is handed out as a Promise, like PostgreSQL's
// (storage-pg.ts). The in-memory caches of heads and seats are bounded: the database is the truth, a miss costs a
// read. One process owns the file, so the cached heads are exact.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { RoomSeats } from './seats.js';

export interface RoomHead {
  latestSeq: number;
  snapshotSeq: number;
  /** Random name of this incarnation of the room's log; a room recreated after loss or expiry gets a new one. */
  epoch: string;
  /** Bytes the room occupies: its update rows plus its snapshot (what the per-room cap counts). */
  bytes: number;
}

export interface StoredRow {
  seq: number;
  data: Uint8Array;
}

/** What the whole relay stores: what RELAY_MAX_ROOMS and RELAY_MAX_TOTAL_BYTES count. */
export interface StorageUsage {
  rooms: number;
  bytes: number;
}

/** A consistent read of a room's log for a replay step: its head, the snapshot if `after` is below it, then rows. */
export interface LogPage {
  head: RoomHead;
  /** The snapshot standing in for every row ≤ head.snapshotSeq, when the reader is below it. */
  snapshot: StoredRow | null;
  /** Up to `limit` rows after max(after, head.snapshotSeq), oldest first. */
  rows: StoredRow[];
}

/** What compact() did: stored; stale (the log is already compacted to ≥ upTo); past_log (upTo > latestSeq). */
export type CompactResult = 'stored' | 'stale' | 'past_log';

/**
 * The database could not do what was asked (unreachable, disk full, timed out...). Nothing of the call is known to
 * be committed: the sync layer does not acknowledge, and the clients keep their updates and resend them.
 */
export class StorageError extends Error {
  readonly code = 'storage_unavailable';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StorageError';
  }
}

/** Runs `work`, turning whatever it throws into a StorageError (the original kept as `cause`). */
export async function storageCall<T>(what: string, work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof StorageError) throw error;
    throw new StorageError(`${what} failed: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Where rooms live: SQLite (embedded, the default) or PostgreSQL (RELAY_DATABASE_URL, shared by several relays).
 * Every call is asynchronous and rejects with a StorageError when the database fails.
 */
export interface Storage {
  readonly kind: 'sqlite' | 'postgres';
  /** Whether the room exists (head() would not create it). */
  hasRoom(roomId: string): Promise<boolean>;
  /** The room's head, creating the room (with a fresh epoch) on first use; the byte count may lag other relays. */
  head(roomId: string): Promise<RoomHead>;
  /** Appends updates in one transaction and returns their serverSeqs, in order; resolves only once committed. */
  append(batch: ReadonlyArray<{ roomId: string; data: Uint8Array }>, now: number): Promise<number[]>;
  /** The head, snapshot and next rows of the room as one consistent read (creating the room like head()). */
  readLog(roomId: string, after: number, limit: number): Promise<LogPage>;
  /** Up to `limit` rows with seq > after, oldest first. */
  rowsAfter(roomId: string, after: number, limit: number): Promise<StoredRow[]>;
  snapshot(roomId: string): Promise<StoredRow | null>;
  /** Replaces every row ≤ upTo by the snapshot, atomically checked against the current head (see CompactResult). */
  compact(roomId: string, upTo: number, data: Uint8Array, now: number): Promise<CompactResult>;
  /** The room's host key and guest limit (SEATS), or null for a room whose host never sent one. */
  seats(roomId: string): Promise<RoomSeats | null>;
  /** Stores the seats unless the room has another host key (first key wins); returns whether they are the room's. */
  setSeats(roomId: string, seats: RoomSeats): Promise<boolean>;
  /** Deletes rooms idle since before `olderThan`, except those listed as active; returns how many. */
  expire(olderThan: number, active: ReadonlySet<string>): Promise<number>;
  stats(): Promise<{ rooms: number; rows: number }>;
  /** Rooms and bytes (rows + snapshots) of the whole relay (all relays on one database), without a scan per call. */
  usage(): Promise<StorageUsage>;
  /** Resolves when the database answers (for /healthz). */
  ping(): Promise<void>;
  /** Waits for calls in flight, then closes. */
  close(): Promise<void>;
}

/** Rooms whose head or seats stay cached; beyond it the least recently used are dropped (and re-read on use). */
const MAX_CACHED_ROOMS = 10_000;

/** A Map that keeps at most `max` entries, dropping the least recently read or written one. */
export class BoundedCache<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly max: number) {}
  get(key: string): V | undefined {
    const value = this.map.get(key);
    if (value !== undefined) {
      this.map.delete(key);
      this.map.set(key, value);
    }
    return value;
  }
  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value as string);
  }
  delete(key: string): void {
    this.map.delete(key);
  }
}

export function openStorage(
  dir: string,
  syncMode: 'full' | 'normal',
  options: { maxCachedRooms?: number } = {},
): Storage {
  const maxCached = options.maxCachedRooms ?? MAX_CACHED_ROOMS;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const db = new Database(join(dir, 'relay.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${syncMode === 'full' ? 'FULL' : 'NORMAL'}`);
  db.pragma('busy_timeout = 5000');
  db.exec(`
    CREATE TABLE IF NOT EXISTS rooms (
      room_id TEXT PRIMARY KEY,
      epoch TEXT NOT NULL,
      latest_seq INTEGER NOT NULL,
      snapshot_seq INTEGER NOT NULL DEFAULT 0,
      snapshot BLOB,
      last_active INTEGER NOT NULL
    );
    CREATE TABLE IF NOT EXISTS updates (
      room_id TEXT NOT NULL,
      seq INTEGER NOT NULL,
      data BLOB NOT NULL,
      PRIMARY KEY (room_id, seq)
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS rooms_last_active ON rooms(last_active);
    CREATE TABLE IF NOT EXISTS room_seats (
      room_id TEXT PRIMARY KEY,
      host_key BLOB NOT NULL,
      guests INTEGER NOT NULL
    );
  `);

  const selectHead = db.prepare<
    [string],
    { latest_seq: number; snapshot_seq: number; epoch: string; snapshot_bytes: number; row_bytes: number }
  >(
    `SELECT latest_seq, snapshot_seq, epoch, coalesce(length(snapshot), 0) AS snapshot_bytes,
       (SELECT coalesce(sum(length(data)), 0) FROM updates WHERE updates.room_id = rooms.room_id) AS row_bytes
     FROM rooms WHERE room_id = ?`,
  );
  const selectRowBytes = db.prepare<[string], { n: number }>(
    'SELECT coalesce(sum(length(data)), 0) AS n FROM updates WHERE room_id = ?',
  );
  const insertRoom = db.prepare<[string, string, number]>(
    'INSERT INTO rooms (room_id, epoch, latest_seq, last_active) VALUES (?, ?, 0, ?)',
  );
  const updateRoom = db.prepare<[number, number, string]>(
    'UPDATE rooms SET latest_seq = ?, last_active = ? WHERE room_id = ?',
  );
  const insertRow = db.prepare<[string, number, Uint8Array]>(
    'INSERT INTO updates (room_id, seq, data) VALUES (?, ?, ?)',
  );
  const selectRows = db.prepare<[string, number, number], { seq: number; data: Buffer }>(
    'SELECT seq, data FROM updates WHERE room_id = ? AND seq > ? ORDER BY seq LIMIT ?',
  );
  const selectSnapshot = db.prepare<[string], { snapshot_seq: number; snapshot: Buffer | null }>(
    'SELECT snapshot_seq, snapshot FROM rooms WHERE room_id = ?',
  );
  const setSnapshot = db.prepare<[number, Uint8Array, number, string]>(
    'UPDATE rooms SET snapshot_seq = ?, snapshot = ?, last_active = ? WHERE room_id = ?',
  );
  const deleteUpTo = db.prepare<[string, number]>('DELETE FROM updates WHERE room_id = ? AND seq <= ?');
  const selectExpired = db.prepare<[number], { room_id: string }>('SELECT room_id FROM rooms WHERE last_active < ?');
  const deleteRoom = db.prepare<[string]>('DELETE FROM rooms WHERE room_id = ?');
  const deleteRoomRows = db.prepare<[string]>('DELETE FROM updates WHERE room_id = ?');
  const selectSeats = db.prepare<[string], { host_key: Buffer; guests: number }>(
    'SELECT host_key, guests FROM room_seats WHERE room_id = ?',
  );
  const upsertSeats = db.prepare<[string, Uint8Array, number]>(
    'INSERT OR REPLACE INTO room_seats (room_id, host_key, guests) VALUES (?, ?, ?)',
  );
  const deleteSeats = db.prepare<[string]>('DELETE FROM room_seats WHERE room_id = ?');
  const selectRoomExists = db.prepare<[string], { n: number }>('SELECT 1 AS n FROM rooms WHERE room_id = ?');
  const selectUsage = db.prepare<[], { rooms: number; bytes: number }>(
    `SELECT (SELECT count(*) FROM rooms) AS rooms,
       (SELECT coalesce(sum(length(snapshot)), 0) FROM rooms) + (SELECT coalesce(sum(length(data)), 0) FROM updates)
       AS bytes`,
  );
  // only rooms that have seats are remembered: topics come from the network, a miss must not grow memory
  const knownSeats = new BoundedCache<RoomSeats>(maxCached);
  const usage: StorageUsage = { ...(selectUsage.get() ?? { rooms: 0, bytes: 0 }) };

  const readHead = (roomId: string): RoomHead | null => {
    const row = selectHead.get(roomId);
    if (!row) return null;
    return {
      latestSeq: row.latest_seq,
      snapshotSeq: row.snapshot_seq,
      epoch: row.epoch,
      bytes: row.snapshot_bytes + row.row_bytes,
    };
  };

  // the sequence counters live in memory once read, so a batch needs no read-back; every value in it is committed,
  // so dropping an entry only costs a read
  const heads = new BoundedCache<RoomHead>(maxCached);
  const head = (roomId: string): RoomHead => {
    let known = heads.get(roomId);
    if (!known) {
      known = readHead(roomId) ?? undefined;
      if (!known) {
        known = { latestSeq: 0, snapshotSeq: 0, epoch: randomBytes(8).toString('hex'), bytes: 0 };
        insertRoom.run(roomId, known.epoch, Date.now());
        usage.rooms += 1;
      }
      heads.set(roomId, known);
    }
    return known;
  };

  const appendTx = db.transaction((batch: ReadonlyArray<{ roomId: string; data: Uint8Array }>, now: number) => {
    const seqs: number[] = [];
    const touched = new Map<string, { seq: number; bytes: number }>();
    for (const { roomId, data } of batch) {
      const before = touched.get(roomId) ?? { seq: head(roomId).latestSeq, bytes: 0 };
      const seq = before.seq + 1;
      insertRow.run(roomId, seq, data);
      touched.set(roomId, { seq, bytes: before.bytes + data.byteLength });
      seqs.push(seq);
    }
    for (const [roomId, { seq }] of touched) updateRoom.run(seq, now, roomId);
    return { seqs, touched };
  });

  const compactTx = db.transaction(
    (roomId: string, upTo: number, data: Uint8Array, now: number): { result: CompactResult; bytes: number } => {
      const current = readHead(roomId);
      if (!current || upTo <= current.snapshotSeq) return { result: 'stale', bytes: 0 };
      if (upTo > current.latestSeq) return { result: 'past_log', bytes: 0 };
      setSnapshot.run(upTo, data, now, roomId);
      deleteUpTo.run(roomId, upTo);
      return { result: 'stored', bytes: (selectRowBytes.get(roomId)?.n ?? 0) + data.byteLength };
    },
  );

  const setSeatsTx = db.transaction((roomId: string, seats: RoomSeats): boolean => {
    const row = selectSeats.get(roomId);
    if (row && !Buffer.from(row.host_key).equals(Buffer.from(seats.hostKey))) return false;
    upsertSeats.run(roomId, seats.hostKey, seats.guests);
    return true;
  });

  const readSeats = (roomId: string): RoomSeats | null => {
    const known = knownSeats.get(roomId);
    if (known) return known;
    const row = selectSeats.get(roomId);
    if (!row) return null;
    const seats = { hostKey: new Uint8Array(row.host_key), guests: row.guests };
    knownSeats.set(roomId, seats);
    return seats;
  };

  const rowsAfter = (roomId: string, after: number, limit: number): StoredRow[] =>
    selectRows.all(roomId, after, limit).map((row) => ({ seq: row.seq, data: new Uint8Array(row.data) }));
  const snapshot = (roomId: string): StoredRow | null => {
    const row = selectSnapshot.get(roomId);
    return row?.snapshot ? { seq: row.snapshot_seq, data: new Uint8Array(row.snapshot) } : null;
  };
  let closed = false;
  /** Each call as a Promise: runs now (synchronously, so in call order), a failure becomes a StorageError. */
  const call = <T>(what: string, work: () => T): Promise<T> =>
    storageCall(what, () => {
      if (closed) throw new StorageError('storage is closed');
      return work();
    });

  const expireTx = db.transaction((olderThan: number, active: ReadonlySet<string>) => {
    let count = 0;
    let bytes = 0;
    for (const { room_id } of selectExpired.all(olderThan)) {
      if (active.has(room_id)) continue;
      bytes += readHead(room_id)?.bytes ?? 0;
      deleteRoomRows.run(room_id);
      deleteRoom.run(room_id);
      deleteSeats.run(room_id);
      heads.delete(room_id);
      knownSeats.delete(room_id);
      count += 1;
    }
    return { count, bytes };
  });

  return {
    kind: 'sqlite',
    hasRoom: (roomId) =>
      call('hasRoom', () => heads.get(roomId) !== undefined || selectRoomExists.get(roomId) !== undefined),
    head: (roomId) => call('head', () => ({ ...head(roomId) })),
    append: (batch, now) =>
      call('append', () => {
        const { seqs, touched } = appendTx(batch, now);
        // only after the commit: a failed transaction must not advance the counters. An entry the cache dropped
        // meanwhile is simply re-read, committed rows included, on its next use.
        for (const [roomId, { seq, bytes }] of touched) {
          usage.bytes += bytes;
          const known = heads.get(roomId);
          if (!known) continue;
          known.latestSeq = seq;
          known.bytes += bytes;
        }
        return seqs;
      }),
    readLog: (roomId, after, limit) =>
      call('readLog', () => {
        // one synchronous step: nothing can commit between the head and the rows
        const current = { ...head(roomId) };
        const below = after < current.snapshotSeq;
        return {
          head: current,
          snapshot: below ? snapshot(roomId) : null,
          rows: rowsAfter(roomId, Math.max(after, current.snapshotSeq), limit),
        };
      }),
    rowsAfter: (roomId, after, limit) => call('rowsAfter', () => rowsAfter(roomId, after, limit)),
    snapshot: (roomId) => call('snapshot', () => snapshot(roomId)),
    compact: (roomId, upTo, data, now) =>
      call('compact', () => {
        const before = head(roomId).bytes;
        const { result, bytes } = compactTx(roomId, upTo, data, now);
        if (result !== 'stored') return result;
        usage.bytes += bytes - before;
        const known = head(roomId);
        known.snapshotSeq = upTo;
        known.bytes = bytes;
        return result;
      }),
    seats: (roomId) => call('seats', () => readSeats(roomId)),
    setSeats: (roomId, seats) =>
      call('setSeats', () => {
        head(roomId); // the room row, so the seats expire with the room
        const taken = setSeatsTx(roomId, seats);
        if (taken) knownSeats.set(roomId, seats);
        return taken;
      }),
    expire: (olderThan, active) =>
      call('expire', () => {
        const { count, bytes } = expireTx(olderThan, active);
        usage.rooms -= count;
        usage.bytes -= bytes;
        return count;
      }),
    usage: () => call('usage', () => ({ ...usage })),
    stats: () =>
      call('stats', () => {
        const rooms = (db.prepare('SELECT count(*) AS n FROM rooms').get() as { n: number }).n;
        const rows = (db.prepare('SELECT count(*) AS n FROM updates').get() as { n: number }).n;
        return { rooms, rows };
      }),
    ping: () => call('ping', () => void db.prepare('SELECT 1').get()),
    async close() {
      if (closed) return;
      closed = true;
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.close();
    },
  };
}
