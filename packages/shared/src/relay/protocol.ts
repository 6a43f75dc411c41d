// The relay's wire protocol: binary frames on `/sync/<roomId>` (encrypted Yjs updates with server sequence numbers)
// and the JSON messages of y-webrtc's signaling on `/signal`. Small and symmetric, like y-protocols' sync.js.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { encodeUtf8 } from 'lib0/string';

/** First varUint of every `/sync` frame. Values are part of the wire format: never renumber. */
export const MessageType = {
  /**
   * client → relay: an encrypted Yjs update the client numbered itself (clientSeq, ciphertext, signature by the
   * room write key of updateStatement).
   */
  update: 0,
  /** relay → client: the update with that clientSeq is durably stored as serverSeq. */
  ack: 1,
  /** relay → client: a stored update from another client (or the replay of the log on sync). */
  broadcast: 2,
  /** client → relay: send me every stored update after sinceServerSeq, then keep me posted. */
  syncRequest: 3,
  /**
   * relay → client: the replay is complete; latestServerSeq is the newest stored, snapshotSeq the last compaction,
   * epoch names this incarnation of the room's log (it changes if the relay lost or expired the room).
   */
  syncDone: 4,
  /**
   * client → relay: encrypted full state covering every stored update ≤ upToServerSeq, signed by the room write key
   * (snapshotStatement, bound to the log's epoch and upToServerSeq). The relay takes it only past its last compaction.
   */
  snapshot: 5,
  /** relay → clients: the log was compacted up to upToServerSeq (so others need not snapshot too). */
  snapshotStored: 6,
  /** both ways: an encrypted awareness update, relayed to the room, never stored. */
  awareness: 7,
  /** relay → client: a frame was refused; the connection stays open unless the code says otherwise. */
  error: 8,
  /**
   * client → relay, after SYNC_REQUEST: the awareness client ids this connection speaks for. Plaintext on purpose:
   * they are random numbers that reveal nothing of the room, and they let the relay announce a crashed peer.
   */
  hello: 9,
  /** relay → clients: the connection that announced these awareness client ids has closed; drop their presence. */
  peerLeft: 10,
  /**
   * host → relay, before SYNC_REQUEST: how many guests the host's edition admits, signed with the room's host key
   * (seatsStatement), plus the room write key's signature of seatsClaimStatement (only a holder of the room
   * secret may name the room's host key). The relay keeps the first key it sees for a room and then admits at most
   * that many guests (sync connections and signaling subscribers); the host itself is always admitted.
   */
  seats: 11,
  /** relay → client, first on every sync connection: a random nonce the client must sign to join the room. */
  challenge: 12,
  /**
   * client → relay, first: the room's write key (public half; the room id is its hash) and its signature of
   * joinStatement(roomId, nonce). Nothing else is taken before it, so only a holder of the room secret joins.
   */
  proof: 13,
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

/** Why the relay refused something: used in ERROR frames, close reasons and the `rejected_total{reason}` metric. */
export const RelayErrorCode = {
  malformed: 'malformed',
  tooLarge: 'too_large',
  unauthorized: 'unauthorized',
  badRoom: 'bad_room',
  notSynced: 'not_synced',
  tooManyRooms: 'too_many_rooms',
  rateLimited: 'rate_limited',
  /** A connection sent more messages or bytes per second than its budget allows; it is closed with 4429. */
  messageRate: 'message_rate_limited',
  /** The room's stored bytes reached the relay's cap: updates are refused until a SNAPSHOT compacts the log. */
  roomFull: 'room_full',
  slowConsumer: 'slow_consumer',
  unknownType: 'unknown_type',
  shuttingDown: 'shutting_down',
  /** The room admits no more guests (the host's SEATS); the connection is closed with 4403, retry later. */
  sessionFull: 'session_full',
  /** A SEATS frame with a bad signature, or signed by another key than the room's host key. */
  seatsRefused: 'seats_refused',
  /** A PROOF with a key the room id is not the hash of, or whose signature of the challenge does not verify. */
  roomKey: 'room_key',
  /** An UPDATE, SNAPSHOT or SEATS claim not signed by the room's write key (the sender lacks the room secret). */
  badSignature: 'bad_signature',
  /** A SNAPSHOT at or below the last compaction (another client compacted further, or an old one replayed). */
  snapshotStale: 'snapshot_stale',
  /** The relay's total stored bytes reached its cap: updates are refused (as with room_full). */
  relayFull: 'relay_full',
  /** The relay holds as many rooms as it may: a new room cannot be created until others expire. */
  roomLimit: 'room_limit',
  /** This address created as many rooms as it may this hour. */
  roomRate: 'room_rate_limited',
} as const;
export type RelayErrorCode = (typeof RelayErrorCode)[keyof typeof RelayErrorCode];

/** WebSocket close codes the relay uses: one table with the engine's (close-codes.ts). */
export { CloseCode } from '../close-codes.js';

/** Awareness client ids one connection may announce in HELLO (a tab normally has one). */
export const MAX_HELLO_CLIENTS = 16;

/** Ed25519 sizes of a SEATS frame's host key and signature. */
export const HOST_KEY_BYTES = 32;
export const SIGNATURE_BYTES = 64;

/** What the host key signs in a SEATS frame: bound to the room, so a grant cannot be replayed for another one. */
export function seatsStatement(roomId: string, guests: number): Uint8Array {
  return encodeUtf8(`pa-relay-seats/1\n${roomId}\n${guests}`);
}

// What the room write key signs. The relay checks these against the key the room id is the hash of.

const statement = (head: string, tail: Uint8Array): Uint8Array => {
  const headBytes = encodeUtf8(head);
  const out = new Uint8Array(headBytes.length + tail.length);
  out.set(headBytes);
  out.set(tail, headBytes.length);
  return out;
};

/** An UPDATE: the room and the SHA-256 of its ciphertext. Replaying one stores a duplicate Yjs ignores. */
export const updateStatement = (roomId: string, ciphertextSha256: Uint8Array): Uint8Array =>
  statement(`pa-relay-update/2\n${roomId}\n`, ciphertextSha256);

/**
 * A SNAPSHOT: the room, the log's epoch and the sequence it covers, with the SHA-256 of its ciphertext, so an old
 * snapshot can be neither relabelled as covering more nor replayed into a later incarnation of the room.
 */
export const snapshotStatement = (
  roomId: string,
  epoch: string,
  upToServerSeq: number,
  ciphertextSha256: Uint8Array,
): Uint8Array => statement(`pa-relay-snapshot/2\n${roomId}\n${epoch}\n${upToServerSeq}\n`, ciphertextSha256);

/** Bytes of the relay's join challenge. */
export const CHALLENGE_BYTES = 32;

/** A PROOF: the room and the relay's fresh nonce, so a proof cannot be replayed on another connection. */
export const joinStatement = (roomId: string, nonce: Uint8Array): Uint8Array =>
  statement(`pa-relay-join/2\n${roomId}\n`, nonce);

/** A SEATS frame's claim: a holder of the room secret names the room's host key. */
export const seatsClaimStatement = (roomId: string, hostKey: Uint8Array): Uint8Array =>
  statement(`pa-relay-seats-claim/2\n${roomId}\n`, hostKey);

/** Room ids are opaque, URL-safe and long enough to be unguessable (128 random bits ≈ 22 base64url characters). */
export const ROOM_ID_PATTERN = /^[A-Za-z0-9_-]{16,128}$/;

export function isValidRoomId(roomId: string): boolean {
  return ROOM_ID_PATTERN.test(roomId);
}

export type RelayMessage =
  | { type: typeof MessageType.update; clientSeq: number; ciphertext: Uint8Array; signature: Uint8Array }
  | { type: typeof MessageType.ack; clientSeq: number; serverSeq: number }
  | { type: typeof MessageType.broadcast; serverSeq: number; ciphertext: Uint8Array }
  | { type: typeof MessageType.syncRequest; sinceServerSeq: number }
  | { type: typeof MessageType.syncDone; latestServerSeq: number; snapshotSeq: number; epoch: string }
  | { type: typeof MessageType.snapshot; upToServerSeq: number; ciphertext: Uint8Array; signature: Uint8Array }
  | { type: typeof MessageType.snapshotStored; upToServerSeq: number }
  | { type: typeof MessageType.awareness; ciphertext: Uint8Array }
  | { type: typeof MessageType.error; code: string; message: string }
  | { type: typeof MessageType.hello; clientIds: number[] }
  | { type: typeof MessageType.peerLeft; clientIds: number[] }
  | {
      type: typeof MessageType.seats;
      guests: number;
      hostKey: Uint8Array;
      signature: Uint8Array;
      claim: Uint8Array;
    }
  | { type: typeof MessageType.challenge; nonce: Uint8Array }
  | { type: typeof MessageType.proof; writeKey: Uint8Array; signature: Uint8Array };

// --- writers: one per message, each returns a complete frame -------------------------------------------------

function frame(type: MessageType, write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, type);
  write(encoder);
  return encoding.toUint8Array(encoder);
}

export const writeUpdate = (clientSeq: number, ciphertext: Uint8Array, signature: Uint8Array): Uint8Array =>
  frame(MessageType.update, (e) => {
    encoding.writeVarUint(e, clientSeq);
    encoding.writeVarUint8Array(e, ciphertext);
    encoding.writeVarUint8Array(e, signature);
  });

export const writeAck = (clientSeq: number, serverSeq: number): Uint8Array =>
  frame(MessageType.ack, (e) => {
    encoding.writeVarUint(e, clientSeq);
    encoding.writeVarUint(e, serverSeq);
  });

export const writeBroadcast = (serverSeq: number, ciphertext: Uint8Array): Uint8Array =>
  frame(MessageType.broadcast, (e) => {
    encoding.writeVarUint(e, serverSeq);
    encoding.writeVarUint8Array(e, ciphertext);
  });

export const writeSyncRequest = (sinceServerSeq: number): Uint8Array =>
  frame(MessageType.syncRequest, (e) => encoding.writeVarUint(e, sinceServerSeq));

export const writeSyncDone = (latestServerSeq: number, snapshotSeq: number, epoch: string): Uint8Array =>
  frame(MessageType.syncDone, (e) => {
    encoding.writeVarUint(e, latestServerSeq);
    encoding.writeVarUint(e, snapshotSeq);
    encoding.writeVarString(e, epoch);
  });

export const writeSnapshot = (upToServerSeq: number, ciphertext: Uint8Array, signature: Uint8Array): Uint8Array =>
  frame(MessageType.snapshot, (e) => {
    encoding.writeVarUint(e, upToServerSeq);
    encoding.writeVarUint8Array(e, ciphertext);
    encoding.writeVarUint8Array(e, signature);
  });

export const writeSnapshotStored = (upToServerSeq: number): Uint8Array =>
  frame(MessageType.snapshotStored, (e) => encoding.writeVarUint(e, upToServerSeq));

export const writeAwareness = (ciphertext: Uint8Array): Uint8Array =>
  frame(MessageType.awareness, (e) => encoding.writeVarUint8Array(e, ciphertext));

export const writeError = (code: string, message: string): Uint8Array =>
  frame(MessageType.error, (e) => {
    encoding.writeVarString(e, code);
    encoding.writeVarString(e, message);
  });

const writeClientIds = (encoder: encoding.Encoder, clientIds: readonly number[]) => {
  encoding.writeVarUint(encoder, clientIds.length);
  for (const id of clientIds) encoding.writeVarUint(encoder, id);
};

export const writeHello = (clientIds: readonly number[]): Uint8Array =>
  frame(MessageType.hello, (e) => writeClientIds(e, clientIds));

export const writePeerLeft = (clientIds: readonly number[]): Uint8Array =>
  frame(MessageType.peerLeft, (e) => writeClientIds(e, clientIds));

export const writeSeats = (guests: number, hostKey: Uint8Array, signature: Uint8Array, claim: Uint8Array): Uint8Array =>
  frame(MessageType.seats, (e) => {
    encoding.writeVarUint(e, guests);
    encoding.writeVarUint8Array(e, hostKey);
    encoding.writeVarUint8Array(e, signature);
    encoding.writeVarUint8Array(e, claim);
  });

export const writeChallenge = (nonce: Uint8Array): Uint8Array =>
  frame(MessageType.challenge, (e) => encoding.writeVarUint8Array(e, nonce));

export const writeProof = (writeKey: Uint8Array, signature: Uint8Array): Uint8Array =>
  frame(MessageType.proof, (e) => {
    encoding.writeVarUint8Array(e, writeKey);
    encoding.writeVarUint8Array(e, signature);
  });

// --- reader: one dispatch table, the mirror of the writers ------------------------------------------------------

type Reader = (d: decoding.Decoder) => RelayMessage;

function readClientIds(d: decoding.Decoder): number[] {
  const count = decoding.readVarUint(d);
  // bounded before allocating: the count comes from the network
  if (count > MAX_HELLO_CLIENTS) throw new Error(`more than ${MAX_HELLO_CLIENTS} client ids`);
  const ids: number[] = [];
  for (let i = 0; i < count; i += 1) ids.push(decoding.readVarUint(d));
  return ids;
}

/** A signature field: exactly an Ed25519 signature, checked before anything else reads it. */
function readSignature(d: decoding.Decoder, what: string): Uint8Array {
  const signature = decoding.readVarUint8Array(d);
  if (signature.byteLength !== SIGNATURE_BYTES) throw new Error(`${what} carries a 64-byte Ed25519 signature`);
  return signature;
}

const readers: Record<MessageType, Reader> = {
  [MessageType.update]: (d) => ({
    type: MessageType.update,
    clientSeq: decoding.readVarUint(d),
    ciphertext: decoding.readVarUint8Array(d),
    signature: readSignature(d, 'UPDATE'),
  }),
  [MessageType.ack]: (d) => ({
    type: MessageType.ack,
    clientSeq: decoding.readVarUint(d),
    serverSeq: decoding.readVarUint(d),
  }),
  [MessageType.broadcast]: (d) => ({
    type: MessageType.broadcast,
    serverSeq: decoding.readVarUint(d),
    ciphertext: decoding.readVarUint8Array(d),
  }),
  [MessageType.syncRequest]: (d) => ({ type: MessageType.syncRequest, sinceServerSeq: decoding.readVarUint(d) }),
  [MessageType.syncDone]: (d) => ({
    type: MessageType.syncDone,
    latestServerSeq: decoding.readVarUint(d),
    snapshotSeq: decoding.readVarUint(d),
    epoch: decoding.readVarString(d),
  }),
  [MessageType.snapshot]: (d) => ({
    type: MessageType.snapshot,
    upToServerSeq: decoding.readVarUint(d),
    ciphertext: decoding.readVarUint8Array(d),
    signature: readSignature(d, 'SNAPSHOT'),
  }),
  [MessageType.snapshotStored]: (d) => ({
    type: MessageType.snapshotStored,
    upToServerSeq: decoding.readVarUint(d),
  }),
  [MessageType.awareness]: (d) => ({ type: MessageType.awareness, ciphertext: decoding.readVarUint8Array(d) }),
  [MessageType.error]: (d) => ({
    type: MessageType.error,
    code: decoding.readVarString(d),
    message: decoding.readVarString(d),
  }),
  [MessageType.hello]: (d) => ({ type: MessageType.hello, clientIds: readClientIds(d) }),
  [MessageType.peerLeft]: (d) => ({ type: MessageType.peerLeft, clientIds: readClientIds(d) }),
  [MessageType.seats]: (d) => {
    const guests = decoding.readVarUint(d);
    const hostKey = decoding.readVarUint8Array(d);
    if (hostKey.byteLength !== HOST_KEY_BYTES) throw new Error('SEATS carries a 32-byte Ed25519 host key');
    const signature = readSignature(d, 'SEATS');
    const claim = readSignature(d, 'SEATS');
    return { type: MessageType.seats, guests, hostKey, signature, claim };
  },
  [MessageType.challenge]: (d) => {
    const nonce = decoding.readVarUint8Array(d);
    if (nonce.byteLength !== CHALLENGE_BYTES) throw new Error('CHALLENGE carries a 32-byte nonce');
    return { type: MessageType.challenge, nonce };
  },
  [MessageType.proof]: (d) => {
    const writeKey = decoding.readVarUint8Array(d);
    if (writeKey.byteLength !== HOST_KEY_BYTES) throw new Error('PROOF carries a 32-byte Ed25519 key');
    return { type: MessageType.proof, writeKey, signature: readSignature(d, 'PROOF') };
  },
};

export type ReadResult = { ok: true; message: RelayMessage } | { ok: false; code: RelayErrorCode; reason: string };

/**
 * Decodes one frame. Never throws: untrusted bytes come from the network, so a truncated, over-long or unknown
 * frame is a value the caller turns into an ERROR frame.
 */
export function readMessage(bytes: Uint8Array): ReadResult {
  try {
    const decoder = decoding.createDecoder(bytes);
    const type = decoding.readVarUint(decoder);
    const reader = readers[type as MessageType];
    if (reader === undefined) return { ok: false, code: RelayErrorCode.unknownType, reason: `unknown type ${type}` };
    const message = reader(decoder);
    if (decoding.hasContent(decoder)) {
      return { ok: false, code: RelayErrorCode.malformed, reason: 'trailing bytes after the message' };
    }
    return { ok: true, message };
  } catch (error) {
    // lib0 throws on reads past the end and on varUints beyond 53 bits
    return {
      ok: false,
      code: RelayErrorCode.malformed,
      reason: error instanceof Error ? error.message : 'undecodable',
    };
  }
}

// --- y-webrtc signaling (JSON text frames on /signal), exactly y-webrtc's own server format --------------------

export type SignalMessage =
  | { type: 'subscribe'; topics: string[] }
  | { type: 'unsubscribe'; topics: string[] }
  | { type: 'publish'; topic: string; [field: string]: unknown }
  | { type: 'ping' }
  | { type: 'pong' };

/** Topics are y-webrtc room names; bound their length so a topic table cannot be inflated with huge keys. */
export const MAX_TOPIC_LENGTH = 256;

const isTopic = (value: unknown): value is string =>
  typeof value === 'string' && value.length > 0 && value.length <= MAX_TOPIC_LENGTH;

/** Parses a signaling text frame; returns null for anything that is not one of y-webrtc's messages. */
export function readSignal(text: string): SignalMessage | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const message = value as Record<string, unknown>;
  switch (message.type) {
    case 'subscribe':
    case 'unsubscribe': {
      const topics = message.topics;
      if (!Array.isArray(topics) || !topics.every(isTopic)) return null;
      return { type: message.type, topics: topics as string[] };
    }
    case 'publish':
      return isTopic(message.topic) ? ({ ...message, type: 'publish', topic: message.topic } as SignalMessage) : null;
    case 'ping':
      return { type: 'ping' };
    case 'pong':
      return { type: 'pong' };
    default:
      return null;
  }
}

export const writeSignal = (message: SignalMessage): string => JSON.stringify(message);
