import { describe, expect, it } from 'vitest';
import {
  isValidRoomId,
  MessageType,
  type RelayMessage,
  readMessage,
  readSignal,
  writeAck,
  writeAwareness,
  writeBroadcast,
  writeError,
  writeHello,
  writePeerLeft,
  writeSeats,
  writeSnapshot,
  writeSnapshotStored,
  writeSyncDone,
  writeSyncRequest,
  writeUpdate,
} from './protocol.js';

const bytes = new Uint8Array([1, 2, 3, 250]);
const sig = new Uint8Array(64).fill(5);

describe('relay protocol', () => {
  it('reads back every message it writes', () => {
    const cases: Array<[Uint8Array, RelayMessage]> = [
      [writeUpdate(7, bytes, sig), { type: MessageType.update, clientSeq: 7, ciphertext: bytes, signature: sig }],
      [writeAck(7, 2 ** 40), { type: MessageType.ack, clientSeq: 7, serverSeq: 2 ** 40 }],
      [writeBroadcast(3, bytes), { type: MessageType.broadcast, serverSeq: 3, ciphertext: bytes }],
      [writeSyncRequest(0), { type: MessageType.syncRequest, sinceServerSeq: 0 }],
      [writeSyncDone(9, 4, 'e1'), { type: MessageType.syncDone, latestServerSeq: 9, snapshotSeq: 4, epoch: 'e1' }],
      [
        writeSnapshot(9, bytes, sig),
        { type: MessageType.snapshot, upToServerSeq: 9, ciphertext: bytes, signature: sig },
      ],
      [writeSnapshotStored(9), { type: MessageType.snapshotStored, upToServerSeq: 9 }],
      [writeAwareness(bytes), { type: MessageType.awareness, ciphertext: bytes }],
      [
        writeError('too_large', 'Frame over 1 MiB.'),
        { type: MessageType.error, code: 'too_large', message: 'Frame over 1 MiB.' },
      ],
      [writeHello([0, 2 ** 32 - 1]), { type: MessageType.hello, clientIds: [0, 2 ** 32 - 1] }],
      [writePeerLeft([42]), { type: MessageType.peerLeft, clientIds: [42] }],
      [
        writeSeats(5, new Uint8Array(32).fill(7), new Uint8Array(64).fill(9), sig),
        {
          type: MessageType.seats,
          guests: 5,
          hostKey: new Uint8Array(32).fill(7),
          signature: new Uint8Array(64).fill(9),
          claim: sig,
        },
      ],
    ];
    for (const [frame, expected] of cases) expect(readMessage(frame)).toEqual({ ok: true, message: expected });
  });

  it('refuses truncated, trailing, empty and unknown frames without throwing', () => {
    const update = writeUpdate(1, bytes, sig);
    expect(readMessage(update.subarray(0, update.length - 1))).toMatchObject({ ok: false, code: 'malformed' });
    expect(readMessage(new Uint8Array([...writeSyncRequest(1), 0]))).toMatchObject({ ok: false, code: 'malformed' });
    expect(readMessage(new Uint8Array())).toMatchObject({ ok: false, code: 'malformed' });
    expect(readMessage(new Uint8Array([99]))).toMatchObject({ ok: false, code: 'unknown_type' });
    // a HELLO claiming a huge id count is refused before anything is allocated for it
    expect(readMessage(writeHello(Array.from({ length: 17 }, (_, i) => i)))).toMatchObject({
      ok: false,
      code: 'malformed',
    });
    // SEATS carries exactly an Ed25519 key and signature
    expect(readMessage(writeSeats(1, new Uint8Array(31), new Uint8Array(64), sig))).toMatchObject({ ok: false });
    expect(readMessage(writeSeats(1, new Uint8Array(32), new Uint8Array(65), sig))).toMatchObject({ ok: false });
    expect(readMessage(writeSeats(1, new Uint8Array(32), sig, new Uint8Array(0)))).toMatchObject({ ok: false });
    // updates and snapshots carry exactly an Ed25519 signature
    expect(readMessage(writeUpdate(1, bytes, new Uint8Array(0)))).toMatchObject({ ok: false, code: 'malformed' });
    expect(readMessage(writeSnapshot(1, bytes, new Uint8Array(63)))).toMatchObject({ ok: false, code: 'malformed' });
    // a varUint longer than 53 bits
    expect(readMessage(new Uint8Array([3, 255, 255, 255, 255, 255, 255, 255, 255, 255, 1]))).toMatchObject({
      ok: false,
    });
  });

  it('survives random garbage', () => {
    let seed = 42;
    const next = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    for (let i = 0; i < 2000; i += 1) {
      const garbage = Uint8Array.from({ length: next() % 40 }, () => next() & 0xff);
      const read = readMessage(garbage);
      expect(typeof read.ok).toBe('boolean');
    }
  });

  it('parses y-webrtc signaling messages and rejects anything else', () => {
    expect(readSignal('{"type":"subscribe","topics":["a","b"]}')).toEqual({ type: 'subscribe', topics: ['a', 'b'] });
    expect(readSignal('{"type":"publish","topic":"a","from":1,"data":{"x":1}}')).toEqual({
      type: 'publish',
      topic: 'a',
      from: 1,
      data: { x: 1 },
    });
    expect(readSignal('{"type":"ping"}')).toEqual({ type: 'ping' });
    expect(readSignal('{"type":"subscribe","topics":[1]}')).toBeNull();
    expect(readSignal(`{"type":"publish","topic":"${'x'.repeat(300)}"}`)).toBeNull();
    expect(readSignal('not json')).toBeNull();
    expect(readSignal('[1]')).toBeNull();
    expect(readSignal('{"type":"nope"}')).toBeNull();
  });

  it('accepts only URL-safe room ids of 16 to 128 characters', () => {
    expect(isValidRoomId('AbCdEfGhIjKlMnOpQrStUv')).toBe(true);
    expect(isValidRoomId('short')).toBe(false);
    expect(isValidRoomId('../../../etc/passwd-xxxxxxxx')).toBe(false);
  });
});
