// The codebase capability's worker thread: chunking (tree-sitter's wasm), embedding (onnxruntime-node) and the
// index's SQLite writes and queries all run here, so indexing a large folder never delays the engine's answers to
// typing. One index at a time (the open folder); index.ts sends it the folder, the watcher's changes and queries.
import { readlinkSync } from 'node:fs';
import { availableParallelism, setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { type CodebaseSearchParams, ErrorCode, type IndexStatus, PaError } from '@pa/shared';
import { Indexer } from './indexer.js';
import { IndexStore } from './store.js';

export type WorkerRequest =
  | { type: 'open'; root: string; dbPath: string; modelPath: string | null }
  | { type: 'changed'; paths: string[] }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'rebuild' }
  | { type: 'setModel'; id: number; modelPath: string | null }
  | { type: 'close' }
  | { type: 'search'; id: number; params: CodebaseSearchParams };

export type WorkerReply =
  | { type: 'status'; status: IndexStatus }
  | { type: 'reply'; id: number; result: unknown }
  | { type: 'reply'; id: number; error: { code: string; message: string } };

interface Open {
  indexer: Indexer;
  store: IndexStore;
}

const port = parentPort;
if (!port) throw new Error('the codebase worker runs as a worker thread');

/**
 * Indexing is background work: this thread (and onnxruntime's threads, which it starts and which inherit its
 * priority) runs at a lower priority, so a busy laptop gives the engine's own thread, the editor and the completion
 * model the cores first. Linux sets priority per thread (its id is in /proc/thread-self); elsewhere the thread keeps
 * the process's priority.
 */
const BACKGROUND_NICE = 10;
try {
  const self = readlinkSync('/proc/thread-self');
  const threadId = Number(self.slice(self.lastIndexOf('/') + 1));
  if (Number.isInteger(threadId) && threadId > 0) setPriority(threadId, BACKGROUND_NICE);
} catch {
  // no /proc (macOS, Windows) or not allowed: the normal priority
}

let open: Open | null = null;
/** Requests run in order: an `open` finishes loading its model before the changes and queries after it. */
let chain: Promise<void> = Promise.resolve();

const send = (reply: WorkerReply) => port.postMessage(reply);

port.on('message', (request: WorkerRequest) => {
  chain = chain.then(() => handle(request)).catch((error: unknown) => reportFailure(request, error));
});

function reportFailure(request: WorkerRequest, error: unknown): void {
  if ('id' in request) {
    const code = error instanceof PaError ? error.code : ErrorCode.INTERNAL;
    send({
      type: 'reply',
      id: request.id,
      error: { code, message: error instanceof Error ? error.message : String(error) },
    });
  }
}

async function handle(request: WorkerRequest): Promise<void> {
  switch (request.type) {
    case 'open': {
      closeIndex();
      const store = new IndexStore(request.dbPath);
      const { chunker } = await tools();
      const model = await loadEmbedder(request.modelPath);
      const indexer = new Indexer({
        root: request.root,
        store,
        chunker,
        embedder: model.embedder,
        embeddingsNote: model.note,
        onStatus: (status) => send({ type: 'status', status }),
      });
      open = { indexer, store };
      indexer.scan();
      return;
    }
    case 'changed':
      open?.indexer.changed(request.paths);
      return;
    case 'pause':
      open?.indexer.pause();
      return;
    case 'resume':
      open?.indexer.resume();
      return;
    case 'rebuild':
      open?.indexer.rebuild();
      return;
    case 'setModel': {
      if (open) {
        const model = await loadEmbedder(request.modelPath);
        open.indexer.setEmbedder(model.embedder, model.note);
      }
      send({ type: 'reply', id: request.id, result: open?.indexer.status() ?? null });
      return;
    }
    case 'close':
      closeIndex();
      return;
    case 'search': {
      if (!open) throw new PaError(ErrorCode.BAD_REQUEST, 'Open a folder first: the codebase index is per folder.');
      send({ type: 'reply', id: request.id, result: await open.indexer.search(request.params) });
      return;
    }
  }
}

function closeIndex(): void {
  if (!open) return;
  open.indexer.close();
  open.store.close();
  open = null;
}

let loaded: Promise<{ chunker: import('./indexer.js').ChunkerLike }> | null = null;

/** The chunker (tree-sitter's runtime and grammars load on first use, once per worker). */
function tools() {
  loaded ??= import('./chunk/chunker.js').then(async ({ createChunker }) => ({ chunker: await createChunker() }));
  return loaded;
}

async function loadEmbedder(modelPath: string | null) {
  if (!modelPath) {
    return {
      embedder: null,
      note: 'No embedding model is set: search uses keywords only. Choose an ONNX embedding model to add meaning-based search.',
    };
  }
  try {
    const { createEmbedder } = await import('./embed/embedder.js');
    return { embedder: await createEmbedder({ modelPath, threads: availableParallelism() }), note: null };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { embedder: null, note: `The embedding model could not be loaded: ${reason} Search uses keywords only.` };
  }
}
