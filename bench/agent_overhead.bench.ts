// agent_overhead: the engine's own time per tool round of an agent turn — the loop, the permission check, the
// read tool's plumbing, the router's per-round work (redaction, the sent record, deadlines) and the transcript events
// over the WebSocket — excluding the model and the tool's own work. Each round: one agent turn of ROUNDS_PER_TURN
// tool rounds against a loopback OpenAI-compatible model (each model round a real HTTP request), paired with the same
// number of direct calls to the same loopback with the `openai` SDK (the model's own cost). The tool's own time
// (list_dir of a two-file folder) is measured in-process and subtracted. Goal (issue 17): p50 ≤ 5 ms.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { BUILTIN_TOOLS } from '../apps/engine/src/agent/tools.js';
import { type LoopbackRequest, startLoopbackOpenAI } from '../tests/support/loopback-providers.js';
import { startAiBenchEngine } from './support/ai-engine.js';
import { median, percentile, progress, report, round } from './support/report.js';

const TURNS = Number(process.env.PA_BENCH_ROUNDS ?? 9);
const ROUNDS_PER_TURN = 20;

const root = mkdtempSync(join(tmpdir(), 'pa-bench-agent-'));
writeFileSync(join(root, 'a.txt'), 'a\n');
writeFileSync(join(root, 'b.txt'), 'b\n');

const toolResults = (request: LoopbackRequest) =>
  ((request.body.messages ?? []) as Array<{ role: string }>).filter((message) => message.role === 'tool').length;
const server = await startLoopbackOpenAI((request) =>
  request.body.tools && toolResults(request) < ROUNDS_PER_TURN
    ? { kind: 'tool-calls', calls: [{ name: 'list_dir', arguments: { path: '' } }] }
    : { kind: 'ok', text: 'done' },
);
const openai = new OpenAI({ baseURL: server.baseURL, apiKey: 'sk-bench', maxRetries: 0 });
const bench = await startAiBenchEngine();
await bench.client.call('workspace.open', { path: root });
await bench.client.call('ai.providers.add', {
  id: 'loop',
  kind: 'openai-compatible',
  modelClass: 'own_key',
  model: 'loop',
  baseURL: server.baseURL,
  apiKey: 'sk-bench',
});

async function agentTurn(): Promise<number> {
  const started = performance.now();
  const stream = bench.client.stream('agent.run', {
    provider: 'loop',
    messages: [{ role: 'user', content: 'list the folder' }],
    maxSteps: ROUNDS_PER_TURN + 5,
  });
  for await (const _event of stream) {
    // the transcript, read as the UI reads it
  }
  const answer = await stream.result;
  if (answer.toolCalls !== ROUNDS_PER_TURN)
    throw new Error(`expected ${ROUNDS_PER_TURN} tool calls, got ${answer.toolCalls}`);
  return performance.now() - started;
}

/** The same number of model requests made directly with the `openai` SDK: what the model costs per round. */
async function directCalls(): Promise<number> {
  const started = performance.now();
  for (let i = 0; i <= ROUNDS_PER_TURN; i++) {
    const stream = await openai.chat.completions.create({
      model: 'loop',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    for await (const _chunk of stream) {
      // drain
    }
  }
  return performance.now() - started;
}

/** list_dir's own time on this folder, in-process. */
async function toolTime(): Promise<number> {
  const tool = BUILTIN_TOOLS.find((candidate) => candidate.name === 'list_dir');
  if (!tool) throw new Error('no list_dir');
  const context = {
    root,
    dataDir: join(root, 'none'),
    signal: new AbortController().signal,
    excluded: () => false,
    beforeWrite: () => {},
  };
  const samples: number[] = [];
  for (let i = 0; i < 200; i++) {
    const started = performance.now();
    await tool.run({ path: '' }, context);
    samples.push(performance.now() - started);
  }
  return median(samples);
}

try {
  await agentTurn(); // warm: the agent capability, the provider
  await directCalls();
  const tool = await toolTime();
  const perRound: number[] = [];
  const directPerRound: number[] = [];
  for (let i = 0; i < TURNS; i++) {
    let agent = 0;
    let direct = 0;
    if (i % 2 === 0) {
      agent = await agentTurn();
      direct = await directCalls();
    } else {
      direct = await directCalls();
      agent = await agentTurn();
    }
    const overhead = (agent - direct) / ROUNDS_PER_TURN - tool;
    perRound.push(overhead);
    directPerRound.push(direct / (ROUNDS_PER_TURN + 1));
    progress(
      `turn ${i + 1}: agent ${agent.toFixed(1)} ms, direct ${direct.toFixed(1)} ms, ${overhead.toFixed(2)} ms per round`,
    );
  }
  const p50 = median(perRound);
  report({
    name: 'agent_overhead',
    value: round(p50, 2),
    unit: 'ms per tool round',
    // the model's own cost per round, called directly in the same turns
    baseline: round(median(directPerRound), 2),
    ratio: null,
    goal: 'engine time per tool round (model and tool work excluded, against direct calls in the same run) p50 <= 5 ms',
    pass: p50 <= 5,
    p50_ms: round(p50, 2),
    p95_ms: round(percentile(perRound, 95), 2),
    tool_ms: round(tool, 3),
    rounds_per_turn: ROUNDS_PER_TURN,
    turns: TURNS,
  });
} finally {
  await bench.stop();
  await server.close();
  rmSync(root, { recursive: true, force: true });
}
