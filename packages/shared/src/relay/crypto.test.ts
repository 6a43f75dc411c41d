import { describe, expect, it } from 'vitest';
import { deriveRoomKey } from './crypto.js';

const room = 'room-0123456789abcdef';
const plaintext = new Uint8Array([104, 101, 108, 108, 111]);

describe('room encryption', () => {
  it('round-trips and never emits the plaintext or the same ciphertext twice', async () => {
    const key = await deriveRoomKey(room, 'secret');
    const a = await key.encrypt(plaintext);
    const b = await key.encrypt(plaintext);
    expect(await key.decrypt(a)).toEqual(plaintext);
    expect(a).not.toEqual(b);
    expect(containsRun(a, plaintext)).toBe(false);
  });

  it('derives the same key from the same secret on another device', async () => {
    const ciphertext = await (await deriveRoomKey(room, 'secret')).encrypt(plaintext);
    expect(await (await deriveRoomKey(room, 'secret')).decrypt(ciphertext)).toEqual(plaintext);
  });

  it('refuses a wrong secret, another room and a flipped bit', async () => {
    const ciphertext = await (await deriveRoomKey(room, 'secret')).encrypt(plaintext);
    await expect((await deriveRoomKey(room, 'other')).decrypt(ciphertext)).rejects.toThrow();
    await expect((await deriveRoomKey('room-fedcba9876543210', 'secret')).decrypt(ciphertext)).rejects.toThrow();
    const flipped = ciphertext.slice();
    flipped[flipped.length - 1] = (flipped[flipped.length - 1] as number) ^ 1;
    await expect((await deriveRoomKey(room, 'secret')).decrypt(flipped)).rejects.toThrow();
    await expect((await deriveRoomKey(room, 'secret')).decrypt(new Uint8Array(5))).rejects.toThrow();
  });
});

function containsRun(haystack: Uint8Array, needle: Uint8Array): boolean {
  for (let i = 0; i + needle.length <= haystack.length; i += 1) {
    if (needle.every((byte, j) => haystack[i + j] === byte)) return true;
  }
  return false;
}
