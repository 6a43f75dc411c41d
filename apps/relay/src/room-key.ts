// The room write key as the relay sees it: the Ed25519 public key a `/sync` connection names (`?key=`, base64url),
// accepted only when the room id is its hash, and the checks of what it signed. The relay holds no secret: it can
// tell a holder of the room secret from anyone else, but cannot sign in the room's name. node:crypto verifies.
import { createHash, createPublicKey, type KeyObject, verify } from 'node:crypto';
import { seatsClaimStatement, snapshotStatement, updateStatement } from '@pa/shared/relay/protocol';
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

/** The write key of `roomId` named by a connection, or null when it is missing, malformed or not the room's. */
export function roomWriter(roomId: string, keyParam: string | null): RoomWriter | null {
  if (keyParam === null || !/^[A-Za-z0-9_-]{43}$/.test(keyParam)) return null;
  const raw = new Uint8Array(Buffer.from(keyParam, 'base64url'));
  if (roomIdOfWriteKey(raw) !== roomId) return null;
  const key = ed25519PublicKey(raw);
  if (key === null) return null;
  const digest = (data: Uint8Array) => new Uint8Array(createHash('sha256').update(data).digest());
  return {
    verifyUpdate: (ciphertext, signature) => verifyEd25519(key, updateStatement(roomId, digest(ciphertext)), signature),
    verifySnapshot: (epoch, upTo, ciphertext, signature) =>
      verifyEd25519(key, snapshotStatement(roomId, epoch, upTo, digest(ciphertext)), signature),
    verifyClaim: (hostKey, claim) => verifyEd25519(key, seatsClaimStatement(roomId, hostKey), claim),
  };
}
