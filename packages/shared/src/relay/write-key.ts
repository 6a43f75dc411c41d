// The room write key: an Ed25519 key pair derived from the room secret (HKDF-SHA256, another "info" than the
// encryption key), so whoever holds the secret signs what it asks the relay to store, and the relay, which keeps no
// secret, checks it. The room id is a hash of the write key's public half, so a room id names exactly one key: a
// relay client without the secret can neither write into a room nor claim a room id with a key of its own.
// A signature rather than a MAC: the relay verifies but could not forge, even if its database leaked.
// WebCrypto signs where it has Ed25519 (Node 20, Chromium 137+: ~0.1 ms), tweetnacl elsewhere (~100× slower).
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
  sign(message: Uint8Array): Promise<Uint8Array>;
}

/** PKCS#8 wrapping of a raw Ed25519 seed (RFC 8410), the only private-key form WebCrypto imports. */
const PKCS8_ED25519_PREFIX = [
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
];

/** The slice of WebCrypto's Ed25519 we use, declared structurally (no DOM or Node types here). */
interface Ed25519Subtle {
  importKey(
    format: 'pkcs8',
    keyData: Uint8Array,
    algorithm: { name: 'Ed25519' },
    extractable: boolean,
    usages: string[],
  ): Promise<{ readonly type: string }>;
  sign(algorithm: { name: 'Ed25519' }, key: { readonly type: string }, data: Uint8Array): Promise<ArrayBuffer>;
}

/** A WebCrypto signer for the seed, or null where this runtime has no Ed25519 in WebCrypto. */
async function webCryptoSigner(seed: Uint8Array): Promise<((message: Uint8Array) => Promise<Uint8Array>) | null> {
  const subtle = webCrypto().subtle as unknown as Ed25519Subtle;
  try {
    const key = await subtle.importKey(
      'pkcs8',
      new Uint8Array([...PKCS8_ED25519_PREFIX, ...seed]),
      { name: 'Ed25519' },
      false,
      ['sign'],
    );
    return async (message) => new Uint8Array(await subtle.sign({ name: 'Ed25519' }, key, message));
  } catch {
    return null; // NotSupportedError: older browsers
  }
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
  // Ed25519 is deterministic: both give the same public key and the same signatures for a seed
  const pair = nacl.sign.keyPair.fromSeed(seed);
  const native = await webCryptoSigner(seed);
  return {
    roomId: roomIdOfWriteKey(pair.publicKey),
    publicKey: pair.publicKey,
    sign: native ?? (async (message) => nacl.sign.detached(message, pair.secretKey)),
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
