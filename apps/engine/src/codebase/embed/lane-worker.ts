// The embedding lane's thread (lane.ts): loads the model once, then tokenizes and embeds each batch it is sent, in
// order, at the background priority of indexing.
import { parentPort } from 'node:worker_threads';
import { ErrorCode, PaError } from '@pa/shared';
import { runInBackground } from '../background.js';
import { createEmbedder, type Embedder } from './embedder.js';
import type { LaneReply, LaneRequest } from './lane.js';

const port = parentPort;
if (!port) throw new Error('the embedding lane runs as a worker thread');
runInBackground();

let embedder: Embedder | null = null;
let chain: Promise<void> = Promise.resolve();

const send = (reply: LaneReply, transfer: ArrayBuffer[] = []) => port.postMessage(reply, transfer);

function failure(id: number | null, error: unknown): LaneReply {
  return {
    type: 'error',
    id,
    code: error instanceof PaError ? error.code : ErrorCode.INTERNAL,
    message: error instanceof Error ? error.message : String(error),
  };
}

port.on('message', (request: LaneRequest) => {
  chain = chain.then(async () => {
    if (request.type === 'init') {
      try {
        embedder = await createEmbedder(request.options);
        send({ type: 'ready', dim: embedder.dim, modelId: embedder.modelId });
      } catch (error) {
        send(failure(null, error));
      }
      return;
    }
    try {
      if (!embedder) throw new PaError(ErrorCode.UNAVAILABLE, 'The embedding model is not loaded.');
      const vectors = await embedder.embed(request.texts);
      const { dim } = embedder;
      const data = new Float32Array(vectors.length * dim);
      for (const [index, vector] of vectors.entries()) data.set(vector, index * dim);
      send({ type: 'vectors', id: request.id, data }, [data.buffer]);
    } catch (error) {
      send(failure(request.id, error));
    }
  });
});
