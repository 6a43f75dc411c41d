// The host's participant limit held by the relay: a host signs its edition's guest count with the room's host key
// (SEATS); the relay keeps that key for the room and turns away guests beyond the count on sync and on signaling,
// admits the host however full the room is, refuses forged or foreign grants, and remembers all of it across a
// restart.
import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import {
  CloseCode,
  MessageType,
  RelayErrorCode,
  readMessage,
  seatsClaimStatement,
  seatsStatement,
  writeSeats,
  writeSyncRequest,
} from '@pa/shared/relay/protocol';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import {
  cleanupAfterAll,
  joinRaw,
  metricValue,
  RELAY_TOKEN,
  relayPeer,
  type StartedRelay,
  startRelay,
  syncUrl,
  type TestRoom,
  testRoom,
  until,
} from './relay-harness.js';

const defer = cleanupAfterAll();

interface HostKey {
  privateKey: KeyObject;
  publicKey: Uint8Array;
}

function hostKey(): HostKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const x = publicKey.export({ format: 'jwk' }).x ?? '';
  return { privateKey, publicKey: new Uint8Array(Buffer.from(x, 'base64url')) };
}

function grant(key: HostKey, roomId: string, guests: number) {
  return {
    guests,
    hostKey: key.publicKey,
    signature: new Uint8Array(sign(null, seatsStatement(roomId, guests), key.privateKey)),
  };
}

function peer(url: string, room: TestRoom, seats?: ReturnType<typeof grant>) {
  const doc = new Y.Doc();
  const { provider, errors } = relayPeer(doc, {
    url,
    roomId: room.roomId,
    secret: room.secret,
    backoff: { minMs: 50, maxMs: 200 },
    ...(seats ? { seats } : {}),
  });
  defer(() => provider.destroy());
  return { doc, provider, errors };
}

/** A hand-driven sync connection: sends frames, collects the relay's answers and how it closed. */
async function rawSync(url: string, room: TestRoom) {
  const socket = new WebSocket(syncUrl(url, room.roomId));
  const joined = joinRaw(socket, room.roomId, room.writer);
  defer(() => socket.terminate());
  const errors: string[] = [];
  let synced = false;
  let closedWith: number | null = null;
  socket.on('message', (data: Buffer) => {
    const read = readMessage(new Uint8Array(data));
    if (read.ok && read.message.type === MessageType.error) errors.push(read.message.code);
    if (read.ok && read.message.type === MessageType.syncDone) synced = true;
  });
  socket.on('close', (code) => {
    closedWith = code;
  });
  await new Promise((resolve) => socket.once('open', resolve));
  await joined;
  return {
    send: (frame: Uint8Array) => socket.send(frame),
    errors,
    synced: () => synced,
    closedWith: () => closedWith,
  };
}

async function signalingSubscriber(url: string, topic: string) {
  const socket = new WebSocket(`${url}/signal?token=${RELAY_TOKEN}`);
  defer(() => socket.terminate());
  let closedWith: number | null = null;
  socket.on('close', (code) => {
    closedWith = code;
  });
  await new Promise((resolve) => socket.once('open', resolve));
  socket.send(JSON.stringify({ type: 'subscribe', topics: [topic] }));
  // a ping answered means the subscribe before it was handled
  socket.send(JSON.stringify({ type: 'ping' }));
  await new Promise<void>((resolve) => {
    socket.on('message', () => resolve());
    socket.on('close', () => resolve());
  });
  return { closedWith: () => closedWith };
}

describe('relay seats', () => {
  let relay: StartedRelay;
  let room: TestRoom;
  const key = hostKey();

  it('admits the host and as many guests as it signed for, and turns the next one away until a seat frees', async () => {
    relay = await startRelay({ env: { RELAY_SYNC_MODE: 'normal' } });
    defer(() => relay.stop());
    room = await testRoom('seats secret');
    const host = peer(relay.url, room, grant(key, room.roomId, 1));
    await host.provider.whenSynced();
    const first = peer(relay.url, room);
    await first.provider.whenSynced();
    first.doc.getText('t').insert(0, 'from the first guest');

    const second = peer(relay.url, room);
    await until(() => second.errors.includes(RelayErrorCode.sessionFull), 5000, 'the second guest to be turned away');
    expect(second.provider.status).not.toBe('synced');
    expect(second.doc.getText('t').toString()).toBe('');
    expect(metricValue(await relay.metrics(), 'relay_rejected_total{reason="session_full"}')).toBeGreaterThan(0);

    // the host's second window (or a reconnect before its old socket timed out) is never a guest
    const hostAgain = peer(relay.url, room, grant(key, room.roomId, 1));
    await hostAgain.provider.whenSynced();

    first.provider.destroy();
    await until(() => second.provider.status === 'synced', 5000, 'the second guest to get the freed seat');
    await until(
      () => second.doc.getText('t').toString() === 'from the first guest',
      5000,
      'the second guest to receive the room',
    );
  });

  it('refuses a grant signed by another key than the room’s, or with a signature that does not match', async () => {
    // a guest: it holds the room secret (so its claims are signed by the write key) but not the host key
    const intruder = await rawSync(relay.url, room);
    const claim = (hostKey: Uint8Array) => room.writer.sign(seatsClaimStatement(room.roomId, hostKey));
    const stranger = hostKey();
    intruder.send(
      writeSeats(10, stranger.publicKey, grant(hostKey(), room.roomId, 10).signature, await claim(stranger.publicKey)),
    );
    const other = hostKey();
    intruder.send(
      writeSeats(10, other.publicKey, grant(other, room.roomId, 10).signature, await claim(other.publicKey)),
    );
    const real = grant(key, room.roomId, 1);
    // the host's key, but not what it signed
    intruder.send(writeSeats(10, real.hostKey, real.signature, await claim(real.hostKey)));
    // still a guest, so the full room turns it away
    intruder.send(writeSyncRequest(0));
    await until(() => intruder.closedWith() !== null, 5000, 'the intruder to be closed');
    expect(intruder.errors).toEqual([
      RelayErrorCode.seatsRefused,
      RelayErrorCode.seatsRefused,
      RelayErrorCode.seatsRefused,
      RelayErrorCode.sessionFull,
    ]);
    expect(intruder.closedWith()).toBe(CloseCode.sessionFull);
  });

  it('limits signaling subscribers of the room to host + guests', async () => {
    const signalRoom = await testRoom('seats signal');
    const host = peer(relay.url, signalRoom, grant(key, signalRoom.roomId, 1));
    await host.provider.whenSynced();
    const a = await signalingSubscriber(relay.url, signalRoom.roomId);
    const b = await signalingSubscriber(relay.url, signalRoom.roomId);
    const c = await signalingSubscriber(relay.url, signalRoom.roomId);
    expect(a.closedWith()).toBeNull();
    expect(b.closedWith()).toBeNull();
    expect(c.closedWith()).toBe(CloseCode.sessionFull);
    // a room nobody set seats for has no limit
    const free = await Promise.all([1, 2, 3].map(() => signalingSubscriber(relay.url, 'seats-room-FREEFREEFREEFREE')));
    expect(free.map((s) => s.closedWith())).toEqual([null, null, null]);
  });

  it('keeps the room’s host key and limit across a restart', async () => {
    const dataDir = relay.dataDir;
    await relay.stop();
    relay = await startRelay({ dataDir, env: { RELAY_SYNC_MODE: 'normal' } });
    defer(() => relay.stop());
    const guest = peer(relay.url, room);
    await guest.provider.whenSynced();
    // with the host offline, a second guest is still one too many, and a new key cannot take the room over
    const other = hostKey();
    const usurper = peer(relay.url, room, grant(other, room.roomId, 5));
    await until(() => usurper.errors.includes(RelayErrorCode.sessionFull), 5000, 'the usurper to be turned away');
    expect(usurper.errors).toContain(RelayErrorCode.seatsRefused);
  });
});
