import { describe, expect, it } from 'vitest';
import { LocalFanout, RoomSequencer, type SequencedRow } from './fanout.js';

const bytes = (seq: number) => new Uint8Array([seq]);

function sequencer(stored: number[], options: { gapMs?: number; maxEarly?: number } = {}) {
  const delivered: Array<{ seq: number; origin?: string }> = [];
  const late: number[] = [];
  const jumps: number[] = [];
  const reads: number[] = [];
  const seq = new RoomSequencer<string>({
    deliver: (row: SequencedRow<string>) =>
      delivered.push(row.origin === undefined ? { seq: row.seq } : { seq: row.seq, origin: row.origin }),
    late: (row) => late.push(row.seq),
    jumped: (at) => jumps.push(at),
    rowsAfter: async (after, limit) => {
      reads.push(after);
      return stored
        .filter((s) => s > after)
        .slice(0, limit)
        .map((s) => ({ seq: s, data: bytes(s) }));
    },
    gapMs: options.gapMs ?? 20,
    maxEarly: options.maxEarly ?? 100,
    page: 2,
    onError: (error) => {
      throw error;
    },
  });
  return { seq, delivered, late, jumps, reads };
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('RoomSequencer', () => {
  it('delivers in order whatever order rows arrive in, and drops what was delivered', () => {
    const { seq, delivered, late } = sequencer([]);
    seq.start(4);
    seq.offer({ seq: 6, data: bytes(6) });
    seq.offer({ seq: 3, data: bytes(3) });
    expect(delivered).toEqual([]);
    seq.offer({ seq: 5, data: bytes(5), origin: 'me' });
    seq.offer({ seq: 6, data: bytes(6) });
    seq.offer({ seq: 5, data: bytes(5), origin: 'me' });
    expect(delivered).toEqual([{ seq: 5, origin: 'me' }, { seq: 6 }]);
    // a local commit that arrives after its row was delivered still gets its ACK
    expect(late).toEqual([5]);
    seq.close();
  });

  it('holds rows until started, then delivers only those past the log head', () => {
    const { seq, delivered, jumps } = sequencer([]);
    seq.offer({ seq: 3, data: bytes(3) });
    seq.offer({ seq: 4, data: bytes(4) });
    expect(delivered).toEqual([]);
    seq.start(3);
    expect(jumps).toEqual([3]);
    expect(delivered).toEqual([{ seq: 4 }]);
    seq.close();
  });

  it('reads a gap that stays open from storage, keeping the writer of a held row', async () => {
    const { seq, delivered, reads } = sequencer([1, 2, 3, 4, 5]);
    seq.start(1);
    seq.offer({ seq: 4, data: bytes(4), origin: 'me' });
    await wait(60);
    expect(reads[0]).toBe(1);
    expect(delivered).toEqual([{ seq: 2 }, { seq: 3 }, { seq: 4, origin: 'me' }, { seq: 5 }]);
    seq.close();
  });

  it('reads storage at once when too many rows are held, and on resync', async () => {
    const { seq, delivered } = sequencer([1, 2, 3, 4, 5, 6], { gapMs: 10_000, maxEarly: 2 });
    seq.start(0);
    seq.offer({ seq: 4, data: bytes(4) });
    seq.offer({ seq: 5, data: bytes(5) });
    seq.offer({ seq: 6, data: bytes(6) });
    await wait(10);
    expect(delivered.map((row) => row.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    seq.close();

    const other = sequencer([1, 2, 3], { gapMs: 10_000 });
    other.seq.start(1);
    other.seq.resync();
    await wait(10);
    expect(other.delivered.map((row) => row.seq)).toEqual([2, 3]);
    other.seq.head(3);
    await wait(10);
    expect(other.reads).toEqual([1, 3]);
    other.seq.close();
  });

  it('reports a jump when storage compacted rows away', async () => {
    const { seq, delivered, jumps } = sequencer([7, 8]);
    seq.start(2);
    seq.resync();
    await wait(10);
    expect(jumps).toEqual([2, 6]);
    expect(delivered.map((row) => row.seq)).toEqual([7, 8]);
    seq.close();
  });
});

describe('LocalFanout', () => {
  it('counts seats on this relay alone', async () => {
    const fanout = new LocalFanout();
    expect(await fanout.acquire('room', 2)).toBe(true);
    expect(await fanout.acquire('room', 2)).toBe(true);
    expect(await fanout.acquire('room', 2)).toBe(false);
    fanout.release('room');
    expect(await fanout.acquire('room', 2)).toBe(true);
    expect(await fanout.health()).toEqual({ kind: 'local', ok: true });
  });
});
