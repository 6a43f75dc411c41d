// completion_kv_reuse: time to first token of a code completion (ai.infill over RPC to the engine's local provider,
// tiny generated GGUF) one keystroke after the previous request — the completion sequence kept its evaluated tokens,
// so only the changed end is evaluated — against the same prompt cold (another prompt evaluated in between), on a
// ~2,000-token prefix, same run, alternating. TTFT as the engine measures it (request in → first token).
// Goal (issue 15): warm / cold ≤ 0.3.
import type { InfillResult, RpcClient } from '@pa/shared';
import { ensureTinyGguf } from '../scripts/make-tiny-gguf.js';
import { startAiBenchEngine } from './support/ai-engine.js';
import { alternateRounds } from './support/baseline.js';
import { median, progress, report, round } from './support/report.js';

const ROUNDS = Number(process.env.PA_BENCH_ROUNDS ?? 5);
const BODY = 'function add(a, b) {\n  return a + b;\n}\n';
const OTHER = 'const table = [1, 2, 3];\nfor (const x of table) total += x;\n';

/** A ~2,000-token prefix for the tiny model (about one token a character). */
function prefixOf(body: string, round: number): string {
  return `// round ${round}\n${body.repeat(Math.ceil(2000 / body.length))}function mul(a, b) {\n  return `;
}

async function infill(client: RpcClient, prefix: string): Promise<InfillResult> {
  const stream = client.stream('ai.infill', {
    requestId: `b${Math.random()}`,
    prefix,
    suffix: ';\n}\n',
    maxTokens: 1,
    multiline: false,
    provider: 'tiny',
  });
  for await (const _delta of stream) {
    // the first token is all this measures
  }
  return stream.result;
}

const bench = await startAiBenchEngine();
const { client } = bench;
await client.call('settings.set', { scope: 'user', key: 'completion.ttftDeadlineMs', value: 30_000 });
await client.call('settings.set', { scope: 'user', key: 'completion.totalDeadlineMs', value: 60_000 });
await client.call('ai.providers.add', {
  id: 'tiny',
  kind: 'local',
  modelClass: 'local',
  model: 'tiny',
  modelPath: ensureTinyGguf(),
  maxConcurrency: 1,
  tasks: ['completion'],
});

let r = 0;
let promptTokens = 0;
let evaluatedWarm = 0;
async function warm(): Promise<number> {
  const prefix = prefixOf(BODY, r);
  await infill(client, prefix);
  const next = await infill(client, `${prefix}a`);
  evaluatedWarm = next.evaluatedTokens ?? -1;
  return next.ttftMs;
}
async function cold(): Promise<number> {
  await infill(client, prefixOf(OTHER, r)); // evaluates another prompt: nothing of the next one is cached
  const result = await infill(client, prefixOf(BODY, r + 1000));
  promptTokens = result.promptTokens ?? -1;
  return result.ttftMs;
}

await warm(); // loads the model
const rounds = await alternateRounds(ROUNDS, warm, cold, (warmMs, coldMs, i) => {
  r = i + 1;
  progress(`round ${i + 1}: cold ${coldMs.toFixed(1)} ms, one keystroke later ${warmMs.toFixed(1)} ms`);
});
await bench.stop();

const value = median(rounds.map((pair) => pair.measured));
const baseline = median(rounds.map((pair) => pair.baseline));
report({
  name: 'completion_kv_reuse',
  value: round(value, 1),
  unit: 'ms',
  baseline: round(baseline, 1),
  ratio: round(value / baseline),
  goal: 'TTFT one keystroke after the previous request <= 0.3 x the same prompt cold (~2,000-token prefix)',
  pass: value / baseline <= 0.3,
  prompt_tokens: promptTokens,
  evaluated_tokens_warm: evaluatedWarm,
});
