// End-to-end encryption of what goes through the relay: a per-room AES-256-GCM key derived from the room secret
// with HKDF-SHA256, so the relay stores and forwards ciphertext it cannot read. WebCrypto only (browser + Node 20).
import { encodeUtf8 } from 'lib0/string';

/** The structural slice of WebCrypto we use: packages/shared has neither DOM nor Node types. */
interface CryptoKeyLike {
  readonly type: string;
}
interface SubtleLike {
  importKey(
    format: 'raw',
    keyData: Uint8Array,
    algorithm: string | { name: string },
    extractable: boolean,
    usages: string[],
  ): Promise<CryptoKeyLike>;
  deriveKey(
    algorithm: { name: 'HKDF'; hash: 'SHA-256'; salt: Uint8Array; info: Uint8Array },
    baseKey: CryptoKeyLike,
    derivedKeyType: { name: 'AES-GCM'; length: 256 },
    extractable: boolean,
    usages: string[],
  ): Promise<CryptoKeyLike>;
  encrypt(
    algorithm: { name: 'AES-GCM'; iv: Uint8Array; additionalData: Uint8Array },
    key: CryptoKeyLike,
    data: Uint8Array,
  ): Promise<ArrayBuffer>;
  decrypt(
    algorithm: { name: 'AES-GCM'; iv: Uint8Array; additionalData: Uint8Array },
    key: CryptoKeyLike,
    data: Uint8Array,
  ): Promise<ArrayBuffer>;
}
interface CryptoLike {
  readonly subtle: SubtleLike;
  getRandomValues<T extends Uint8Array>(array: T): T;
}

function webCrypto(): CryptoLike {
  const crypto = (globalThis as { crypto?: CryptoLike }).crypto;
  if (crypto?.subtle === undefined) {
    throw new Error('WebCrypto is unavailable: use a browser or Node 20+ (globalThis.crypto.subtle).');
  }
  return crypto;
}

/** Version byte in front of every ciphertext, so the format can change without ambiguity. */
const FORMAT_V1 = 1;
const IV_BYTES = 12;
/** HKDF "info": binds the derived key to this use, so the same secret used elsewhere yields a different key. */
const HKDF_INFO = encodeUtf8('pa-relay room key v1');

export interface RoomKey {
  readonly roomId: string;
  encrypt(plaintext: Uint8Array): Promise<Uint8Array>;
  /** Throws when the ciphertext was not made with this room's key (wrong secret, tampering, other room). */
  decrypt(ciphertext: Uint8Array): Promise<Uint8Array>;
}

/** Derives the room key. The room id is the HKDF salt and the GCM additional data: a ciphertext moved to another room fails. */
export async function deriveRoomKey(roomId: string, secret: string): Promise<RoomKey> {
  const crypto = webCrypto();
  const material = await crypto.subtle.importKey('raw', encodeUtf8(secret), 'HKDF', false, ['deriveKey']);
  const roomBytes = encodeUtf8(roomId);
  const key = await crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: roomBytes, info: HKDF_INFO },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
  return {
    roomId,
    async encrypt(plaintext) {
      // a random 96-bit IV per message: 2^32 messages per key keep the collision risk negligible
      const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
      const sealed = new Uint8Array(
        await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: roomBytes }, key, plaintext),
      );
      const out = new Uint8Array(1 + IV_BYTES + sealed.length);
      out[0] = FORMAT_V1;
      out.set(iv, 1);
      out.set(sealed, 1 + IV_BYTES);
      return out;
    },
    async decrypt(ciphertext) {
      if (ciphertext.length < 1 + IV_BYTES + 16 || ciphertext[0] !== FORMAT_V1) {
        throw new Error('Not a relay ciphertext (wrong format version or too short).');
      }
      const iv = ciphertext.subarray(1, 1 + IV_BYTES);
      const sealed = ciphertext.subarray(1 + IV_BYTES);
      return new Uint8Array(
        await crypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData: roomBytes }, key, sealed),
      );
    },
  };
}
