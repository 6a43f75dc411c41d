// 10,000 hostile frames and handshakes (malformed, oversized, unknown room, unauthenticated) against the real relay
// while two honest peers keep editing: the peers keep syncing and the relay's memory stays bounded.
import { RelaySyncProvider } from '@pa/shared/relay/client';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import {
  metricValue,
  RELAY_TOKEN,
  type StartedRelay,
  seeded,
  startRelay,
  syncUrl,
  testRoom,
  until,
} from './relay-harness.js';

const SECRET = 's3cret';
const { roomId: ROOM } = await testRoom(SECRET);
let relay: StartedRelay;
const providers: RelaySyncProvider[] = [];

afterAll(async () => {
  for (const provider of providers) provider.destroy();
  await relay?.stop();
});

/** Opens a connection, sends `frames`, and resolves when the relay has closed it or answered everything. */
function hostileConnection(url: string, frames: Array<Buffer | string>): Promise<void> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url);
    socket.on('error', () => undefined);
    socket.on('close', () => resolve());
    socket.on('open', () => {
      for (const frame of frames) socket.send(frame);
      // a ping frame after the burst: its pong means the relay has read every frame before it
      socket.ping();
    });
    socket.on('pong', () => socket.close());
  });
}

/** A handshake the relay must refuse; resolves with the HTTP status. */
function refusedHandshake(url: string): Promise<number> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url);
    socket.on('error', () => resolve(0));
    socket.once('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      socket.terminate();
    });
    socket.once('open', () => {
      socket.terminate();
      resolve(101);
    });
  });
}

async function inBatches<T>(items: T[], size: number, run: (item: T) => Promise<unknown>): Promise<unknown[]> {
  const results: unknown[] = [];
  for (let i = 0; i < items.length; i += size) results.push(...(await Promise.all(items.slice(i, i + size).map(run))));
  return results;
}

describe('relay under abuse', () => {
  it('keeps serving honest peers through 10,000 hostile frames with bounded memory', async () => {
    relay = await startRelay({
      env: {
        RELAY_MAX_MESSAGE_BYTES: String(64 * 1024),
        RELAY_CONN_RATE_PER_IP: '100000',
        RELAY_CONN_BURST_PER_IP: '100000',
      },
    });
    const random = seeded(99);
    const docs = [new Y.Doc(), new Y.Doc()];
    const providerErrors: string[] = [];
    for (const doc of docs) {
      providers.push(
        new RelaySyncProvider(doc, {
          url: relay.url,
          roomId: ROOM,
          secret: SECRET,
          token: RELAY_TOKEN,
          WebSocket,
          random,
        }),
      );
    }
    for (const provider of providers) provider.onDidError((e) => providerErrors.push(`${e.code}: ${e.message}`));
    await Promise.all(providers.map((p) => p.whenSynced()));
    const [a, b] = docs as [Y.Doc, Y.Doc];
    a.getText('t').insert(0, 'before ');
    await until(() => b.getText('t').toString() === 'before ', 5000, 'the first edit to reach b');
    const rssBefore = metricValue(await relay.metrics(), 'process_resident_memory_bytes');

    let frames = 0;
    const syncGarbage = (i: number): Buffer | string => {
      const kind = i % 5;
      if (kind === 0) return Buffer.from([99, 1, 2, 3]); // unknown message type
      if (kind === 1) return Buffer.from([0, 5, 200, 1]); // UPDATE whose ciphertext is cut short
      if (kind === 2) return Buffer.alloc(0); // empty frame
      if (kind === 3) return 'text on a binary endpoint';
      return Buffer.from([1, 1, 1]); // ACK: relay → client only
    };
    // 5,000 malformed sync frames over 50 connections (the relay closes a connection after 100 bad frames)
    const syncBursts = Array.from({ length: 50 }, (_, c) => Array.from({ length: 100 }, (_, i) => syncGarbage(c + i)));
    frames += syncBursts.flat().length;
    // 3,000 malformed signaling frames over 30 connections
    const signalBursts = Array.from({ length: 30 }, () =>
      Array.from({ length: 100 }, (_, i) => (i % 2 ? '{"type":"subscribe","topics":7}' : 'not json')),
    );
    frames += signalBursts.flat().length;
    // 200 oversized frames, each on its own connection (the relay closes it with 1009)
    const oversized = Array.from({ length: 200 }, () => [Buffer.alloc(65 * 1024, 7)]);
    frames += oversized.length;
    // 1,000 handshakes to unknown rooms or endpoints, 800 without a valid token
    const badRooms = Array.from({ length: 1000 }, (_, i) =>
      i % 2 ? `${relay.url}/sync/x${i}?token=${RELAY_TOKEN}` : `${relay.url}/nowhere/${i}?token=${RELAY_TOKEN}`,
    );
    const unauthenticated = Array.from({ length: 800 }, (_, i) =>
      i % 2 ? syncUrl(relay.url, ROOM, null) : `${relay.url}/signal?token=wrong-${i}-xxxxxxxxxxxxxxxx`,
    );
    frames += badRooms.length + unauthenticated.length;
    expect(frames).toBe(10_000);

    // the honest peers keep editing while the storm runs
    let edits = 0;
    const editing = setInterval(() => {
      (edits % 2 ? a : b).getText('t').insert(0, `e${edits++} `);
    }, 5);
    try {
      const sync = syncUrl(relay.url, ROOM);
      await inBatches(syncBursts, 10, (burst) => hostileConnection(sync, burst));
      await inBatches(signalBursts, 10, (burst) =>
        hostileConnection(`${relay.url}/signal?token=${RELAY_TOKEN}`, burst),
      );
      await inBatches(oversized, 20, (burst) => hostileConnection(sync, burst));
      const statuses = await inBatches([...badRooms, ...unauthenticated], 50, refusedHandshake);
      expect(statuses.filter((s) => s === 101)).toEqual([]);
    } finally {
      clearInterval(editing);
    }

    a.getText('t').insert(0, 'after ');
    await until(
      () => a.getText('t').toString() === b.getText('t').toString() && b.getText('t').toString().includes('after '),
      5000,
      'both honest peers to converge after the storm',
    ).catch((error: Error) => {
      const state = providers.map((p, i) => ({
        status: p.status,
        lastServerSeq: p.lastServerSeq,
        unacknowledged: p.unacknowledged,
        length: docs[i]?.getText('t').length,
      }));
      throw new Error(`${error.message}: ${JSON.stringify({ state, errors: providerErrors })}`);
    });
    expect(edits).toBeGreaterThan(10);
    expect(providers.map((p) => p.status)).toEqual(['synced', 'synced']);

    const metrics = await relay.metrics();
    const rejected = (reason: string) => metricValue(metrics, `relay_rejected_total{reason="${reason}"}`) || 0;
    expect(rejected('malformed') + rejected('unknown_type')).toBeGreaterThanOrEqual(8000);
    expect(rejected('too_large')).toBeGreaterThanOrEqual(200);
    expect(rejected('bad_room')).toBe(1000);
    expect(rejected('unauthorized')).toBe(800);
    const rssAfter = metricValue(metrics, 'process_resident_memory_bytes');
    process.stderr.write(`relay RSS before ${rssBefore >> 20} MiB, after ${rssAfter >> 20} MiB\n`);
    expect(rssAfter - rssBefore).toBeLessThan(64 * 1024 * 1024);
    expect(relay.process.exitCode).toBeNull();
  });
});
