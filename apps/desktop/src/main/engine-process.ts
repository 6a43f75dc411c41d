// Runs the engine (apps/engine's bundled main.js; see engine-runtime.ts for how), hands each window its own
// MessagePort to it, and restarts it when it dies, telling the windows so their `window.pa` reconnects.
import { createInterface } from 'node:readline';
import { MessageChannelMain, type WebContents } from 'electron';
import { ENGINE_EXITED, ENGINE_PORT } from '../channels.js';
import { type EngineChild, forkEngine } from './engine-runtime.js';
import { restartDelay } from './restart-policy.js';
import type { EngineRuntime } from './runtime-choice.js';

export interface EngineProcessOptions {
  entry: string;
  runtime: EngineRuntime;
  env: NodeJS.ProcessEnv;
  log(line: string): void;
  /** The engine kept crashing and will not be restarted; `stderr` is the end of its last output. */
  onDidGiveUp(stderr: string): void;
}

const STDERR_LINES_KEPT = 20;

export class EngineProcess {
  private child: EngineChild | null = null;
  private ready = false;
  private starts = 0;
  private stopping = false;
  private readonly windows = new Set<WebContents>();
  private readonly exits: number[] = [];
  private stderrTail: string[] = [];

  constructor(private readonly options: EngineProcessOptions) {}

  start(): void {
    this.starts += 1;
    this.ready = false;
    this.stderrTail = [];
    const child = forkEngine(this.options.runtime, this.options.entry, this.options.env);
    this.child = child;
    // The engine prints {"ready":true,...} once it answers; ports sent earlier could reach it before it listens.
    onLines(child.stdout, (line) => {
      if (!this.ready && isReadyLine(line)) {
        this.ready = true;
        for (const contents of this.windows) this.sendPort(contents);
      } else this.options.log(`engine: ${line}`);
    });
    onLines(child.stderr, (line) => {
      this.stderrTail = [...this.stderrTail, line].slice(-STDERR_LINES_KEPT);
      this.options.log(`engine: ${line}`);
    });
    child.onceExit((code) => this.handleExit(child, code));
  }

  /** Gives this window a port now (or as soon as the engine is ready), and again after every restart. */
  connect(contents: WebContents): void {
    if (!this.windows.has(contents)) {
      this.windows.add(contents);
      contents.once('destroyed', () => this.windows.delete(contents));
    }
    if (this.ready) this.sendPort(contents);
  }

  stop(): void {
    this.stopping = true;
    this.child?.kill();
    this.child = null;
  }

  private sendPort(contents: WebContents): void {
    if (!this.child || contents.isDestroyed()) return;
    const { port1, port2 } = new MessageChannelMain();
    this.child.attachPort(port2);
    contents.postMessage(ENGINE_PORT, { restarted: this.starts > 1 }, [port1]);
  }

  private handleExit(child: EngineChild, code: number): void {
    if (this.stopping || child !== this.child) return;
    this.child = null;
    this.ready = false;
    this.options.log(`engine exited with code ${code}`);
    for (const contents of this.windows) if (!contents.isDestroyed()) contents.send(ENGINE_EXITED, code);
    const now = Date.now();
    this.exits.push(now);
    const delay = restartDelay(this.exits, now);
    if (delay === null) {
      this.options.onDidGiveUp(this.stderrTail.join('\n'));
      return;
    }
    setTimeout(() => {
      if (!this.stopping) this.start();
    }, delay);
  }
}

export function isReadyLine(line: string): boolean {
  try {
    const parsed: unknown = JSON.parse(line);
    return typeof parsed === 'object' && parsed !== null && (parsed as { ready?: unknown }).ready === true;
  } catch {
    return false;
  }
}

function onLines(stream: NodeJS.ReadableStream | null, listener: (line: string) => void): void {
  if (stream) createInterface({ input: stream }).on('line', listener);
}
