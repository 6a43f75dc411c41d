// open_large_file: files.read of a 5 MB source file through the engine (confinement, stat, binary sniff,
// JSON answer over the WebSocket) vs a bare process doing fs.readFile + the same JSON transfer, same run.
// Goal (issue 2): ≤ 1.5× the baseline.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEngine } from '../tests/support/engine.js';
import { startBaselineServer, timeSequential } from './support/baseline.js';
import { median, progress, report, round } from './support/report.js';

const ROUNDS = 5;
const READS_PER_ROUND = 10;
const SIZE = 5 * 1024 * 1024;

const workspace = mkdtempSync(join(tmpdir(), 'pa-bench-large-'));
const line = 'export function add(a: number, b: number): number { return a + b; } // "quoted" \\ text\n';
writeFileSync(join(workspace, 'large.ts'), line.repeat(Math.ceil(SIZE / line.length)).slice(0, SIZE));

const engine = await startEngine({ workspace });
const client = await engine.connect();
const bare = await startBaselineServer();
const readEngine = () => client.call('files.read', { path: 'large.ts' });
const readBare = () => bare.request({ method: 'read', path: join(workspace, 'large.ts') });

await timeSequential(readEngine, 3);
await timeSequential(readBare, 3);
const engineMs: number[] = [];
const bareMs: number[] = [];
for (let i = 0; i < ROUNDS; i++) {
  engineMs.push(median(await timeSequential(readEngine, READS_PER_ROUND)));
  bareMs.push(median(await timeSequential(readBare, READS_PER_ROUND)));
  progress(`round ${i + 1}: engine ${engineMs.at(-1)?.toFixed(2)} ms, readFile+JSON ${bareMs.at(-1)?.toFixed(2)} ms`);
}
bare.close();
await engine.stop();
rmSync(workspace, { recursive: true, force: true });

const value = median(engineMs);
const baseline = median(bareMs);
report({
  name: 'open_large_file',
  value: round(value, 2),
  unit: 'ms',
  baseline: round(baseline, 2),
  ratio: round(value / baseline),
  goal: '<= 1.5x fs.readFile + JSON transfer',
  pass: value / baseline <= 1.5,
  bytes: SIZE,
  rounds: ROUNDS,
});
