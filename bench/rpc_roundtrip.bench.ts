// rpc_roundtrip: a no-op RPC (engine.ping) over the engine's real WebSocket vs a bare `ws` echo server, same run.
// Goal (issue 2): p50 overhead ≤ 0.1 ms and p50 ratio ≤ 1.5. With PA_BENCH_BASE_ENGINE naming another build's
// engine (e.g. an earlier commit's apps/engine/dist/main.js, built in a git worktree), that engine is measured in
// the same rounds too, and the figures say whether this one got slower.
import { startEngine } from '../tests/support/engine.js';
import { startBaselineServer, timeSequential } from './support/baseline.js';
import { startEngineAt } from './support/engine-at.js';
import { median, percentile, progress, report, round } from './support/report.js';

const ROUNDS = 5;
const CALLS_PER_ROUND = 2_000;
const WARMUP = 500;

const engine = await startEngine();
const client = await engine.connect();
const bare = await startBaselineServer();
const baseMain = process.env.PA_BENCH_BASE_ENGINE;
const base = baseMain ? await startEngineAt(baseMain) : null;

type Side = { name: string; call: () => Promise<unknown>; p50: number[]; p99: number[] };
const sides: Side[] = [
  { name: 'engine', call: () => client.call('engine.ping'), p50: [], p99: [] },
  { name: 'bare', call: () => bare.request({ method: 'engine.ping' }), p50: [], p99: [] },
];
if (base) sides.push({ name: 'base engine', call: () => base.client.call('engine.ping'), p50: [], p99: [] });
for (const side of sides) await timeSequential(side.call, WARMUP);
for (let round = 0; round < ROUNDS; round++) {
  // rotate which side goes first so none benefits from a warmer CPU
  for (let i = 0; i < sides.length; i++) {
    const side = sides[(round + i) % sides.length] as Side;
    const samples = await timeSequential(side.call, CALLS_PER_ROUND);
    side.p50.push(percentile(samples, 50));
    side.p99.push(percentile(samples, 99));
  }
  progress(
    `round ${round + 1}: ${sides.map((side) => `${side.name} p50 ${side.p50.at(-1)?.toFixed(3)} ms`).join(', ')}`,
  );
}
bare.close();
await engine.stop();
await base?.stop();

const [engineSide, bareSide, baseSide] = sides as [Side, Side, Side | undefined];
const p50 = median(engineSide.p50);
const baseline = median(bareSide.p50);
const overhead = p50 - baseline;
const ratio = p50 / baseline;
// against an earlier build: not slower by more than the rounds' noise
const vsBase = baseSide ? p50 / median(baseSide.p50) : null;
report({
  name: 'rpc_roundtrip',
  value: round(p50, 4),
  unit: 'ms',
  baseline: round(baseline, 4),
  ratio: round(ratio),
  goal: `p50 overhead <= 0.1 ms and ratio <= 1.5${vsBase === null ? '' : ', and p50 <= 1.1 x the base engine'}`,
  pass: overhead <= 0.1 && ratio <= 1.5 && (vsBase === null || vsBase <= 1.1),
  p50_ms: round(p50, 4),
  p99_ms: round(median(engineSide.p99), 4),
  baseline_p50_ms: round(baseline, 4),
  baseline_p99_ms: round(median(bareSide.p99), 4),
  p50_overhead_ms: round(overhead, 4),
  rounds: ROUNDS,
  calls_per_round: CALLS_PER_ROUND,
  ...(baseSide && {
    base_engine: baseMain,
    base_p50_ms: round(median(baseSide.p50), 4),
    base_p99_ms: round(median(baseSide.p99), 4),
    base_ratio: round(median(baseSide.p50) / baseline),
    p50_vs_base: round(vsBase ?? Number.NaN),
  }),
});
