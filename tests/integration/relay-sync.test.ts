// Three peers sync a Y.Doc through the real relay process, each behind a proxy that delays, drops and partitions;
// the relay is killed with SIGKILL mid-run and restarted on the same data dir.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RelaySyncProvider } from '@pa/shared/relay/client';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import {
  BACKENDS,
  cleanupAfterAll,
  databaseUrlOf,
  eventually,
  FaultyProxy,
  metricValue,
  RELAY_TOKEN,
  type StartedRelay,
  seeded,
  startRelay,
  testRoom,
  until,
} from './relay-harness.js';

const SECRET = 'correct horse battery staple';
const ROOM = (await testRoom(SECRET)).roomId;
const PRESENCE = await testRoom('presence secret');

interface Peer {
  name: string;
  doc: Y.Doc;
  text: Y.Text;
  provider: RelaySyncProvider;
  proxy: FaultyProxy | null;
}

/** Everything the providers reported: the relay must never send a gap, an unreadable frame or an ERROR. */
const errors: string[] = [];
const defer = cleanupAfterAll();

function peer(name: string, url: string, proxy: FaultyProxy | null, random: () => number, snapshotEvery = 20): Peer {
  const doc = new Y.Doc();
  const provider = new RelaySyncProvider(doc, {
    url,
    roomId: ROOM,
    secret: SECRET,
    token: RELAY_TOKEN,
    WebSocket,
    snapshotEvery,
    backoff: { minMs: 20, maxMs: 300 },
    connectTimeoutMs: 1000,
    random,
  });
  defer(() => provider.destroy());
  provider.onDidError((error) => errors.push(`${name}: ${error.code} ${error.message}`));
  return { name, doc, text: doc.getText('file'), provider, proxy };
}

/** One random edit; returns the token it inserted, if it inserted one. */
function edit(p: Peer, random: () => number, token: string): string | null {
  const length = p.text.length;
  if (random() < 0.2 && length > 10) {
    // deletions only ever remove filler characters, so every token stays checkable
    const at = Math.floor(random() * length);
    const char = p.text.toString()[at];
    if (char === '.') p.text.delete(at, 1);
    return null;
  }
  // insert only where no token can be split: at the start or right after a filler dot
  const text = p.text.toString();
  const boundaries = [0, ...[...text].flatMap((char, i) => (char === '.' ? [i + 1] : []))];
  p.text.insert(boundaries[Math.floor(random() * boundaries.length)] as number, `${token}..`);
  if (random() < 0.1) p.doc.getMap('files').set(`f${Math.floor(random() * 5)}`, token);
  return token;
}

const converged = (peers: Peer[]) => {
  const [first, ...rest] = peers;
  return rest.every(
    (p) =>
      p.text.toString() === first?.text.toString() &&
      Buffer.from(Y.encodeStateVector(p.doc)).equals(Buffer.from(Y.encodeStateVector(first.doc))),
  );
};

/** Every byte of the relay's SQLite files. */
function sqliteFiles(dataDir: string): Buffer {
  const files = readdirSync(dataDir).filter((file) => file.startsWith('relay.sqlite'));
  expect(files).toContain('relay.sqlite');
  return Buffer.concat(files.map((file) => readFileSync(join(dataDir, file))));
}

/** Every value the relay stored in its PostgreSQL database: room ids, epochs, rows, snapshots, seats. */
async function postgresContent(relay: StartedRelay): Promise<Buffer> {
  const client = new pg.Client({ connectionString: databaseUrlOf(relay) });
  await client.connect();
  try {
    const { rows } = await client.query<{ value: Buffer }>(
      `SELECT convert_to(room_id || epoch, 'UTF8') AS value FROM rooms
       UNION ALL SELECT snapshot FROM rooms WHERE snapshot IS NOT NULL
       UNION ALL SELECT data FROM updates
       UNION ALL SELECT host_key FROM room_seats`,
    );
    return Buffer.concat(rows.map((row) => row.value));
  } finally {
    await client.end();
  }
}

describe.each(BACKENDS)('relay sync (%s)', (backend) => {
  it('converges three faulty peers and loses no acknowledged update when the relay is SIGKILLed mid-run', async () => {
    const random = seeded(20261125);
    let relay: StartedRelay = await startRelay({ backend });
    const port = relay.port;
    const dataDir = relay.dataDir;
    defer(() => relay.kill9());

    const proxies = await Promise.all(
      [0, 1, 2].map(async () => {
        const proxy = new FaultyProxy(port, random, 15);
        await proxy.listen();
        defer(() => proxy.close());
        return proxy;
      }),
    );
    const peers = proxies.map((proxy, i) => peer(`p${i}`, `ws://127.0.0.1:${proxy.port}`, proxy, random));
    await Promise.all(peers.map((p) => p.provider.whenSynced()));

    // phase A: edits under delay, random drops and short partitions
    const acknowledged: string[] = [];
    const inserted: string[] = [];
    let n = 0;
    for (let round = 0; round < 150; round += 1) {
      const p = peers[Math.floor(random() * peers.length)] as Peer;
      const token = edit(p, random, `<${p.name}-${n++}>`);
      if (token) inserted.push(token);
      if (random() < 0.03) (proxies[Math.floor(random() * 3)] as FaultyProxy).drop();
      if (random() < 0.02) {
        const proxy = proxies[Math.floor(random() * 3)] as FaultyProxy;
        proxy.partition();
        setTimeout(() => proxy.heal(), 100);
      }
      // pace the edits like typing, so faults land between sends (a burst would be merged into one update)
      await new Promise((resolve) => setTimeout(resolve, 3));
    }
    for (const proxy of proxies) proxy.heal();
    await Promise.all(peers.map((p) => p.provider.whenAcknowledged()));
    for (const p of peers) acknowledged.push(...(p.text.toString().match(/<p\d-\d+>/g) ?? []));
    // the peers compacted the log with encrypted snapshots along the way
    await eventually(
      async () => metricValue(await relay.metrics(), 'relay_snapshots_stored_total') > 0,
      5000,
      'a snapshot to be stored',
    );

    // phase B: keep editing, SIGKILL the relay in the middle, with every peer partitioned away
    for (let round = 0; round < 60; round += 1) {
      const p = peers[round % 3] as Peer;
      const token = edit(p, random, `<${p.name}-${n++}>`);
      if (token) inserted.push(token);
      if (round === 30) {
        await relay.kill9();
        for (const proxy of proxies) proxy.partition();
      }
    }
    relay = await startRelay({ dataDir, port, backend });

    // a fresh device syncing straight from the restarted relay sees every acknowledged update
    const observer = peer('observer', relay.url, null, random, 1_000_000);
    await observer.provider.whenSynced();
    const seen = observer.text.toString();
    expect(acknowledged.length).toBeGreaterThan(100);
    expect(acknowledged.filter((token) => !seen.includes(token))).toEqual([]);

    // heal: everyone, observer included, converges within 5 s, with every edit of both phases
    const healedAt = Date.now();
    for (const proxy of proxies) proxy.heal();
    const everyone = [...peers, observer];
    await until(() => converged(everyone), 5000, 'all peers to converge after healing').catch((error: Error) => {
      const state = everyone.map((p) => ({
        peer: p.name,
        status: p.provider.status,
        lastServerSeq: p.provider.lastServerSeq,
        unacknowledged: p.provider.unacknowledged,
        length: p.text.length,
      }));
      throw new Error(`${error.message}: ${JSON.stringify(state)}`);
    });
    const convergeMs = Date.now() - healedAt;
    const finalText = observer.text.toString();
    expect(inserted.filter((token) => !finalText.includes(token))).toEqual([]);
    expect(finalText.match(/<p\d-\d+>/g)?.length).toBe(inserted.length);
    expect(convergeMs).toBeLessThan(5000);
    expect(errors).toEqual([]);
  });

  it('stores only ciphertext: a plaintext marker never reaches the relay database', async () => {
    const relay = await startRelay({ backend });
    defer(() => relay.kill9());
    const random = seeded(7);
    const a = peer('a', relay.url, null, random, 5);
    const b = peer('b', relay.url, null, random, 5);
    await Promise.all([a.provider.whenSynced(), b.provider.whenSynced()]);
    const marker = 'PLAINTEXT-MARKER-7f3a9c';
    for (let i = 0; i < 20; i += 1) a.text.insert(a.text.length, `${marker}-${i} `);
    await a.provider.whenAcknowledged();
    await until(() => b.text.toString() === a.text.toString(), 5000, 'b to receive the marker');
    expect(await relay.stop()).toBe(0);
    const stored = backend === 'sqlite' ? sqliteFiles(relay.dataDir) : await postgresContent(relay);
    // SQLite: the files (pages and WAL); PostgreSQL: the stored values alone
    expect(stored.length).toBeGreaterThan(backend === 'sqlite' ? 1000 : 500);
    expect(stored.includes(Buffer.from(marker))).toBe(false);
    expect(stored.includes(Buffer.from(ROOM))).toBe(true);
  });

  it('re-seeds a relay that lost the room, so a device joining afterwards still gets everything', async () => {
    let relay = await startRelay({ backend });
    const port = relay.port;
    defer(() => relay.kill9());
    const random = seeded(11);
    // no snapshots here: a full-state snapshot would hide a missing re-seed
    const a = peer('a', relay.url, null, random, 1_000_000);
    const b = peer('b', relay.url, null, random, 1_000_000);
    await Promise.all([a.provider.whenSynced(), b.provider.whenSynced()]);
    for (let i = 0; i < 30; i += 1) (i % 2 ? a : b).text.insert(0, `<x${i}>`);
    await Promise.all([a.provider.whenAcknowledged(), b.provider.whenAcknowledged()]);
    // the relay comes back on the same address with an empty disk
    await relay.kill9();
    relay = await startRelay({ port, backend });
    // new writes land in the new log first, pushing its sequence past what the peers had seen
    for (let i = 30; i < 80; i += 1) b.text.insert(0, `<x${i}>`);
    await until(() => a.text.length === b.text.length && b.provider.unacknowledged === 0, 5000, 'peers to resync');
    await Promise.all([a.provider.whenAcknowledged(), b.provider.whenAcknowledged()]);
    const observer = peer('observer', relay.url, null, random);
    await observer.provider.whenSynced();
    for (let i = 0; i < 80; i += 1) expect(observer.text.toString()).toContain(`<x${i}>`);
  });

  it('uploads what a doc held before its provider existed (edits restored from disk)', async () => {
    const relay = await startRelay({ backend });
    defer(() => relay.kill9());
    const random = seeded(12);
    const restored = new Y.Doc();
    restored.getText('file').insert(0, 'written offline yesterday');
    const provider = new RelaySyncProvider(restored, {
      url: relay.url,
      roomId: ROOM,
      secret: SECRET,
      token: RELAY_TOKEN,
      WebSocket,
      random,
    });
    defer(() => provider.destroy());
    await provider.whenSynced();
    await provider.whenAcknowledged();
    const observer = peer('observer', relay.url, null, random);
    await until(() => observer.text.toString() === 'written offline yesterday', 5000, 'the restored text to arrive');
  });

  it('relays encrypted presence and removes a peer that leaves', async () => {
    const relay = await startRelay({ backend });
    defer(() => relay.kill9());
    const random = seeded(13);
    const make = () => {
      const doc = new Y.Doc();
      const awareness = new Awareness(doc);
      const provider = new RelaySyncProvider(doc, {
        url: relay.url,
        roomId: PRESENCE.roomId,
        secret: PRESENCE.secret,
        token: RELAY_TOKEN,
        WebSocket,
        awareness,
        random,
      });
      defer(() => {
        provider.destroy();
        awareness.destroy();
      });
      return { doc, awareness, provider };
    };
    const a = make();
    const b = make();
    await Promise.all([a.provider.whenSynced(), b.provider.whenSynced()]);
    a.awareness.setLocalStateField('user', { name: 'Ada', cursor: 7 });
    await until(() => b.awareness.getStates().get(a.doc.clientID)?.user?.name === 'Ada', 5000, 'b to see Ada');
    a.provider.destroy();
    await until(() => !b.awareness.getStates().has(a.doc.clientID), 2000, 'Ada to disappear for b');
    // leaving the relay does not wipe Ada's own state (her editor, or y-webrtc, may still use it)
    expect(a.awareness.getLocalState()?.user?.name).toBe('Ada');
  });

  it('sends edits made offline as one merged update when it reconnects', async () => {
    const relay = await startRelay({ backend });
    defer(() => relay.kill9());
    const random = seeded(14);
    const proxy = new FaultyProxy(relay.port, random);
    await proxy.listen();
    defer(() => proxy.close());
    const offline = peer('offline', `ws://127.0.0.1:${proxy.port}`, proxy, random);
    const online = peer('online', relay.url, null, random);
    await Promise.all([offline.provider.whenSynced(), online.provider.whenSynced()]);
    proxy.partition();
    await until(() => offline.provider.status !== 'synced', 2000, 'the partition to be noticed');
    for (let i = 0; i < 200; i += 1) offline.text.insert(offline.text.length, `k${i} `);
    const storedBefore = metricValue(await relay.metrics(), 'relay_updates_stored_total');
    proxy.heal();
    await until(() => online.text.toString() === offline.text.toString(), 5000, 'the offline edits to arrive');
    await offline.provider.whenAcknowledged();
    expect(metricValue(await relay.metrics(), 'relay_updates_stored_total') - storedBefore).toBe(1);
  });
});
