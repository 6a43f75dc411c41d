// What a relay client holding only the relay token (and a room id it learned) can do to a room, against the real
// relay process: it cannot wipe the room, roll it back with a captured snapshot, lock it by claiming its seats
// first, or fill the relay with rooms and bytes past the operator's limits. Honest clients keep all their data.
import { generateKeyPairSync, sign } from 'node:crypto';
import { RelaySyncProvider } from '@pa/shared/relay/client';
import {
  CloseCode,
  MessageType,
  type RelayMessage,
  readMessage,
  seatsClaimStatement,
  seatsStatement,
  writeSeats,
  writeSnapshot,
  writeSyncRequest,
  writeUpdate,
} from '@pa/shared/relay/protocol';
import { type RoomWriteKey, roomIdOfWriteKey } from '@pa/shared/relay/write-key';
import nacl from 'tweetnacl';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import {
  BACKENDS,
  type Backend,
  cleanupAfterAll,
  eventually,
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

async function relayWith(backend: Backend, env: Record<string, string> = {}): Promise<StartedRelay> {
  const relay = await startRelay({ backend, env: { RELAY_SYNC_MODE: 'normal', ...env } });
  defer(() => relay.stop());
  return relay;
}

/** An honest participant (it holds the secret), optionally with its outgoing frames recorded (a wiretap). */
function honest(relay: StartedRelay, room: TestRoom, options: { snapshotEvery?: number; tap?: Uint8Array[] } = {}) {
  const doc = new Y.Doc();
  const tap = options.tap;
  class Tapped extends WebSocket {
    constructor(url: string) {
      super(url);
      const send = this.send.bind(this);
      this.send = ((data: Uint8Array) => {
        tap?.push(new Uint8Array(data));
        send(data);
      }) as typeof this.send;
    }
  }
  const provider = new RelaySyncProvider(doc, {
    url: relay.url,
    roomId: room.roomId,
    secret: room.secret,
    token: RELAY_TOKEN,
    WebSocket: Tapped,
    backoff: { minMs: 50, maxMs: 200 },
    snapshotEvery: options.snapshotEvery ?? 1_000_000,
  });
  const errors: string[] = [];
  provider.onDidError((error) => errors.push(error.code));
  defer(() => provider.destroy());
  return { doc, text: doc.getText('t'), provider, errors };
}

/**
 * A hand-driven sync connection to the room, sending what it likes and collecting what the relay answers. Given a
 * key, it answers the relay's challenge with it (the room's own key: a holder of the secret; another: an attacker).
 */
async function raw(url: string, join?: { roomId: string; writer: Pick<RoomWriteKey, 'publicKey' | 'sign'> }) {
  const socket = new WebSocket(url);
  defer(() => socket.terminate());
  const joined = join ? joinRaw(socket, join.roomId, join.writer) : Promise.resolve();
  const received: RelayMessage[] = [];
  let closedWith: number | null = null;
  let status: number | null = null;
  socket.on('message', (data: Buffer) => {
    const read = readMessage(new Uint8Array(data));
    if (read.ok) received.push(read.message);
  });
  socket.on('close', (code) => {
    closedWith = code;
  });
  socket.on('error', () => undefined);
  const opened = await new Promise<boolean>((resolve) => {
    socket.once('open', () => resolve(true));
    socket.once('unexpected-response', (_request, response) => {
      status = response.statusCode ?? 0;
      socket.terminate();
      resolve(false);
    });
  });
  if (opened) await joined;
  const errors = () => received.flatMap((m) => (m.type === MessageType.error ? [m.code] : []));
  return {
    opened,
    status: () => status,
    send: (frame: Uint8Array) => socket.send(frame),
    close: () => socket.close(),
    received,
    errors,
    closedWith: () => closedWith,
    syncDone: () => received.find((m) => m.type === MessageType.syncDone),
    /** Resolves once the relay has read every frame sent so far (a ping's pong comes after them). */
    settled: () => new Promise<void>((resolve) => socket.once('pong', () => resolve()) && socket.ping()),
  };
}

/** Joins the room afresh, as a device that never saw it, and returns what it reads. */
async function freshReader(relay: StartedRelay, room: TestRoom): Promise<string> {
  const reader = honest(relay, room);
  await reader.provider.whenSynced();
  return reader.text.toString();
}

function foreignEd25519() {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const raw = new Uint8Array(Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url'));
  return { privateKey, publicKey: raw };
}

describe.each(BACKENDS)('relay room integrity against a client with only the relay token (%s)', (backend) => {
  it('lets no one join a room without proving its write key: not without a proof, not with a key of its own', async () => {
    const relay = await relayWith(backend);
    const room = await testRoom('integrity handshake');
    const owner = honest(relay, room);
    await owner.provider.whenSynced();
    owner.text.insert(0, 'private');
    await owner.provider.whenAcknowledged();

    // the token and the room id only: every frame is refused, nothing of the room is sent
    const bare = await raw(syncUrl(relay.url, room.roomId));
    bare.send(writeSyncRequest(0));
    bare.send(writeUpdate(1, new Uint8Array(40), new Uint8Array(64)));
    await bare.settled();
    expect(bare.errors()).toEqual(['room_key', 'room_key']);
    expect(bare.received.map((m) => m.type)).toEqual([MessageType.challenge, MessageType.error, MessageType.error]);
    // a key of its own (its hash is another room id), and the room's public key with a signature it cannot make
    const own = nacl.sign.keyPair();
    const foreign = await raw(syncUrl(relay.url, room.roomId), {
      roomId: room.roomId,
      writer: { publicKey: own.publicKey, sign: async (m) => nacl.sign.detached(m, own.secretKey) },
    });
    const forged = await raw(syncUrl(relay.url, room.roomId), {
      roomId: room.roomId,
      writer: { publicKey: room.writer.publicKey, sign: async (m) => nacl.sign.detached(m, own.secretKey) },
    });
    for (const attacker of [foreign, forged]) {
      await until(() => attacker.closedWith() !== null, 5000, 'the attacker to be closed');
      expect(attacker.errors()).toEqual(['room_key']);
      expect(attacker.closedWith()).toBe(CloseCode.badProof);
      expect(attacker.received.some((m) => m.type === MessageType.broadcast)).toBe(false);
    }
    // a PROOF captured from an honest connection signs that connection's challenge, not this one's
    const tap: Uint8Array[] = [];
    const tapped = honest(relay, room, { tap });
    await tapped.provider.whenSynced();
    const captured = tap.find((frame) => readMessage(frame).ok && frame[0] === MessageType.proof) as Uint8Array;
    const replay = await raw(syncUrl(relay.url, room.roomId));
    replay.send(captured);
    await until(() => replay.closedWith() !== null, 5000, 'the replayed proof to be refused');
    expect(replay.errors()).toEqual(['room_key']);
    expect(metricValue(await relay.metrics(), 'relay_rejected_total{reason="room_key"}')).toBe(5);
  });

  it('refuses a wipe (an empty snapshot, junk updates) and every honest client keeps all the data', async () => {
    const relay = await relayWith(backend);
    const room = await testRoom('integrity wipe');
    const [a, b] = [honest(relay, room), honest(relay, room)];
    await Promise.all([a.provider.whenSynced(), b.provider.whenSynced()]);
    const edits = Array.from({ length: 20 }, (_, i) => `<${i}>`);
    for (const [i, edit] of edits.entries()) (i % 2 ? a : b).text.insert(0, edit);
    await Promise.all([a.provider.whenAcknowledged(), b.provider.whenAcknowledged()]);
    // acknowledged is not yet received by the other: the text both hold is the one every later check builds on
    await until(
      () => a.text.toString() === b.text.toString() && a.text.length === edits.join('').length,
      5000,
      'a and b to agree',
    );
    const before = a.text.toString();

    // without the secret: the relay takes nothing before a proof
    const outsider = await raw(syncUrl(relay.url, room.roomId));
    outsider.send(writeSnapshot(1_000_000, new Uint8Array(30), new Uint8Array(64)));
    outsider.send(writeUpdate(1, new Uint8Array(30), new Uint8Array(64)));
    await outsider.settled();
    expect(outsider.errors()).toEqual(['room_key', 'room_key']);
    // and on a connection that did prove the key (defence in depth), frames not signed by it are not stored either
    const attacker = await raw(syncUrl(relay.url, room.roomId), room);
    attacker.send(writeSyncRequest(0));
    await until(() => attacker.syncDone() !== undefined, 5000, 'the attacker to be synced');
    const done = attacker.syncDone() as Extract<RelayMessage, { type: typeof MessageType.syncDone }>;
    const junk = new Uint8Array(64).fill(1);
    const forged = nacl.sign.detached(junk, nacl.sign.keyPair().secretKey);
    attacker.send(writeSnapshot(done.latestServerSeq, new Uint8Array(30), forged));
    attacker.send(writeSnapshot(done.latestServerSeq, new Uint8Array(30), new Uint8Array(64)));
    attacker.send(writeUpdate(1, junk, forged));
    await attacker.settled();
    expect(attacker.errors()).toEqual(['bad_signature', 'bad_signature', 'bad_signature']);

    // the honest peers still converge, with everything, and a device joining now reads all of it
    a.text.insert(0, 'after ');
    await until(() => b.text.toString() === `after ${before}`, 5000, 'b to get the edit made after the attack');
    await a.provider.whenAcknowledged();
    expect(await freshReader(relay, room)).toBe(`after ${before}`);
    expect(a.errors.concat(b.errors)).toEqual([]);
  });

  it('refuses a rollback: a captured old snapshot, as it was or relabelled as covering the newer rows', async () => {
    const relay = await relayWith(backend);
    const room = await testRoom('integrity rollback');
    const tap: Uint8Array[] = [];
    const writer = honest(relay, room, { snapshotEvery: 4, tap });
    await writer.provider.whenSynced();
    const snapshots = () =>
      tap
        .map(readMessage)
        .flatMap((read) => (read.ok && read.message.type === MessageType.snapshot ? [read.message] : []));
    for (let i = 0; i < 12 && snapshots().length === 0; i += 1) {
      writer.text.insert(writer.text.length, `old${i} `);
      await writer.provider.whenAcknowledged();
    }
    await until(() => snapshots().length > 0, 5000, 'the honest writer to send a snapshot');
    const captured = snapshots()[0] as Extract<RelayMessage, { type: typeof MessageType.snapshot }>;
    // the writer goes on; the relay's log moves past what the captured snapshot covers
    writer.provider.destroy();
    const later = honest(relay, room);
    await later.provider.whenSynced();
    for (let i = 0; i < 5; i += 1) later.text.insert(later.text.length, `new${i} `);
    await later.provider.whenAcknowledged();
    const everything = later.text.toString();

    // replayed on a connection that proved the key (the relay checks the frame itself, whoever sends it)
    const attacker = await raw(syncUrl(relay.url, room.roomId), room);
    attacker.send(writeSyncRequest(0));
    await until(() => attacker.syncDone() !== undefined, 5000, 'the attacker to be synced');
    const latest = (attacker.syncDone() as Extract<RelayMessage, { type: typeof MessageType.syncDone }>)
      .latestServerSeq;
    expect(latest).toBeGreaterThan(captured.upToServerSeq);
    // replayed as captured: it does not cover the rows written since
    attacker.send(writeSnapshot(captured.upToServerSeq, captured.ciphertext, captured.signature));
    // relabelled to cover everything: the signature is over the sequence it really covers
    attacker.send(writeSnapshot(latest, captured.ciphertext, captured.signature));
    await attacker.settled();
    expect(attacker.errors()).toEqual(['snapshot_stale', 'bad_signature']);
    expect(await freshReader(relay, room)).toBe(everything);
    expect(everything).toContain('new4');
  });

  it('refuses a snapshot captured before the room expired, replayed into the room’s next incarnation', async () => {
    const relay = await relayWith(backend, { RELAY_ROOM_EXPIRY_DAYS: '0.00001', RELAY_SWEEP_INTERVAL_MS: '1000' });
    const room = await testRoom('integrity epoch');
    const tap: Uint8Array[] = [];
    const before = honest(relay, room, { snapshotEvery: 2, tap });
    await before.provider.whenSynced();
    const snapshot = () =>
      tap
        .map(readMessage)
        .flatMap((read) => (read.ok && read.message.type === MessageType.snapshot ? [read.message] : []))[0];
    for (let i = 0; i < 8 && snapshot() === undefined; i += 1) {
      before.text.insert(0, `gone${i} `);
      await before.provider.whenAcknowledged();
    }
    await until(() => snapshot() !== undefined, 5000, 'a snapshot to be captured');
    const captured = snapshot() as Extract<RelayMessage, { type: typeof MessageType.snapshot }>;
    before.provider.destroy();
    await eventually(
      async () => metricValue(await relay.metrics(), 'relay_rooms_expired_total') > 0,
      5000,
      'the idle room to expire',
    );

    // the room comes back with a new log whose sequence passes the captured one
    const after = honest(relay, room);
    await after.provider.whenSynced();
    for (let i = 0; i <= captured.upToServerSeq; i += 1) {
      after.text.insert(after.text.length, `new${i} `);
      await after.provider.whenAcknowledged();
    }
    // replayed on a connection that proved the key: the relay checks the frame itself, whoever sends it
    const attacker = await raw(syncUrl(relay.url, room.roomId), room);
    attacker.send(writeSyncRequest(0));
    await until(() => attacker.syncDone() !== undefined, 5000, 'the attacker to be synced');
    attacker.send(writeSnapshot(captured.upToServerSeq, captured.ciphertext, captured.signature));
    await attacker.settled();
    expect(attacker.errors()).toEqual(['bad_signature']);
    expect(await freshReader(relay, room)).toBe(after.text.toString());
  });

  it('refuses a foreign claim on a room’s seats made before its host came, and the host’s own grant works', async () => {
    const relay = await relayWith(backend);
    const room = await testRoom('integrity seats');
    // first to the room, before its host: a zero-guest grant signed by a host key of the attacker's own
    const squatter = foreignEd25519();
    const grant = (key: ReturnType<typeof foreignEd25519>, guests: number) =>
      new Uint8Array(sign(null, seatsStatement(room.roomId, guests), key.privateKey));
    const ownClaim = nacl.sign.detached(
      seatsClaimStatement(room.roomId, squatter.publicKey),
      nacl.sign.keyPair().secretKey,
    );
    const attacker = await raw(syncUrl(relay.url, room.roomId));
    attacker.send(writeSeats(0, squatter.publicKey, grant(squatter, 0), ownClaim));
    attacker.send(writeSyncRequest(0));
    await attacker.settled();
    expect(attacker.errors()).toEqual(['room_key', 'room_key']);
    // on a connection that proved the key too, a SEATS whose claim the write key did not sign is refused
    const guestFirst = await raw(syncUrl(relay.url, room.roomId), room);
    guestFirst.send(writeSeats(0, squatter.publicKey, grant(squatter, 0), ownClaim));
    guestFirst.send(writeSyncRequest(0));
    await until(() => guestFirst.syncDone() !== undefined, 5000, 'the guest to be synced');
    expect(guestFirst.errors()).toEqual(['seats_refused']);
    attacker.close();
    guestFirst.close();
    await until(() => guestFirst.closedWith() !== null, 5000, 'the guest to leave');

    // the real host signs one guest: it is admitted, and so is its guest
    const host = foreignEd25519();
    const hostPeer = relayPeer(new Y.Doc(), {
      url: relay.url,
      roomId: room.roomId,
      secret: room.secret,
      seats: { guests: 1, hostKey: host.publicKey, signature: grant(host, 1) },
    });
    defer(() => hostPeer.provider.destroy());
    await hostPeer.provider.whenSynced();
    const guest = honest(relay, room);
    await guest.provider.whenSynced();
    expect(hostPeer.errors).toEqual([]);
    // the host's limit is the one in force: with its one seat taken, the next guest waits
    const third = honest(relay, room);
    await until(() => third.errors.includes('session_full'), 5000, 'a second guest to be turned away');
  });

  it('stops one address at its rooms per hour with a typed error, and still lets it into rooms that exist', async () => {
    const relay = await relayWith(backend, { RELAY_CONN_BURST_PER_IP: '1000', RELAY_CONN_RATE_PER_IP: '1000' });
    const existing = await testRoom('integrity existing');
    const owner = honest(relay, existing);
    await owner.provider.whenSynced();
    owner.provider.disconnect();

    const outcomes: string[] = [];
    const closes: Array<number | null> = [];
    for (let i = 0; i < 150; i += 1) {
      // a key of its own makes a valid room id: rooms cost the attacker nothing but the handshake
      const keys = nacl.sign.keyPair();
      const roomId = roomIdOfWriteKey(keys.publicKey);
      const client = await raw(syncUrl(relay.url, roomId), {
        roomId,
        writer: { publicKey: keys.publicKey, sign: async (m) => nacl.sign.detached(m, keys.secretKey) },
      });
      client.send(writeSyncRequest(0));
      await until(() => client.syncDone() !== undefined || client.closedWith() !== null, 5000, `room ${i} to answer`);
      outcomes.push(client.syncDone() ? 'created' : (client.errors()[0] ?? 'closed'));
      if (!client.syncDone()) await until(() => client.closedWith() !== null, 5000, 'the refused client to close');
      closes.push(client.closedWith());
    }
    // the owner made one room this hour from the same address (loopback), so 99 more fit
    expect(outcomes.filter((o) => o === 'created')).toHaveLength(99);
    expect(outcomes.slice(99)).toEqual(Array(51).fill('room_rate_limited'));
    expect(closes.slice(99).every((code) => code === CloseCode.roomRefused)).toBe(true);
    expect(metricValue(await relay.metrics(), 'relay_rejected_total{reason="room_rate_limited"}')).toBe(51);

    // a room that exists is no new room: its owner comes back
    owner.provider.connect();
    await owner.provider.whenSynced();
  });

  it('holds the relay to its stored bytes and rooms, with typed errors, and the honest data stays whole', async () => {
    const relay = await relayWith(backend, {
      RELAY_MAX_TOTAL_BYTES: '40000',
      RELAY_MAX_ROOM_BYTES: '1000000',
      RELAY_MAX_ROOMS: '2',
    });
    const first = honest(relay, await testRoom('integrity bytes one'));
    const secondRoom = await testRoom('integrity bytes two');
    const second = honest(relay, secondRoom);
    await Promise.all([first.provider.whenSynced(), second.provider.whenSynced()]);
    // random text does not compress: 30 KB in the first room, then the second room passes the relay's total
    first.text.insert(0, Buffer.from(nacl.randomBytes(15_000)).toString('hex'));
    await first.provider.whenAcknowledged();
    second.text.insert(0, Buffer.from(nacl.randomBytes(10_000)).toString('hex'));
    await until(() => second.errors.includes('relay_full'), 5000, 'the second room to be told the relay is full');
    expect(second.provider.unacknowledged).toBeGreaterThan(0);
    expect(metricValue(await relay.metrics(), 'relay_rejected_total{reason="relay_full"}')).toBeGreaterThan(0);

    // a third room is one more than the relay holds
    const third = honest(relay, await testRoom('integrity bytes three'));
    await until(() => third.errors.includes('room_limit'), 5000, 'the third room to be refused');
    expect(third.provider.status).not.toBe('synced');
    // what was stored is intact
    expect((await freshReader(relay, await testRoom('integrity bytes one'))).length).toBe(30_000);
  });
});
