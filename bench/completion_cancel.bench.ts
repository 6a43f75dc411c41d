// completion_cancel: a new keystroke's completion request → the previous generation stopped and its sequence free
// (the new request's prompt ready on it), p95 over many keystrokes. The engine's local provider in this process
// (tiny generated GGUF, a ~500-token prefix) is read as the router reads it: eagerly, until the newer request
// replaces it. The baseline is one token's decoding in the same run: llama.cpp finishes the token it is decoding
// before it stops, so that is the least a stop can take.
// Goal (issue 15): p95 ≤ 20 ms.
import type { ProviderConfig } from '@pa/shared';
import { createLocalProvider } from '../apps/engine/src/ai/providers/local.js';
import type { InfillProviderChunk, InfillRequest } from '../apps/engine/src/ai/providers/provider.js';
import { ensureTinyGguf } from '../scripts/make-tiny-gguf.js';
import { median, percentile, progress, report, round } from './support/report.js';

const KEYSTROKES = Number(process.env.PA_BENCH_ROUNDS ?? 40);
const prefix = `${'function add(a, b) {\n  return a + b;\n}\n'.repeat(14)}function mul(a, b) {\n  return `;

const config: ProviderConfig = {
  id: 'tiny',
  kind: 'local',
  modelClass: 'local',
  model: 'tiny',
  modelPath: ensureTinyGguf(),
  maxConcurrency: 1,
  costPer1kTokens: 0,
  tasks: ['completion'],
  priority: 0,
  enabled: true,
};
const provider = createLocalProvider(config);
const infill = provider.infill as (request: InfillRequest, signal: AbortSignal) => AsyncIterable<InfillProviderChunk>;
const request = (text: string, maxTokens: number): InfillRequest => ({
  prefix: text,
  suffix: ';\n}\n',
  context: [],
  maxTokens,
  temperature: 0,
});

/** Reads a completion eagerly (as the router does); resolves with each text piece's time once `pieces` came. */
function readEagerly(text: string, pieces: number): { started: Promise<void>; ended: Promise<number[]> } {
  const times: number[] = [];
  let reached!: () => void;
  const started = new Promise<void>((resolve) => (reached = resolve));
  const ended = (async () => {
    try {
      for await (const chunk of infill(request(text, 2000), new AbortController().signal)) {
        if (!('text' in chunk)) continue;
        times.push(performance.now());
        if (times.length === pieces) reached();
      }
    } catch {
      // replaced by the newer request (Superseded): expected
    }
    reached();
    return times;
  })();
  return { started, ended };
}

// warm: the model loaded, the prompt evaluated once
for await (const _chunk of infill(request(prefix, 4), new AbortController().signal)) {
  // nothing to measure yet
}

const samples: number[] = [];
const tokenTimes: number[] = [];
let typed = prefix;
for (let i = 0; i < KEYSTROKES; i++) {
  const previous = readEagerly(typed, 6);
  await previous.started;
  typed += 'a';
  const keystroke = performance.now();
  const next = infill(request(typed, 1), new AbortController().signal)[Symbol.asyncIterator]();
  const first = await next.next(); // its stats: yielded once the previous generation stopped and the sequence is free
  const ready = performance.now();
  if (first.done || !('stats' in first.value)) throw new Error('the new completion did not start');
  const times = await previous.ended;
  for (let t = 1; t < times.length; t++) tokenTimes.push((times[t] as number) - (times[t - 1] as number));
  samples.push(ready - keystroke);
  while (!(await next.next()).done) {
    // the one-token answer
  }
  if (i % 10 === 9) progress(`${i + 1} keystrokes: p95 so far ${percentile(samples, 95).toFixed(1)} ms`);
}
await provider.dispose?.();
progress(
  `samples (ms, sorted): ${[...samples]
    .sort((a, b) => a - b)
    .map((ms) => ms.toFixed(1))
    .join(' ')}`,
);

const p95 = percentile(samples, 95);
const tokenMs = median(tokenTimes);
report({
  name: 'completion_cancel',
  value: round(p95, 2),
  unit: 'ms',
  baseline: round(tokenMs, 2),
  ratio: round(p95 / tokenMs),
  goal: 'new keystroke → previous generation stopped and its sequence free, p95 <= 20 ms',
  pass: p95 <= 20,
  p95_ms: round(p95, 2),
  p50_ms: round(median(samples), 2),
  keystrokes: samples.length,
  token_ms: round(tokenMs, 2),
});
