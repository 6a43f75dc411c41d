import nacl from 'tweetnacl';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { RelaySyncProvider, type RelayWebSocket } from './client.js';
import { joinStatement, MessageType, readMessage, writeChallenge } from './protocol.js';
import { deriveWriteKey } from './write-key.js';

/** A WebSocket the test drives: records what the provider dials and sends, fires the events the test chooses. */
function dialer() {
  const urls: string[] = [];
  const sent: Uint8Array[] = [];
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  /** Resolves once the provider has sent `count` frames. */
  const sentCount = (count: number) =>
    new Promise<void>((resolve) => {
      if (sent.length >= count) resolve();
      else waiters.push({ count, resolve });
    });
  const listeners = new Map<string, (event: never) => void>();
  let dialed: () => void = () => undefined;
  const firstDial = new Promise<void>((resolve) => {
    dialed = resolve;
  });
  class Driven implements RelayWebSocket {
    binaryType = 'arraybuffer';
    readyState = 0;
    constructor(url: string) {
      urls.push(url);
      sockets.push(this);
      dialed();
    }
    send(data: Uint8Array): void {
      sent.push(data);
      for (const waiter of waiters) if (sent.length >= waiter.count) waiter.resolve();
    }
    close(): void {}
    addEventListener(type: string, listener: (event: never) => void): void {
      listeners.set(type, listener);
    }
    fire(type: 'open' | 'message', event?: { data: unknown }): void {
      if (type === 'open') this.readyState = 1;
      (listeners.get(type) as ((event: unknown) => void) | undefined)?.(event);
    }
  }
  const sockets: Driven[] = [];
  return { urls, sent, sentCount, sockets, firstDial, WebSocket: Driven };
}

describe('RelaySyncProvider and the room write key', () => {
  it('answers the relay’s challenge with the write key’s signature before anything else, and never puts the key in a URL', async () => {
    const { urls, sent, sentCount, sockets, firstDial, WebSocket } = dialer();
    const key = await deriveWriteKey('client secret');
    const provider = new RelaySyncProvider(new Y.Doc(), {
      url: 'ws://relay.test/',
      roomId: key.roomId,
      secret: 'client secret',
      token: 'tok/en',
      WebSocket,
    });
    await firstDial;
    expect(urls).toEqual([`ws://relay.test/sync/${key.roomId}?token=tok%2Fen`]);
    const socket = sockets[0] as (typeof sockets)[number];
    socket.fire('open');
    expect(sent).toEqual([]);
    const nonce = new Uint8Array(32).fill(3);
    socket.fire('message', { data: writeChallenge(nonce) });
    await sentCount(2);
    const first = readMessage(sent[0] as Uint8Array);
    expect(first.ok && first.message.type).toBe(MessageType.proof);
    if (!first.ok || first.message.type !== MessageType.proof) return;
    expect(first.message.writeKey).toEqual(key.publicKey);
    expect(nacl.sign.detached.verify(joinStatement(key.roomId, nonce), first.message.signature, key.publicKey)).toBe(
      true,
    );
    const second = readMessage(sent[1] as Uint8Array);
    expect(second.ok && second.message.type).toBe(MessageType.syncRequest);
    provider.destroy();
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
