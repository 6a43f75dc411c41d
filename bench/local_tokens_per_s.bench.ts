// local_tokens_per_s: decoding speed of the tiny generated GGUF through the router (ai.chat over RPC to the engine's
// local provider) vs raw node-llama-cpp in this process with the same settings, same run, alternating.
// tokens/s = (tokens − 1) / (last token − first token), so load and prompt time are left out of both sides.
// Goal (issue 4): ratio ≥ 0.95.
import { availableParallelism } from 'node:os';
import { getLlama, LlamaChatSession, LlamaLogLevel } from 'node-llama-cpp';
import { ensureTinyGguf } from '../scripts/make-tiny-gguf.js';
import { startAiBenchEngine, timeChat } from './support/ai-engine.js';
import { alternateRounds } from './support/baseline.js';
import { median, progress, report, round } from './support/report.js';

const ROUNDS = 5;
const MAX_TOKENS = 96;
const PROMPT = 'Write a long story about a lighthouse.';

const modelPath = ensureTinyGguf();
const bench = await startAiBenchEngine();
await bench.client.call('ai.providers.add', {
  id: 'tiny',
  kind: 'local',
  modelClass: 'local',
  model: 'tiny',
  modelPath,
  maxConcurrency: 1,
});

const llama = await getLlama({ gpu: 'auto', logLevel: LlamaLogLevel.error });
const model = await llama.loadModel({ modelPath });
const context = await model.createContext({
  sequences: 1,
  contextSize: { max: 4096 },
  ...(llama.gpu === false ? { threads: availableParallelism() } : {}),
});
const sequence = context.getSequence();

async function raw(): Promise<number> {
  const session = new LlamaChatSession({ contextSequence: sequence, autoDisposeSequence: false });
  let first = -1;
  let last = -1;
  let tokens = 0;
  await session.prompt(PROMPT, {
    maxTokens: MAX_TOKENS,
    temperature: 0,
    onTextChunk: () => {
      const now = performance.now();
      if (first < 0) first = now;
      last = now;
      tokens += 1;
    },
  });
  session.dispose({ disposeSequence: false });
  await sequence.clearHistory();
  return (tokens - 1) / ((last - first) / 1000);
}

async function routed(): Promise<number> {
  const result = await timeChat(bench.client, {
    messages: [{ role: 'user', content: PROMPT }],
    provider: 'tiny',
    maxTokens: MAX_TOKENS,
    temperature: 0,
  });
  return (result.tokens - 1) / ((result.lastAt - result.firstAt) / 1000);
}

await raw();
await routed();
const rounds = await alternateRounds(ROUNDS, routed, raw, (routedRate, rawRate, r) =>
  progress(`round ${r + 1}: raw ${rawRate.toFixed(1)} tok/s, routed ${routedRate.toFixed(1)} tok/s`),
);
const routedRates = rounds.map((pair) => pair.measured);
const rawRates = rounds.map((pair) => pair.baseline);
await context.dispose();
await model.dispose();
await bench.stop();

const value = median(routedRates);
const baseline = median(rawRates);
report({
  name: 'local_tokens_per_s',
  value: round(value, 1),
  unit: 'tokens/s',
  baseline: round(baseline, 1),
  ratio: round(value / baseline),
  goal: 'routed tokens/s >= 0.95 x raw node-llama-cpp',
  pass: value / baseline >= 0.95,
  gpu: llama.gpu === false ? 'cpu' : llama.gpu,
  threads: llama.gpu === false ? availableParallelism() : null,
});
