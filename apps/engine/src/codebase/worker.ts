// The codebase capability's worker thread: chunking (tree-sitter's wasm), embedding (onnxruntime-node) and the
// index's SQLite writes and queries all run here, so indexing a large folder never delays the engine's answers to
// typing. One index at a time (the open folder); index.ts sends it the folder, the watcher's changes and queries.
import { availableParallelism } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { type CodebaseSearchParams, ErrorCode, type IndexStatus, PaError } from '@pa/shared';
import { runInBackground } from './background.js';
import type { EmbedLane } from './embed/lane.js';
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
  /** The model's thread, closed with the index or when another model replaces it. */
  embedder: EmbedLane | null;
}

const port = parentPort;
if (!port) throw new Error('the codebase worker runs as a worker thread');

runInBackground();

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
      open = { indexer, store, embedder: model.embedder };
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
        const previous = open.embedder;
        open.indexer.setEmbedder(model.embedder, model.note);
        open.embedder = model.embedder;
        await previous?.dispose();
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
  void open.embedder?.dispose();
  open = null;
}

let loaded: Promise<{ chunker: import('./indexer.js').ChunkerLike }> | null = null;

/** The chunker (tree-sitter's runtime and grammars load on first use, once per worker). */
function tools() {
  loaded ??= import('./chunk/chunker.js').then(async ({ createChunker }) => ({ chunker: await createChunker() }));
  return loaded;
}

async function loadEmbedder(modelPath: string | null): Promise<{ embedder: EmbedLane | null; note: string | null }> {
  if (!modelPath) {
    return {
      embedder: null,
      note: 'No embedding model is set. Choose an ONNX embedding model to search by meaning too.',
    };
  }
  try {
    // tokenizing and inference run in their own thread (embed/lane.ts) while this one reads and chunks files
    const { createEmbedLane } = await import('./embed/lane.js');
    return { embedder: await createEmbedLane({ modelPath, threads: availableParallelism() }), note: null };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { embedder: null, note: `The embedding model could not be loaded: ${reason} Search uses keywords only.` };
  }
}
