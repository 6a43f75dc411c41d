// The relay's `/signal` endpoint speaks y-webrtc's signaling protocol: checked with raw clients and with a real
// y-webrtc WebrtcProvider; plus the admission rules (token, per-IP rate) that guard every endpoint.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { metricValue, RELAY_TOKEN, type StartedRelay, startRelay } from './relay-harness.js';

let relay: StartedRelay;
const sockets: WebSocket[] = [];

beforeAll(async () => {
  relay = await startRelay({ env: { RELAY_MAX_ROOMS_PER_CONNECTION: '4' } });
});
afterAll(async () => {
  for (const socket of sockets) socket.terminate();
  await relay.stop();
});

interface SignalClient {
  socket: WebSocket;
  send(message: unknown): void;
  /** Resolves with the next JSON message that satisfies `match`. */
  next(match: (message: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
}

async function signalClient(query = `?token=${RELAY_TOKEN}`): Promise<SignalClient> {
  const socket = new WebSocket(`${relay.url}/signal${query}`);
  sockets.push(socket);
  const inbox: Array<Record<string, unknown>> = [];
  const waiters: Array<{
    match: (m: Record<string, unknown>) => boolean;
    resolve: (m: Record<string, unknown>) => void;
  }> = [];
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as Record<string, unknown>;
    const waiter = waiters.find((w) => w.match(message));
    if (waiter) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(message);
    } else inbox.push(message);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return {
    socket,
    send: (message) => socket.send(JSON.stringify(message)),
    next(match) {
      const queued = inbox.find(match);
      if (queued) {
        inbox.splice(inbox.indexOf(queued), 1);
        return Promise.resolve(queued);
      }
      return new Promise((resolve) => waiters.push({ match, resolve }));
    },
  };
}

function refusedStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    socket.once('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      socket.terminate();
    });
    socket.once('open', () => reject(new Error(`${url} was accepted`)));
    socket.once('error', () => undefined);
  });
}

describe('relay signaling', () => {
  it('publishes to every subscriber of a topic with the subscriber count, like y-webrtc’s server', async () => {
    const a = await signalClient();
    const b = await signalClient();
    a.send({ type: 'subscribe', topics: ['room-1'] });
    b.send({ type: 'subscribe', topics: ['room-1'] });
    // subscribe has no answer: a ping/pong round trip proves the server has processed it
    b.send({ type: 'ping' });
    await b.next((m) => m.type === 'pong');
    a.send({ type: 'ping' });
    await a.next((m) => m.type === 'pong');
    a.send({ type: 'publish', topic: 'room-1', data: { type: 'announce', from: 'peer-a' } });
    const atB = await b.next((m) => m.type === 'publish');
    const echoAtA = await a.next((m) => m.type === 'publish');
    expect(atB).toEqual({ type: 'publish', topic: 'room-1', data: { type: 'announce', from: 'peer-a' }, clients: 2 });
    expect(echoAtA.clients).toBe(2);

    b.send({ type: 'unsubscribe', topics: ['room-1'] });
    b.send({ type: 'ping' });
    await b.next((m) => m.type === 'pong');
    a.send({ type: 'publish', topic: 'room-1', data: 'x' });
    expect((await a.next((m) => m.type === 'publish')).clients).toBe(1);
  });

  it('lets an unmodified y-webrtc WebrtcProvider subscribe and announce itself through the relay', async () => {
    const observer = await signalClient();
    observer.send({ type: 'subscribe', topics: ['webrtc-room-xyz'] });
    observer.send({ type: 'ping' });
    await observer.next((m) => m.type === 'pong');
    // lib0's websocket client (used by y-webrtc) looks for a global WebSocket, which Node 20 lacks
    const global = globalThis as { WebSocket?: unknown };
    global.WebSocket ??= WebSocket;
    const { WebrtcProvider } = await import('y-webrtc');
    const Y = await import('yjs');
    const provider = new WebrtcProvider('webrtc-room-xyz', new Y.Doc(), {
      signaling: [`${relay.url}/signal?token=${RELAY_TOKEN}`],
      password: 'room secret',
      filterBcConns: true,
    });
    try {
      const announce = await observer.next((m) => m.type === 'publish');
      expect(announce.topic).toBe('webrtc-room-xyz');
      expect(announce.clients).toBe(2);
      // with a password y-webrtc encrypts its signaling payload: the relay only ever sees an opaque string
      expect(typeof announce.data).toBe('string');
    } finally {
      provider.destroy();
    }
  });

  it('caps topics per connection and refuses non-signaling frames without closing the connection', async () => {
    const a = await signalClient();
    const before = await relay.metrics();
    a.send({ type: 'subscribe', topics: ['t1', 't2', 't3', 't4', 't5', 't6'] });
    a.socket.send(Buffer.from([1, 2, 3]));
    a.send({ type: 'subscribe', topics: 'not-a-list' });
    a.send({ type: 'ping' });
    await a.next((m) => m.type === 'pong');
    a.send({ type: 'publish', topic: 't6', data: 'x' });
    a.send({ type: 'publish', topic: 't4', data: 'x' });
    expect((await a.next((m) => m.type === 'publish')).topic).toBe('t4');
    const after = await relay.metrics();
    expect(metricValue(after, 'relay_rejected_total{reason="too_many_rooms"}')).toBeGreaterThan(
      metricValue(before, 'relay_rejected_total{reason="too_many_rooms"}') || 0,
    );
  });

  it('refuses connections without the token, with a wrong one, and to unknown endpoints or bad room ids', async () => {
    expect(await refusedStatus(`${relay.url}/signal`)).toBe(401);
    expect(await refusedStatus(`${relay.url}/signal?token=wrong-token-0000000000`)).toBe(401);
    expect(await refusedStatus(`${relay.url}/elsewhere?token=${RELAY_TOKEN}`)).toBe(404);
    expect(await refusedStatus(`${relay.url}/sync/short?token=${RELAY_TOKEN}`)).toBe(400);
    // a broken percent-escape in the room id is a bad room id, not a crash of the relay
    expect(await refusedStatus(`${relay.url}/sync/room-%E0%A4%A-xxxxxxxxxxxxx?token=${RELAY_TOKEN}`)).toBe(400);
    expect(await refusedStatus(`${relay.url}/signal`)).toBe(401);
    const viaHeader = new WebSocket(`${relay.url}/signal`, { headers: { authorization: `Bearer ${RELAY_TOKEN}` } });
    sockets.push(viaHeader);
    await new Promise<void>((resolve, reject) => {
      viaHeader.once('open', () => resolve());
      viaHeader.once('error', reject);
    });
  });

  it('rate-limits new connections per IP', async () => {
    const limited = await startRelay({ env: { RELAY_CONN_RATE_PER_IP: '0.5', RELAY_CONN_BURST_PER_IP: '3' } });
    try {
      const url = `${limited.url}/signal?token=${RELAY_TOKEN}`;
      for (let i = 0; i < 3; i += 1) {
        const socket = new WebSocket(url);
        sockets.push(socket);
        await new Promise<void>((resolve, reject) => {
          socket.once('open', () => resolve());
          socket.once('error', reject);
        });
      }
      expect(await refusedStatus(url)).toBe(429);
      expect(metricValue(await limited.metrics(), 'relay_rejected_total{reason="rate_limited"}')).toBe(1);
    } finally {
      await limited.stop();
    }
  });
});
