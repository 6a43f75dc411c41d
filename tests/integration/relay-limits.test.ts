// The relay's resource rules against the real process: silent connections are dropped after the idle timeout,
// a reader that stops reading is cut off instead of growing memory, and idle rooms expire from storage.
import { connect, type Socket } from 'node:net';
import { RelaySyncProvider } from '@pa/shared/relay/client';
import { writeSyncRequest } from '@pa/shared/relay/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import {
  BACKENDS,
  type Backend,
  eventually,
  metricValue,
  proofFor,
  RELAY_TOKEN,
  type StartedRelay,
  seeded,
  startRelay,
  syncUrl,
  type TestRoom,
  testRoom,
} from './relay-harness.js';

const relays: StartedRelay[] = [];
const closers: Array<() => void> = [];
afterAll(async () => {
  for (const close of closers) close();
  for (const relay of relays) await relay.stop();
});

async function relayWith(backend: Backend, env: Record<string, string>): Promise<StartedRelay> {
  const relay = await startRelay({ backend, env });
  relays.push(relay);
  return relay;
}

/** A WebSocket client written by hand on a raw TCP socket: it answers nothing and reads only if told to. */
async function rawClient(port: number, path: string, join?: TestRoom): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  closers.push(() => socket.destroy());
  socket.on('error', () => undefined);
  socket.write(
    `GET ${path}?token=${RELAY_TOKEN} HTTP/1.1\r\nHost: relay\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
  );
  if (!join) {
    await new Promise<void>((resolve) => socket.once('data', () => resolve()));
    return socket;
  }
  // the 101 response, then the relay's CHALLENGE as one short unmasked binary frame (0x82, length, payload)
  let received = Buffer.alloc(0);
  const challenge = await new Promise<Buffer>((resolve) => {
    const onData = (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const body = received.indexOf('\r\n\r\n') + 4;
      if (body < 4 || received.length < body + 2 || received.length < body + 2 + (received[body + 1] as number)) return;
      socket.off('data', onData);
      resolve(received.subarray(body + 2, body + 2 + (received[body + 1] as number)));
    };
    socket.on('data', onData);
  });
  socket.write(clientFrame(await proofFor(join.roomId, join.writer, new Uint8Array(challenge))));
  return socket;
}

/** A masked binary client frame (mask key 0, so the payload goes as is). */
const clientFrame = (payload: Uint8Array) => Buffer.from([0x82, 0x80 | payload.length, 0, 0, 0, 0, ...payload]);

const LIMITS = await testRoom('s');
const ROOM = LIMITS.roomId;

describe.each(BACKENDS)('relay limits (%s)', (backend) => {
  it('drops a connection that stays silent past the idle timeout and keeps one that answers pings', async () => {
    const relay = await relayWith(backend, { RELAY_IDLE_TIMEOUT_MS: '1000' });
    const polite = new WebSocket(`${relay.url}/signal?token=${RELAY_TOKEN}`);
    closers.push(() => polite.terminate());
    await new Promise((resolve) => polite.once('open', resolve));
    const silent = await rawClient(relay.port, '/signal');
    const openedAt = Date.now();
    await new Promise((resolve) => silent.once('close', resolve));
    expect(Date.now() - openedAt).toBeGreaterThanOrEqual(900);
    // the ws client was just as idle, but its automatic pongs count as life
    expect(polite.readyState).toBe(WebSocket.OPEN);
  });

  it('cuts off a reader that stops reading instead of queueing for it without bound', async () => {
    const relay = await relayWith(backend, { RELAY_MAX_QUEUED_BYTES: String(64 * 1024), RELAY_SYNC_MODE: 'normal' });
    const stalled = await rawClient(relay.port, syncUrl('', ROOM, null), LIMITS);
    stalled.write(clientFrame(writeSyncRequest(0)));
    stalled.pause();
    const doc = new Y.Doc();
    const writer = new RelaySyncProvider(doc, {
      url: relay.url,
      roomId: ROOM,
      secret: 's',
      token: RELAY_TOKEN,
      WebSocket,
      random: seeded(3),
    });
    closers.push(() => writer.destroy());
    await writer.whenSynced();
    const chunk = 'x'.repeat(60_000);
    const slowConsumers = async () =>
      metricValue(await relay.metrics(), 'relay_rejected_total{reason="slow_consumer"}') || 0;
    // ~60 KB per update until the stalled reader's kernel buffers are full and the relay's own queue passes 64 KiB
    for (let i = 0; i < 400 && (await slowConsumers()) === 0; i += 1) {
      doc.getText('t').insert(0, chunk);
      await writer.whenAcknowledged();
    }
    expect(await slowConsumers()).toBeGreaterThan(0);
    expect(writer.status).toBe('synced');
    await eventually(
      async () => metricValue(await relay.metrics(), 'relay_connections{endpoint="sync"}') === 1,
      5000,
      'the stalled connection to be gone',
    );
  });

  it('expires a room nobody has touched for the configured period', async () => {
    const relay = await relayWith(backend, { RELAY_ROOM_EXPIRY_DAYS: '0.00001', RELAY_SWEEP_INTERVAL_MS: '1000' });
    const options = { url: relay.url, roomId: ROOM, secret: 's', token: RELAY_TOKEN, WebSocket, random: seeded(4) };
    const first = new Y.Doc();
    first.getText('t').insert(0, 'short-lived');
    const writer = new RelaySyncProvider(first, options);
    await writer.whenSynced();
    await writer.whenAcknowledged();
    writer.destroy();
    await eventually(
      async () => metricValue(await relay.metrics(), 'relay_rooms_expired_total') > 0,
      5000,
      'the sweep to expire the room',
    );
    const later = new Y.Doc();
    const reader = new RelaySyncProvider(later, options);
    closers.push(() => reader.destroy());
    await reader.whenSynced();
    expect(later.getText('t').toString()).toBe('');
  });
});
