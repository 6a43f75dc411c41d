// index_update: one file changed on disk → its new function is found by codebase.search, over the 100,000-chunk
// index (the watcher's report, the worker re-chunking the file and replacing its rows; keyword search finds it at
// once, its vector follows). The baseline is the watcher alone: the same write's `files.changed` event reaching the
// same client. Each round measures both for one write. Goal (issue 16): p95 <= 300 ms.
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { engineWith100kIndex } from './support/index-100k.js';
import { percentile, progress, report, round } from './support/report.js';
import { settled } from './support/settled.js';

const ROUNDS = 30;
const POLL_MS = 5;

const { engine, client, root } = await engineWith100kIndex();
await settled(engine.process.pid as number);
const file = join(root, 'pkg3', 'module321.ts');
const original = readFileSync(file, 'utf8');

const searchable: number[] = [];
const watched: number[] = [];
try {
  for (let index = 0; index < ROUNDS; index++) {
    const name = `reconcileLedgerMarker${index}x${Date.now().toString(36)}`;
    let eventAt: number | null = null;
    const subscription = client.on('files.changed', ({ changes }) => {
      if (eventAt === null && changes.some((change) => change.path === 'pkg3/module321.ts'))
        eventAt = performance.now();
    });
    const started = performance.now();
    appendFileSync(file, `\nexport function ${name}(ledger: number[]): number {\n  return ledger.length;\n}\n`);
    for (;;) {
      const { hits } = await client.call('codebase.search', { query: name, mode: 'keyword', limit: 1 });
      if (hits[0]?.name === name) break;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      if (performance.now() - started > 30_000) throw new Error(`${name} never became searchable`);
    }
    searchable.push(performance.now() - started);
    while (eventAt === null) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    watched.push((eventAt as number) - started);
    subscription.dispose();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
} finally {
  writeFileSync(file, original);
}
progress(`searchable after (ms): ${searchable.map((ms) => Math.round(ms)).join(' ')}`);
await client.close();
await engine.stop();

const p95 = percentile(searchable, 95);
report({
  name: 'index_update',
  value: round(p95),
  unit: 'ms',
  baseline: round(percentile(watched, 95)),
  ratio: round(p95 / percentile(watched, 95)),
  goal: 'p95_ms <= 300',
  pass: p95 <= 300,
  p50_ms: round(percentile(searchable, 50)),
  p95_ms: round(p95),
  watcher_p50_ms: round(percentile(watched, 50)),
  rounds: ROUNDS,
});
