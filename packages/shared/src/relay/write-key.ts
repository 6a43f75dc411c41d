// The room write key: an Ed25519 key pair derived from the room secret (HKDF-SHA256, another "info" than the
// encryption key), so whoever holds the secret signs what it asks the relay to store, and the relay, which keeps no
// secret, checks it. The room id is a hash of the write key's public half, so a room id names exactly one key: a
// relay client without the secret can neither write into a room nor claim a room id with a key of its own.
// A signature rather than a MAC: the relay verifies but could not forge, even if its database leaked.
import { encodeUtf8 } from 'lib0/string';
import nacl from 'tweetnacl';
import { webCrypto } from './crypto.js';

const WRITE_KEY_INFO = encodeUtf8('pa-relay room write key v2');
const ROOM_ID_CONTEXT = encodeUtf8('pa-relay room id v2\n');
/** Ed25519 public key and signature sizes. */
export const WRITE_KEY_BYTES = 32;
export const WRITE_SIGNATURE_BYTES = 64;

export interface RoomWriteKey {
  /** The room id this key owns (32 lowercase hex characters). */
  readonly roomId: string;
  readonly publicKey: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}

/** Derives the room's write key from its secret; the same secret gives the same key on every device. */
export async function deriveWriteKey(secret: string): Promise<RoomWriteKey> {
  const crypto = webCrypto();
  const material = await crypto.subtle.importKey('raw', encodeUtf8(secret), 'HKDF', false, ['deriveBits']);
  const seed = new Uint8Array(
    await crypto.subtle.deriveBits(
      { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(), info: WRITE_KEY_INFO },
      material,
      256,
    ),
  );
  const pair = nacl.sign.keyPair.fromSeed(seed);
  return {
    roomId: roomIdOfWriteKey(pair.publicKey),
    publicKey: pair.publicKey,
    sign: (message) => nacl.sign.detached(message, pair.secretKey),
  };
}

/** The room id a secret owns: what a host puts in its invite, and what the relay checks the write key against. */
export async function roomIdForSecret(secret: string): Promise<string> {
  return (await deriveWriteKey(secret)).roomId;
}

/** 128 bits of SHA-512 over the public key, as 32 hex characters (the room id format of the whole product). */
export function roomIdOfWriteKey(publicKey: Uint8Array): string {
  const input = new Uint8Array(ROOM_ID_CONTEXT.length + publicKey.length);
  input.set(ROOM_ID_CONTEXT);
  input.set(publicKey, ROOM_ID_CONTEXT.length);
  return [...nacl.hash(input).subarray(0, 16)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}
