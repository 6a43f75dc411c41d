import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BoundedCache, openStorage } from './storage.js';

const bytes = (n: number) => new Uint8Array(n).fill(1);

describe('relay storage room size', () => {
  it('counts rows and snapshot bytes through appends, compaction and a restart', () => {
    const dir = mkdtempSync(join(tmpdir(), 'relay-storage-'));
    let storage = openStorage(dir, 'normal');
    expect(storage.head('room-a').bytes).toBe(0);
    storage.append(
      [
        { roomId: 'room-a', data: bytes(100) },
        { roomId: 'room-b', data: bytes(7) },
        { roomId: 'room-a', data: bytes(50) },
      ],
      1,
    );
    storage.append([{ roomId: 'room-a', data: bytes(25) }], 2);
    expect(storage.head('room-a').bytes).toBe(175);
    expect(storage.head('room-b').bytes).toBe(7);

    // the snapshot replaces rows 1 and 2; row 3 stays
    storage.compact('room-a', 2, bytes(30), 3);
    expect(storage.head('room-a')).toMatchObject({ bytes: 55, snapshotSeq: 2, latestSeq: 3 });
    storage.close();

    // a restarted relay reads the same sizes back from the database
    storage = openStorage(dir, 'normal');
    expect(storage.head('room-a').bytes).toBe(55);
    expect(storage.head('room-b').bytes).toBe(7);
    storage.close();
  });
});

describe('relay storage totals', () => {
  it('keeps the relay’s rooms and bytes through appends, compaction, expiry and a restart', () => {
    const dir = mkdtempSync(join(tmpdir(), 'relay-storage-'));
    let storage = openStorage(dir, 'normal');
    expect(storage.usage()).toEqual({ rooms: 0, bytes: 0 });
    expect(storage.hasRoom('room-a')).toBe(false);
    storage.append(
      [
        { roomId: 'room-a', data: bytes(100) },
        { roomId: 'room-b', data: bytes(7) },
      ],
      1,
    );
    expect(storage.hasRoom('room-a')).toBe(true);
    expect(storage.usage()).toEqual({ rooms: 2, bytes: 107 });
    storage.compact('room-a', 1, bytes(40), 2);
    expect(storage.usage()).toEqual({ rooms: 2, bytes: 47 });
    storage.close();

    storage = openStorage(dir, 'normal');
    expect(storage.usage()).toEqual({ rooms: 2, bytes: 47 });
    // room-b was last active at 1, room-a at 2
    expect(storage.expire(2, new Set())).toBe(1);
    expect(storage.usage()).toEqual({ rooms: 1, bytes: 40 });
    storage.close();
  });

  it('caches a bounded number of rooms and stays right about the ones it dropped', () => {
    const dir = mkdtempSync(join(tmpdir(), 'relay-storage-'));
    const storage = openStorage(dir, 'normal', { maxCachedRooms: 4 });
    // 50 rooms, each written twice, in one batch and then one at a time: every head falls out of the cache
    storage.append(
      Array.from({ length: 50 }, (_, i) => ({ roomId: `room-${i}`, data: bytes(10) })),
      1,
    );
    for (let i = 0; i < 50; i += 1) storage.append([{ roomId: `room-${i}`, data: bytes(5) }], 2);
    for (let i = 0; i < 50; i += 1) expect(storage.head(`room-${i}`)).toMatchObject({ latestSeq: 2, bytes: 15 });
    expect(storage.usage()).toEqual({ rooms: 50, bytes: 750 });
    storage.close();
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
