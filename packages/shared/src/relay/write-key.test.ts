import nacl from 'tweetnacl';
import { describe, expect, it } from 'vitest';
import { deriveWriteKey, roomIdForSecret, roomIdOfWriteKey } from './write-key.js';

describe('room write key', () => {
  it('is the same on every device holding the secret, and names a 32-hex room id', async () => {
    const a = await deriveWriteKey('the secret');
    const b = await deriveWriteKey('the secret');
    expect(a.publicKey).toEqual(b.publicKey);
    expect(a.roomId).toMatch(/^[0-9a-f]{32}$/);
    expect(await roomIdForSecret('the secret')).toBe(a.roomId);
    expect(roomIdOfWriteKey(a.publicKey)).toBe(a.roomId);
    expect((await deriveWriteKey('another secret')).roomId).not.toBe(a.roomId);
  });

  it('signs so that the public key verifies, and another secret’s key does not', async () => {
    const key = await deriveWriteKey('the secret');
    const message = new Uint8Array([1, 2, 3]);
    const signature = await key.sign(message);
    // made by WebCrypto where it has Ed25519, by tweetnacl elsewhere: either verifies as Ed25519
    expect(nacl.sign.detached.verify(message, signature, key.publicKey)).toBe(true);
    expect(nacl.sign.detached.verify(message, signature, (await deriveWriteKey('other')).publicKey)).toBe(false);
  });
});
