// The embedder in a thread of its own: the codebase worker reads, chunks and writes files while this thread
// tokenizes (pure JavaScript, most of a small model's cost) and runs the model. On two cores the two halves of
// indexing overlap instead of taking turns. Texts go in, one Float32Array of all the batch's vectors comes back
// (transferred, not copied). Requests run in order; a query waits for at most the batch in progress.
import { Worker } from 'node:worker_threads';
import { ErrorCode, PaError } from '@pa/shared';
import type { EmbedderOptions } from './embedder.js';

export type LaneRequest = { type: 'init'; options: EmbedderOptions } | { type: 'embed'; id: number; texts: string[] };

export type LaneReply =
  | { type: 'ready'; dim: number; modelId: string }
  | { type: 'vectors'; id: number; data: Float32Array }
  | { type: 'error'; id: number | null; code: string; message: string };

export interface EmbedLane {
  readonly dim: number;
  readonly modelId: string;
  embed(texts: string[], signal?: AbortSignal): Promise<Float32Array[]>;
  dispose(): Promise<void>;
}

/** The lane's heap: a batch's texts and the tokenizer's state. */
const LANE_HEAP_MB = 512;

export function createEmbedLane(options: EmbedderOptions): Promise<EmbedLane> {
  // bundled, the lane is an entry beside the codebase worker (scripts/build.mjs); from source, tsx loads it
  const bundled = !import.meta.url.endsWith('.ts');
  const url = new URL(bundled ? './codebase-embed-worker.js' : './lane-worker.ts', import.meta.url);
  const worker = new Worker(url, {
    execArgv: bundled ? [] : ['--import', 'tsx'],
    resourceLimits: { maxOldGenerationSizeMb: LANE_HEAP_MB },
  });
  worker.unref();
  const pending = new Map<number, { resolve: (vectors: Float32Array[]) => void; reject: (error: unknown) => void }>();
  let nextId = 1;
  let gone: PaError | null = null;

  return new Promise<EmbedLane>((resolveLane, rejectLane) => {
    let lane: EmbedLane | null = null;
    const fail = (error: PaError) => {
      gone ??= error;
      for (const waiter of pending.values()) waiter.reject(error);
      pending.clear();
      if (!lane) rejectLane(error);
    };
    worker.on('message', (reply: LaneReply) => {
      if (reply.type === 'ready') {
        const dim = reply.dim;
        lane = {
          dim,
          modelId: reply.modelId,
          embed: (texts, signal) => {
            if (gone) return Promise.reject(gone);
            if (signal?.aborted)
              return Promise.reject(new PaError(ErrorCode.CANCELLED, 'The embedding was cancelled.'));
            if (texts.length === 0) return Promise.resolve([]);
            const id = nextId++;
            return new Promise<Float32Array[]>((resolve, reject) => {
              pending.set(id, { resolve, reject });
              worker.postMessage({ type: 'embed', id, texts } satisfies LaneRequest);
            }).then((vectors) => {
              if (signal?.aborted) throw new PaError(ErrorCode.CANCELLED, 'The embedding was cancelled.');
              return vectors;
            });
          },
          // the thread goes, and with it the model's session
          dispose: async () => {
            fail(new PaError(ErrorCode.UNAVAILABLE, 'The embedding model was closed.'));
            await worker.terminate();
          },
        };
        resolveLane(lane);
        return;
      }
      if (reply.type === 'vectors') {
        const waiter = pending.get(reply.id);
        pending.delete(reply.id);
        if (!waiter || !lane) return;
        const dim = lane.dim;
        const count = reply.data.length / dim;
        waiter.resolve(
          Array.from({ length: count }, (_, index) => reply.data.subarray(index * dim, (index + 1) * dim)),
        );
        return;
      }
      const error = new PaError(reply.code as ErrorCode, reply.message);
      if (reply.id === null) {
        fail(error);
        return;
      }
      const waiter = pending.get(reply.id);
      pending.delete(reply.id);
      waiter?.reject(error);
    });
    worker.on('error', (error) =>
      fail(new PaError(ErrorCode.UNAVAILABLE, `The embedding thread stopped: ${error.message}`)),
    );
    worker.on('exit', (code) =>
      fail(new PaError(ErrorCode.UNAVAILABLE, `The embedding thread exited (code ${code}).`)),
    );
    worker.postMessage({ type: 'init', options } satisfies LaneRequest);
  });
}
