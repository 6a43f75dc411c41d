// quota_consume: check-and-consume per second (BEGIN IMMEDIATE + guarded UPDATE, one synchronous transaction) in
// one process and in two processes on one database, against an unguarded autocommit UPDATE in the same run.
// Goal (issue 3): >= 20,000/s in a single process.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { rowSealFromKey } from '../apps/engine/src/license/row-seal.js';
import { createQuotaLedger } from '../apps/engine/src/quota/index.js';
import { openStore } from '../apps/engine/src/store/index.js';
import { repoRoot } from '../scripts/paths.js';
import { median, progress, report, round } from './support/report.js';

const ROUNDS = 5;
const PER_ROUND = 20_000;
const dir = mkdtempSync(join(tmpdir(), 'pa-bench-quota-'));
// the workers seal with this key too (bench/support/quota-bench-worker.ts), as engines on one data dir share one
const seal = () => ({ seal: rowSealFromKey(Buffer.alloc(32, 7), false) });

function singleProcess(round: number): { consume: number; bare: number } {
  const store = openStore(join(dir, `single-${round}.db`));
  const ledger = createQuotaLedger(store, Date.now, seal());
  const bareUpdate = store.db.prepare(
    "UPDATE quota_usage SET used = used + 1 WHERE account = 'bare' AND metric = 'ai_requests' AND day = ?",
  );
  ledger.consume('bare', 'ai_requests', 1, null); // creates the row the bare UPDATE touches
  const day = ledger.dayOf(Date.now());
  const time = (work: () => void) => {
    const started = performance.now();
    for (let i = 0; i < PER_ROUND; i++) work();
    return PER_ROUND / ((performance.now() - started) / 1000);
  };
  const consume = time(() => ledger.consume('bench', 'ai_requests', 1, 1_000_000_000));
  const bare = time(() => bareUpdate.run(day));
  store.close();
  return { consume, bare };
}

async function twoProcesses(round: number): Promise<number> {
  const dbFile = join(dir, `pair-${round}.db`);
  createQuotaLedger(openStore(dbFile), Date.now, seal()); // migrate once before the race
  const children = [0, 1].map(() =>
    spawn(
      process.execPath,
      ['--import', 'tsx', join(repoRoot, 'bench/support/quota-bench-worker.ts'), dbFile, String(PER_ROUND)],
      {
        cwd: repoRoot,
        stdio: ['pipe', 'pipe', 'inherit'],
      },
    ),
  );
  const lines = children.map((child) => createInterface({ input: child.stdout })[Symbol.asyncIterator]());
  for (const line of lines) await line.next(); // "ready"
  const started = performance.now();
  for (const child of children) child.stdin.end('go\n');
  const results = await Promise.all(
    lines.map(async (line) => JSON.parse((await line.next()).value as string) as { granted: number }),
  );
  const seconds = (performance.now() - started) / 1000;
  const granted = results.reduce((sum, result) => sum + result.granted, 0);
  if (granted !== 2 * PER_ROUND) throw new Error(`expected ${2 * PER_ROUND} grants, got ${granted}`);
  return granted / seconds;
}

const single: number[] = [];
const bare: number[] = [];
const pair: number[] = [];
singleProcess(-1); // warm-up
for (let index = 0; index < ROUNDS; index++) {
  const result = singleProcess(index);
  single.push(result.consume);
  bare.push(result.bare);
  pair.push(await twoProcesses(index));
  progress(
    `round ${index + 1}: consume ${result.consume.toFixed(0)}/s, bare UPDATE ${result.bare.toFixed(0)}/s, two processes ${pair.at(-1)?.toFixed(0)}/s`,
  );
}
rmSync(dir, { recursive: true, force: true });

const value = median(single);
const baseline = median(bare);
report({
  name: 'quota_consume',
  value: round(value, 0),
  unit: 'consumes/s',
  baseline: round(baseline, 0),
  ratio: round(value / baseline),
  goal: '>= 20000 consumes/s in a single process',
  pass: value >= 20_000,
  single_process_per_s: round(value, 0),
  two_processes_per_s: round(median(pair), 0),
  bare_update_per_s: round(baseline, 0),
});
