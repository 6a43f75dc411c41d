// router_overhead: time to first token from the same loopback OpenAI-compatible server, called directly with the
// `openai` SDK vs through the engine's router (ai.chat over RPC, pinned provider). Goal (issue 4): added p50 ≤ 1 ms,
// added p99 ≤ 3 ms.
import OpenAI from 'openai';
import { startLoopbackOpenAI } from '../tests/support/loopback-providers.js';
import { startAiBenchEngine, timeChat } from './support/ai-engine.js';
import { alternateRounds, sampleSequential } from './support/baseline.js';
import { median, percentile, progress, report, round } from './support/report.js';

const ROUNDS = 5;
const PER_ROUND = 200;
const WARMUP = 50;

const server = await startLoopbackOpenAI({ kind: 'ok', tokens: ['Hello', ' there', '!'] });
const bench = await startAiBenchEngine();
await bench.client.call('ai.providers.add', {
  id: 'loop',
  kind: 'openai-compatible',
  modelClass: 'own_key',
  model: 'loop',
  baseURL: server.baseURL,
  apiKey: 'sk-bench',
});
const openai = new OpenAI({ baseURL: server.baseURL, apiKey: 'sk-bench', maxRetries: 0 });

async function direct(): Promise<number> {
  const start = performance.now();
  const stream = await openai.chat.completions.create({
    model: 'loop',
    messages: [{ role: 'user', content: 'hi' }],
    stream: true,
    stream_options: { include_usage: true },
  });
  let ttft = -1;
  for await (const chunk of stream) if (ttft < 0 && chunk.choices[0]?.delta?.content) ttft = performance.now() - start;
  return ttft;
}

const routed = async () =>
  (await timeChat(bench.client, { messages: [{ role: 'user', content: 'hi' }], provider: 'loop' })).ttftMs;

await sampleSequential(direct, WARMUP);
await sampleSequential(routed, WARMUP);
const rounds = await alternateRounds(
  ROUNDS,
  () => sampleSequential(routed, PER_ROUND),
  () => sampleSequential(direct, PER_ROUND),
  (t, d, r) =>
    progress(
      `round ${r + 1}: direct p50 ${percentile(d, 50).toFixed(3)} ms, routed p50 ${percentile(t, 50).toFixed(3)} ms`,
    ),
);
const routedP50 = rounds.map((pair) => percentile(pair.measured, 50));
const routedP99 = rounds.map((pair) => percentile(pair.measured, 99));
const directP50 = rounds.map((pair) => percentile(pair.baseline, 50));
const directP99 = rounds.map((pair) => percentile(pair.baseline, 99));
await bench.stop();
await server.close();

const addedP50 = median(routedP50) - median(directP50);
const addedP99 = median(routedP99) - median(directP99);
report({
  name: 'router_overhead',
  value: round(median(routedP50)),
  unit: 'ms',
  baseline: round(median(directP50)),
  ratio: round(median(routedP50) / median(directP50)),
  goal: 'added p50 <= 1 ms and added p99 <= 3 ms',
  pass: addedP50 <= 1 && addedP99 <= 3,
  p50_ms: round(median(routedP50)),
  p99_ms: round(median(routedP99)),
  baseline_p50_ms: round(median(directP50)),
  baseline_p99_ms: round(median(directP99)),
  p50_added_ms: round(addedP50),
  p99_added_ms: round(addedP99),
});
