// Fan-out between relays: what one relay commits or relays for a room (a stored update with its sequence, an
// awareness frame, the ids that left, a compaction) and what a y-webrtc peer publishes on a signaling topic reaches
// the members other relays hold of the same room or topic. One relay alone needs none of it (LocalFanout: today's
// behaviour); several share it through Redis (fanout-redis.ts). Also here: the cross-relay seat counters that keep a
// room's limits whole when its members are spread over relays, and the per-room sequencer that turns what arrives
// (local commits, Redis messages, rows read back from storage) into one gap-free, duplicate-free run of sequences.

/** What other relays sent for rooms and topics this relay holds members of. */
export interface FanoutHandlers {
  /** A row another relay committed: (seq, ciphertext) exactly as stored. */
  update(roomId: string, seq: number, data: Uint8Array): void;
  /**
   * A relay announces the room's log reaches at least `seq` (sent after it could not publish some of its commits):
   * whoever is behind reads the rest from storage.
   */
  head(roomId: string, seq: number): void;
  awareness(roomId: string, data: Uint8Array): void;
  peerLeft(roomId: string, clientIds: number[]): void;
  snapshotStored(roomId: string, upTo: number): void;
  /** A y-webrtc publish on a topic, as the JSON text the publishing relay sent its own subscribers. */
  signal(topic: string, text: string): void;
  /** Messages may have been missed (the subscription dropped and came back): every room resyncs from storage. */
  lost(): void;
}

export interface FanoutHealth {
  /** 'local': one relay, nothing to reach; 'redis': whether Redis answered a PING just now. */
  kind: 'local' | 'redis';
  ok: boolean;
  latencyMs?: number;
  error?: string;
}

export interface Fanout {
  readonly kind: 'local' | 'redis';
  /** This relay's id in the cluster (random per process start). */
  readonly relayId: string;
  /** Receivers of what other relays send; set once, by SyncRooms and Signaling, each for its half. */
  handle(handlers: Partial<FanoutHandlers>): void;
  /** Subscribes to a room's channel (reference counted: call once per local member); resolves once subscribed. */
  joinRoom(roomId: string): Promise<void>;
  leaveRoom(roomId: string): void;
  joinTopic(topic: string): Promise<void>;
  leaveTopic(topic: string): void;
  publishUpdate(roomId: string, seq: number, data: Uint8Array): void;
  publishAwareness(roomId: string, data: Uint8Array): void;
  publishPeerLeft(roomId: string, clientIds: number[]): void;
  publishSnapshotStored(roomId: string, upTo: number): void;
  publishSignal(topic: string, text: string): void;
  /**
   * Takes one seat of `key` (a room's guests, a topic's subscribers) if fewer than `limit` are taken across every
   * live relay; the seat is this relay's until release(key). Never rejects: without Redis, the local count decides.
   */
  acquire(key: string, limit: number): Promise<boolean>;
  release(key: string): void;
  health(): Promise<FanoutHealth>;
  close(): Promise<void>;
}

/** Seats this relay holds per key: what acquire/release count, and what Redis is told this relay holds. */
export class SeatCounts {
  private readonly counts = new Map<string, number>();

  get(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  add(key: string, delta: number): number {
    const next = Math.max(0, this.get(key) + delta);
    if (next === 0) this.counts.delete(key);
    else this.counts.set(key, next);
    return next;
  }

  entries(): IterableIterator<[string, number]> {
    return this.counts.entries();
  }
}

/** One relay: nobody else to tell, and seats are counted here alone. */
export class LocalFanout implements Fanout {
  readonly kind = 'local' as const;
  readonly relayId = 'local';
  private readonly seats = new SeatCounts();

  handle(): void {}
  async joinRoom(): Promise<void> {}
  leaveRoom(): void {}
  async joinTopic(): Promise<void> {}
  leaveTopic(): void {}
  publishUpdate(): void {}
  publishAwareness(): void {}
  publishPeerLeft(): void {}
  publishSnapshotStored(): void {}
  publishSignal(): void {}

  async acquire(key: string, limit: number): Promise<boolean> {
    if (this.seats.get(key) >= limit) return false;
    this.seats.add(key, 1);
    return true;
  }

  release(key: string): void {
    this.seats.add(key, -1);
  }

  async health(): Promise<FanoutHealth> {
    return { kind: 'local', ok: true };
  }

  async close(): Promise<void> {}
}

/** A committed row on its way to a room's members; `origin` is set on this relay's own commits (it gets the ACK). */
export interface SequencedRow<Origin> {
  seq: number;
  data: Uint8Array;
  origin?: Origin;
}

export interface SequencerOptions<Origin> {
  /** Called once per sequence, in order, with no gaps except where storage itself has none to give (compaction). */
  deliver(row: SequencedRow<Origin>): void;
  /** One of this relay's commits that was already delivered (storage gave the row first): its writer wants the ACK. */
  late(row: SequencedRow<Origin>): void;
  /** The sequence jumped (start, or rows storage no longer has): members behind it must catch up themselves. */
  jumped(seen: number): void;
  /** Rows after `after`, at most `limit`, in order, read from storage (the same read joining clients replay). */
  rowsAfter(after: number, limit: number): Promise<Array<{ seq: number; data: Uint8Array }>>;
  /** Waits this long for a missing sequence to arrive before reading it from storage. */
  gapMs: number;
  /** Rows held while waiting for a missing one; past this, storage is read at once. */
  maxEarly: number;
  /** Rows read from storage per step. */
  page: number;
  onError(error: unknown): void;
}

/**
 * A room's rows arrive from several places (this relay's commits, other relays through Redis, storage) and in any
 * order: two relays commit 5 and 6, and 6's message can overtake 5's. The sequencer holds what is early, drops what
 * was already delivered, and when a sequence stays missing (a message Redis dropped, a disconnect) reads the gap
 * from storage, which has every committed row: so a lost message costs a read, never a row.
 */
export class RoomSequencer<Origin> {
  /** Every sequence up to this one was delivered; null until start() says where the room's log stood. */
  private seen: number | null = null;
  private readonly early = new Map<number, SequencedRow<Origin>>();
  private gapTimer: NodeJS.Timeout | null = null;
  private filling = false;
  /** A fill was asked for while one ran: run another when it ends. */
  private refill = false;
  private closed = false;

  constructor(private readonly options: SequencerOptions<Origin>) {}

  get delivered(): number | null {
    return this.seen;
  }

  /** Where the log stood once this relay subscribed: rows up to it are read from storage by joining members. */
  start(latestSeq: number): void {
    if (this.closed || this.seen !== null) return;
    this.seen = latestSeq;
    this.options.jumped(latestSeq);
    this.drain();
  }

  offer(row: SequencedRow<Origin>): void {
    if (this.closed) return;
    if (this.seen !== null && row.seq <= this.seen) {
      if (row.origin !== undefined) this.options.late(row);
      return;
    }
    const held = this.early.get(row.seq);
    // keep the copy that knows its writer, so the writer gets an ACK rather than its own update back
    if (!held || (held.origin === undefined && row.origin !== undefined)) this.early.set(row.seq, row);
    this.drain();
  }

  /** Something may have been missed (Redis reconnected, another relay's HEAD): read storage past what was delivered. */
  resync(): void {
    if (this.closed || this.seen === null) return;
    void this.fill();
  }

  /** Another relay says the log reaches `seq`. */
  head(seq: number): void {
    if (this.seen !== null && seq > this.seen) this.resync();
  }

  close(): void {
    this.closed = true;
    if (this.gapTimer) clearTimeout(this.gapTimer);
    this.gapTimer = null;
    this.early.clear();
  }

  private drain(): void {
    if (this.seen === null) {
      // not started: hold, within bounds (the oldest go; storage has them)
      while (this.early.size > this.options.maxEarly) this.early.delete(Math.min(...this.early.keys()));
      return;
    }
    for (;;) {
      const next = this.early.get(this.seen + 1);
      if (!next) break;
      this.early.delete(next.seq);
      this.seen = next.seq;
      this.options.deliver(next);
    }
    if (this.early.size === 0) {
      if (this.gapTimer) clearTimeout(this.gapTimer);
      this.gapTimer = null;
      return;
    }
    if (this.early.size > this.options.maxEarly) {
      void this.fill();
      return;
    }
    if (this.gapTimer === null && !this.filling) {
      this.gapTimer = setTimeout(() => {
        this.gapTimer = null;
        void this.fill();
      }, this.options.gapMs);
      this.gapTimer.unref?.();
    }
  }

  /** Reads rows after what was delivered until storage has no more, merging in what is held. */
  private async fill(): Promise<void> {
    if (this.filling) {
      this.refill = true;
      return;
    }
    if (this.gapTimer) clearTimeout(this.gapTimer);
    this.gapTimer = null;
    this.filling = true;
    try {
      do {
        this.refill = false;
        for (;;) {
          if (this.closed || this.seen === null) return;
          const rows = await this.options.rowsAfter(this.seen, this.options.page);
          if (this.closed) return;
          for (const row of rows) {
            if (row.seq <= this.seen) continue;
            const held = this.early.get(row.seq);
            this.early.delete(row.seq);
            if (row.seq > this.seen + 1) {
              // storage has nothing between (compacted into a snapshot): members behind catch up on their own
              this.seen = row.seq - 1;
              this.options.jumped(this.seen);
            }
            this.seen = row.seq;
            this.options.deliver(held ?? { seq: row.seq, data: row.data });
          }
          for (const seq of [...this.early.keys()]) {
            const held = this.early.get(seq);
            if (seq <= this.seen && held) {
              this.early.delete(seq);
              if (held.origin !== undefined) this.options.late(held);
            }
          }
          if (rows.length < this.options.page) break;
        }
      } while (this.refill);
    } catch (error) {
      this.options.onError(error);
      // storage is down: try again later rather than lose the rows held
      if (!this.closed && this.gapTimer === null) {
        this.gapTimer = setTimeout(() => {
          this.gapTimer = null;
          void this.fill();
        }, this.options.gapMs * 10);
        this.gapTimer.unref?.();
      }
      return;
    } finally {
      this.filling = false;
    }
    this.drain();
  }
}
