// rpc_roundtrip: a no-op RPC (engine.ping) over the engine's real WebSocket vs a bare `ws` echo server, same run.
// Goal (issue 2): p50 overhead ≤ 0.1 ms and p50 ratio ≤ 1.5.
import { startEngine } from '../tests/support/engine.js';
import { startBaselineServer, timeSequential } from './support/baseline.js';
import { median, percentile, progress, report, round } from './support/report.js';

const ROUNDS = 5;
const CALLS_PER_ROUND = 2_000;
const WARMUP = 500;

const engine = await startEngine();
const client = await engine.connect();
const bare = await startBaselineServer();

const engineP50: number[] = [];
const engineP99: number[] = [];
const bareP50: number[] = [];
const bareP99: number[] = [];
await timeSequential(() => client.call('engine.ping'), WARMUP);
await timeSequential(() => bare.request({ method: 'engine.ping' }), WARMUP);
for (let round = 0; round < ROUNDS; round++) {
  // alternate which side goes first so neither benefits from a warmer CPU
  const runEngine = () => timeSequential(() => client.call('engine.ping'), CALLS_PER_ROUND);
  const runBare = () => timeSequential(() => bare.request({ method: 'engine.ping' }), CALLS_PER_ROUND);
  let engineSamples: number[];
  let bareSamples: number[];
  if (round % 2 === 0) {
    engineSamples = await runEngine();
    bareSamples = await runBare();
  } else {
    bareSamples = await runBare();
    engineSamples = await runEngine();
  }
  engineP50.push(percentile(engineSamples, 50));
  engineP99.push(percentile(engineSamples, 99));
  bareP50.push(percentile(bareSamples, 50));
  bareP99.push(percentile(bareSamples, 99));
  progress(
    `round ${round + 1}: engine p50 ${engineP50.at(-1)?.toFixed(3)} ms, bare p50 ${bareP50.at(-1)?.toFixed(3)} ms`,
  );
}
bare.close();
await engine.stop();

const p50 = median(engineP50);
const baseline = median(bareP50);
const overhead = p50 - baseline;
const ratio = p50 / baseline;
report({
  name: 'rpc_roundtrip',
  value: round(p50, 4),
  unit: 'ms',
  baseline: round(baseline, 4),
  ratio: round(ratio),
  goal: 'p50 overhead <= 0.1 ms and ratio <= 1.5',
  pass: overhead <= 0.1 && ratio <= 1.5,
  p50_ms: round(p50, 4),
  p99_ms: round(median(engineP99), 4),
  baseline_p50_ms: round(baseline, 4),
  baseline_p99_ms: round(median(bareP99), 4),
  p50_overhead_ms: round(overhead, 4),
  rounds: ROUNDS,
  calls_per_round: CALLS_PER_ROUND,
});
