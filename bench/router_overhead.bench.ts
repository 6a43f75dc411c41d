// router_overhead: time to first token from the same loopback OpenAI-compatible server, called directly with the
// `openai` SDK vs through the engine's router (ai.chat over RPC, pinned provider). Goal (issue 4): added p50 ≤ 1 ms,
// added p99 ≤ 3 ms.
import OpenAI from 'openai';
import { startLoopbackOpenAI } from '../tests/support/loopback-providers.js';
import { startAiBenchEngine, timeChat } from './support/ai-engine.js';
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

async function sample(run: () => Promise<number>, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(await run());
  return out;
}

await sample(direct, WARMUP);
await sample(routed, WARMUP);
const directP50: number[] = [];
const directP99: number[] = [];
const routedP50: number[] = [];
const routedP99: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  const order = r % 2 === 0 ? [direct, routed] : [routed, direct];
  const results = new Map<unknown, number[]>();
  for (const run of order) results.set(run, await sample(run, PER_ROUND));
  const d = results.get(direct) ?? [];
  const t = results.get(routed) ?? [];
  directP50.push(percentile(d, 50));
  directP99.push(percentile(d, 99));
  routedP50.push(percentile(t, 50));
  routedP99.push(percentile(t, 99));
  progress(
    `round ${r + 1}: direct p50 ${directP50.at(-1)?.toFixed(3)} ms, routed p50 ${routedP50.at(-1)?.toFixed(3)} ms`,
  );
}
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
