// The language capability: `language.project` streams the TypeScript / JavaScript project of a file to the editor's
// own TypeScript service (project.ts says what is in it): the compiler options first, then the files in items of at
// most LANGUAGE_ITEM_BYTES as they are read, and the workspace modules with the result. `language.prepare` reads
// the workspace's projects ahead, at workspace open, so the first file's request finds them read. The work runs in
// a worker thread (worker.ts): the typescript package (9 MB of JavaScript) and a project's thousands of reads and
// resolutions stay off the engine's event loop and its start path. Nothing here runs project code (no plugins, no
// scripts): it reads files, so it needs no trust.
import { realpathSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import {
  ErrorCode,
  LANGUAGE_ITEM_BYTES,
  LANGUAGE_MAX_FILE_BYTES,
  LANGUAGE_MAX_FILES,
  LANGUAGE_MAX_TOTAL_BYTES,
  type LanguagePrepareResult,
  type LanguageProjectItem,
  type LanguageProjectResult,
  PaError,
} from '@pa/shared';
import type { Capability, EngineContext } from '../context.js';
import { resolveInside } from '../files/index.js';
import type { PartialHandlers } from '../rpc/handlers.js';
import type { ProjectLimits } from './project.js';
import type { WorkerReply, WorkerRequest } from './worker.js';

const LIMITS: ProjectLimits = {
  maxFileBytes: LANGUAGE_MAX_FILE_BYTES,
  maxFiles: LANGUAGE_MAX_FILES,
  maxTotalBytes: LANGUAGE_MAX_TOTAL_BYTES,
};
/** A cancelled request's worker gets this long to stop between two files before it is terminated. */
const STOP_GRACE_MS = 2_000;
/** The worker's heap: two projects' worth of text in its cache, and TypeScript's scanning of them. */
const WORKER_HEAP_MB = 1_024;

export interface LanguageOptions {
  limits?: ProjectLimits;
  itemBytes?: number;
}

export function createLanguage(context: EngineContext, options: LanguageOptions = {}): Capability {
  const limits = options.limits ?? LIMITS;
  const itemBytes = options.itemBytes ?? LANGUAGE_ITEM_BYTES;
  const pool = new LanguageWorker();
  let preparing: { root: string; promise: Promise<LanguagePrepareResult> } | null = null;
  const handlers: PartialHandlers = {
    'language.project': async function* (params, { signal }) {
      const started = performance.now();
      const root = realpathSync(context.workspace.requireRoot());
      const file = resolveInside(root, params.path);
      const run = pool.run({ type: 'project', root, file, limits, itemBytes }, signal);
      let done: Extract<WorkerReply, { type: 'done' }> | null = null;
      for await (const reply of run) {
        if (reply.type === 'config') {
          const item: LanguageProjectItem = {
            kind: 'config',
            configPath: reply.configPath,
            compilerOptions: reply.compilerOptions,
          };
          yield item;
        } else if (reply.type === 'files') {
          yield { kind: 'files' as const, files: reply.files };
        } else if (reply.type === 'done') {
          done = reply;
        }
      }
      if (!done) throw new PaError(ErrorCode.CANCELLED, 'The project load was cancelled.');
      const result: LanguageProjectResult = {
        configPath: done.configPath,
        sources: done.sources,
        typings: done.typings,
        bytes: done.bytes,
        skippedCount: done.skippedCount,
        skipped: done.skipped,
        configErrors: done.configErrors,
        workspaceModules: done.workspaceModules,
        elapsedMs: performance.now() - started,
      };
      return result;
    },
    'language.prepare': async () => {
      const root = realpathSync(context.workspace.requireRoot());
      // one read-ahead per workspace at a time: a second caller (another window) waits for the same one
      if (preparing?.root !== root) {
        const started = performance.now();
        const run = async () => {
          let prepared = { configs: 0, files: 0 };
          for await (const reply of pool.run({ type: 'prepare', root, limits }, new AbortController().signal)) {
            if (reply.type === 'prepared') prepared = { configs: reply.configs, files: reply.files };
          }
          return { ...prepared, elapsedMs: performance.now() - started };
        };
        const promise = run().finally(() => {
          if (preparing?.promise === promise) preparing = null;
        });
        preparing = { root, promise };
      }
      return preparing.promise;
    },
  };
  return { handlers, dispose: () => pool.dispose() };
}

type Request = WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'id' | 'cancelled'> : never) : never;

interface Pending {
  push(reply: WorkerReply): void;
  fail(error: Error): void;
}

/**
 * The one worker thread, started on first use and again after it died or was terminated. Requests queue in it;
 * each one's replies come back in order as an async iterable that ends with its last reply.
 */
class LanguageWorker {
  private worker: Worker | null = null;
  /** [0]: project requests posted and not yet started (a read-ahead gives way to them). */
  private waiting = new Int32Array(new SharedArrayBuffer(4));
  private readonly pending = new Map<number, Pending>();
  /**
   * Cancelled requests the worker has not finished yet. The one it is working on has a timer: the worker is
   * terminated when the grace runs out. One still queued has none (null) until the worker starts it, when it stops
   * at once; a cancelled request never ends another's work.
   */
  private readonly stopping = new Map<number, ReturnType<typeof setTimeout> | null>();
  /** The request the worker is working on. */
  private running: number | null = null;
  private nextId = 1;
  private disposed = false;

  private start(): Worker {
    if (this.worker) return this.worker;
    // the bundle has the worker as its own entry beside the chunks (scripts/build.mjs); from source, tsx loads it
    const bundled = !import.meta.url.endsWith('.ts');
    const url = new URL(bundled ? './language-worker.js' : './worker.ts', import.meta.url);
    this.waiting = new Int32Array(new SharedArrayBuffer(4));
    const worker = new Worker(url, {
      workerData: { waiting: this.waiting.buffer },
      execArgv: bundled ? [] : ['--import', 'tsx'],
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
    });
    worker.unref();
    worker.on('message', (reply: WorkerReply) => {
      if (reply.type === 'started') {
        this.running = reply.id;
        if (this.stopping.get(reply.id) === null) this.graceFor(worker, reply.id);
        return;
      }
      if (isLast(reply)) {
        if (this.running === reply.id) this.running = null;
        clearTimeout(this.stopping.get(reply.id) ?? undefined);
        this.stopping.delete(reply.id);
      }
      this.pending.get(reply.id)?.push(reply);
    });
    const died = (error: Error) => {
      if (this.worker !== worker) return;
      this.worker = null;
      this.running = null;
      for (const timer of this.stopping.values()) clearTimeout(timer ?? undefined);
      this.stopping.clear();
      for (const pending of this.pending.values()) pending.fail(error);
      this.pending.clear();
    };
    worker.on('error', (error) => died(error));
    worker.on('exit', (code) => died(new Error(`The language worker stopped (exit code ${code}).`)));
    this.worker = worker;
    return worker;
  }

  async *run(request: Request, signal: AbortSignal): AsyncGenerator<WorkerReply> {
    if (this.disposed) throw new PaError(ErrorCode.UNAVAILABLE, 'The engine is shutting down.');
    if (signal.aborted) return;
    const worker = this.start();
    const id = this.nextId++;
    const cancelled = new Int32Array(new SharedArrayBuffer(4));
    const queue: WorkerReply[] = [];
    let failure: Error | null = null;
    let finished = false;
    let wake: (() => void) | null = null;
    const notify = () => {
      wake?.();
      wake = null;
    };
    this.pending.set(id, {
      push: (reply) => {
        queue.push(reply);
        if (isLast(reply)) finished = true;
        notify();
      },
      fail: (error) => {
        failure = error;
        notify();
      },
    });
    const cancel = () => {
      if (finished || this.stopping.has(id)) return;
      // the worker stops between two files; one that does not (a file TypeScript chews on) is terminated
      Atomics.store(cancelled, 0, 1);
      if (this.running === id) this.graceFor(worker, id);
      else this.stopping.set(id, null);
      notify();
    };
    signal.addEventListener('abort', cancel, { once: true });
    if (request.type === 'project') Atomics.add(this.waiting, 0, 1);
    worker.postMessage({ ...request, id, cancelled: cancelled.buffer } satisfies WorkerRequest);
    try {
      for (;;) {
        const reply = queue.shift();
        if (reply) {
          if (reply.type === 'error') throw new PaError(ErrorCode.INTERNAL, reply.message);
          yield reply;
          if (queue.length === 0 && finished) return;
          continue;
        }
        if (failure) throw new PaError(ErrorCode.INTERNAL, (failure as Error).message);
        if (signal.aborted) return;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    } finally {
      signal.removeEventListener('abort', cancel);
      // a consumer that left early (the stream was cancelled, an error) stops the worker's work too
      cancel();
      this.pending.delete(id);
    }
  }

  /** The worker, working on cancelled request `id`, gets STOP_GRACE_MS to stop before it is terminated. */
  private graceFor(worker: Worker, id: number): void {
    this.stopping.set(
      id,
      setTimeout(() => {
        this.stopping.delete(id);
        if (this.worker === worker && this.running === id) void worker.terminate();
      }, STOP_GRACE_MS),
    );
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    const worker = this.worker;
    this.worker = null;
    for (const timer of this.stopping.values()) clearTimeout(timer ?? undefined);
    this.stopping.clear();
    for (const pending of this.pending.values()) pending.fail(new Error('The engine is shutting down.'));
    this.pending.clear();
    await worker?.terminate();
  }
}

function isLast(reply: WorkerReply): boolean {
  return reply.type === 'done' || reply.type === 'prepared' || reply.type === 'error';
}
