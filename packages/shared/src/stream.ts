// The reading side of a typed stream: items as an async iterable, then a result. Flow control is by credit: the
// engine may send STREAM_WINDOW items beyond what this reader has taken, and the reader grants more as it takes
// them, so an unread stream holds at most one window of items and a fast producer waits for a slow reader.
import { ErrorCode, PaError } from './errors.js';
import { STREAM_WINDOW } from './rpc.js';

/** The slice of AbortSignal used here (this package has neither DOM nor Node types). */
export interface AbortSignalLike {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

export interface StreamOptions {
  /** Aborting it cancels the stream (the engine stops producing). */
  signal?: AbortSignalLike | undefined;
}

/** A stream of items that ends with a result. One reader: iterate it once. */
export interface RpcStream<I, R> extends AsyncIterable<I, undefined, undefined> {
  /**
   * The value the stream ended with, once its items are read; rejects with the stream's error, or E_CANCELLED
   * when it was cancelled. Rejections nobody awaits are not reported as unhandled.
   */
  readonly result: Promise<R>;
  /** Stops the stream; the reader's loop ends without an error. Nothing happens once the stream has ended. */
  cancel(): void;
}

type Parsed<T> = { success: true; data: T } | { success: false };

export interface ClientStreamOptions<I, R> {
  method: string;
  parseItem: (raw: unknown) => Parsed<I>;
  parseResult: (raw: unknown) => Parsed<R>;
  /** Sends a control frame for this stream (the client adds the id): a credit grant or a cancel. */
  send: (frame: { credit: number } | { cancel: true }) => void;
  /** Called once the stream is settled, so the client drops it. */
  forget: () => void;
  signal?: AbortSignalLike | undefined;
}

type Waiter<I> = { resolve: (next: IteratorResult<I, undefined>) => void; reject: (error: unknown) => void };

export class ClientStream<I, R> implements RpcStream<I, R> {
  readonly result: Promise<R>;
  private readonly queue: I[] = [];
  private head = 0;
  private waiter: Waiter<I> | null = null;
  /** null while items may still come; then how it ended. */
  private outcome: { kind: 'end'; value: R } | { kind: 'error'; error: PaError } | { kind: 'cancelled' } | null = null;
  /** The error the reader has not been told of yet (thrown once from next(), then the loop is done). */
  private unreported: PaError | null = null;
  private received = 0;
  private granted = STREAM_WINDOW;
  private taken = 0;
  private iterating = false;
  private settle!: { resolve: (value: R) => void; reject: (error: PaError) => void };
  private readonly onAbort = () => this.cancel();

  constructor(private readonly options: ClientStreamOptions<I, R>) {
    this.result = new Promise<R>((resolve, reject) => {
      this.settle = { resolve, reject };
    });
    this.result.catch(() => {}); // read through `result` by whoever wants it; never an unhandled rejection
    const signal = options.signal;
    if (signal?.aborted) this.finish({ kind: 'cancelled' });
    else signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  get settled(): boolean {
    return this.outcome !== null;
  }

  /** Items from one `{id, items}` frame. */
  receive(raw: unknown[]): void {
    if (this.outcome) return;
    this.received += raw.length;
    if (this.received > this.granted) {
      this.abandon(
        new PaError(ErrorCode.INTERNAL, `The engine sent ${this.options.method} items beyond the stream's window.`),
      );
      return;
    }
    for (const value of raw) {
      const item = this.options.parseItem(value);
      if (!item.success) {
        this.abandon(
          new PaError(ErrorCode.INTERNAL, `The engine sent a ${this.options.method} item of an unexpected shape.`),
        );
        return;
      }
      this.queue.push(item.data);
    }
    this.wake();
  }

  /** The `{id, result}` frame that ends the stream. */
  end(raw: unknown): void {
    if (this.outcome) return;
    const result = this.options.parseResult(raw);
    if (result.success) this.finish({ kind: 'end', value: result.data });
    else
      this.finish({
        kind: 'error',
        error: new PaError(ErrorCode.INTERNAL, `The engine ended ${this.options.method} with an unexpected shape.`),
      });
  }

  /** An `{id, error}` frame, a refused request or a closed connection. */
  fail(error: PaError): void {
    if (this.outcome) return;
    this.finish({ kind: 'error', error });
  }

  cancel(): void {
    if (this.outcome) return;
    this.options.send({ cancel: true });
    this.finish({ kind: 'cancelled' });
  }

  [Symbol.asyncIterator](): AsyncIterator<I, undefined, undefined> {
    if (this.iterating) throw new Error('A stream has one reader: it can be iterated only once.');
    this.iterating = true;
    return {
      next: () => this.next(),
      return: async () => {
        this.cancel();
        return { done: true, value: undefined };
      },
    };
  }

  private next(): Promise<IteratorResult<I, undefined>> {
    if (this.head < this.queue.length) return Promise.resolve({ done: false, value: this.take() });
    if (this.unreported) {
      const error = this.unreported;
      this.unreported = null;
      return Promise.reject(error);
    }
    if (this.outcome) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  private take(): I {
    const item = this.queue[this.head] as I;
    this.queue[this.head] = undefined as I; // let it be collected before the queue is compacted
    this.head += 1;
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
    } else if (this.head >= STREAM_WINDOW) {
      // a reader that never quite catches up would otherwise grow the array by one slot per item ever received;
      // at most a window of items is unread, so this moves at most that many once per window taken
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    this.taken += 1;
    // grant in halves of the window: one small frame per STREAM_WINDOW/2 items read
    if (!this.outcome && this.taken >= STREAM_WINDOW / 2) {
      this.granted += this.taken;
      this.options.send({ credit: this.taken });
      this.taken = 0;
    }
    return item;
  }

  private wake(): void {
    const waiter = this.waiter;
    if (!waiter) return;
    if (this.head < this.queue.length) {
      this.waiter = null;
      waiter.resolve({ done: false, value: this.take() });
    } else if (this.unreported) {
      this.waiter = null;
      const error = this.unreported;
      this.unreported = null;
      waiter.reject(error);
    } else if (this.outcome) {
      this.waiter = null;
      waiter.resolve({ done: true, value: undefined });
    }
  }

  /** Stops a stream the engine broke (tells the engine to stop too) and reports why. */
  private abandon(error: PaError): void {
    this.options.send({ cancel: true });
    this.finish({ kind: 'error', error });
  }

  private finish(outcome: NonNullable<ClientStream<I, R>['outcome']>): void {
    this.outcome = outcome;
    this.options.signal?.removeEventListener('abort', this.onAbort);
    this.options.forget();
    if (outcome.kind === 'end') this.settle.resolve(outcome.value);
    else if (outcome.kind === 'error') {
      this.unreported = outcome.error;
      this.settle.reject(outcome.error);
    } else {
      this.queue.length = 0; // a cancelled stream's unread items are dropped
      this.head = 0;
      this.settle.reject(new PaError(ErrorCode.CANCELLED, `${this.options.method} was cancelled.`));
    }
    this.wake();
  }
}

/**
 * An RpcStream over a pull function, for a stream that crossed a boundary which cannot carry an async iterable
 * (Electron's contextBridge): each `pull()` asks the far side for its next item or its end.
 */
export function pulledStream<I, R>(
  pull: () => Promise<{ done: false; value: I } | { done: true; value: R }>,
  cancel: () => void,
): RpcStream<I, R> {
  let settle!: { resolve: (value: R) => void; reject: (error: unknown) => void };
  const result = new Promise<R>((resolve, reject) => {
    settle = { resolve, reject };
  });
  result.catch(() => {});
  let finished = false;
  let iterating = false;
  const stop = () => {
    if (finished) return;
    finished = true;
    cancel();
    settle.reject(new PaError(ErrorCode.CANCELLED, 'The stream was cancelled.'));
  };
  return {
    result,
    cancel: stop,
    [Symbol.asyncIterator]() {
      if (iterating) throw new Error('A stream has one reader: it can be iterated only once.');
      iterating = true;
      return {
        next: async (): Promise<IteratorResult<I, undefined>> => {
          if (finished) return { done: true, value: undefined };
          try {
            const next = await pull();
            if (!next.done) return { done: false, value: next.value };
            finished = true;
            settle.resolve(next.value);
            return { done: true, value: undefined };
          } catch (error) {
            if (finished) return { done: true, value: undefined };
            finished = true;
            settle.reject(error);
            throw error;
          }
        },
        return: async () => {
          stop();
          return { done: true, value: undefined };
        },
      };
    },
  };
}
