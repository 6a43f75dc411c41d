// index_build: indexing a large real tree — 2,000 JavaScript/TypeScript files of the checkout's own node_modules —
// through the engine (its worker: walk, read, tree-sitter chunking, hashing, FTS5 rows, tokenizing, inference with
// the tiny ONNX model, vectors into their table), against the raw work on the same chunks in this process: tokenizing
// and onnxruntime-node inference (the raw runner: pre-tokenised tensors straight to session.run) plus the same
// SQLite inserts (files, chunks, keyword rows, vectors). Paired rounds, order alternating. Goal (issue 16): ratio
// (raw time / pipeline time) >= 0.8, i.e. the pipeline costs at most 25 % on top of the model itself. Memory: the
// engine process's peak resident set (VmHWM, the worker thread included).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { createChunker } from '../apps/engine/src/codebase/chunk/chunker.js';
import { createEmbedder, createRawRunner } from '../apps/engine/src/codebase/embed/embedder.js';
import { contentHash, IndexStore } from '../apps/engine/src/codebase/store.js';
import { ensureTinyEmbedModel } from '../scripts/make-tiny-onnx.js';
import { startEngine } from '../tests/support/engine.js';
import { nodeModulesTree } from './support/code-tree.js';
import { complete, untilStatus } from './support/codebase.js';
import { median, progress, report, round } from './support/report.js';
import { settled } from './support/settled.js';

const FILES = 2_000;
const ROUNDS = 3;
const BATCH = 32;

const tree = nodeModulesTree(FILES);
const tiny = ensureTinyEmbedModel();
const threads = (await import('node:os')).availableParallelism();

// the raw side's input: the same chunks the engine indexes (chunked here, untimed), per file
progress('chunking the tree for the raw side (untimed)');
const chunker = await createChunker();
const files: {
  path: string;
  size: number;
  mtimeMs: number;
  hash: string;
  chunks: Awaited<ReturnType<typeof chunker.chunk>>;
}[] = [];
{
  const { walkFiles, IgnoreRules } = await import('../apps/engine/src/files/api.js');
  const { files: paths } = await walkFiles(tree.root, new IgnoreRules(tree.root), 1_000_000);
  for (const path of paths) {
    const bytes = await readFile(join(tree.root, path));
    const text = bytes.toString('utf8');
    files.push({
      path,
      size: bytes.length,
      mtimeMs: 0,
      hash: contentHash(bytes.toString('latin1')),
      chunks: await chunker.chunk(path, text),
    });
  }
}
const texts = [...new Set(files.flatMap((file) => file.chunks.map((chunk) => chunk.text)))];
const chunkCount = files.reduce((sum, file) => sum + file.chunks.length, 0);
progress(`${files.length} files, ${chunkCount} chunks (${texts.length} distinct texts)`);

const embedder = await createEmbedder({ modelPath: tiny.modelPath, threads });
const raw = await createRawRunner({ modelPath: tiny.modelPath, threads });

/** Tokenize + session.run over the distinct texts in batches, and the same inserts, into a fresh index file. */
async function rawRound(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'pa-bench-raw-index-'));
  const store = new IndexStore(join(dir, 'index.sqlite'));
  try {
    const started = performance.now();
    store.useModel(embedder.modelId, embedder.dim);
    for (const file of files) store.replaceFile(file.path, file, file.hash, file.chunks);
    for (;;) {
      const pending = store.pendingBodies(BATCH);
      if (pending.length === 0) break;
      const batch = embedder.tokenize(pending.map((body) => body.text));
      const output = await raw.run(batch);
      const dim = embedder.dim;
      store.putVectors(
        pending.map((body, index) => ({ id: body.id, vector: output.subarray(index * dim, (index + 1) * dim) })),
      );
    }
    return performance.now() - started;
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const engine = await startEngine({ workspace: tree.root });
const client = await engine.connect();
progress('first index (untimed warm-up)');
await client.call('codebase.setModel', { path: tiny.modelPath });
const first = await untilStatus(client, complete(1));
progress(`engine: ${first.filesIndexed} files, ${first.chunks} chunks`);
await settled(engine.process.pid as number);

async function pipelineRound(): Promise<number> {
  const started = performance.now();
  let sawIndexing = false;
  const done = untilStatus(client, (status) => {
    if (status.state === 'indexing') sawIndexing = true;
    return sawIndexing && complete(1)(status);
  });
  await client.call('codebase.rebuild');
  await done;
  return performance.now() - started;
}

const ours: number[] = [];
const baseline: number[] = [];
for (let round_ = 0; round_ < ROUNDS; round_++) {
  const order = round_ % 2 === 0 ? ['ours', 'raw'] : ['raw', 'ours'];
  for (const side of order) {
    if (side === 'ours') ours.push(await pipelineRound());
    else baseline.push(await rawRound());
  }
  progress(`round ${round_ + 1}: pipeline ${round(ours.at(-1) ?? 0)} ms, raw ${round(baseline.at(-1) ?? 0)} ms`);
}
const peakKb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${engine.process.pid}/status`, 'utf8'))?.[1] ?? 0);
await client.close();
await engine.stop();
await embedder.dispose();
await raw.dispose();
chunker.dispose();

const oursMs = median(ours);
const rawMs = median(baseline);
const ratios = ours.map((ms, index) => (baseline[index] as number) / ms);
const ratio = median(ratios);
report({
  name: 'index_build',
  value: round(files.length / (oursMs / 1000)),
  unit: 'files/s',
  baseline: round(files.length / (rawMs / 1000)),
  ratio: round(ratio),
  goal: 'ratio >= 0.8',
  pass: ratio >= 0.8,
  mb_per_s: round(tree.bytes / 1e6 / (oursMs / 1000)),
  pipeline_ms: round(oursMs),
  raw_ms: round(rawMs),
  files: files.length,
  chunks: chunkCount,
  megabytes: round(tree.bytes / 1e6),
  engine_peak_rss_mb: round(peakKb / 1024),
  ratios: ratios.map((value) => round(value)),
  model: 'tiny (64 dims, generated)',
  threads,
  relative_root: relative(tmpdir(), tree.root),
});
