// The engine's copy of a room's Yjs updates: one row per update, compacted into a single state update as the log
// grows, so an offline session's edits survive a restart without the log growing without bound.

import * as Y from 'yjs';
import type { Store } from '../store/index.js';

const MIGRATIONS = [
  `CREATE TABLE collab_updates (
     room_id TEXT NOT NULL,
     seq INTEGER NOT NULL,
     data BLOB NOT NULL,
     PRIMARY KEY (room_id, seq)
   );`,
];

export interface CompactionPolicy {
  /** Compact when a room holds more rows than this. */
  maxRows: number;
  /** … or more bytes than this on top of the oldest row (the last compaction's state, however large it is). */
  maxBytes: number;
}

export const DEFAULT_COMPACTION: CompactionPolicy = { maxRows: 200, maxBytes: 4 * 1024 * 1024 };

export interface UpdateLog {
  /** Appends one update; returns the rows now stored for the room and whether this append compacted them. */
  append(roomId: string, update: Uint8Array): { stored: number; compacted: boolean };
  /** Every stored update of the room, oldest first. */
  load(roomId: string): Uint8Array[];
  /** Replaces the room's rows by one update holding the same state. */
  compact(roomId: string): void;
  forget(roomId: string): void;
}

export function openUpdateLog(store: Store, policy: CompactionPolicy = DEFAULT_COMPACTION): UpdateLog {
  store.migrate('collab.updates', MIGRATIONS);
  const db = store.db;
  const insert = db.prepare(
    'INSERT INTO collab_updates (room_id, seq, data) VALUES (?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM collab_updates WHERE room_id = ?), ?)',
  );
  const stats = db.prepare<[string, string], { rows: number; bytes: number | null }>(
    `SELECT COUNT(*) AS rows,
            SUM(CASE WHEN seq > (SELECT MIN(seq) FROM collab_updates WHERE room_id = ?) THEN LENGTH(data) END) AS bytes
     FROM collab_updates WHERE room_id = ?`,
  );
  const select = db.prepare<[string], { data: Buffer }>(
    'SELECT data FROM collab_updates WHERE room_id = ? ORDER BY seq',
  );
  const remove = db.prepare('DELETE FROM collab_updates WHERE room_id = ?');
  const insertAt = db.prepare('INSERT INTO collab_updates (room_id, seq, data) VALUES (?, ?, ?)');

  const load = (roomId: string) => select.all(roomId).map((row) => new Uint8Array(row.data));

  // Applying to a fresh doc (rather than Y.mergeUpdates) lets Yjs garbage-collect deleted content.
  const compactNow = db.transaction((roomId: string) => {
    const rows = load(roomId);
    if (rows.length <= 1) return;
    const doc = new Y.Doc();
    for (const update of rows) Y.applyUpdate(doc, update);
    const state = Y.encodeStateAsUpdate(doc);
    doc.destroy();
    remove.run(roomId);
    insertAt.run(roomId, 1, Buffer.from(state));
  });

  const append = db.transaction((roomId: string, update: Uint8Array) => {
    insert.run(roomId, roomId, Buffer.from(update));
    const { rows, bytes } = stats.get(roomId, roomId) ?? { rows: 0, bytes: 0 };
    if (rows > policy.maxRows || (bytes ?? 0) > policy.maxBytes) {
      compactNow(roomId);
      return { stored: 1, compacted: true };
    }
    return { stored: rows, compacted: false };
  });

  return {
    append: (roomId, update) => append(roomId, update),
    load,
    compact: (roomId) => compactNow(roomId),
    forget: (roomId) => void remove.run(roomId),
  };
}
