import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStorage } from './storage.js';

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
