// What one token holder may cost the relay, against the real process: a connection past its message budget is cut
// off (the others in its room keep syncing), and a room at its byte cap refuses updates until a snapshot makes room.
import { randomBytes } from 'node:crypto';
import type { RelaySyncProvider } from '@pa/shared/relay/client';
import { sha256 } from '@pa/shared/relay/crypto';
import {
  CloseCode,
  MessageType,
  readMessage,
  updateStatement,
  writeSyncRequest,
  writeUpdate,
} from '@pa/shared/relay/protocol';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import {
  cleanupAfterAll,
  eventually,
  joinRaw,
  metricValue,
  relayPeer,
  type StartedRelay,
  startRelay,
  syncUrl,
  type TestRoom,
  testRoom,
  until,
} from './relay-harness.js';

const defer = cleanupAfterAll();

async function relayWith(env: Record<string, string>): Promise<StartedRelay> {
  const relay = await startRelay({ env: { RELAY_SYNC_MODE: 'normal', ...env } });
  defer(() => relay.stop());
  return relay;
}

interface Peer {
  doc: Y.Doc;
  text: Y.Text;
  provider: RelaySyncProvider;
  errors: string[];
}

function peer(relay: StartedRelay, room: TestRoom): Peer {
  const doc = new Y.Doc();
  const { provider, errors } = relayPeer(doc, {
    url: relay.url,
    roomId: room.roomId,
    secret: room.secret,
    backoff: { minMs: 50, maxMs: 400 },
  });
  defer(() => provider.destroy());
  return { doc, text: doc.getText('t'), provider, errors };
}

const rejected = async (relay: StartedRelay, reason: string) =>
  metricValue(await relay.metrics(), `relay_rejected_total{reason="${reason}"}`) || 0;

describe('relay budgets', () => {
  it('cuts off a flooding connection while an honest peer in the same room keeps syncing', async () => {
    const relay = await relayWith({ RELAY_MSG_RATE_PER_CONN: '50', RELAY_MSG_BURST_PER_CONN: '100' });
    const room = await testRoom('budget flood');
    const [a, b] = [peer(relay, room), peer(relay, room)] as [Peer, Peer];
    await Promise.all([a.provider.whenSynced(), b.provider.whenSynced()]);

    // a holder of the secret (a misbehaving guest): its updates are signed, only their number is wrong
    const flooder = new WebSocket(syncUrl(relay.url, room.roomId));
    const joined = joinRaw(flooder, room.roomId, room.writer);
    defer(() => flooder.terminate());
    const refusals: string[] = [];
    flooder.on('message', (data: Buffer) => {
      const read = readMessage(new Uint8Array(data));
      if (read.ok && read.message.type === MessageType.error) refusals.push(read.message.code);
    });
    const closed = new Promise<number>((resolve) => flooder.once('close', (code) => resolve(code)));
    await new Promise((resolve) => flooder.once('open', resolve));
    await joined;
    flooder.send(writeSyncRequest(0));
    // 5,000 junk updates as fast as the socket takes them: 50 times the burst the relay allows
    const junk = new Uint8Array(randomBytes(64));
    const signature = await room.writer.sign(updateStatement(room.roomId, await sha256(junk)));
    for (let i = 1; i <= 5000 && flooder.readyState === WebSocket.OPEN; i += 1) {
      flooder.send(writeUpdate(i, junk, signature));
    }
    a.text.insert(0, 'typed while someone floods ');
    expect(await closed).toBe(CloseCode.rateLimited);
    expect(refusals).toContain('message_rate_limited');

    await until(() => b.text.toString() === 'typed while someone floods ', 5000, 'the honest edit to reach b');
    b.text.insert(0, 'and back ');
    await until(() => a.text.toString() === 'and back typed while someone floods ', 5000, "b's reply to reach a");
    expect([a.provider.status, b.provider.status]).toEqual(['synced', 'synced']);

    const metrics = await relay.metrics();
    expect(metricValue(metrics, 'relay_rejected_total{reason="message_rate_limited"}')).toBe(1);
    // about the burst got through to the disk (plus refill while it was read, plus the two honest edits), not 5,000
    expect(metricValue(metrics, 'relay_updates_stored_total')).toBeLessThan(150);
  });

  it('lets a client that bursts past its budget reconnect and deliver every edit, merged', async () => {
    const relay = await relayWith({ RELAY_MSG_RATE_PER_CONN: '20', RELAY_MSG_BURST_PER_CONN: '20' });
    const room = await testRoom('budget burst');
    const [fast, reader] = [peer(relay, room), peer(relay, room)] as [Peer, Peer];
    await Promise.all([fast.provider.whenSynced(), reader.provider.whenSynced()]);
    // 200 separate transactions are 200 update frames, ten times the burst
    for (let i = 0; i < 200; i += 1) fast.text.insert(fast.text.length, `${i} `);
    await until(() => reader.text.toString() === fast.text.toString(), 10_000, 'the whole burst to reach the reader');
    await fast.provider.whenAcknowledged();
    expect(reader.text.toString().split(' ')).toHaveLength(201);
    expect(await rejected(relay, 'message_rate_limited')).toBeGreaterThanOrEqual(1);
  });

  it('refuses updates to a room whose content is over its cap, from every client, and reports why', async () => {
    const relay = await relayWith({ RELAY_MAX_ROOM_BYTES: '20000' });
    const room = await testRoom('budget full');
    const [a, b] = [peer(relay, room), peer(relay, room)] as [Peer, Peer];
    await Promise.all([a.provider.whenSynced(), b.provider.whenSynced()]);
    // 8,000 random characters per edit: ciphertext does not compress, so the third edit passes 20,000 bytes
    const chunk = () => randomBytes(6000).toString('base64');
    a.text.insert(0, chunk());
    a.text.insert(0, chunk());
    await until(() => b.text.length === 16_000, 5000, 'the first two chunks to reach b');
    a.text.insert(0, chunk());
    await until(() => a.errors.includes('room_full'), 5000, 'a to be told the room is full');
    // a compacts at once; its snapshot holds its whole state, the refused chunk included
    await eventually(
      async () => metricValue(await relay.metrics(), 'relay_snapshots_stored_total') >= 1,
      5000,
      'a’s snapshot to be stored',
    );

    // the whole state is over the cap, so a snapshot cannot make room: a small edit from b is refused too
    b.text.insert(0, 'x');
    await until(() => b.errors.includes('room_full'), 5000, 'b to be told the room is full');
    expect(b.provider.unacknowledged).toBeGreaterThan(0);
    expect(b.text.length).toBe(16_001);
    // a's snapshot could not make room either: it holds its edit and says it is not synced
    await until(() => a.provider.status === 'syncing', 5000, 'a to report syncing');
    expect(a.provider.unacknowledged).toBeGreaterThan(0);
    expect(await rejected(relay, 'room_full')).toBeGreaterThanOrEqual(2);
  });

  it('takes updates again once a snapshot has compacted a full room, and loses none of them', async () => {
    const relay = await relayWith({ RELAY_MAX_ROOM_BYTES: '20000' });
    const room = await testRoom('budget compact');
    const [a, b] = [peer(relay, room), peer(relay, room)] as [Peer, Peer];
    await Promise.all([a.provider.whenSynced(), b.provider.whenSynced()]);
    // inserting and deleting 1,500 characters grows the log by as much each time, the document by almost nothing;
    // the log passes 20,000 bytes around round 12, and what is refused after that fits once compacted
    for (let round = 0; round < 16; round += 1) {
      a.text.insert(0, randomBytes(1125).toString('base64'));
      a.text.delete(0, 1500);
      a.text.insert(a.text.length, `${round};`);
    }
    await until(() => a.errors.includes('room_full'), 5000, 'a to be told the room is full');
    // a compacts on its own, then resends what was refused
    await a.provider.whenAcknowledged();
    await until(() => b.text.toString() === a.text.toString(), 5000, 'b to converge with a');
    expect(b.text.toString()).toBe(Array.from({ length: 16 }, (_, round) => `${round};`).join(''));
    expect(a.provider.status).toBe('synced');
    const metrics = await relay.metrics();
    expect(metricValue(metrics, 'relay_snapshots_stored_total')).toBeGreaterThanOrEqual(1);
    expect(metricValue(metrics, 'relay_rejected_total{reason="room_full"}')).toBeGreaterThanOrEqual(1);
  });
});
