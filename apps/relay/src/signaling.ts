// y-webrtc signaling: topics (room names) with subscribers; `publish` goes to every subscriber of the topic,
// the sender included, exactly like y-webrtc's own bin/server.js, so WebrtcProvider works unchanged.
import { CloseCode, isValidRoomId, RelayErrorCode, readSignal, writeSignal } from '@pa/shared/relay/protocol';
import type { Connection } from './connection.js';
import type { Metrics } from './metrics.js';

/** The guests a room admits (its host's SEATS), or null when it has no limit. */
export type GuestLimit = (roomId: string) => number | null;

export class Signaling {
  private readonly topics = new Map<string, Set<Connection>>();
  private readonly subscriptions = new Map<Connection, Set<string>>();

  /**
   * A y-webrtc topic is our room id, so a room's seats limit its subscribers too: host + guests. Signaling cannot
   * tell the host from a guest; the host subscribes first, and a stale subscriber is gone at the idle timeout.
   */
  constructor(
    private readonly maxTopicsPerConnection: number,
    private readonly guestLimit: GuestLimit = () => null,
    private readonly metrics: Pick<Metrics, 'reject'> | null = null,
  ) {}

  get topicCount(): number {
    return this.topics.size;
  }

  open(connection: Connection): void {
    this.subscriptions.set(connection, new Set());
  }

  receive(connection: Connection, data: string): void {
    const message = readSignal(data);
    if (message === null) {
      connection.refuse(RelayErrorCode.malformed);
      return;
    }
    const mine = this.subscriptions.get(connection);
    if (!mine) return;
    switch (message.type) {
      case 'subscribe':
        for (const topic of message.topics) {
          if (mine.has(topic)) continue;
          if (mine.size >= this.maxTopicsPerConnection) {
            connection.refuse(RelayErrorCode.tooManyRooms);
            break;
          }
          const guests = isValidRoomId(topic) ? this.guestLimit(topic) : null;
          if (guests !== null && (this.topics.get(topic)?.size ?? 0) >= guests + 1) {
            this.metrics?.reject(RelayErrorCode.sessionFull);
            connection.close(CloseCode.sessionFull, 'session full');
            return;
          }
          mine.add(topic);
          let subscribers = this.topics.get(topic);
          if (!subscribers) {
            subscribers = new Set();
            this.topics.set(topic, subscribers);
          }
          subscribers.add(connection);
        }
        return;
      case 'unsubscribe':
        for (const topic of message.topics) this.leave(connection, topic);
        return;
      case 'publish': {
        const subscribers = this.topics.get(message.topic);
        if (!subscribers) return;
        const out = writeSignal({ ...message, clients: subscribers.size });
        for (const subscriber of subscribers) subscriber.send(out);
        return;
      }
      case 'ping':
        connection.send(writeSignal({ type: 'pong' }));
        return;
      case 'pong':
        return;
    }
  }

  close(connection: Connection): void {
    for (const topic of this.subscriptions.get(connection) ?? []) this.leave(connection, topic);
    this.subscriptions.delete(connection);
  }

  private leave(connection: Connection, topic: string): void {
    this.subscriptions.get(connection)?.delete(topic);
    const subscribers = this.topics.get(topic);
    if (!subscribers) return;
    subscribers.delete(connection);
    if (subscribers.size === 0) this.topics.delete(topic);
  }
}
