import { describe, expect, it } from 'vitest';
import { ErrorCode } from './errors.js';
import { STREAM_WINDOW } from './rpc.js';
import { ClientStream } from './stream.js';

/** A stream fed the way the engine feeds one: never beyond the credit its reader has granted. */
function fedStream() {
  let credit = STREAM_WINDOW;
  let next = 0;
  const stream = new ClientStream<number, string>({
    method: 'test.stream',
    parseItem: (raw) => (typeof raw === 'number' ? { success: true, data: raw } : { success: false }),
    parseResult: (raw) => (typeof raw === 'string' ? { success: true, data: raw } : { success: false }),
    send: (frame) => {
      if ('credit' in frame) credit += frame.credit;
    },
    forget: () => {},
  });
  /** Sends what the credit allows, in frames of up to `size` items. */
  const pump = (size: number) => {
    while (credit > 0) {
      const count = Math.min(size, credit);
      stream.receive(Array.from({ length: count }, () => next++));
      credit -= count;
    }
  };
  return { stream, pump };
}

describe('ClientStream', () => {
  it('gives a reader that never catches up every item in order, across many windows', async () => {
    const { stream, pump } = fedStream();
    const iterator = stream[Symbol.asyncIterator]();
    pump(64);
    const total = 20 * STREAM_WINDOW;
    for (let i = 0; i < total; i++) {
      const next = await iterator.next();
      expect(next).toEqual({ done: false, value: i });
      // new frames arrive while items are still unread, so the queue is never empty
      if (i % 32 === 0) pump(64);
    }
    stream.end('done');
    await expect(stream.result).resolves.toBe('done');
  });

  it('refuses items beyond the credit it granted', async () => {
    const stream = new ClientStream<number, string>({
      method: 'test.stream',
      parseItem: (raw) => ({ success: true, data: raw as number }),
      parseResult: (raw) => ({ success: true, data: raw as string }),
      send: () => {},
      forget: () => {},
    });
    stream.receive(Array.from({ length: STREAM_WINDOW + 1 }, (_, i) => i));
    await expect(stream.result).rejects.toMatchObject({ code: ErrorCode.INTERNAL });
  });
});
