// The room write key as the relay sees it: the Ed25519 public key a `/sync` connection names in its PROOF,
// accepted only when the room id is its hash and it signed the connection's challenge, and the checks of what it
// signs later. The relay holds no secret: it can tell a holder of the room secret from anyone else, but cannot sign
// in the room's name. node:crypto verifies.
import { createHash, createPublicKey, type KeyObject, verify } from 'node:crypto';
import { joinStatement, seatsClaimStatement, snapshotStatement, updateStatement } from '@pa/shared/relay/protocol';
import { roomIdOfWriteKey, WRITE_KEY_BYTES } from '@pa/shared/relay/write-key';

export interface RoomWriter {
  verifyUpdate(ciphertext: Uint8Array, signature: Uint8Array): boolean;
  verifySnapshot(epoch: string, upToServerSeq: number, ciphertext: Uint8Array, signature: Uint8Array): boolean;
  verifyClaim(hostKey: Uint8Array, claim: Uint8Array): boolean;
}

/** An Ed25519 public key from its 32 raw bytes, or null when they are not a point on the curve. */
export function ed25519PublicKey(raw: Uint8Array): KeyObject | null {
  if (raw.byteLength !== WRITE_KEY_BYTES) return null;
  try {
    return createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') },
      format: 'jwk',
    });
  } catch {
    return null;
  }
}

export function verifyEd25519(key: KeyObject, message: Uint8Array, signature: Uint8Array): boolean {
  try {
    return verify(null, message, key, signature);
  } catch {
    return false;
  }
}

/**
 * The write key of `roomId` a connection proved it holds (its signature of joinStatement(roomId, nonce)), or null
 * when the key is not the room's (the room id is not its hash) or the signature does not verify.
 */
export function provenWriter(
  roomId: string,
  nonce: Uint8Array,
  writeKey: Uint8Array,
  signature: Uint8Array,
): RoomWriter | null {
  if (roomIdOfWriteKey(writeKey) !== roomId) return null;
  const key = ed25519PublicKey(writeKey);
  if (key === null || !verifyEd25519(key, joinStatement(roomId, nonce), signature)) return null;
  const digest = (data: Uint8Array) => new Uint8Array(createHash('sha256').update(data).digest());
  return {
    verifyUpdate: (ciphertext, signature) => verifyEd25519(key, updateStatement(roomId, digest(ciphertext)), signature),
    verifySnapshot: (epoch, upTo, ciphertext, signature) =>
      verifyEd25519(key, snapshotStatement(roomId, epoch, upTo, digest(ciphertext)), signature),
    verifyClaim: (hostKey, claim) => verifyEd25519(key, seatsClaimStatement(roomId, hostKey), claim),
  };
}
