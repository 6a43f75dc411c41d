// A seeded, in-memory network of Yjs peers for randomized convergence tests (in the style of Yjs's own
// tests/testHelper.js): updates become messages that are delayed, reordered, duplicated or lost to a partition,
// and a healed peer re-syncs with state vectors exactly as y-webrtc/y-websocket do on reconnect.
import * as prng from 'lib0/prng';
import * as Y from 'yjs';

interface Message {
  from: number;
  to: number;
  update: Uint8Array;
  /** Scheduler tick at which the message may be delivered. */
  due: number;
}

export interface NetworkOptions {
  peers: number;
  maxDelay: number;
  /** Chance that a delivered message is delivered again later. */
  duplicate: number;
}

export class SimulatedNetwork {
  readonly docs: Y.Doc[];
  private readonly queue: Message[] = [];
  private readonly cut = new Set<number>();
  private tick = 0;

  constructor(
    private readonly gen: prng.PRNG,
    private readonly options: NetworkOptions,
  ) {
    this.docs = Array.from({ length: options.peers }, (_, index) => {
      const doc = new Y.Doc();
      doc.clientID = index + 1; // stable ids keep a seed's run reproducible
      doc.on('update', (update: Uint8Array, origin: unknown) => {
        if (origin !== this) this.broadcast(index, update);
      });
      return doc;
    });
  }

  isolated(peer: number): boolean {
    return this.cut.has(peer);
  }

  /** Cuts a peer off: messages to or from it are lost until it heals. */
  partition(peer: number): void {
    this.cut.add(peer);
  }

  /** Reconnects a peer: it and every connected peer exchange state vectors and the missing updates. */
  heal(peer: number): void {
    if (!this.cut.delete(peer)) return;
    this.docs.forEach((_, other) => {
      if (other === peer || this.cut.has(other)) return;
      this.send(
        peer,
        other,
        Y.encodeStateAsUpdate(this.docs[peer] as Y.Doc, Y.encodeStateVector(this.docs[other] as Y.Doc)),
      );
      this.send(
        other,
        peer,
        Y.encodeStateAsUpdate(this.docs[other] as Y.Doc, Y.encodeStateVector(this.docs[peer] as Y.Doc)),
      );
    });
  }

  /** Delivers one due message, chosen at random among the due ones (so order is not kept). */
  step(): boolean {
    this.tick += 1;
    const due = this.queue.filter((message) => message.due <= this.tick);
    if (due.length === 0) return this.queue.length > 0;
    const message = prng.oneOf(this.gen, due);
    const duplicate = prng.real53(this.gen) < this.options.duplicate;
    if (!duplicate) this.queue.splice(this.queue.indexOf(message), 1);
    else message.due = this.tick + prng.int32(this.gen, 1, this.options.maxDelay);
    if (!this.cut.has(message.from) && !this.cut.has(message.to)) {
      Y.applyUpdate(this.docs[message.to] as Y.Doc, message.update, this);
    }
    return true;
  }

  /** Heals every partition and delivers until nothing is in flight. */
  settle(): void {
    for (const peer of [...this.cut]) this.heal(peer);
    // Duplicates re-queue themselves with a chance < 1, so this ends; the bound catches a broken scheduler.
    for (let guard = 0; this.queue.length > 0; guard++) {
      if (guard > 10_000_000) throw new Error('network did not settle');
      this.tick = Math.max(this.tick, Math.min(...this.queue.map((message) => message.due)) - 1);
      this.step();
    }
  }

  private broadcast(from: number, update: Uint8Array): void {
    this.docs.forEach((_, to) => {
      if (to !== from) this.send(from, to, update);
    });
  }

  private send(from: number, to: number, update: Uint8Array): void {
    // A message sent across a partition is lost, as on a real dropped connection.
    if (this.cut.has(from) || this.cut.has(to)) return;
    this.queue.push({ from, to, update, due: this.tick + prng.int32(this.gen, 0, this.options.maxDelay) });
  }
}
