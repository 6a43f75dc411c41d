// The PostgreSQL back end against a real server, as several relays use it: two storages (two pools, as two relays
// have) appending to one room get unique, contiguous seqs; two compacting one room at once lose no row; migrations
// run once when relays start together; and a database outage is a typed error the relay never acknowledges through,
// after which appends (and the relay's clients) carry on once PostgreSQL is back.
import { RelaySyncProvider } from '@pa/shared/relay/client';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { type Storage, StorageError } from '../../apps/relay/src/storage.js';
import { CACHE_TTL_MS, MIGRATIONS, openPostgresStorage } from '../../apps/relay/src/storage-pg.js';
import {
  cleanupAfterAll,
  postgresServer,
  RELAY_TOKEN,
  type StartedRelay,
  seeded,
  startRelay,
  testRoom,
  until,
} from './relay-harness.js';

const defer = cleanupAfterAll();
const bytes = (n: number, fill = 1) => new Uint8Array(n).fill(fill);

/** Two relays' storages on one fresh database. */
async function twoRelays(): Promise<{ url: string; a: Storage; b: Storage }> {
  const url = await (await postgresServer()).createDatabase();
  const [a, b] = await Promise.all([openPostgresStorage(url), openPostgresStorage(url)]);
  defer(() => a.close());
  defer(() => b.close());
  return { url, a, b };
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

const storedSeqs = async (url: string, roomId: string) =>
  (await query<{ seq: string }>(url, 'SELECT seq FROM updates WHERE room_id = $1 ORDER BY seq', [roomId])).map((r) =>
    Number(r.seq),
  );

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('relay storage on PostgreSQL, shared by two relays', () => {
  it('runs each migration once when two relays start on a new database at the same time', async () => {
    const { url } = await twoRelays();
    const rows = await query<{ version: number }>(url, 'SELECT version FROM relay_migrations ORDER BY version');
    expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
    // and a third start finds nothing to do
    const again = await openPostgresStorage(url);
    await again.close();
    expect(await query(url, 'SELECT version FROM relay_migrations')).toHaveLength(MIGRATIONS.length);
  });

  it('gives two relays appending to one room at once unique, contiguous seqs, in order per batch', async () => {
    const { url, a, b } = await twoRelays();
    const random = seeded(18);
    const writer = async (storage: Storage, name: number) => {
      const got: number[][] = [];
      for (let i = 0; i < 40; i += 1) {
        // batches of 1–3 rows, sometimes with another room in the same batch (locked in one order: no deadlock)
        const n = 1 + Math.floor(random() * 3);
        const batch = Array.from({ length: n }, () => ({ roomId: 'shared', data: bytes(10, name) }));
        if (random() < 0.3) batch.push({ roomId: random() < 0.5 ? 'other-a' : 'other-b', data: bytes(5, name) });
        const seqs = await storage.append(batch, Date.now());
        got.push(seqs.filter((_, k) => batch[k]?.roomId === 'shared'));
      }
      return got;
    };
    const [fromA, fromB] = await Promise.all([writer(a, 1), writer(b, 2)]);
    const all = [...(fromA ?? []), ...(fromB ?? [])].flat();
    // unique and without a gap: 1..n exactly, as stored
    expect([...all].sort((x, y) => x - y)).toEqual(range(1, all.length));
    expect(await storedSeqs(url, 'shared')).toEqual(range(1, all.length));
    // each batch's rows are consecutive and in the order they were given
    for (const seqs of [...(fromA ?? []), ...(fromB ?? [])])
      expect(seqs).toEqual(range(seqs[0] as number, seqs.at(-1) as number));
    // a head cached before the other relay wrote is not used to number rows
    const next = await a.append([{ roomId: 'shared', data: bytes(1) }], Date.now());
    expect(next).toEqual([all.length + 1]);
    const [head] = await query<{ latest_seq: string; row_bytes: string }>(
      url,
      'SELECT latest_seq, row_bytes FROM rooms WHERE room_id = $1',
      ['shared'],
    );
    expect(Number(head?.latest_seq)).toBe(all.length + 1);
    expect(Number(head?.row_bytes)).toBe(all.length * 10 + 1);
  });

  it('loses no row when two relays compact one room at once, while others keep appending', async () => {
    const { url, a, b } = await twoRelays();
    await a.append(
      range(1, 100).map(() => ({ roomId: 'room', data: bytes(10) })),
      1,
    );
    const random = seeded(7);
    let latest = 100;
    for (let round = 0; round < 12; round += 1) {
      // the database's snapshot seq (a head cached by either relay may lag the other's compaction)
      const head = (await b.readLog('room', latest, 1)).head;
      // two snapshots of different reach racing, and appends racing both
      const upToA = head.snapshotSeq + 1 + Math.floor(random() * (latest - head.snapshotSeq));
      const upToB = head.snapshotSeq + 1 + Math.floor(random() * (latest - head.snapshotSeq));
      const [resultA, resultB, appended] = await Promise.all([
        a.compact('room', upToA, bytes(20, 1), 2),
        b.compact('room', upToB, bytes(30, 2), 2),
        b.append(
          range(1, 5).map(() => ({ roomId: 'room', data: bytes(10) })),
          2,
        ),
      ]);
      latest = appended.at(-1) as number;
      const top = Math.max(upToA, upToB);
      // whichever committed last covering less was refused: the snapshot never goes backwards
      expect([resultA, resultB]).toContain('stored');
      const [room] = await query<{ snapshot_seq: string; snapshot: Buffer; row_bytes: string }>(
        url,
        'SELECT snapshot_seq, snapshot, row_bytes FROM rooms WHERE room_id = $1',
        ['room'],
      );
      expect(Number(room?.snapshot_seq)).toBe(top);
      // the stored snapshot is the one of the reach it is labelled with
      const winner = upToA === upToB ? null : upToA > upToB ? 1 : 2;
      if (winner !== null) expect(room?.snapshot[0]).toBe(winner);
      // every row after the snapshot survives, every row it covers is gone, and the byte count matches the rows
      expect(await storedSeqs(url, 'room')).toEqual(range(top + 1, latest));
      const [sum] = await query<{ n: string }>(
        url,
        'SELECT coalesce(sum(length(data)), 0) AS n FROM updates WHERE room_id = $1',
        ['room'],
      );
      expect(Number(room?.row_bytes)).toBe(Number(sum?.n));
    }
    // a replay from the start reads the snapshot, then exactly the rows after it
    const page = await b.readLog('room', 0, 1000);
    expect(page.snapshot?.seq).toBe(page.head.snapshotSeq);
    expect(page.rows.map((row) => row.seq)).toEqual(range(page.head.snapshotSeq + 1, latest));
  });

  it('keeps the relay-wide totals across relays (each sees the other’s rooms within the cache time)', async () => {
    const { a, b } = await twoRelays();
    await a.append([{ roomId: 'from-a', data: bytes(100) }], 1);
    await b.append([{ roomId: 'from-b', data: bytes(50) }], 1);
    await new Promise((resolve) => setTimeout(resolve, CACHE_TTL_MS + 50));
    expect(await a.usage()).toEqual({ rooms: 2, bytes: 150 });
    expect(await b.usage()).toEqual({ rooms: 2, bytes: 150 });
    // the second host key is refused whichever relay it reaches
    const host = { hostKey: bytes(32, 1), guests: 1 };
    expect(await a.setSeats('from-a', host)).toBe(true);
    expect(await b.setSeats('from-a', { hostKey: bytes(32, 2), guests: 5 })).toBe(false);
    // expiry by one relay removes the room's rows and seats for both
    expect(await b.expire(2, new Set())).toBe(2);
    expect(await a.hasRoom('from-b')).toBe(false);
    expect(await a.stats()).toEqual({ rooms: 0, rows: 0 });
  });
});

describe('relay storage on PostgreSQL when the database goes away', () => {
  it('rejects appends with a StorageError while PostgreSQL is down, and appends again once it is back', async () => {
    const server = await postgresServer();
    const url = await server.createDatabase();
    const storage = await openPostgresStorage(url, { connectTimeoutMs: 2000 });
    defer(() => storage.close());
    expect(await storage.append([{ roomId: 'room', data: bytes(5) }], 1)).toEqual([1]);
    await server.stop();
    try {
      const failed = await storage.append([{ roomId: 'room', data: bytes(5) }], 2).then(
        () => null,
        (error: unknown) => error,
      );
      expect(failed).toBeInstanceOf(StorageError);
      expect(failed).toMatchObject({ code: 'storage_unavailable' });
      await expect(storage.ping()).rejects.toBeInstanceOf(StorageError);
    } finally {
      await server.start();
    }
    // the pool replaces the connections the restart cut
    expect(await storage.append([{ roomId: 'room', data: bytes(5) }], 3)).toEqual([2]);
    expect(await storedSeqs(url, 'room')).toEqual([1, 2]);
  });

  it('stops acknowledging while PostgreSQL is down; the client keeps its edits and they land once it is back', async () => {
    const server = await postgresServer();
    const relay: StartedRelay = await startRelay({ backend: 'postgres', env: { RELAY_SYNC_MODE: 'normal' } });
    defer(() => relay.stop());
    const room = await testRoom('postgres outage');
    const doc = new Y.Doc();
    const provider = new RelaySyncProvider(doc, {
      url: relay.url,
      roomId: room.roomId,
      secret: room.secret,
      token: RELAY_TOKEN,
      WebSocket,
      backoff: { minMs: 50, maxMs: 300 },
      random: seeded(3),
    });
    defer(() => provider.destroy());
    const errors: string[] = [];
    provider.onDidError((error) => errors.push(error.code));
    const text = doc.getText('t');
    await provider.whenSynced();
    text.insert(0, 'before ');
    await provider.whenAcknowledged();

    await server.stop();
    let restarted = false;
    try {
      text.insert(text.length, 'during');
      await until(() => errors.includes('storage'), 10_000, 'the relay to report the storage failure');
      // not acknowledged, still held by the client, and the relay process is still up
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(provider.unacknowledged).toBeGreaterThan(0);
      expect(relay.process.exitCode).toBeNull();
      expect(await relay.metrics()).toContain('relay_connections');
      await server.start();
      restarted = true;
    } finally {
      if (!restarted) await server.start();
    }
    // the client reconnects with backoff and resends; once stored, it is acknowledged
    await until(() => provider.unacknowledged === 0 && provider.status === 'synced', 20_000, 'the edit to land');
    const reader = new Y.Doc();
    const readerProvider = new RelaySyncProvider(reader, {
      url: relay.url,
      roomId: room.roomId,
      secret: room.secret,
      token: RELAY_TOKEN,
      WebSocket,
      random: seeded(4),
    });
    defer(() => readerProvider.destroy());
    await readerProvider.whenSynced();
    expect(reader.getText('t').toString()).toBe('before during');
    expect(relay.stderr()).toMatch(/storage_(write|read)_failed/);
  });
});
