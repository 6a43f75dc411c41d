// The index the query and update benchmarks share: a generated tree of 10,000 TypeScript files of 10 functions
// (100,000 function chunks), indexed once by the engine with the tiny ONNX model into a data folder kept under
// os.tmpdir(), then reused (a later start only checks each file).
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RpcClient } from '@pa/shared';
import { ensureTinyEmbedModel } from '../../scripts/make-tiny-onnx.js';
import { type StartedEngine, startEngine } from '../../tests/support/engine.js';
import { generatedTree } from './code-tree.js';
import { complete, untilStatus } from './codebase.js';
import { progress } from './report.js';

export const CHUNKS = 100_000;

export async function engineWith100kIndex(): Promise<{
  engine: StartedEngine;
  client: RpcClient;
  root: string;
  dataDir: string;
  modelPath: string;
}> {
  const { root } = generatedTree(10_000, 10);
  const dataDir = join(tmpdir(), 'pa-bench-index-100k-data');
  mkdirSync(dataDir, { recursive: true });
  const tiny = ensureTinyEmbedModel();
  const engine = await startEngine({ dataDir, workspace: root, keepDataDir: true });
  const client = await engine.connect();
  await client.call('codebase.setModel', { path: tiny.modelPath });
  let last = 0;
  const status = await untilStatus(client, complete(CHUNKS), (now) => {
    if (Date.now() - last > 10_000) {
      last = Date.now();
      progress(`indexing: ${now.filesIndexed}/${now.filesTotal} files, ${now.chunks} chunks, ${now.embedded} embedded`);
    }
  });
  progress(`index ready: ${status.filesIndexed} files, ${status.chunks} chunks`);
  return { engine, client, root, dataDir, modelPath: tiny.modelPath };
}
