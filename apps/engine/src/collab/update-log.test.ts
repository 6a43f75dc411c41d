import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { openStore, type Store } from '../store/index.js';
import { openUpdateLog } from './update-log.js';

const ROOM = '0123456789abcdef0123456789abcdef';
let dir: string;
let store: Store;

afterEach(() => {
  store?.close();
  rmSync(dir, { recursive: true, force: true });
});

function freshStore(): Store {
  dir = mkdtempSync(join(tmpdir(), 'pa-collab-log-'));
  store = openStore(join(dir, 'db.sqlite'));
  return store;
}

function editsOf(doc: Y.Doc, count: number, onUpdate: (update: Uint8Array) => void) {
  doc.on('update', onUpdate);
  const text = doc.getMap<Y.Text>('files').get('a.ts') ?? new Y.Text();
  if (!text.doc) doc.getMap<Y.Text>('files').set('a.ts', text);
  for (let i = 0; i < count; i++) {
    text.insert(text.length, `line ${i}\n`);
    if (i % 3 === 0) text.delete(0, 2);
  }
  doc.off('update', onUpdate);
}

function textOf(updates: Uint8Array[]): string {
  const doc = new Y.Doc();
  for (const update of updates) Y.applyUpdate(doc, update);
  return doc.getMap<Y.Text>('files').get('a.ts')?.toString() ?? '';
}

describe('the collab update log', () => {
  it('compacts into one row holding the same state once the row limit is passed', () => {
    const log = openUpdateLog(freshStore(), { maxRows: 50, maxBytes: 1 << 30 });
    const doc = new Y.Doc();
    let compactions = 0;
    editsOf(doc, 120, (update) => {
      if (log.append(ROOM, update).compacted) compactions += 1;
    });
    expect(compactions).toBeGreaterThan(0);
    expect(log.load(ROOM).length).toBeLessThanOrEqual(50);
    expect(textOf(log.load(ROOM))).toBe(doc.getMap<Y.Text>('files').get('a.ts')?.toString());
  });

  it('compacts on bytes added since the last compaction, not on the size of the compacted state', () => {
    const log = openUpdateLog(freshStore(), { maxRows: 1_000, maxBytes: 2_000 });
    const doc = new Y.Doc();
    const big = doc.getMap<Y.Text>('files').set('big.txt', new Y.Text());
    log.append(ROOM, Y.encodeStateAsUpdate(doc));
    const updates: Uint8Array[] = [];
    doc.on('update', (update: Uint8Array) => updates.push(update));
    big.insert(0, 'x'.repeat(10_000));
    expect(log.append(ROOM, updates[0] as Uint8Array).compacted).toBe(true);
    // the state is now one 10 kB row; small edits on top of it must not compact every time
    const results = [];
    for (let i = 0; i < 5; i++) {
      big.insert(0, 'y');
      results.push(log.append(ROOM, updates[updates.length - 1] as Uint8Array).compacted);
    }
    expect(results).toEqual([false, false, false, false, false]);
    const restored = new Y.Doc();
    for (const update of log.load(ROOM)) Y.applyUpdate(restored, update);
    expect(restored.getMap<Y.Text>('files').get('big.txt')?.toString()).toBe(big.toString());
  });

  it('keeps every update of a room across a reopen of the database', () => {
    const first = openUpdateLog(freshStore());
    const doc = new Y.Doc();
    let appended = 0;
    editsOf(doc, 30, (update) => {
      first.append(ROOM, update);
      appended += 1;
    });
    store.close();
    store = openStore(join(dir, 'db.sqlite'));
    const reopened = openUpdateLog(store);
    expect(reopened.load(ROOM)).toHaveLength(appended);
    expect(textOf(reopened.load(ROOM))).toBe(doc.getMap<Y.Text>('files').get('a.ts')?.toString());
  });

  it('keeps rooms apart and forgets one on request', () => {
    const log = openUpdateLog(freshStore());
    const other = 'f'.repeat(32);
    editsOf(new Y.Doc(), 3, (update) => log.append(ROOM, update));
    const otherDoc = new Y.Doc();
    editsOf(otherDoc, 2, (update) => log.append(other, update));
    log.forget(ROOM);
    expect(log.load(ROOM)).toHaveLength(0);
    expect(textOf(log.load(other))).toBe(otherDoc.getMap<Y.Text>('files').get('a.ts')?.toString());
  });
});
