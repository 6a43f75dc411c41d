// A push source as a stream: a producer that is called back (model tokens, workflow progress, pty output) pushes
// items in; the stream loop pulls them out at the pace the reader allows. Producers that can wait await ready();
// producers that cannot (a model's token callback) give a merge that folds a new item into the queue once it is at
// its high-water mark (concatenate text, replace a step's older state), so the queue never grows without bound.
import { errorMessage } from '@pa/shared';

export interface ChannelOptions<T> {
  /** Queue length at which ready() waits and merge is asked to fold (default 256). */
  highWaterMark?: number;
  /** Folds `item` into the full queue (mutating it) and returns true, or returns false to queue it anyway. */
  merge?: (queue: T[], item: T) => boolean;
}

type Outcome<R> = { kind: 'end'; value: R } | { kind: 'error'; error: unknown };

export class Channel<T, R> implements AsyncIterable<T, R, undefined> {
  private queue: T[] = [];
  private outcome: Outcome<R> | null = null;
  private reader: ((next: IteratorResult<T, R> | Outcome<R>) => void) | null = null;
  private readonly drained: Array<() => void> = [];
  private readonly highWaterMark: number;

  constructor(private readonly options: ChannelOptions<T> = {}) {
    this.highWaterMark = options.highWaterMark ?? 256;
  }

  /** Items waiting to be read. */
  get size(): number {
    return this.queue.length;
  }

  get closed(): boolean {
    return this.outcome !== null;
  }

  push(item: T): void {
    if (this.outcome) return;
    if (this.reader) {
      const reader = this.reader;
      this.reader = null;
      reader({ done: false, value: item });
      return;
    }
    if (this.queue.length >= this.highWaterMark && this.options.merge?.(this.queue, item)) return;
    this.queue.push(item);
  }

  end(result: R): void {
    this.close({ kind: 'end', value: result });
  }

  fail(error: unknown): void {
    this.close({ kind: 'error', error });
  }

  /** Resolves once the queue is below its high-water mark (at once when it is, or when the channel closed). */
  ready(): Promise<void> {
    if (this.queue.length < this.highWaterMark || this.outcome) return Promise.resolve();
    return new Promise((resolve) => this.drained.push(resolve));
  }

  [Symbol.asyncIterator](): AsyncIterator<T, R, undefined> {
    return {
      next: () => this.next(),
      return: async (value?: R | PromiseLike<R>) => {
        this.close({ kind: 'error', error: new Error('The reader stopped.') });
        return { done: true, value: (await value) as R };
      },
    };
  }

  private async next(): Promise<IteratorResult<T, R>> {
    if (this.queue.length > 0) {
      const item = this.queue.shift() as T;
      if (this.queue.length < this.highWaterMark) for (const resolve of this.drained.splice(0)) resolve();
      return { done: false, value: item };
    }
    const outcome =
      this.outcome ?? (await new Promise<IteratorResult<T, R> | Outcome<R>>((resolve) => (this.reader = resolve)));
    if (!('kind' in outcome)) return outcome;
    if (outcome.kind === 'end') return { done: true, value: outcome.value };
    throw outcome.error instanceof Error ? outcome.error : new Error(errorMessage(outcome.error));
  }

  private close(outcome: Outcome<R>): void {
    if (this.outcome) return;
    this.outcome = outcome;
    for (const resolve of this.drained.splice(0)) resolve();
    if (this.reader && this.queue.length === 0) {
      const reader = this.reader;
      this.reader = null;
      reader(outcome);
    }
  }
}
