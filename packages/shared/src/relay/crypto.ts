// End-to-end encryption of what goes through the relay: a per-room AES-256-GCM key derived from the room secret
// with HKDF-SHA256, so the relay stores and forwards ciphertext it cannot read. The additional data binds each
// ciphertext to its room, its kind (update, snapshot, awareness) and, for a snapshot, the server sequence it covers,
// so a ciphertext cannot be moved to another room, played as another kind, or presented as a later snapshot.
// WebCrypto only (browser + Node 20).
import { encodeUtf8 } from 'lib0/string';

/** The structural slice of WebCrypto we use: packages/shared has neither DOM nor Node types. */
interface CryptoKeyLike {
  readonly type: string;
}
type HkdfParams = { name: 'HKDF'; hash: 'SHA-256'; salt: Uint8Array; info: Uint8Array };
export interface SubtleLike {
  importKey(
    format: 'raw',
    keyData: Uint8Array,
    algorithm: string | { name: string },
    extractable: boolean,
    usages: string[],
  ): Promise<CryptoKeyLike>;
  deriveKey(
    algorithm: HkdfParams,
    baseKey: CryptoKeyLike,
    derivedKeyType: { name: 'AES-GCM'; length: 256 },
    extractable: boolean,
    usages: string[],
  ): Promise<CryptoKeyLike>;
  deriveBits(algorithm: HkdfParams, baseKey: CryptoKeyLike, length: number): Promise<ArrayBuffer>;
  digest(algorithm: 'SHA-256', data: Uint8Array): Promise<ArrayBuffer>;
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

export function webCrypto(): CryptoLike {
  const crypto = (globalThis as { crypto?: CryptoLike }).crypto;
  if (crypto?.subtle === undefined) {
    throw new Error('WebCrypto is unavailable: use a browser or Node 20+ (globalThis.crypto.subtle).');
  }
  return crypto;
}

/** SHA-256 of `data` (what the room write key signs instead of a whole ciphertext). */
export async function sha256(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await webCrypto().subtle.digest('SHA-256', data));
}

/** Version byte in front of every ciphertext, so the format can change without ambiguity. */
const FORMAT_V2 = 2;
const IV_BYTES = 12;
const HEADER_BYTES = 2 + IV_BYTES;
/** HKDF "info": binds the derived key to this use, so the same secret used elsewhere yields a different key. */
const HKDF_INFO = encodeUtf8('pa-relay room key v1');

/** What a ciphertext holds; the second header byte, and part of the additional data. */
export const CiphertextKind = { update: 0, snapshot: 1, awareness: 2 } as const;
export type CiphertextKind = (typeof CiphertextKind)[keyof typeof CiphertextKind];

export interface RoomKey {
  readonly roomId: string;
  sealUpdate(plaintext: Uint8Array): Promise<Uint8Array>;
  /** A full state covering every stored update up to `upToServerSeq`; only opens at that sequence. */
  sealSnapshot(plaintext: Uint8Array, upToServerSeq: number): Promise<Uint8Array>;
  sealAwareness(plaintext: Uint8Array): Promise<Uint8Array>;
  /**
   * Opens what the relay stored at `serverSeq`: an update, or the snapshot made for exactly that sequence.
   * Throws when it was not made with this room's key (wrong secret, tampering, other room, other sequence).
   */
  openStored(ciphertext: Uint8Array, serverSeq: number): Promise<Uint8Array>;
  openAwareness(ciphertext: Uint8Array): Promise<Uint8Array>;
}

/** Derives the room key. The room id is the HKDF salt and part of the GCM additional data. */
export async function deriveRoomKey(roomId: string, secret: string): Promise<RoomKey> {
  const crypto = webCrypto();
  const material = await crypto.subtle.importKey('raw', encodeUtf8(secret), 'HKDF', false, ['deriveKey']);
  const key = await crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: encodeUtf8(roomId), info: HKDF_INFO },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
  const additionalData = (kind: CiphertextKind, upTo: number | null) =>
    encodeUtf8(`pa-relay/2\n${roomId}\n${kind}\n${upTo ?? ''}`);

  const seal = async (kind: CiphertextKind, plaintext: Uint8Array, upTo: number | null) => {
    // a random 96-bit IV per message: 2^32 messages per key keep the collision risk negligible
    const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
    const sealed = new Uint8Array(
      await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: additionalData(kind, upTo) }, key, plaintext),
    );
    const out = new Uint8Array(HEADER_BYTES + sealed.length);
    out[0] = FORMAT_V2;
    out[1] = kind;
    out.set(iv, 2);
    out.set(sealed, HEADER_BYTES);
    return out;
  };

  const open = async (ciphertext: Uint8Array, accept: (kind: number) => number | null | undefined) => {
    if (ciphertext.length < HEADER_BYTES + 16 || ciphertext[0] !== FORMAT_V2) {
      throw new Error('Not a relay ciphertext (wrong format version or too short).');
    }
    const kind = ciphertext[1] as CiphertextKind;
    const upTo = accept(kind);
    if (upTo === undefined) throw new Error(`A ciphertext of kind ${kind} does not belong here.`);
    const iv = ciphertext.subarray(2, HEADER_BYTES);
    const sealed = ciphertext.subarray(HEADER_BYTES);
    return new Uint8Array(
      await crypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData: additionalData(kind, upTo) }, key, sealed),
    );
  };

  return {
    roomId,
    sealUpdate: (plaintext) => seal(CiphertextKind.update, plaintext, null),
    sealSnapshot: (plaintext, upTo) => seal(CiphertextKind.snapshot, plaintext, upTo),
    sealAwareness: (plaintext) => seal(CiphertextKind.awareness, plaintext, null),
    openStored: (ciphertext, serverSeq) =>
      open(ciphertext, (kind) =>
        kind === CiphertextKind.update ? null : kind === CiphertextKind.snapshot ? serverSeq : undefined,
      ),
    openAwareness: (ciphertext) => open(ciphertext, (kind) => (kind === CiphertextKind.awareness ? null : undefined)),
  };
}
