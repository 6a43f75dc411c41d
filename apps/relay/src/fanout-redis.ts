// The Redis fan-out (RELAY_REDIS_URL): Redis pub/sub, one channel per room and per signaling topic, subscribed while
// this relay has members there. Pub/sub, not streams: storage already keeps every row with its sequence, so Redis
// only has to carry what is live; a message lost to a disconnect shows as a gap (or a reconnect) and is read back
// from storage (RoomSequencer). Payloads are binary (Buffer), each tagged with the sending relay, which ignores its
// own echo. Publishes are bounded (in flight and bytes); one that cannot go out is remembered and announced as the
// room's HEAD once Redis is back, so the others read the row from storage.
//
// Seats: a hash per key (relay id → seats that relay holds) and a sorted set of relays with their last heartbeat;
// a Lua script counts only relays heard from within the TTL and takes the seat atomically, so a relay that died
// stops holding seats once its heartbeat is stale.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { type Fanout, type FanoutHandlers, type FanoutHealth, SeatCounts } from './fanout.js';
import type { Log } from './log.js';

enum Kind {
  update = 1,
  head = 2,
  awareness = 3,
  peerLeft = 4,
  snapshotStored = 5,
  signal = 6,
}

const ID_BYTES = 8;
const HEADER = 1 + ID_BYTES;

export interface RedisFanoutOptions {
  url: string;
  /** Prefix of every channel and key, so relays of different deployments can share one Redis. */
  prefix: string;
  log: Log;
  /** Publishes awaiting Redis's reply, at most; beyond, a publish is dropped and its room announced later. */
  maxInFlight?: number;
  maxInFlightBytes?: number;
  /** A relay not heard from for this long holds no seats. */
  seatTtlMs?: number;
}

// KEYS[1] the key's hash, KEYS[2] the relays' heartbeats; ARGV: me, limit, mine (seats this relay holds), ttl ms
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local me, limit, mine, ttl = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
redis.call('ZADD', KEYS[2], now, me)
local fields = redis.call('HGETALL', KEYS[1])
local total = mine
for i = 1, #fields, 2 do
  local relay = fields[i]
  if relay ~= me then
    local seen = redis.call('ZSCORE', KEYS[2], relay)
    if seen and tonumber(seen) > now - ttl then
      total = total + tonumber(fields[i + 1])
    else
      redis.call('HDEL', KEYS[1], relay)
    end
  end
end
if total >= limit then return 0 end
redis.call('HSET', KEYS[1], me, mine + 1)
redis.call('PEXPIRE', KEYS[1], ttl * 4)
return 1
`;

// KEYS[1] the relays' heartbeats; ARGV: me, ttl ms, then key, count pairs (0 removes the field)
const HEARTBEAT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[2]) * 10)
for i = 3, #ARGV, 2 do
  if tonumber(ARGV[i + 1]) > 0 then
    redis.call('HSET', ARGV[i], ARGV[1], ARGV[i + 1])
    redis.call('PEXPIRE', ARGV[i], tonumber(ARGV[2]) * 4)
  else
    redis.call('HDEL', ARGV[i], ARGV[1])
  end
end
return 1
`;

type SeatRedis = Redis & {
  paAcquire(hash: string, relays: string, me: string, limit: number, mine: number, ttl: number): Promise<number>;
  paHeartbeat(relays: string, me: string, ttl: number, ...pairs: Array<string | number>): Promise<number>;
};

export class RedisFanout implements Fanout {
  readonly kind = 'redis' as const;
  readonly relayId: string;
  private readonly id: Buffer;
  private readonly pub: SeatRedis;
  private readonly sub: Redis;
  private handlers: Partial<FanoutHandlers> = {};
  private readonly roomRefs = new Map<string, number>();
  private readonly topicRefs = new Map<string, number>();
  private inFlight = 0;
  private inFlightBytes = 0;
  private readonly maxInFlight: number;
  private readonly maxInFlightBytes: number;
  /** Rooms with a commit that did not reach Redis, and the highest such sequence: announced as HEAD when back. */
  private readonly unannounced = new Map<string, number>();
  private readonly seats = new SeatCounts();
  /** Keys whose count changed since the last heartbeat (0 included, to remove the field). */
  private readonly dirtySeats = new Set<string>();
  private readonly seatTtlMs: number;
  private readonly timer: NodeJS.Timeout;
  private wasReady = false;
  private closed = false;

  constructor(private readonly options: RedisFanoutOptions) {
    this.id = randomBytes(ID_BYTES);
    this.relayId = this.id.toString('hex');
    this.maxInFlight = options.maxInFlight ?? 10_000;
    this.maxInFlightBytes = options.maxInFlightBytes ?? 64 * 1024 * 1024;
    this.seatTtlMs = options.seatTtlMs ?? 15_000;
    const common = {
      lazyConnect: false,
      connectTimeout: 2000,
      // come back quickly after a Redis restart; a relay keeps serving its own members meanwhile
      retryStrategy: (times: number) => Math.min(50 * 2 ** Math.min(times, 5), 1000),
    };
    // the publisher never queues while disconnected: what is missed is read from storage later
    this.pub = new Redis(options.url, {
      ...common,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      // a Redis that accepts but does not answer must not hold a seat check or a publish slot for long
      commandTimeout: 2000,
      connectionName: `pa-relay-pub-${this.relayId}`,
    }) as SeatRedis;
    this.pub.defineCommand('paAcquire', { numberOfKeys: 2, lua: ACQUIRE });
    this.pub.defineCommand('paHeartbeat', { numberOfKeys: 1, lua: HEARTBEAT });
    this.sub = new Redis(options.url, {
      ...common,
      autoResubscribe: true,
      maxRetriesPerRequest: null,
      connectionName: `pa-relay-sub-${this.relayId}`,
    });
    this.pub.on('error', (error: Error) => options.log.debug('redis_error', { conn: 'pub', error: error.message }));
    this.sub.on('error', (error: Error) => options.log.debug('redis_error', { conn: 'sub', error: error.message }));
    this.pub.on('ready', () => {
      // Redis may have restarted: tell it again which seats this relay holds
      for (const [key] of this.seats.entries()) this.dirtySeats.add(key);
      this.heartbeat();
      this.announce();
    });
    this.sub.on('close', () => {
      if (this.wasReady && !this.closed) options.log.warn('redis_subscriber_lost', {});
    });
    this.sub.on('ready', () => void this.subscriberReady());
    this.sub.on('messageBuffer', (channel: Buffer, message: Buffer) => this.receive(channel, message));
    this.timer = setInterval(
      () => {
        this.heartbeat();
        this.announce();
      },
      Math.max(200, Math.floor(this.seatTtlMs / 3)),
    );
    this.timer.unref();
  }

  handle(handlers: Partial<FanoutHandlers>): void {
    this.handlers = { ...this.handlers, ...handlers };
  }

  private roomChannel(roomId: string): string {
    return `${this.options.prefix}r:${roomId}`;
  }

  private topicChannel(topic: string): string {
    return `${this.options.prefix}s:${topic}`;
  }

  async joinRoom(roomId: string): Promise<void> {
    await this.join(this.roomRefs, this.roomChannel(roomId));
  }

  leaveRoom(roomId: string): void {
    this.leave(this.roomRefs, this.roomChannel(roomId));
  }

  async joinTopic(topic: string): Promise<void> {
    await this.join(this.topicRefs, this.topicChannel(topic));
  }

  leaveTopic(topic: string): void {
    this.leave(this.topicRefs, this.topicChannel(topic));
  }

  private async join(refs: Map<string, number>, channel: string): Promise<void> {
    const count = refs.get(channel) ?? 0;
    refs.set(channel, count + 1);
    if (count > 0 || this.closed) return;
    // queued while disconnected (the subscriber keeps its offline queue) and resubscribed on every reconnect; the
    // room is not held up meanwhile: what it misses is read from storage once the subscriber is back (lost())
    const subscribed = this.sub.subscribe(channel).then(
      () => undefined,
      (error: Error) => this.options.log.warn('redis_subscribe_failed', { error: error.message }),
    );
    if (this.sub.status !== 'ready') return;
    await Promise.race([subscribed, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
  }

  private leave(refs: Map<string, number>, channel: string): void {
    const count = refs.get(channel) ?? 0;
    if (count <= 1) {
      refs.delete(channel);
      if (count === 1 && !this.closed) {
        this.sub.unsubscribe(channel).catch((error: Error) => {
          this.options.log.debug('redis_unsubscribe_failed', { error: error.message });
        });
      }
    } else refs.set(channel, count - 1);
  }

  /** After a reconnect: make sure every channel is subscribed, then tell the rooms they may have missed messages. */
  private async subscriberReady(): Promise<void> {
    const first = !this.wasReady;
    this.wasReady = true;
    const channels = [...this.roomRefs.keys(), ...this.topicRefs.keys()];
    try {
      if (channels.length > 0) await this.sub.subscribe(...channels);
    } catch (error) {
      this.options.log.warn('redis_resubscribe_failed', { error: (error as Error).message });
    }
    if (!first) {
      this.options.log.info('redis_subscriber_back', { channels: channels.length });
      this.handlers.lost?.();
    }
  }

  private frame(kind: Kind, size: number): Buffer {
    const out = Buffer.allocUnsafe(HEADER + size);
    out[0] = kind;
    this.id.copy(out, 1);
    return out;
  }

  private send(channel: string, payload: Buffer, roomId: string | null, seq: number | null): void {
    if (this.closed) return;
    const failed = () => {
      if (roomId !== null && seq !== null)
        this.unannounced.set(roomId, Math.max(seq, this.unannounced.get(roomId) ?? 0));
    };
    if (
      this.pub.status !== 'ready' ||
      this.inFlight >= this.maxInFlight ||
      this.inFlightBytes + payload.byteLength > this.maxInFlightBytes
    ) {
      failed();
      return;
    }
    this.inFlight += 1;
    this.inFlightBytes += payload.byteLength;
    this.pub.publish(channel, payload).then(
      () => this.settle(payload.byteLength),
      (error: Error) => {
        this.settle(payload.byteLength);
        failed();
        this.options.log.debug('redis_publish_failed', { error: error.message });
      },
    );
  }

  private settle(bytes: number): void {
    this.inFlight -= 1;
    this.inFlightBytes -= bytes;
  }

  publishUpdate(roomId: string, seq: number, data: Uint8Array): void {
    const out = this.frame(Kind.update, 8 + data.byteLength);
    out.writeDoubleBE(seq, HEADER);
    out.set(data, HEADER + 8);
    this.send(this.roomChannel(roomId), out, roomId, seq);
  }

  publishAwareness(roomId: string, data: Uint8Array): void {
    const out = this.frame(Kind.awareness, data.byteLength);
    out.set(data, HEADER);
    this.send(this.roomChannel(roomId), out, null, null);
  }

  publishPeerLeft(roomId: string, clientIds: number[]): void {
    const out = this.frame(Kind.peerLeft, 4 * clientIds.length);
    clientIds.forEach((id, index) => {
      out.writeUInt32BE(id >>> 0, HEADER + 4 * index);
    });
    this.send(this.roomChannel(roomId), out, null, null);
  }

  publishSnapshotStored(roomId: string, upTo: number): void {
    const out = this.frame(Kind.snapshotStored, 8);
    out.writeDoubleBE(upTo, HEADER);
    this.send(this.roomChannel(roomId), out, null, null);
  }

  publishSignal(topic: string, text: string): void {
    const body = Buffer.from(text, 'utf8');
    const out = this.frame(Kind.signal, body.byteLength);
    body.copy(out, HEADER);
    this.send(this.topicChannel(topic), out, null, null);
  }

  /** Commits that never reached Redis: once it answers again, say how far those rooms' logs go. */
  private announce(): void {
    if (this.unannounced.size === 0 || this.pub.status !== 'ready' || this.inFlight > this.maxInFlight / 2) return;
    const rooms = [...this.unannounced];
    this.unannounced.clear();
    for (const [roomId, seq] of rooms) {
      const out = this.frame(Kind.head, 8);
      out.writeDoubleBE(seq, HEADER);
      this.send(this.roomChannel(roomId), out, roomId, seq);
    }
  }

  private receive(channelBytes: Buffer, message: Buffer): void {
    if (message.byteLength < HEADER || this.id.equals(message.subarray(1, HEADER))) return;
    const channel = channelBytes.toString('utf8');
    const body = message.subarray(HEADER);
    const roomPrefix = `${this.options.prefix}r:`;
    const topicPrefix = `${this.options.prefix}s:`;
    if (message[0] === Kind.signal) {
      if (channel.startsWith(topicPrefix))
        this.handlers.signal?.(channel.slice(topicPrefix.length), body.toString('utf8'));
      return;
    }
    if (!channel.startsWith(roomPrefix)) return;
    const roomId = channel.slice(roomPrefix.length);
    switch (message[0]) {
      case Kind.update: {
        const seq = seqOf(body);
        // a copy: the message's buffer may be a slice of ioredis's reply buffer
        if (seq !== null) this.handlers.update?.(roomId, seq, new Uint8Array(body.subarray(8)));
        return;
      }
      case Kind.head: {
        const seq = seqOf(body);
        if (seq !== null) this.handlers.head?.(roomId, seq);
        return;
      }
      case Kind.awareness:
        this.handlers.awareness?.(roomId, new Uint8Array(body));
        return;
      case Kind.peerLeft: {
        const ids: number[] = [];
        for (let at = 0; at + 4 <= body.byteLength; at += 4) ids.push(body.readUInt32BE(at));
        this.handlers.peerLeft?.(roomId, ids);
        return;
      }
      case Kind.snapshotStored: {
        const seq = seqOf(body);
        if (seq !== null) this.handlers.snapshotStored?.(roomId, seq);
        return;
      }
      default:
        return;
    }
  }

  private seatKey(key: string): string {
    return `${this.options.prefix}seats:${key}`;
  }

  private get relaysKey(): string {
    return `${this.options.prefix}relays`;
  }

  /** One acquire per key at a time, so each script sees what the one before it took. */
  private readonly acquiring = new Map<string, Promise<boolean>>();

  acquire(key: string, limit: number): Promise<boolean> {
    const before = this.acquiring.get(key) ?? Promise.resolve(true);
    const next = before.then(() => this.acquireNow(key, limit));
    this.acquiring.set(key, next);
    void next.finally(() => {
      if (this.acquiring.get(key) === next) this.acquiring.delete(key);
    });
    return next;
  }

  private async acquireNow(key: string, limit: number): Promise<boolean> {
    const mine = this.seats.get(key);
    if (this.pub.status === 'ready') {
      try {
        const taken = await this.pub.paAcquire(
          this.seatKey(key),
          this.relaysKey,
          this.relayId,
          limit,
          mine,
          this.seatTtlMs,
        );
        if (taken !== 1) return false;
        this.seats.add(key, 1);
        return true;
      } catch (error) {
        this.options.log.warn('redis_seats_failed', { error: (error as Error).message });
      }
    }
    // Redis unreachable: this relay's own count decides (the heartbeat reports it once Redis is back)
    if (mine >= limit) return false;
    this.seats.add(key, 1);
    this.dirtySeats.add(key);
    return true;
  }

  release(key: string): void {
    this.seats.add(key, -1);
    this.dirtySeats.add(key);
    this.heartbeat();
  }

  private heartbeat(): void {
    if (this.closed || this.pub.status !== 'ready') return;
    const pairs: Array<string | number> = [];
    // every held key each beat (their hashes expire otherwise), plus the ones that dropped to 0
    for (const [key, count] of this.seats.entries()) pairs.push(this.seatKey(key), count);
    for (const key of this.dirtySeats) if (this.seats.get(key) === 0) pairs.push(this.seatKey(key), 0);
    this.dirtySeats.clear();
    this.pub.paHeartbeat(this.relaysKey, this.relayId, this.seatTtlMs, ...pairs).catch((error: Error) => {
      this.options.log.debug('redis_heartbeat_failed', { error: error.message });
    });
  }

  async health(): Promise<FanoutHealth> {
    const started = performance.now();
    try {
      if (this.pub.status !== 'ready') throw new Error(`connection ${this.pub.status}`);
      await Promise.race([
        this.pub.ping(),
        new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 1 s')), 1000).unref()),
      ]);
      const subscribed = this.sub.status === 'ready';
      return {
        kind: 'redis',
        ok: subscribed,
        latencyMs: Math.round((performance.now() - started) * 100) / 100,
        ...(subscribed ? {} : { error: `subscriber ${this.sub.status}` }),
      };
    } catch (error) {
      return { kind: 'redis', ok: false, error: (error as Error).message };
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    clearInterval(this.timer);
    // give back this relay's seats before going
    const pairs: Array<string | number> = [];
    for (const [key] of this.seats.entries()) pairs.push(this.seatKey(key), 0);
    if (this.pub.status === 'ready' && pairs.length > 0) {
      await this.pub.paHeartbeat(this.relaysKey, this.relayId, this.seatTtlMs, ...pairs).catch(() => undefined);
    }
    this.closed = true;
    // a Redis that is down would hold a QUIT forever (the subscriber queues it): wait a moment, then cut
    const quits = [this.pub, this.sub].map((conn) => (conn.status === 'ready' ? conn.quit() : Promise.resolve()));
    await Promise.race([Promise.allSettled(quits), new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
    this.pub.disconnect();
    this.sub.disconnect();
  }
}

/** A frame's leading sequence number, or null for one no relay writes (short, not a positive safe integer). */
function seqOf(body: Buffer): number | null {
  if (body.byteLength < 8) return null;
  const seq = body.readDoubleBE(0);
  return Number.isSafeInteger(seq) && seq > 0 ? seq : null;
}
