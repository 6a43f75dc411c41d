// The codebase capability: a local index of the open folder for `codebase.search`, chat's `@codebase` and the MCP
// server's `search_codebase`. The index itself lives in a worker thread (worker.ts: chunking, embedding, SQLite);
// this side starts it when a folder opens, forwards what the watcher and our own writes change, answers the
// `codebase.*` methods and broadcasts the index's progress as `codebase.changed`.
//
// The index file is per folder in the data folder (`index/<hash>.sqlite`); nothing of it leaves the machine. The
// embedding model (an ONNX file with its tokenizer.json beside it) is the user's choice, kept in `codebase.json`.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  type CodebaseSearchParams,
  type CodebaseSearchResult,
  CodebaseSearchResult as CodebaseSearchResultSchema,
  ErrorCode,
  type IndexStatus,
  PaError,
} from '@pa/shared';
import { z } from 'zod';
import type { Capability, EngineContext } from '../context.js';
import { checkRelativePath } from '../files/api.js';
import type { PartialHandlers } from '../rpc/handlers.js';
import type { CodebaseService } from './api.js';
import type { WorkerReply, WorkerRequest } from './worker.js';

/** A folder's indexing starts this long after it opens, so opening it (tree, first file) is not slowed down. */
const START_DELAY_MS = 800;
/** The worker's heap: chunk texts in flight, tokenizer state, query candidates. */
const WORKER_HEAP_MB = 1536;

const CodebaseSettings = z.object({ version: z.literal(1), modelPath: z.string().nullable().default(null) });

const OFF: IndexStatus = {
  state: 'off',
  filesTotal: 0,
  filesIndexed: 0,
  chunks: 0,
  filesPerSecond: null,
  embeddingModel: null,
  embeddingsNote: null,
  embedded: 0,
  error: null,
};

export interface CodebaseCapability extends Capability {
  service: CodebaseService;
}

export interface CodebaseOptions {
  /** Milliseconds between a folder opening and its indexing starting (tests: 0). */
  startDelayMs?: number;
}

export function createCodebase(context: EngineContext, options: CodebaseOptions = {}): CodebaseCapability {
  const settingsFile = join(context.dataDir, 'codebase.json');
  let modelPath = readModelPath(settingsFile);
  let status: IndexStatus = OFF;
  let worker: Worker | null = null;
  let openRoot: string | null = null;
  let startTimer: NodeJS.Timeout | null = null;
  let nextId = 1;
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: unknown) => void }>();

  const setStatus = (next: IndexStatus) => {
    status = next;
    context.connections.broadcast('codebase.changed', next);
  };

  function startWorker(): Worker {
    if (worker) return worker;
    // the bundle has the worker as its own entry beside the chunks (scripts/build.mjs); from source, tsx loads it
    const bundled = !import.meta.url.endsWith('.ts');
    const url = new URL(bundled ? './codebase-worker.js' : './worker.ts', import.meta.url);
    const started = new Worker(url, {
      execArgv: bundled ? [] : ['--import', 'tsx'],
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
    });
    started.unref();
    started.on('message', (reply: WorkerReply) => {
      if (reply.type === 'status') {
        if (started === worker) setStatus(reply.status);
        return;
      }
      const waiter = pending.get(reply.id);
      pending.delete(reply.id);
      if (!waiter) return;
      if ('error' in reply) waiter.reject(new PaError(reply.error.code as ErrorCode, reply.error.message));
      else waiter.resolve(reply.result);
    });
    const died = (error: Error) => {
      if (worker !== started) return;
      worker = null;
      for (const waiter of pending.values()) {
        waiter.reject(new PaError(ErrorCode.UNAVAILABLE, `The codebase index stopped (${error.message}); try again.`));
      }
      pending.clear();
      context.log({ level: 'error', msg: 'the codebase worker stopped', error: error.message });
      setStatus({
        ...status,
        state: 'error',
        error: `The index stopped: ${error.message}. Rebuild it to start again.`,
      });
      openRoot = null;
    };
    started.on('error', died);
    started.on('exit', (code) => died(new Error(`exit code ${code}`)));
    worker = started;
    return started;
  }

  const post = (request: WorkerRequest) => startWorker().postMessage(request);

  function ask<T>(request: (id: number) => WorkerRequest): Promise<T> {
    const id = nextId++;
    const promise = new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
    });
    post(request(id));
    return promise;
  }

  function openIndex(root: string): void {
    const real = realpathSync(root);
    const dbPath = join(
      context.dataDir,
      'index',
      `${createHash('sha256').update(real).digest('hex').slice(0, 20)}.sqlite`,
    );
    mkdirSync(dirname(dbPath), { recursive: true });
    openRoot = real;
    post({ type: 'open', root: real, dbPath, modelPath });
  }

  const requireOpen = (): void => {
    const root = context.workspace.requireRoot();
    if (startTimer) {
      clearTimeout(startTimer);
      startTimer = null;
    }
    if (openRoot === null) openIndex(root);
  };

  const stopWatching = context.workspace.onDidChange((info) => {
    if (startTimer) clearTimeout(startTimer);
    startTimer = null;
    if (worker && openRoot) post({ type: 'close' });
    openRoot = null;
    setStatus(OFF);
    if (!info) return;
    startTimer = setTimeout(() => {
      startTimer = null;
      if (context.workspace.current()?.root === info.root) openIndex(info.root);
    }, options.startDelayMs ?? START_DELAY_MS);
    startTimer.unref();
  });
  const forward = (paths: string[]) => {
    if (worker && openRoot && paths.length > 0) post({ type: 'changed', paths });
  };
  const stopChanges = context.files.onDidChangeOutside((changes) => forward(changes.map((change) => change.path)));
  const stopWrites = context.files.onDidWrite((path) => forward([path]));

  const service: CodebaseService = {
    search: async (params: CodebaseSearchParams): Promise<CodebaseSearchResult> => {
      // a folder filter is checked like any client path: relative, no `..` (the index holds only the folder anyway)
      if (params.folder !== undefined) checkRelativePath(params.folder);
      requireOpen();
      return CodebaseSearchResultSchema.parse(await ask((id) => ({ type: 'search', id, params })));
    },
  };

  const handlers: PartialHandlers = {
    'codebase.status': () => status,
    'codebase.search': (params) => service.search(params),
    'codebase.pause': () => {
      requireOpen();
      post({ type: 'pause' });
      return { ok: true as const };
    },
    'codebase.resume': () => {
      requireOpen();
      post({ type: 'resume' });
      return { ok: true as const };
    },
    'codebase.rebuild': () => {
      requireOpen();
      post({ type: 'rebuild' });
      return { ok: true as const };
    },
    'codebase.setModel': async ({ path }) => {
      if (path !== null) checkModelPath(path);
      modelPath = path;
      writeFileSync(settingsFile, `${JSON.stringify({ version: 1, modelPath }, null, 2)}\n`);
      if (!context.workspace.current()) return status;
      if (openRoot === null) requireOpen(); // opening loads the model just set
      // the answer is the status once the worker has loaded (or refused) the model
      const loaded = await ask<IndexStatus | null>((id) => ({ type: 'setModel', id, modelPath }));
      if (loaded) status = loaded;
      return status;
    },
  };

  return {
    handlers,
    service,
    dispose: async () => {
      stopWatching();
      stopChanges();
      stopWrites();
      if (startTimer) clearTimeout(startTimer);
      const stopping = worker;
      worker = null;
      for (const waiter of pending.values())
        waiter.reject(new PaError(ErrorCode.UNAVAILABLE, 'The engine is stopping.'));
      pending.clear();
      await stopping?.terminate();
    },
  };
}

function readModelPath(file: string): string | null {
  try {
    return CodebaseSettings.parse(JSON.parse(readFileSync(file, 'utf8'))).modelPath;
  } catch {
    return null; // none yet, or a file we did not write: keyword search until a model is chosen again
  }
}

/** An ONNX model file, absolute, with its tokenizer.json beside it. */
function checkModelPath(path: string): void {
  if (!isAbsolute(path)) throw new PaError(ErrorCode.BAD_REQUEST, 'Give the absolute path of the .onnx model file.');
  const info = existsSync(path) ? statSync(path) : null;
  if (!info?.isFile()) throw new PaError(ErrorCode.NOT_FOUND, `No model file at ${path}.`, { path });
  if (!existsSync(join(dirname(path), 'tokenizer.json'))) {
    throw new PaError(
      ErrorCode.NOT_FOUND,
      `No tokenizer.json beside ${path}: put the model's tokenizer.json (from the same repository) in that folder.`,
      { path },
    );
  }
}
