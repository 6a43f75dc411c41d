// The Redis fan-out against a real redis-server: messages cross relays binary-safe and never echo to their sender,
// channels follow the first and last member, seats are counted across relays (and a dead relay's expire), and a
// Redis restart tells each relay it may have missed messages once it has resubscribed.
import { afterAll, describe, expect, it } from 'vitest';
import { RedisFanout } from '../../apps/relay/src/fanout-redis.js';
import type { Log } from '../../apps/relay/src/log.js';
import { startRedisServer } from '../support/redis-server.js';
import { until } from './relay-harness.js';

const quiet: Log = { debug() {}, info() {}, warn() {}, error() {} } as unknown as Log;
const redis = await startRedisServer();
const fanouts: RedisFanout[] = [];
afterAll(async () => {
  for (const fanout of fanouts) await fanout.close();
  await redis.close();
});

function relay(prefix: string, seatTtlMs = 15_000) {
  const fanout = new RedisFanout({ url: redis.url, prefix, log: quiet, seatTtlMs });
  fanouts.push(fanout);
  const got: string[] = [];
  let lost = 0;
  fanout.handle({
    update: (room, seq, data) => got.push(`update ${room} ${seq} ${Buffer.from(data).toString('hex')}`),
    head: (room, seq) => got.push(`head ${room} ${seq}`),
    awareness: (room, data) => got.push(`awareness ${room} ${Buffer.from(data).toString('hex')}`),
    peerLeft: (room, ids) => got.push(`left ${room} ${ids.join(',')}`),
    snapshotStored: (room, upTo) => got.push(`snapshot ${room} ${upTo}`),
    signal: (topic, text) => got.push(`signal ${topic} ${text}`),
    lost: () => {
      lost += 1;
    },
  });
  return { fanout, got, lost: () => lost };
}

describe('Redis fan-out', () => {
  it('carries updates, awareness, peer-left, compactions and signals to the other relays only', async () => {
    const a = relay('t1:');
    const b = relay('t1:');
    await until(() => (a.fanout as unknown as { pub: { status: string } }).pub.status === 'ready', 5000, 'a ready');
    await a.fanout.joinRoom('room1');
    await b.fanout.joinRoom('room1');
    await b.fanout.joinTopic('topic/ä');
    await a.fanout.joinTopic('topic/ä');
    const binary = new Uint8Array([0, 255, 13, 10, 0, 128]);
    a.fanout.publishUpdate('room1', 2 ** 40 + 3, binary);
    a.fanout.publishAwareness('room1', binary);
    a.fanout.publishPeerLeft('room1', [1, 2 ** 32 - 1]);
    a.fanout.publishSnapshotStored('room1', 77);
    a.fanout.publishSignal('topic/ä', '{"type":"publish","topic":"topic/ä","x":"é"}');
    await until(() => b.got.length === 5, 5000, 'five messages at b');
    expect(b.got).toEqual([
      `update room1 ${2 ** 40 + 3} 00ff0d0a0080`,
      'awareness room1 00ff0d0a0080',
      `left room1 1,${2 ** 32 - 1}`,
      'snapshot room1 77',
      'signal topic/ä {"type":"publish","topic":"topic/ä","x":"é"}',
    ]);
    expect(a.got).toEqual([]);

    // reference counted: one leave of two keeps the channel, the last one drops it
    await b.fanout.joinRoom('room1');
    b.fanout.leaveRoom('room1');
    a.fanout.publishAwareness('room1', new Uint8Array([1]));
    await until(() => b.got.length === 6, 5000, 'still subscribed');
    b.fanout.leaveRoom('room1');
    await new Promise((resolve) => setTimeout(resolve, 100));
    a.fanout.publishAwareness('room1', new Uint8Array([2]));
    b.fanout.publishAwareness('room1', new Uint8Array([3]));
    await until(() => a.got.length === 1, 5000, 'a hears b');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(b.got.length).toBe(6);
  });

  it('counts seats across relays, and a relay that stops beating holds none', async () => {
    const a = relay('t2:', 600);
    const b = relay('t2:', 600);
    await until(() => (b.fanout as unknown as { pub: { status: string } }).pub.status === 'ready', 5000, 'b ready');
    await until(() => (a.fanout as unknown as { pub: { status: string } }).pub.status === 'ready', 5000, 'a ready');
    expect(await a.fanout.acquire('seats', 3)).toBe(true);
    expect(await b.fanout.acquire('seats', 3)).toBe(true);
    const both = await Promise.all([a.fanout.acquire('seats', 3), b.fanout.acquire('seats', 3)]);
    expect(both.filter(Boolean)).toHaveLength(1);
    expect(await a.fanout.acquire('seats', 3)).toBe(false);
    b.fanout.release('seats');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await a.fanout.acquire('seats', 3)).toBe(true);
    expect(await b.fanout.acquire('seats', 3)).toBe(false);
    // a dies without giving its seats back: once its heartbeat is older than the TTL they are free
    const dead = a.fanout as unknown as {
      timer: NodeJS.Timeout;
      pub: { disconnect(): void };
      sub: { disconnect(): void };
    };
    clearInterval(dead.timer);
    dead.pub.disconnect();
    dead.sub.disconnect();
    fanouts.splice(fanouts.indexOf(a.fanout), 1);
    expect(await b.fanout.acquire('seats', 3)).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(await b.fanout.acquire('seats', 3)).toBe(true);
    expect(await b.fanout.acquire('seats', 3)).toBe(true);
  });

  it('reports a Redis restart once it has resubscribed, and announces commits it could not publish', async () => {
    const a = relay('t3:');
    const b = relay('t3:');
    await until(() => (a.fanout as unknown as { pub: { status: string } }).pub.status === 'ready', 5000, 'a ready');
    await a.fanout.joinRoom('room3');
    await b.fanout.joinRoom('room3');
    expect((await a.fanout.health()).ok).toBe(true);
    await redis.stop(true);
    await until(() => a.lost() === 0, 100, 'nothing lost yet');
    expect((await a.fanout.health()).ok).toBe(false);
    await redis.start();
    await until(() => a.lost() === 1 && b.lost() === 1, 10_000, 'both relays told they may have missed messages');
    a.fanout.publishUpdate('room3', 10, new Uint8Array([10]));
    await until(() => b.got.includes('update room3 10 0a'), 5000, 'subscribed again after the restart');
    await until(() => b.got.length === 1, 100, 'only that update');

    // only the publisher's connection drops: the others' subscriptions never did, so nothing tells them to resync
    // but the HEAD the publisher announces for the commit it could not publish
    const pub = (a.fanout as unknown as { pub: { disconnect(reconnect: boolean): void } }).pub;
    pub.disconnect(true);
    a.fanout.publishUpdate('room3', 11, new Uint8Array([11]));
    await until(() => b.got.includes('head room3 11'), 10_000, 'the head of the commit that missed Redis');
    expect(b.got).not.toContain('update room3 11 0b');
    expect(b.lost()).toBe(1);
    expect((await a.fanout.health()).ok).toBe(true);
  });
});
