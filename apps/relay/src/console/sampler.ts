// The console's history: every second the relay's counters are read and turned into one sample (gauges as they are,
// counters as per-second rates since the sample before), kept in a ring buffer of the last few minutes.

/** What the relay's own metrics say at one instant (counters are totals since start). */
export interface Reading {
  signal: number;
  sync: number;
  rooms: number;
  messagesIn: number;
  messagesOut: number;
  bytesIn: number;
  bytesOut: number;
  rejected: number;
  storedBytes: number;
  rssBytes: number;
}

export interface Sample {
  /** Unix time, seconds (uPlot's x axis). */
  t: number;
  signal: number;
  sync: number;
  rooms: number;
  messagesInPerSecond: number;
  messagesOutPerSecond: number;
  bytesInPerSecond: number;
  bytesOutPerSecond: number;
  rejectedPerSecond: number;
  storedBytes: number;
  rssBytes: number;
}

/** Column-wise samples, oldest first: what uPlot draws from directly. */
export type Series = { [K in keyof Sample]: number[] };

const KEYS: Array<keyof Sample> = [
  't',
  'signal',
  'sync',
  'rooms',
  'messagesInPerSecond',
  'messagesOutPerSecond',
  'bytesInPerSecond',
  'bytesOutPerSecond',
  'rejectedPerSecond',
  'storedBytes',
  'rssBytes',
];

export class RingBuffer<T> {
  private readonly items: Array<T | undefined>;
  private next = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    this.items = new Array<T | undefined>(capacity);
  }

  push(item: T): void {
    this.items[this.next] = item;
    this.next = (this.next + 1) % this.capacity;
    this.count = Math.min(this.capacity, this.count + 1);
  }

  get size(): number {
    return this.count;
  }

  /** Oldest first. */
  toArray(): T[] {
    const out: T[] = [];
    const start = (this.next - this.count + this.capacity) % this.capacity;
    for (let i = 0; i < this.count; i += 1) out.push(this.items[(start + i) % this.capacity] as T);
    return out;
  }

  last(): T | undefined {
    return this.count === 0 ? undefined : this.items[(this.next - 1 + this.capacity) % this.capacity];
  }
}

export class Sampler {
  private readonly samples: RingBuffer<Sample>;
  private previous: { at: number; reading: Reading } | null = null;

  constructor(
    private readonly read: () => Reading,
    private readonly clock: () => number,
    capacity = 300,
  ) {
    this.samples = new RingBuffer<Sample>(capacity);
  }

  /** Reads the counters now; the first call only sets the baseline for the rates. */
  tick(): Sample | null {
    const at = this.clock();
    const reading = this.read();
    const previous = this.previous;
    this.previous = { at, reading };
    if (!previous || at <= previous.at) return null;
    const seconds = (at - previous.at) / 1000;
    // a counter never goes down; if one did (it cannot here), a rate of 0 beats a negative spike
    const rate = (key: keyof Reading) => Math.max(0, (reading[key] - previous.reading[key]) / seconds);
    const sample: Sample = {
      t: Math.round(at / 100) / 10,
      signal: reading.signal,
      sync: reading.sync,
      rooms: reading.rooms,
      messagesInPerSecond: round(rate('messagesIn')),
      messagesOutPerSecond: round(rate('messagesOut')),
      bytesInPerSecond: round(rate('bytesIn')),
      bytesOutPerSecond: round(rate('bytesOut')),
      rejectedPerSecond: round(rate('rejected')),
      storedBytes: reading.storedBytes,
      rssBytes: reading.rssBytes,
    };
    this.samples.push(sample);
    return sample;
  }

  latest(): Sample | undefined {
    return this.samples.last();
  }

  series(): Series {
    const list = this.samples.toArray();
    const out = {} as Series;
    for (const key of KEYS) out[key] = list.map((sample) => sample[key]);
    return out;
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
