// Streams over the engine's real WebSocket: the happy path and hostile frames. The built engine answers the
// frames no stream needs; the rest run on the engine's own transport and connection loop (attachWebSocketTransport
// over a Router, in this process) with a test producer behind `ai.complete`, so what the producer saw (how much it
// was pulled, whether it was aborted) can be asserted, not only what reached the socket.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { type AiAnswer, ErrorCode, type RpcClient, STREAM_WINDOW } from '@pa/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ConnectionSet } from '../../apps/engine/src/rpc/connection.js';
import type { StreamContext } from '../../apps/engine/src/rpc/handlers.js';
import { Router } from '../../apps/engine/src/rpc/router.js';
import { MAX_STREAMS_PER_CONNECTION } from '../../apps/engine/src/rpc/serve.js';
import { attachWebSocketTransport } from '../../apps/engine/src/rpc/ws-transport.js';
import { connectClient, type StartedEngine, startEngine } from '../support/engine.js';

type Frame = { id?: unknown; items?: unknown[]; result?: unknown; error?: { code: string; message: string } };

/** A socket speaking the wire protocol by hand: every frame it received, in order, and ways to await them. */
class RawPeer {
  readonly frames: Frame[] = [];
  private readonly checks = new Set<() => void>();
  private readonly closed: Promise<void>;

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.frames.push(JSON.parse(data.toString()) as Frame);
      for (const check of [...this.checks]) check();
    });
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  static async open(url: string, token: string): Promise<RawPeer> {
    const socket = new WebSocket(`${url}?token=${encodeURIComponent(token)}`);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    const peer = new RawPeer(socket);
    RawPeer.opened.add(peer);
    return peer;
  }

  /** Every peer still open, closed after each test whether it passed or not. */
  static readonly opened = new Set<RawPeer>();

  send(frame: unknown): void {
    this.socket.send(JSON.stringify(frame));
  }

  /** Resolves once `holds()` is true of the frames received, checked as each one arrives. */
  until(holds: () => boolean): Promise<void> {
    if (holds()) return Promise.resolve();
    return new Promise((resolve) => {
      const check = () => {
        if (!holds()) return;
        this.checks.delete(check);
        resolve();
      };
      this.checks.add(check);
    });
  }

  /** The first frame received (before or after this call) that matches. */
  async next(match: (frame: Frame) => boolean): Promise<Frame> {
    await this.until(() => this.frames.some(match));
    return this.frames.find(match) as Frame;
  }

  /** Resolves once `count` items of stream `id` have arrived. */
  items(id: unknown, count: number): Promise<void> {
    return this.until(() => this.itemsFor(id).length >= count);
  }

  /** The answer to an engine.ping sent now: frames are handled in order, so every earlier frame was handled. */
  async ping(id: string): Promise<void> {
    this.send({ id, method: 'engine.ping' });
    await this.next((frame) => frame.id === id);
  }

  framesFor(id: unknown): Frame[] {
    return this.frames.filter((frame) => frame.id === id);
  }

  itemsFor(id: unknown): unknown[] {
    return this.framesFor(id).flatMap((frame) => frame.items ?? []);
  }

  async close(): Promise<void> {
    RawPeer.opened.delete(this);
    this.socket.close();
    await this.closed;
  }
}

afterEach(async () => {
  await Promise.all([...RawPeer.opened].map((peer) => peer.close()));
});

const answer: AiAnswer = {
  text: '',
  route: { providerId: 'test', model: 'test', reasons: [], fallbacks: [] },
  ttftMs: 0,
  totalMs: 0,
  tokensIn: 0,
  tokensOut: 0,
};

describe('the built engine answers hostile stream frames', () => {
  let engine: StartedEngine;

  beforeAll(async () => {
    engine = await startEngine();
  });

  afterAll(async () => {
    await engine?.stop();
  });

  it('ignores a credit or cancel for a stream it does not have', async () => {
    const peer = await RawPeer.open(engine.url, engine.token);
    peer.send({ id: 9001, credit: 10 });
    peer.send({ id: 'nobody', cancel: true });
    await peer.ping('after-unknown');
    expect(peer.framesFor(9001)).toEqual([]);
    expect(peer.framesFor('nobody')).toEqual([]);
  });

  it('answers a negative, enormous, non-integer or non-numeric credit, a false cancel and an items frame with E_BAD_REQUEST', async () => {
    const hostile = [
      { id: 1, credit: -1 },
      { id: 2, credit: 0 },
      { id: 3, credit: 1e12 },
      { id: 4, credit: 1.5 },
      { id: 5, credit: '10' },
      { id: 6, cancel: false },
      { id: 7, items: [{ text: 'from the client' }] },
      { id: 8, credit: Number.MAX_SAFE_INTEGER, cancel: true },
    ];
    const peer = await RawPeer.open(engine.url, engine.token);
    for (const frame of hostile) peer.send(frame);
    for (const { id } of hostile) {
      const reply = await peer.next((frame) => frame.id === id);
      expect(reply.error?.code).toBe(ErrorCode.BAD_REQUEST);
    }
    await peer.ping('still-serving');
    expect(engine.process.exitCode).toBeNull();
  });
});

describe('streams over the engine WebSocket transport', () => {
  const connections = new ConnectionSet();
  const producers: Array<{ signal: AbortSignal; pulled: number; finished: boolean }> = [];
  const started: Array<() => void> = [];
  let server: Server;
  let url: string;
  const token = 'stream-test-token';

  /**
   * The prompt says what to produce: "count:N" N items then the result; "forever" items until aborted; "idle"
   * nothing until aborted; "count:N,idle" N items, then nothing until aborted; "count:N,stuck" N items, then an
   * await that never settles and ignores the signal (a producer that does not honour cancellation).
   */
  async function* produce(prompt: string, ctx: StreamContext): AsyncGenerator<{ text: string }, AiAnswer, undefined> {
    const producer = { signal: ctx.signal, pulled: 0, finished: false };
    producers.push(producer);
    for (const wake of started.splice(0)) wake();
    try {
      const [head = '', tail] = prompt.split(',');
      const count = head === 'forever' ? Number.POSITIVE_INFINITY : head === 'idle' ? 0 : Number(head.slice(6));
      const idle = head === 'idle' || tail === 'idle';
      for (let i = 0; i < count; i++) {
        producer.pulled += 1;
        yield { text: String(i) };
      }
      if (idle) await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
      if (tail === 'stuck') await new Promise(() => {});
      return { ...answer, tokensOut: producer.pulled };
    } finally {
      producer.finished = true;
    }
  }

  /** Resolves once `count` producers have started in all (since the suite began). */
  async function producersStarted(count: number): Promise<void> {
    while (producers.length < count) await new Promise<void>((resolve) => started.push(resolve));
  }

  beforeAll(async () => {
    const router = new Router();
    router.register({
      'ai.complete': (params, ctx) => produce(params.prompt, ctx),
      'engine.ping': () => ({ pong: true, time: Date.now() }),
    });
    server = createServer();
    attachWebSocketTransport({ server, router, connections, token });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/rpc`;
  });

  afterAll(async () => {
    connections.closeAll();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  async function client(): Promise<RpcClient> {
    return connectClient(url, token);
  }

  it('delivers the items in order, then the result', async () => {
    const rpc = await client();
    const stream = rpc.stream('ai.complete', { prompt: `count:${3 * STREAM_WINDOW}` });
    const texts: string[] = [];
    for await (const item of stream) texts.push(item.text);
    expect(texts).toEqual(Array.from({ length: 3 * STREAM_WINDOW }, (_, i) => String(i)));
    expect((await stream.result).tokensOut).toBe(3 * STREAM_WINDOW);
    rpc.close();
  });

  it('ends a cancelled stream with E_CANCELLED and aborts its producer', async () => {
    const rpc = await client();
    const before = producers.length;
    const stream = rpc.stream('ai.complete', { prompt: 'count:1,idle' });
    for await (const _item of stream) stream.cancel();
    await expect(stream.result).rejects.toMatchObject({ code: ErrorCode.CANCELLED });
    const producer = producers[before];
    await expect.poll(() => producer?.finished).toBe(true);
    expect(producer?.signal.aborted).toBe(true);

    // by hand: the engine's answer to a cancel is one E_CANCELLED frame, however often it is asked
    const peer = await RawPeer.open(url, token);
    peer.send({ id: 1, method: 'ai.complete', params: { prompt: 'idle' } });
    await producersStarted(before + 2);
    peer.send({ id: 1, cancel: true });
    peer.send({ id: 1, cancel: true });
    const reply = await peer.next((frame) => frame.id === 1);
    expect(reply.error?.code).toBe(ErrorCode.CANCELLED);
    await peer.ping('after-cancel');
    expect(peer.framesFor(1)).toHaveLength(1);
    expect(producers[before + 1]?.signal.aborted).toBe(true);
    await peer.close();
    rpc.close();
  });

  it('holds a reader that never grants credit to one window: the producer waits, and a grant releases exactly that many', async () => {
    const peer = await RawPeer.open(url, token);
    const index = producers.length;
    peer.send({ id: 1, method: 'ai.complete', params: { prompt: 'forever' } });
    await peer.items(1, STREAM_WINDOW);
    await peer.ping('settled');
    await peer.ping('settled-again');
    expect(peer.itemsFor(1)).toHaveLength(STREAM_WINDOW);
    expect(producers[index]?.pulled).toBe(STREAM_WINDOW);

    peer.send({ id: 1, credit: 10 });
    await peer.items(1, STREAM_WINDOW + 10);
    await peer.ping('granted');
    expect(peer.itemsFor(1)).toHaveLength(STREAM_WINDOW + 10);
    expect(producers[index]?.pulled).toBe(STREAM_WINDOW + 10);
    await peer.close();
    await expect.poll(() => producers[index]?.finished).toBe(true);
  });

  it('holds a grant beyond the window to the window: a peer cannot make the engine send without bound', async () => {
    const peer = await RawPeer.open(url, token);
    const index = producers.length;
    peer.send({ id: 2, method: 'ai.complete', params: { prompt: 'forever' } });
    await peer.items(2, STREAM_WINDOW);
    for (let i = 0; i < 3; i++) peer.send({ id: 2, credit: 1_000_000 });
    await peer.items(2, 2 * STREAM_WINDOW);
    await peer.ping('held');
    await peer.ping('held-again');
    expect(peer.itemsFor(2)).toHaveLength(2 * STREAM_WINDOW);
    expect(producers[index]?.pulled).toBe(2 * STREAM_WINDOW);
  });

  it("ignores credit and cancel sent for another connection's stream id", async () => {
    const owner = await RawPeer.open(url, token);
    const stranger = await RawPeer.open(url, token);
    const index = producers.length;
    owner.send({ id: 7, method: 'ai.complete', params: { prompt: 'forever' } });
    await owner.items(7, STREAM_WINDOW);
    stranger.send({ id: 7, credit: 1_000_000 });
    stranger.send({ id: 7, cancel: true });
    await stranger.ping('stranger-done');
    await owner.ping('owner-done');
    expect(stranger.framesFor(7)).toEqual([]);
    expect(owner.itemsFor(7)).toHaveLength(STREAM_WINDOW);
    expect(producers[index]?.pulled).toBe(STREAM_WINDOW);
    expect(producers[index]?.signal.aborted).toBe(false);
    await stranger.close();
    await owner.close();
    await expect.poll(() => producers[index]?.signal.aborted).toBe(true);
  });

  it('stops an open stream whose id is reused (a second request, a bad credit, an items frame): one error, then nothing for that id', async () => {
    const peer = await RawPeer.open(url, token);
    const reuses: Array<{ name: string; frame: (id: number) => unknown }> = [
      { name: 'second stream', frame: (id) => ({ id, method: 'ai.complete', params: { prompt: 'idle' } }) },
      { name: 'call', frame: (id) => ({ id, method: 'engine.ping' }) },
      { name: 'negative credit', frame: (id) => ({ id, credit: -5 }) },
      { name: 'fractional credit', frame: (id) => ({ id, credit: 0.5 }) },
      { name: 'items frame', frame: (id) => ({ id, items: [{ text: 'x' }] }) },
      { name: 'unknown method', frame: (id) => ({ id, method: 'no.such' }) },
    ];
    for (const [offset, reuse] of reuses.entries()) {
      const id = 100 + offset;
      const index = producers.length;
      peer.send({ id, method: 'ai.complete', params: { prompt: 'count:2,idle' } });
      await peer.items(id, 2);
      peer.send(reuse.frame(id));
      const reply = await peer.next((frame) => frame.id === id && frame.error !== undefined);
      expect(reply.error?.code, reuse.name).toMatch(/^E_(BAD_REQUEST|NOT_FOUND)$/);
      await expect.poll(() => producers[index]?.finished, { message: reuse.name }).toBe(true);
      expect(producers[index]?.signal.aborted, reuse.name).toBe(true);
      // the id is free again: a new stream under it runs to its end
      peer.send({ id, method: 'ai.complete', params: { prompt: 'count:1' } });
      const end = await peer.next((frame) => frame.id === id && frame.result !== undefined);
      expect(end.result, reuse.name).toMatchObject({ tokensOut: 1 });
      await peer.ping(`after-${reuse.name}`);
      // items, the refusal, the second stream's item and its result: nothing else for that id
      expect(
        peer.framesFor(id).map((frame) => (frame.items ? 'items' : frame.error ? 'error' : 'result')),
        reuse.name,
      ).toEqual(['items', 'error', 'items', 'result']);
    }
    await peer.close();
  });

  it('ends a stream whose producer ignores its signal: the cancel is answered and the id is free again', async () => {
    const peer = await RawPeer.open(url, token);
    const index = producers.length;
    peer.send({ id: 3, method: 'ai.complete', params: { prompt: 'count:1,stuck' } });
    await peer.items(3, 1);
    peer.send({ id: 3, cancel: true });
    const reply = await peer.next((frame) => frame.id === 3 && frame.error !== undefined);
    expect(reply.error?.code).toBe(ErrorCode.CANCELLED);
    expect(producers[index]?.signal.aborted).toBe(true);
    expect(producers[index]?.finished).toBe(false);
    peer.send({ id: 3, method: 'ai.complete', params: { prompt: 'count:1' } });
    const end = await peer.next((frame) => frame.id === 3 && frame.result !== undefined);
    expect(end.result).toMatchObject({ tokensOut: 1 });
  });

  it('refuses a stream over the per-connection limit with E_UNAVAILABLE, and takes one again once a stream ends', async () => {
    const index = producers.length;
    const peer = await RawPeer.open(url, token);
    for (let id = 1; id <= MAX_STREAMS_PER_CONNECTION; id++) {
      peer.send({ id, method: 'ai.complete', params: { prompt: 'idle' } });
    }
    await producersStarted(index + MAX_STREAMS_PER_CONNECTION);
    peer.send({ id: 'one-too-many', method: 'ai.complete', params: { prompt: 'idle' } });
    const refused = await peer.next((frame) => frame.id === 'one-too-many');
    expect(refused.error?.code).toBe(ErrorCode.UNAVAILABLE);
    expect(producers.length).toBe(index + MAX_STREAMS_PER_CONNECTION);
    peer.send({ id: 1, cancel: true });
    await peer.next((frame) => frame.id === 1 && frame.error?.code === ErrorCode.CANCELLED);
    peer.send({ id: 'room-again', method: 'ai.complete', params: { prompt: 'count:1' } });
    expect((await peer.next((frame) => frame.id === 'room-again' && 'result' in frame)).result).toBeTruthy();
  });

  it('aborts every producer of the streams a closed socket opened, and forgets the connection', async () => {
    const sockets = 4;
    const perSocket = 25;
    const index = producers.length;
    const open = connections.size;
    const peers = await Promise.all(Array.from({ length: sockets }, () => RawPeer.open(url, token)));
    await expect.poll(() => connections.size).toBe(open + sockets);
    for (const peer of peers) {
      for (let id = 1; id <= perSocket; id++) {
        peer.send({ id, method: 'ai.complete', params: { prompt: id % 2 ? 'idle' : 'forever' } });
      }
    }
    await producersStarted(index + sockets * perSocket);
    await Promise.all(peers.map((peer) => peer.close()));
    const mine = producers.slice(index);
    await expect.poll(() => mine.filter((producer) => producer.finished).length).toBe(sockets * perSocket);
    expect(mine.every((producer) => producer.signal.aborted)).toBe(true);
    expect(connections.size).toBe(open);
  });

  it('keeps the engine heap flat over a long stream (no memory per item while the stream is open)', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const rpc = await client();
    const items = 40_000;
    const stream = rpc.stream('ai.complete', { prompt: `count:${items},idle` });
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 1; i < items; i++) await iterator.next();
    gc();
    const grown = process.memoryUsage().heapUsed - before;
    // both ends live in this process; a retained reaction per item was ~380 bytes (15 MB here)
    expect(grown).toBeLessThan(6 * 1024 * 1024);
    stream.cancel();
    rpc.close();
  });
});
