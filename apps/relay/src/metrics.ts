// Counters and gauges for `/metrics` in the Prometheus text format, plus a messages-per-second gauge over a
// sliding 10 s window (Prometheus can rate() the counters too; the gauge is for humans and simple probes).
import type { RelayErrorCode } from '@pa/shared/relay/protocol';

export type Endpoint = 'signal' | 'sync';
export type RejectReason = RelayErrorCode | 'connection_limit';

const WINDOW_S = 10;

export class Metrics {
  readonly connections: Record<Endpoint, number> = { signal: 0, sync: 0 };
  connectionsTotal = 0;
  readonly messagesIn: Record<Endpoint, number> = { signal: 0, sync: 0 };
  messagesOut = 0;
  bytesIn = 0;
  bytesOut = 0;
  updatesStored = 0;
  snapshotsStored = 0;
  roomsExpired = 0;
  readonly rejected = new Map<RejectReason, number>();
  /** Messages received per whole second, the last WINDOW_S seconds. */
  private readonly buckets = new Array<number>(WINDOW_S).fill(0);
  private bucketSecond = 0;

  constructor(private readonly clock: () => number = Date.now) {}

  received(endpoint: Endpoint, bytes: number): void {
    this.messagesIn[endpoint] += 1;
    this.bytesIn += bytes;
    const buckets = this.bucket();
    buckets[0] = (buckets[0] ?? 0) + 1;
  }

  sent(bytes: number): void {
    this.messagesOut += 1;
    this.bytesOut += bytes;
  }

  reject(reason: RejectReason): void {
    this.rejected.set(reason, (this.rejected.get(reason) ?? 0) + 1);
  }

  messagesPerSecond(): number {
    this.bucket();
    // the current second is partial: average over the completed ones
    return this.buckets.slice(1).reduce((sum, n) => sum + n, 0) / (WINDOW_S - 1);
  }

  render(gauges: {
    rooms: number;
    storedRooms: number;
    storedRows: number;
    rssBytes: number;
    /** Stored bytes (rows + snapshots) and the caps they are held to, for "storage near cap" alerts. */
    storedBytes?: number;
    maxTotalBytes?: number;
    maxRooms?: number;
  }): string {
    const lines: string[] = [];
    const metric = (name: string, type: string, help: string, samples: Array<[string, number]>) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [labels, value] of samples) lines.push(`${name}${labels} ${value}`);
    };
    metric('relay_connections', 'gauge', 'Open WebSocket connections.', [
      ['{endpoint="signal"}', this.connections.signal],
      ['{endpoint="sync"}', this.connections.sync],
    ]);
    metric('relay_connections_total', 'counter', 'Accepted WebSocket connections.', [['', this.connectionsTotal]]);
    metric('relay_rooms', 'gauge', 'Sync rooms with at least one connection.', [['', gauges.rooms]]);
    metric('relay_stored_rooms', 'gauge', 'Rooms kept in storage.', [['', gauges.storedRooms]]);
    metric('relay_stored_updates', 'gauge', 'Update rows kept in storage (after compaction).', [
      ['', gauges.storedRows],
    ]);
    if (gauges.storedBytes !== undefined) {
      metric('relay_stored_bytes', 'gauge', 'Bytes kept in storage (update rows + snapshots).', [
        ['', gauges.storedBytes],
      ]);
    }
    if (gauges.maxTotalBytes !== undefined) {
      metric(
        'relay_storage_limit_bytes',
        'gauge',
        'RELAY_MAX_TOTAL_BYTES: stored bytes beyond which updates are refused.',
        [['', gauges.maxTotalBytes]],
      );
    }
    if (gauges.maxRooms !== undefined) {
      metric('relay_stored_rooms_limit', 'gauge', 'RELAY_MAX_ROOMS: stored rooms beyond which new rooms are refused.', [
        ['', gauges.maxRooms],
      ]);
    }
    metric('relay_messages_total', 'counter', 'Messages received.', [
      ['{endpoint="signal",direction="in"}', this.messagesIn.signal],
      ['{endpoint="sync",direction="in"}', this.messagesIn.sync],
      ['{direction="out"}', this.messagesOut],
    ]);
    metric('relay_messages_per_second', 'gauge', 'Messages received per second over the last 10 s.', [
      ['', Math.round(this.messagesPerSecond() * 100) / 100],
    ]);
    metric('relay_bytes_total', 'counter', 'Payload bytes.', [
      ['{direction="in"}', this.bytesIn],
      ['{direction="out"}', this.bytesOut],
    ]);
    metric('relay_updates_stored_total', 'counter', 'Updates durably stored.', [['', this.updatesStored]]);
    metric('relay_snapshots_stored_total', 'counter', 'Compactions by client snapshot.', [['', this.snapshotsStored]]);
    metric('relay_rooms_expired_total', 'counter', 'Rooms deleted after the expiry period.', [['', this.roomsExpired]]);
    metric(
      'relay_rejected_total',
      'counter',
      'Refused connections and frames by reason.',
      [...this.rejected].map(([reason, n]) => [`{reason="${reason}"}`, n]),
    );
    metric('process_resident_memory_bytes', 'gauge', 'Resident set size.', [['', gauges.rssBytes]]);
    return `${lines.join('\n')}\n`;
  }

  private bucket(): number[] {
    const second = Math.floor(this.clock() / 1000);
    const shift = Math.min(WINDOW_S, second - this.bucketSecond);
    if (shift > 0) {
      for (let i = 0; i < shift; i += 1) {
        this.buckets.pop();
        this.buckets.unshift(0);
      }
      this.bucketSecond = second;
    }
    return this.buckets;
  }
}
