import { describe, expect, it } from 'vitest';
import { deriveRoomKey } from './crypto.js';

const room = 'room-0123456789abcdef';
const plaintext = new Uint8Array([104, 101, 108, 108, 111]);

describe('room encryption', () => {
  it('round-trips and never emits the plaintext or the same ciphertext twice', async () => {
    const key = await deriveRoomKey(room, 'secret');
    const a = await key.sealUpdate(plaintext);
    const b = await key.sealUpdate(plaintext);
    expect(await key.openStored(a, 1)).toEqual(plaintext);
    expect(a).not.toEqual(b);
    expect(containsRun(a, plaintext)).toBe(false);
  });

  it('derives the same key from the same secret on another device', async () => {
    const ciphertext = await (await deriveRoomKey(room, 'secret')).sealUpdate(plaintext);
    expect(await (await deriveRoomKey(room, 'secret')).openStored(ciphertext, 7)).toEqual(plaintext);
  });

  it('refuses a wrong secret, another room and a flipped bit', async () => {
    const ciphertext = await (await deriveRoomKey(room, 'secret')).sealUpdate(plaintext);
    await expect((await deriveRoomKey(room, 'other')).openStored(ciphertext, 1)).rejects.toThrow();
    await expect((await deriveRoomKey('room-fedcba9876543210', 'secret')).openStored(ciphertext, 1)).rejects.toThrow();
    const flipped = ciphertext.slice();
    flipped[flipped.length - 1] = (flipped[flipped.length - 1] as number) ^ 1;
    await expect((await deriveRoomKey(room, 'secret')).openStored(flipped, 1)).rejects.toThrow();
    await expect((await deriveRoomKey(room, 'secret')).openStored(new Uint8Array(5), 1)).rejects.toThrow();
  });

  it('opens a snapshot only at the sequence it was made for', async () => {
    const key = await deriveRoomKey(room, 'secret');
    const snapshot = await key.sealSnapshot(plaintext, 40);
    expect(await key.openStored(snapshot, 40)).toEqual(plaintext);
    await expect(key.openStored(snapshot, 90)).rejects.toThrow();
    // relabelling the kind byte does not turn it into an update either
    const relabelled = snapshot.slice();
    relabelled[1] = 0;
    await expect(key.openStored(relabelled, 40)).rejects.toThrow();
  });

  it('keeps awareness and stored updates apart', async () => {
    const key = await deriveRoomKey(room, 'secret');
    await expect(key.openStored(await key.sealAwareness(plaintext), 1)).rejects.toThrow();
    await expect(key.openAwareness(await key.sealUpdate(plaintext))).rejects.toThrow();
    expect(await key.openAwareness(await key.sealAwareness(plaintext))).toEqual(plaintext);
  });
});

function containsRun(haystack: Uint8Array, needle: Uint8Array): boolean {
  for (let i = 0; i + needle.length <= haystack.length; i += 1) {
    if (needle.every((byte, j) => haystack[i + j] === byte)) return true;
  }
  return false;
}
