import { toBase64UrlEncoded } from 'lib0/buffer';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { RelaySyncProvider, type RelayWebSocket } from './client.js';
import { deriveWriteKey } from './write-key.js';

/** Records the URLs the provider dials; never opens (the transport is outside what these tests look at). */
function dialer() {
  const urls: string[] = [];
  let dialed: () => void = () => undefined;
  const firstDial = new Promise<void>((resolve) => {
    dialed = resolve;
  });
  class Recorder implements RelayWebSocket {
    binaryType = 'arraybuffer';
    readyState = 0;
    constructor(url: string) {
      urls.push(url);
      dialed();
    }
    send(): void {}
    close(): void {}
    addEventListener(): void {}
  }
  return { urls, firstDial, WebSocket: Recorder };
}

describe('RelaySyncProvider and the room write key', () => {
  it('names the write key its secret derives in the sync URL, next to the token', async () => {
    const { urls, firstDial, WebSocket } = dialer();
    const key = await deriveWriteKey('client secret');
    const provider = new RelaySyncProvider(new Y.Doc(), {
      url: 'ws://relay.test/',
      roomId: key.roomId,
      secret: 'client secret',
      token: 'tok/en',
      WebSocket,
    });
    await firstDial;
    provider.destroy();
    const expected = `key=${toBase64UrlEncoded(key.publicKey)}`;
    expect(urls).toEqual([`ws://relay.test/sync/${key.roomId}?token=tok%2Fen&${expected}`]);
  });

  it('reports a room id its secret does not own and never dials', async () => {
    const { urls, WebSocket } = dialer();
    const provider = new RelaySyncProvider(new Y.Doc(), {
      url: 'ws://relay.test',
      roomId: '0123456789abcdef0123456789abcdef',
      secret: 'client secret',
      WebSocket,
    });
    const error = await new Promise<string>((resolve) => provider.onDidError((e) => resolve(e.code)));
    expect(error).toBe('room_mismatch');
    expect(urls).toEqual([]);
    expect(provider.status).toBe('offline');
    provider.destroy();
  });
});
