import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BoundedCache, openStorage, type Storage } from './storage.js';
import { openPostgresStorage } from './storage-pg.js';

const bytes = (n: number) => new Uint8Array(n).fill(1);

/** A back end under test: open() gives a storage on the same database each time (a restarted relay). */
interface Backend {
  name: string;
  fresh(): { open(options?: { maxCachedRooms?: number }): Promise<Storage> };
}

const sqlite: Backend = {
  name: 'sqlite',
  fresh() {
    const dir = mkdtempSync(join(tmpdir(), 'relay-storage-'));
    return { open: async (options) => openStorage(dir, 'normal', options) };
  },
};

/** What these tests use of tests/support/postgres-server.ts (outside this project, so imported at run time). */
interface PostgresServer {
  createDatabase(): Promise<string>;
  destroy(): Promise<void>;
}
let server: Promise<PostgresServer> | null = null;
afterAll(async () => {
  if (server) await (await server).destroy();
});
const harness = new URL('../../../tests/support/postgres-server.ts', import.meta.url).href;

/** One PostgreSQL server for this file (started on first use), a fresh database per test. */
const postgres: Backend = {
  name: 'postgres',
  fresh() {
    server ??= import(harness).then((m: { startPostgres(): Promise<PostgresServer> }) => m.startPostgres());
    const url = server.then((s) => s.createDatabase());
    return { open: async (options) => openPostgresStorage(await url, options) };
  },
};

describe.each([sqlite, postgres])('relay storage ($name)', (backend) => {
  it('counts rows and snapshot bytes through appends, compaction and a restart', async () => {
    const db = backend.fresh();
    let storage = await db.open();
    expect((await storage.head('room-a')).bytes).toBe(0);
    expect(
      await storage.append(
        [
          { roomId: 'room-a', data: bytes(100) },
          { roomId: 'room-b', data: bytes(7) },
          { roomId: 'room-a', data: bytes(50) },
        ],
        1,
      ),
    ).toEqual([1, 1, 2]);
    expect(await storage.append([{ roomId: 'room-a', data: bytes(25) }], 2)).toEqual([3]);
    expect((await storage.head('room-a')).bytes).toBe(175);
    expect((await storage.head('room-b')).bytes).toBe(7);

    // the snapshot replaces rows 1 and 2; row 3 stays
    expect(await storage.compact('room-a', 2, bytes(30), 3)).toBe('stored');
    expect(await storage.head('room-a')).toMatchObject({ bytes: 55, snapshotSeq: 2, latestSeq: 3 });
    // never backwards, never past the log
    expect(await storage.compact('room-a', 2, bytes(1), 4)).toBe('stale');
    expect(await storage.compact('room-a', 1, bytes(1), 4)).toBe('stale');
    expect(await storage.compact('room-a', 4, bytes(1), 4)).toBe('past_log');
    expect(await storage.head('room-a')).toMatchObject({ bytes: 55, snapshotSeq: 2, latestSeq: 3 });
    await storage.close();

    // a restarted relay reads the same sizes back from the database
    storage = await db.open();
    expect((await storage.head('room-a')).bytes).toBe(55);
    expect((await storage.head('room-b')).bytes).toBe(7);
    await storage.close();
  });

  it('reads a replay page consistently: the snapshot for what was compacted, then the rows after it', async () => {
    const storage = await backend.fresh().open();
    await storage.append(
      Array.from({ length: 5 }, (_, i) => ({ roomId: 'room-a', data: bytes(i + 1) })),
      1,
    );
    expect(await storage.compact('room-a', 3, bytes(9), 2)).toBe('stored');
    const fromStart = await storage.readLog('room-a', 0, 10);
    expect(fromStart.head).toMatchObject({ latestSeq: 5, snapshotSeq: 3 });
    expect(fromStart.snapshot?.seq).toBe(3);
    expect(fromStart.snapshot?.data.byteLength).toBe(9);
    expect(fromStart.rows.map((row) => [row.seq, row.data.byteLength])).toEqual([
      [4, 4],
      [5, 5],
    ]);
    const fromFour = await storage.readLog('room-a', 4, 10);
    expect(fromFour.snapshot).toBeNull();
    expect(fromFour.rows.map((row) => row.seq)).toEqual([5]);
    expect((await storage.readLog('room-a', 0, 1)).rows.map((row) => row.seq)).toEqual([4]);
    expect((await storage.rowsAfter('room-a', 3, 10)).map((row) => row.seq)).toEqual([4, 5]);
    expect((await storage.snapshot('room-a'))?.seq).toBe(3);
    // a replay of a room nobody wrote creates it (a fresh epoch) and has nothing to send
    const empty = await storage.readLog('room-new', 0, 10);
    expect(empty).toMatchObject({ snapshot: null, rows: [], head: { latestSeq: 0, snapshotSeq: 0 } });
    expect(empty.head.epoch).toMatch(/^[0-9a-f]{16}$/);
    await storage.close();
  });

  it('keeps the first host key of a room’s seats', async () => {
    const storage = await backend.fresh().open();
    const host = { hostKey: new Uint8Array(32).fill(1), guests: 2 };
    expect(await storage.seats('room-a')).toBeNull();
    expect(await storage.setSeats('room-a', host)).toBe(true);
    expect(await storage.setSeats('room-a', { ...host, guests: 3 })).toBe(true);
    expect(await storage.setSeats('room-a', { hostKey: new Uint8Array(32).fill(2), guests: 9 })).toBe(false);
    expect(await storage.seats('room-a')).toEqual({ hostKey: host.hostKey, guests: 3 });
    expect(await storage.hasRoom('room-a')).toBe(true);
    await storage.close();
  });

  it('keeps the relay’s rooms and bytes through appends, compaction, expiry and a restart', async () => {
    const db = backend.fresh();
    let storage = await db.open();
    expect(await storage.usage()).toEqual({ rooms: 0, bytes: 0 });
    expect(await storage.hasRoom('room-a')).toBe(false);
    await storage.append(
      [
        { roomId: 'room-a', data: bytes(100) },
        { roomId: 'room-b', data: bytes(7) },
      ],
      1,
    );
    expect(await storage.hasRoom('room-a')).toBe(true);
    expect(await storage.usage()).toEqual({ rooms: 2, bytes: 107 });
    await storage.compact('room-a', 1, bytes(40), 2);
    expect(await storage.usage()).toEqual({ rooms: 2, bytes: 47 });
    await storage.close();

    storage = await db.open();
    expect(await storage.usage()).toEqual({ rooms: 2, bytes: 47 });
    // room-b was last active at 1, room-a at 2; an active room is kept however old
    expect(await storage.expire(3, new Set(['room-a']))).toBe(1);
    expect(await storage.usage()).toEqual({ rooms: 1, bytes: 40 });
    expect(await storage.hasRoom('room-b')).toBe(false);
    expect(await storage.stats()).toEqual({ rooms: 1, rows: 0 });
    // a room recreated after expiry starts a new log with a new epoch
    const recreated = await storage.head('room-b');
    expect(recreated).toMatchObject({ latestSeq: 0, bytes: 0 });
    await storage.close();
  });

  it('caches a bounded number of rooms and stays right about the ones it dropped', async () => {
    const storage = await backend.fresh().open({ maxCachedRooms: 4 });
    // 50 rooms, each written twice, in one batch and then one at a time: every head falls out of the cache
    await storage.append(
      Array.from({ length: 50 }, (_, i) => ({ roomId: `room-${i}`, data: bytes(10) })),
      1,
    );
    for (let i = 0; i < 50; i += 1) await storage.append([{ roomId: `room-${i}`, data: bytes(5) }], 2);
    for (let i = 0; i < 50; i += 1) {
      expect(await storage.head(`room-${i}`)).toMatchObject({ latestSeq: 2, bytes: 15 });
    }
    expect(await storage.usage()).toEqual({ rooms: 50, bytes: 750 });
    await storage.close();
  });

  it('rejects calls after close with a StorageError', async () => {
    const storage = await backend.fresh().open();
    await storage.close();
    await expect(storage.append([{ roomId: 'room-a', data: bytes(1) }], 1)).rejects.toMatchObject({
      name: 'StorageError',
      code: 'storage_unavailable',
    });
  });
});

describe('bounded cache', () => {
  it('drops the least recently used entry past its size', () => {
    const cache = new BoundedCache<number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1); // a is now the most recent
    cache.set('c', 3);
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([1, undefined, 3]);
  });
});
