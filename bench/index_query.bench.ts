// index_query: hybrid queries (keyword BM25 + vector KNN, fused) over an index of 100,000 chunks, through the engine
// (WebSocket → engine → worker thread → SQLite FTS5 + the in-memory vector scan, the query embedded by the tiny ONNX model),
// against the same two SQL queries and the query's embedding run in this process on the same index file (no RPC,
// no worker hop, no fusion). Paired rounds of one query each, order alternating. Goal (issue 16): p95 <= 50 ms.
import { availableParallelism } from 'node:os';
import { createEmbedder } from '../apps/engine/src/codebase/embed/embedder.js';
import { queryTerms } from '../apps/engine/src/codebase/keywords.js';
import { IndexStore } from '../apps/engine/src/codebase/store.js';
import { indexFileOf } from './support/codebase.js';
import { CHUNKS, engineWith100kIndex } from './support/index-100k.js';
import { percentile, progress, report, round } from './support/report.js';
import { settled } from './support/settled.js';

const QUERIES = 200;
const WARMUP = 10;

const { engine, client, root, dataDir, modelPath } = await engineWith100kIndex();
await settled(engine.process.pid as number);

const VERBS = ['remove', 'load', 'parse', 'save', 'render', 'find', 'send', 'update'];
const NOUNS = ['user account', 'invoice', 'config value', 'session token', 'cached report', 'order list', 'file entry'];
const queries = Array.from(
  { length: QUERIES + WARMUP },
  (_, index) => `how do we ${VERBS[index % VERBS.length]} the ${NOUNS[(index * 7) % NOUNS.length]} of the store`,
);

const embedder = await createEmbedder({ modelPath, threads: availableParallelism() });
const store = new IndexStore(indexFileOf(dataDir, root));
async function direct(query: string): Promise<number> {
  const started = performance.now();
  store.keywordSearch(queryTerms(query), 100, 20);
  const [vector] = await embedder.embed([query]);
  if (vector) store.vectorSearch(vector, 100);
  return performance.now() - started;
}
async function ours(query: string): Promise<{ ms: number; engineMs: number; hybrid: boolean }> {
  const started = performance.now();
  const result = await client.call('codebase.search', { query, limit: 20 });
  return { ms: performance.now() - started, engineMs: result.elapsedMs, hybrid: result.hybrid };
}

for (const query of queries.slice(0, WARMUP)) {
  await ours(query);
  await direct(query);
}
const mine: number[] = [];
const inWorker: number[] = [];
const base: number[] = [];
let hybrid = 0;
for (const [index, query] of queries.slice(WARMUP).entries()) {
  const first = index % 2 === 0;
  if (!first) base.push(await direct(query));
  const one = await ours(query);
  mine.push(one.ms);
  inWorker.push(one.engineMs);
  if (one.hybrid) hybrid++;
  if (first) base.push(await direct(query));
}
progress(`hybrid answers: ${hybrid}/${QUERIES}`);
const chunks = store.counts().chunks;
store.close();
await embedder.dispose();
await client.close();
await engine.stop();

const p95 = percentile(mine, 95);
report({
  name: 'index_query',
  value: round(p95),
  unit: 'ms',
  baseline: round(percentile(base, 95)),
  ratio: round(p95 / percentile(base, 95)),
  goal: 'p95_ms <= 50',
  pass: p95 <= 50 && hybrid === QUERIES && chunks >= CHUNKS,
  p50_ms: round(percentile(mine, 50)),
  p95_ms: round(p95),
  engine_p50_ms: round(percentile(inWorker, 50)),
  engine_p95_ms: round(percentile(inWorker, 95)),
  baseline_p50_ms: round(percentile(base, 50)),
  chunks,
  queries: QUERIES,
  hybrid_answers: hybrid,
});
