// One terminal: a pty running the shell, a mirror of its screen (mirror.ts: a headless xterm fed lazily, so a reader
// that joins later, after a page reload, starts from the screen as it stands, the alternate screen of vim or htop
// included, not from a byte ring cut in the middle of an escape sequence), and its readers. Output is never queued
// without bound: while any reader, or the mirror, is behind, the pty is not read (pty.pause) and the shell's writes
// block in the kernel, as they would in any terminal that is slow to draw.
import {
  ErrorCode,
  PaError,
  TERMINAL_ACK_WINDOW,
  type TerminalExit,
  type TerminalInfo,
  type TerminalOutput,
} from '@pa/shared';
import type { SerializeAddon } from '@xterm/addon-serialize';
import type { Terminal as HeadlessTerminal } from '@xterm/headless';
import type { IPty } from 'node-pty';
import { Channel } from '../rpc/channel.js';
import { ScreenMirror } from './mirror.js';
import { signalSession } from './watchdog.js';

/** Lines of scrollback the mirror keeps and a reattached reader gets back (VS Code's default). */
export const SCROLLBACK_LINES = 1000;
/** Characters one queued output item grows to while its reader is behind. */
export const MAX_ITEM_CHARS = 256 * 1024;
/** Items queued for one reader at which the pty is paused: with MAX_ITEM_CHARS, about 1 MiB per reader. */
export const READER_QUEUE_LIMIT = 4;
/**
 * Output is batched for at most this long, or up to this many characters (see onData). With STREAM_WINDOW items in
 * flight per reader, FLUSH_CHARS also bounds what a reader that stopped reading has on the wire: 256 × 16 Ki.
 */
export const FLUSH_MS = 5;
export const FLUSH_CHARS = 16 * 1024;

export type TerminalReader = Channel<TerminalOutput, TerminalExit>;

export interface AttachOptions {
  /** Aborts when the reader goes (the stream is cancelled, its connection closes). */
  signal: AbortSignal;
  /** The reader acknowledges what it has taken (ack()); at most TERMINAL_ACK_WINDOW is then on its way. */
  acknowledge: boolean;
  /** Whose reader it is (the connection): only they may acknowledge for it. */
  owner: object;
}

/** A reader and what the session keeps for it. */
interface Delivery {
  /** How a chunk reaches it (held back until its screen is taken). */
  deliver: (data: string) => void;
  acknowledge: boolean;
  owner: object;
  /** Output sent to it and not acknowledged yet. */
  unacked: number;
  /** Wakes its sender, waiting for the window to open. */
  windowOpen: (() => void) | null;
}

export interface TerminalParts {
  id: string;
  name: string;
  cwd: string;
  pty: IPty;
  shell: string;
  mirror: HeadlessTerminal;
  serializer: SerializeAddon;
  /** A command terminal: runs this instead of a shell, and keeps its screen after it ends, until close(). */
  command?: string;
}

export class TerminalSession {
  readonly id: string;
  name: string;
  private readonly pty: IPty;
  private readonly mirror: ScreenMirror;
  private readonly deliveries = new Map<TerminalReader, Delivery>();
  /** Readers by the id their screen item gives them, for ack(). */
  private readonly readers = new Map<string, TerminalReader>();
  private nextReader = 1;
  /** Why the pty is paused: readers that are behind, and the mirror. */
  private readonly holds = new Set<object>();
  private readonly mirrorHold = {};
  private pending = '';
  private flushTimer: NodeJS.Timeout | null = null;
  /** When output was last sent (performance.now()). */
  private flushedAt = Number.NEGATIVE_INFINITY;
  private exit: TerminalExit | null = null;
  private readonly exitListeners = new Set<(exit: TerminalExit) => void>();
  private readonly dataListeners = new Set<(data: string) => void>();

  constructor(private readonly parts: TerminalParts) {
    this.id = parts.id;
    this.name = parts.name;
    this.pty = parts.pty;
    this.mirror = new ScreenMirror(parts.mirror, parts.serializer, SCROLLBACK_LINES, {
      onBusy: (busy) => (busy ? this.pause(this.mirrorHold) : this.release(this.mirrorHold)),
    });
    this.pty.onData((data) => this.onData(data));
    this.pty.onExit(({ exitCode, signal }) => this.onExit({ exitCode, signal: signal || null }));
  }

  get pid(): number {
    return this.pty.pid;
  }

  /** True while the shell's output is not being read (some reader or the mirror is behind). */
  get paused(): boolean {
    return this.holds.size > 0;
  }

  info(): TerminalInfo {
    return {
      id: this.id,
      name: this.name,
      shell: this.parts.shell,
      pid: this.pty.pid,
      cwd: this.parts.cwd,
      cols: this.pty.cols,
      rows: this.pty.rows,
      paused: this.paused,
      ...(this.parts.command !== undefined ? { command: this.parts.command } : {}),
      ...(this.exit ? { exited: true } : {}),
    };
  }

  /** How it ended; null while it runs. */
  get exitStatus(): TerminalExit | null {
    return this.exit;
  }

  /** A command terminal that ended: frees the screen it kept (the terminal is gone from the list). */
  close(): void {
    this.mirror.dispose();
  }

  write(data: string): void {
    if (!this.exit) this.pty.write(data);
  }

  resize(cols: number, rows: number): void {
    if (this.exit) return;
    this.flush(); // what was read before the resize is drawn at the old size, in the mirror as on the pty
    this.pty.resize(cols, rows);
    this.mirror.resize(cols, rows);
  }

  /** The output as it is sent to the readers (in batches), from now on. */
  onDidData(listener: (data: string) => void): () => void {
    this.dataListeners.add(listener);
    return () => this.dataListeners.delete(listener);
  }

  /** Ends it at once: SIGKILL to every process of its session (Stop, a command's timeout). */
  terminate(): void {
    if (this.exit) return;
    signalSession(this.pty.pid, 'SIGKILL');
    try {
      this.pty.kill('SIGKILL');
    } catch {
      // already gone
    }
  }

  onDidExit(listener: (exit: TerminalExit) => void): () => void {
    this.exitListeners.add(listener);
    return () => this.exitListeners.delete(listener);
  }

  /**
   * A reader: its first item the screen once the mirror has parsed everything read from the pty so far, then
   * every chunk read after that point, in order.
   */
  attach(options: AttachOptions): AsyncIterable<TerminalOutput, TerminalExit, undefined> {
    const reader: TerminalReader = new Channel({ highWaterMark: 1, merge: joinOutput });
    const ended = this.exit;
    if (ended) {
      // a command terminal keeps its screen: a reader that comes after the command ended still sees what it printed
      if (this.parts.command === undefined) reader.end(ended);
      else {
        const id = `r${this.nextReader++}`;
        this.mirror.snapshot((screen) => {
          if (!reader.closed) reader.push({ type: 'screen', ...screen, reader: id });
          reader.end(ended);
        });
      }
      return reader;
    }
    const id = `r${this.nextReader++}`;
    // chunks read before the screen is taken are held back (the pty is paused meanwhile, so they are few)
    const early: string[] = [];
    let screenTaken = false;
    const hold = {};
    this.pause(hold);
    const delivery: Delivery = {
      deliver: (data) => {
        if (!screenTaken) early.push(data);
        else this.push(reader, data);
      },
      acknowledge: options.acknowledge,
      owner: options.owner,
      unacked: 0,
      windowOpen: null,
    };
    this.deliveries.set(reader, delivery);
    this.readers.set(id, reader);
    this.mirror.snapshot((screen) => {
      screenTaken = true;
      if (!reader.closed) {
        reader.push({ type: 'screen', ...screen, reader: id });
        for (const data of early.splice(0)) this.push(reader, data);
      }
      this.release(hold);
    });
    const leave = () => {
      this.readers.delete(id);
      this.detach(reader);
    };
    options.signal.addEventListener('abort', leave, { once: true });
    return options.acknowledge ? this.paced(reader, delivery) : reader;
  }

  /**
   * A reader's items, each sent only while less than TERMINAL_ACK_WINDOW of its output is unacknowledged. The queue
   * behind keeps filling meanwhile (up to READER_QUEUE_LIMIT, then the pty pauses), so an acknowledgement is answered
   * from memory, without waiting for the shell to be read again.
   */
  private async *paced(reader: TerminalReader, delivery: Delivery): AsyncGenerator<TerminalOutput, TerminalExit> {
    const items = reader[Symbol.asyncIterator]();
    for (;;) {
      while (delivery.unacked >= TERMINAL_ACK_WINDOW && !reader.closed) {
        await new Promise<void>((open) => {
          delivery.windowOpen = open;
        });
      }
      const next = await items.next();
      if (next.done) return next.value;
      if (next.value.type === 'data') delivery.unacked += next.value.data.length;
      yield next.value;
    }
  }

  private openWindow(delivery: Delivery): void {
    const open = delivery.windowOpen;
    delivery.windowOpen = null;
    open?.();
  }

  /** `owner`'s reader `id` has taken `chars` more of its output: past half the window, the pty is read again. */
  ack(id: string, chars: number, owner: object): void {
    const reader = this.readers.get(id);
    const delivery = reader && this.deliveries.get(reader);
    if (!reader || !delivery || delivery.owner !== owner) {
      throw new PaError(ErrorCode.NOT_FOUND, `Reader ${id} of terminal ${this.id} is not attached on this connection.`);
    }
    // what was never sent cannot be acknowledged ahead
    delivery.unacked = Math.max(0, delivery.unacked - chars);
    if (delivery.unacked < TERMINAL_ACK_WINDOW) this.openWindow(delivery);
  }

  /** Ends the shell: a hang-up to every process of its session, then SIGKILL to what is left once the shell exits. */
  kill(): void {
    if (this.exit) return;
    signalSession(this.pty.pid, 'SIGHUP');
    try {
      this.pty.kill('SIGHUP');
    } catch {
      // already gone
    }
  }

  /** At engine stop: nothing of the session is left running, and the mirror is freed. */
  dispose(): void {
    signalSession(this.pty.pid, 'SIGKILL');
    this.onExit(this.exit ?? { exitCode: null, signal: 9 });
    if (this.parts.command !== undefined) this.close();
  }

  /**
   * Output is sent in batches: what the pty gives within FLUSH_MS, or FLUSH_CHARS of it (VS Code's terminal does the
   * same), so a flood travels as tens of kilobytes a message rather than one message per pty read. The first read
   * after a quiet spell goes at once: a keystroke's echo does not wait for a batch to fill.
   */
  private onData(data: string): void {
    this.pending += data;
    if (this.pending.length >= FLUSH_CHARS || (!this.flushTimer && performance.now() - this.flushedAt >= FLUSH_MS)) {
      this.flush();
    } else this.flushTimer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  private flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    this.flushedAt = performance.now();
    const data = this.pending;
    if (!data) return;
    this.pending = '';
    this.mirror.write(data);
    for (const delivery of this.deliveries.values()) delivery.deliver(data);
    for (const listener of this.dataListeners) listener(data);
  }

  private push(reader: TerminalReader, data: string): void {
    reader.push({ type: 'data', data });
    if (reader.size >= READER_QUEUE_LIMIT && !this.holds.has(reader)) {
      this.pause(reader);
      reader.ready().then(() => this.release(reader));
    }
  }

  private detach(reader: TerminalReader): void {
    const delivery = this.deliveries.get(reader);
    this.deliveries.delete(reader);
    this.release(reader);
    if (delivery) this.openWindow(delivery);
    // a sender parked on the queue or the window ends there (the stream is gone already)
    reader.fail(new Error('The reader left.'));
  }

  private pause(reason: object): void {
    if (this.holds.has(reason)) return;
    this.holds.add(reason);
    if (this.holds.size === 1 && !this.exit) this.pty.pause();
  }

  private release(reason: object): void {
    if (!this.holds.delete(reason)) return;
    if (this.holds.size === 0 && !this.exit) this.pty.resume();
  }

  private onExit(exit: TerminalExit): void {
    if (this.exit) return;
    this.flush();
    // the session's stragglers (a nohup'd job) end with the terminal
    signalSession(this.pty.pid, 'SIGKILL');
    this.exit = exit;
    // output read before the exit is already queued for every reader; the end follows it
    for (const [reader, delivery] of this.deliveries) {
      reader.end(exit);
      this.openWindow(delivery); // a sender waiting on the window has the end to send
    }
    this.deliveries.clear();
    this.readers.clear();
    this.holds.clear();
    if (this.parts.command === undefined) this.mirror.dispose();
    for (const listener of this.exitListeners) listener(exit);
  }
}

/** Folds a chunk into the last queued one while it is below MAX_ITEM_CHARS (a reader that is behind). */
export function joinOutput(queue: TerminalOutput[], item: TerminalOutput): boolean {
  const last = queue[queue.length - 1];
  if (item.type !== 'data' || last?.type !== 'data' || last.data.length + item.data.length > MAX_ITEM_CHARS) {
    return false;
  }
  queue[queue.length - 1] = { type: 'data', data: last.data + item.data };
  return true;
}
