// RpcStreams for a client whose connection is not there yet (ReconnectingClient): one that starts once the
// connection is up, and one that has already failed. Both behave as the stream they stand for: one reader, items
// pulled, `result` settles once, cancel() or the signal stops it.
import { ErrorCode, PaError } from './errors.js';
import type { RpcStream, StreamOptions } from './stream.js';

/** A stream that failed before it started (no connection): iterating throws `error` once, `result` rejects. */
export function failedStream<I, R>(error: PaError): RpcStream<I, R> {
  const result = Promise.reject<R>(error);
  result.catch(() => {}); // read through `result` by whoever wants it
  let reported = false;
  return {
    result,
    cancel: () => {},
    [Symbol.asyncIterator]: () => ({
      next: async (): Promise<IteratorResult<I, undefined>> => {
        if (reported) return { done: true, value: undefined };
        reported = true;
        throw error;
      },
      return: async () => ({ done: true, value: undefined }),
    }),
  };
}

/**
 * A stream started by `start` once `ready` gives the means to; cancelled (or aborted) before that, it never starts
 * and ends with E_CANCELLED. If `ready` rejects, the stream fails with that error.
 */
export function deferredStream<C, I, R>(
  ready: Promise<C>,
  start: (connection: C) => RpcStream<I, R>,
  options: StreamOptions = {},
): RpcStream<I, R> {
  let inner: RpcStream<I, R> | null = null;
  let cancelled = false;
  let iterating = false;
  const cancel = () => {
    if (inner) inner.cancel();
    else cancelled = true;
  };
  const signal = options.signal;
  if (signal?.aborted) cancelled = true;
  else signal?.addEventListener('abort', cancel, { once: true });
  const started = ready.then((connection) => {
    signal?.removeEventListener('abort', cancel); // the started stream listens to the signal itself
    if (cancelled) throw new PaError(ErrorCode.CANCELLED, 'The stream was cancelled before it started.');
    inner = start(connection);
    return inner;
  });
  const result = started.then((stream) => stream.result);
  result.catch(() => {});
  return {
    result,
    cancel,
    [Symbol.asyncIterator]() {
      if (iterating) throw new Error('A stream has one reader: it can be iterated only once.');
      iterating = true;
      let iterator: AsyncIterator<I, undefined, undefined> | null = null;
      let finished = false;
      return {
        next: async (): Promise<IteratorResult<I, undefined>> => {
          if (finished) return { done: true, value: undefined };
          let stream: RpcStream<I, R>;
          try {
            stream = await started;
          } catch (error) {
            finished = true;
            if (error instanceof PaError && error.code === ErrorCode.CANCELLED) return { done: true, value: undefined };
            throw error;
          }
          iterator ??= stream[Symbol.asyncIterator]();
          return iterator.next();
        },
        return: async () => {
          finished = true;
          if (iterator?.return) return iterator.return();
          cancel();
          return { done: true, value: undefined };
        },
      };
    },
  };
}
