// The one connection loop behind every transport (WebSocket, Electron MessagePort, parent process, in-process):
// frames in → calls answered, streams run with credit-based flow control, cancels honoured; on close every stream
// the connection opened is aborted and the connection leaves the broadcast set.
import { ErrorCode, PaError, type RequestId, STREAM_WINDOW, toWireError } from '@pa/shared';
import { type ConnectionSet, OutboundConnection } from './connection.js';
import type { CallContext } from './handlers.js';
import type { Answer, Decoded, Router } from './router.js';

export interface ServeOptions {
  router: Router;
  /** The broadcast set this connection joins (files.changed, workspace.changed…); omitted for a private one. */
  connections?: ConnectionSet;
  /** Sends one frame to the peer. */
  send: (frame: string) => void;
  /** Who the peer is, for audit rows ('ui', 'cli', 'parent', …). */
  actor?: string;
}

export interface ServedConnection {
  readonly connection: OutboundConnection;
  /** One frame from the peer. */
  receive(raw: string | Buffer): void;
  /** The peer went away: streams stop, the connection leaves the set. Safe to call twice. */
  close(): void;
  /** Streams running now, for tests and diagnostics. */
  readonly openStreams: number;
}

/**
 * Streams one connection may have open at once (each holds a producer and ~3.5 KB here): far above what the UI
 * opens (a chat, an edit, a few followed runs and terminals), low enough that a hostile client cannot exhaust the
 * engine by opening streams it never reads.
 */
export const MAX_STREAMS_PER_CONNECTION = 512;

export function serveConnection(options: ServeOptions): ServedConnection {
  const { router } = options;
  const connection = new OutboundConnection(options.send);
  const leave = options.connections?.add(connection);
  const ctx: CallContext = { connection, actor: options.actor ?? 'ui' };
  const streams = new Map<RequestId, EngineStream>();

  /**
   * A frame other than its credit or cancel that carries an open stream's id (a second request, a refused frame)
   * would be answered under that id while the stream goes on; the stream is stopped instead, so the peer hears one
   * error for the id and nothing after it.
   */
  const refuseReuse = (id: RequestId, error: Answer | null): void => {
    const stream = streams.get(id);
    streams.delete(id);
    stream?.abort();
    connection.send(
      error ?? {
        id,
        error: new PaError(
          ErrorCode.BAD_REQUEST,
          `Request id ${id} belongs to a stream still open on this connection; the stream is stopped.`,
        ).toWire(),
      },
    );
  };

  const receive = (raw: string | Buffer): void => {
    const decoded = router.decode(raw);
    switch (decoded.kind) {
      case 'answer':
        if (decoded.answer.id !== null && streams.has(decoded.answer.id))
          refuseReuse(decoded.answer.id, decoded.answer);
        else connection.send(decoded.answer);
        return;
      case 'call':
        if (streams.has(decoded.id)) refuseReuse(decoded.id, null);
        else void router.invoke(decoded, ctx).then((answer) => connection.send(answer));
        return;
      case 'control': {
        const stream = streams.get(decoded.control.id);
        if (!stream) return; // already ended: a late credit or cancel is not an error
        if ('credit' in decoded.control) stream.grant(decoded.control.credit);
        else stream.cancel();
        return;
      }
      case 'stream': {
        if (streams.has(decoded.id)) {
          refuseReuse(decoded.id, null);
          return;
        }
        if (streams.size >= MAX_STREAMS_PER_CONNECTION) {
          connection.send({
            id: decoded.id,
            error: new PaError(
              ErrorCode.UNAVAILABLE,
              `This connection already has ${MAX_STREAMS_PER_CONNECTION} streams open; finish or cancel one first.`,
            ).toWire(),
          });
          return;
        }
        const stream = new EngineStream(decoded, ctx, connection, router);
        streams.set(decoded.id, stream);
        void stream.run().finally(() => {
          if (streams.get(decoded.id) === stream) streams.delete(decoded.id);
        });
        return;
      }
    }
  };

  // closing the connection (the peer went, or the engine stops: ConnectionSet.closeAll) stops its streams
  connection.onDidClose(() => {
    leave?.();
    for (const stream of streams.values()) stream.abort();
    streams.clear();
  });
  return {
    connection,
    receive,
    close: () => connection.close(),
    get openStreams() {
      return streams.size;
    },
  };
}

const ABORTED = Symbol('aborted');

/** One running stream: pulls its source while the reader has credit, sends items in batches, then the end. */
class EngineStream {
  private readonly controller = new AbortController();
  private credit = STREAM_WINDOW;
  private batch: unknown[] = [];
  private flushScheduled = false;
  private cancelledByPeer = false;
  private wakeForCredit: (() => void) | null = null;
  /** Settles the pull in flight with ABORTED, so a producer parked on an await is left there at once. */
  private interruptPull: ((aborted: typeof ABORTED) => void) | null = null;

  constructor(
    private readonly request: Extract<Decoded, { kind: 'stream' }>,
    private readonly ctx: CallContext,
    private readonly connection: OutboundConnection,
    private readonly router: Router,
  ) {}

  /**
   * A reader grants what it took, so its credit never rises above the window; a larger grant is held to the window,
   * or a peer that grants without reading would have the engine send (and buffer for it) without bound.
   */
  grant(credit: number): void {
    this.credit = Math.min(STREAM_WINDOW, this.credit + credit);
    const wake = this.wakeForCredit;
    this.wakeForCredit = null;
    wake?.();
  }

  /** The peer asked to stop: the producer is aborted and the peer hears E_CANCELLED. */
  cancel(): void {
    this.cancelledByPeer = true;
    this.abort();
  }

  /** Stops the producer (peer gone, engine stopping); nothing more is sent. */
  abort(): void {
    this.controller.abort(new PaError(ErrorCode.CANCELLED, `${this.request.method} was cancelled.`));
    this.wakeForCredit?.();
    this.interruptPull?.(ABORTED);
  }

  async run(): Promise<void> {
    const { id, method } = this.request;
    const signal = this.controller.signal;
    let iterator: AsyncIterator<unknown, unknown, undefined> | null = null;
    try {
      const source = await this.request.handler(this.request.params as never, { ...this.ctx, signal });
      iterator = source[Symbol.asyncIterator]();
      while (!signal.aborted) {
        if (this.credit <= 0) {
          this.flush();
          await new Promise<void>((resolve) => {
            this.wakeForCredit = resolve;
          });
          continue;
        }
        const next = await this.pull(iterator);
        this.interruptPull = null;
        if (next === ABORTED) break;
        if (next.done) {
          this.flush();
          this.connection.send({ id, result: next.value });
          return;
        }
        this.batch.push(next.value);
        this.credit -= 1;
        this.scheduleFlush();
      }
    } catch (error) {
      if (!signal.aborted) {
        this.flush();
        const wire = toWireError(error);
        if (wire.code === ErrorCode.INTERNAL) this.router.reportInternal(method, error);
        this.connection.send({ id, error: wire });
        return;
      }
    }
    // aborted: tell the producer (a generator parked on an await finishes there and sees the signal)
    this.batch = [];
    void iterator?.return?.(undefined).catch(() => {});
    if (this.cancelledByPeer) {
      this.connection.send({ id, error: new PaError(ErrorCode.CANCELLED, `${method} was cancelled.`).toWire() });
    }
  }

  /**
   * The source's next item, or ABORTED as soon as the stream is aborted. Not a Promise.race against one promise
   * that settles on abort: each race would leave a reaction on it until the stream ends (hundreds of bytes per item).
   */
  private pull(
    iterator: AsyncIterator<unknown, unknown, undefined>,
  ): Promise<IteratorResult<unknown> | typeof ABORTED> {
    return new Promise((resolve, reject) => {
      this.interruptPull = resolve;
      iterator.next().then(resolve, reject);
    });
  }

  /** Items ready in the same turn go out as one frame. */
  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    if (this.batch.length === 0 || this.controller.signal.aborted) return;
    const items = this.batch;
    this.batch = [];
    this.connection.send({ id: this.request.id, items });
  }
}
