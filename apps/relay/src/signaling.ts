// y-webrtc signaling: topics (room names) with subscribers; `publish` goes to every subscriber of the topic,
// the sender included, exactly like y-webrtc's own bin/server.js, so WebrtcProvider works unchanged. With several
// relays (fanout-redis.ts) a publish also goes to the topic's subscribers on the other relays, so two peers meet
// whichever relays they reached, and a room's subscriber seats are counted across relays.
import { CloseCode, isValidRoomId, RelayErrorCode, readSignal, writeSignal } from '@pa/shared/relay/protocol';
import type { Connection } from './connection.js';
import { type Fanout, LocalFanout } from './fanout.js';
import type { Metrics } from './metrics.js';

/** The guests a room admits (its host's SEATS), or null when it has no limit. */
export type GuestLimit = (roomId: string) => number | null | Promise<number | null>;

/** A topic without seats is still counted (its seats may be set later), under a limit nothing reaches. */
const UNLIMITED = 2 ** 31;

export class Signaling {
  private readonly topics = new Map<string, Set<Connection>>();
  private readonly subscriptions = new Map<Connection, Set<string>>();
  /** Topics whose seat this connection holds (room-id topics): given back when it leaves them. */
  private readonly seated = new Map<Connection, Set<string>>();
  /** A connection's frames are handled in order: one waiting on a seat holds back those after it. */
  private readonly pending = new Map<Connection, Promise<void>>();

  /**
   * A y-webrtc topic is our room id, so a room's seats limit its subscribers too: host + guests. Signaling cannot
   * tell the host from a guest; the host subscribes first, and a stale subscriber is gone at the idle timeout.
   */
  constructor(
    private readonly maxTopicsPerConnection: number,
    private readonly guestLimit: GuestLimit = () => null,
    private readonly metrics: Pick<Metrics, 'reject'> | null = null,
    private readonly fanout: Fanout = new LocalFanout(),
  ) {
    fanout.handle({
      signal: (topic, text) => {
        for (const subscriber of this.topics.get(topic) ?? []) subscriber.send(text);
      },
    });
  }

  get topicCount(): number {
    return this.topics.size;
  }

  open(connection: Connection): void {
    this.subscriptions.set(connection, new Set());
    this.seated.set(connection, new Set());
  }

  receive(connection: Connection, data: string): void {
    const waiting = this.pending.get(connection);
    if (waiting) {
      const next = waiting.then(() => this.handle(connection, data));
      this.track(connection, next);
      return;
    }
    const handled = this.handle(connection, data);
    if (handled) this.track(connection, handled);
  }

  private track(connection: Connection, work: Promise<void>): void {
    const guarded = work.catch(() => undefined);
    this.pending.set(connection, guarded);
    void guarded.then(() => {
      if (this.pending.get(connection) === guarded) this.pending.delete(connection);
    });
  }

  /** Handles one frame; returns a promise only when it had to wait (for a seat). */
  private handle(connection: Connection, data: string): Promise<void> | undefined {
    const message = readSignal(data);
    if (message === null) {
      connection.refuse(RelayErrorCode.malformed);
      return;
    }
    const mine = this.subscriptions.get(connection);
    if (!mine || connection.closed) return;
    switch (message.type) {
      case 'subscribe':
        return this.subscribe(connection, mine, message.topics);
      case 'unsubscribe':
        for (const topic of message.topics) this.leave(connection, topic);
        return;
      case 'publish': {
        const subscribers = this.topics.get(message.topic);
        const out = writeSignal({ ...message, clients: subscribers?.size ?? 0 });
        for (const subscriber of subscribers ?? []) subscriber.send(out);
        this.fanout.publishSignal(message.topic, out);
        return;
      }
      case 'ping':
        connection.send(writeSignal({ type: 'pong' }));
        return;
      case 'pong':
        return;
    }
  }

  private async subscribe(connection: Connection, mine: Set<string>, topics: string[]): Promise<void> {
    for (const topic of topics) {
      if (mine.has(topic)) continue;
      if (mine.size >= this.maxTopicsPerConnection) {
        connection.refuse(RelayErrorCode.tooManyRooms);
        break;
      }
      if (isValidRoomId(topic)) {
        const guests = await this.guestLimit(topic);
        const seated = await this.fanout.acquire(`sig:${topic}`, guests === null ? UNLIMITED : guests + 1);
        if (!seated) {
          this.metrics?.reject(RelayErrorCode.sessionFull);
          connection.close(CloseCode.sessionFull, 'session full');
          return;
        }
        if (connection.closed || !this.subscriptions.has(connection)) {
          this.fanout.release(`sig:${topic}`);
          return;
        }
        this.seated.get(connection)?.add(topic);
      }
      mine.add(topic);
      let subscribers = this.topics.get(topic);
      if (!subscribers) {
        subscribers = new Set();
        this.topics.set(topic, subscribers);
        // subscribed before anyone here can be told about it; a publish meanwhile reaches the local subscribers
        await this.fanout.joinTopic(topic);
        if (connection.closed || !this.subscriptions.has(connection)) {
          if (this.topics.get(topic) === subscribers && subscribers.size === 0) {
            this.topics.delete(topic);
            this.fanout.leaveTopic(topic);
          }
          return;
        }
      }
      subscribers.add(connection);
    }
  }

  close(connection: Connection): void {
    for (const topic of this.subscriptions.get(connection) ?? []) this.leave(connection, topic);
    this.subscriptions.delete(connection);
    for (const topic of this.seated.get(connection) ?? []) this.fanout.release(`sig:${topic}`);
    this.seated.delete(connection);
    this.pending.delete(connection);
  }

  private leave(connection: Connection, topic: string): void {
    this.subscriptions.get(connection)?.delete(topic);
    if (this.seated.get(connection)?.delete(topic)) this.fanout.release(`sig:${topic}`);
    const subscribers = this.topics.get(topic);
    if (!subscribers) return;
    subscribers.delete(connection);
    if (subscribers.size === 0) {
      this.topics.delete(topic);
      this.fanout.leaveTopic(topic);
    }
  }
}
