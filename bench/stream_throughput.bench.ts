// stream_throughput: events/s through `client.stream` over the engine's real WebSocket transport and connection
// loop (credit flow control, batching, item validation) vs the same events over a bare `ws` socket (a bare server
// sending each event as its own JSON frame, a bare client JSON.parse-ing them), in paired rounds of the same run;
// and the memory one idle stream costs on the client and on the engine side. Goal (issue 12): ratio ≥ 0.8.
// A second line, stream_throughput_per_turn, has both sides produce one event per event-loop turn (as tokens come
// off a network), where the engine's batching cannot help: the per-frame cost of the plumbing.
import { type ChildProcess, spawn } from 'node:child_process';
import { once, setMaxListeners } from 'node:events';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { RpcClient } from '@pa/shared';
import WebSocket from 'ws';
import { MAX_STREAMS_PER_CONNECTION } from '../apps/engine/src/rpc/serve.js';
import { connectClient } from '../tests/support/engine.js';
import { alternateRounds, startBaselineServer } from './support/baseline.js';
import { median, progress, report, round } from './support/report.js';

const ROUNDS = 6;
const EVENTS_PER_ROUND = 100_000;
const WARMUP_EVENTS = 300_000;
const EVENTS_PER_TURN_ROUND = 20_000;
// idle streams on one connection: as many as the engine lets one connection hold open
const IDLE_STREAMS = MAX_STREAMS_PER_CONNECTION;
const TOKEN_TEXT = 'word';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** The engine side (bench/support/stream-server.ts) in its own process, as the engine is. */
async function startStreamServer(): Promise<{ child: ChildProcess; url: string; token: string }> {
  const script = join(dirname(fileURLToPath(import.meta.url)), 'support/stream-server.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const [line] = (await once(createInterface({ input: child.stdout as NodeJS.ReadableStream }), 'line')) as [string];
  const { port, token } = JSON.parse(line) as { port: number; token: string };
  return { child, url: `ws://127.0.0.1:${port}/rpc`, token };
}

/** The engine side's heap after a full collection, and how many of its producers are running. */
async function engineHeap(child: ChildProcess): Promise<{ heapUsed: number; running: number }> {
  child.send({ type: 'heap' });
  const [reply] = (await once(child, 'message')) as [{ heapUsed: number; running: number }];
  return reply;
}

function clientHeap(): number {
  gc();
  return process.memoryUsage().heapUsed;
}

/**
 * How the events are produced: all at once, as fast as they are taken (the engine batches them into frames), or
 * one per event-loop turn on both sides (as tokens come off a network: one frame per event for both).
 */
type Pace = 'events' | 'turns';

/** Events/s of one stream of `count` tokens, read to its result. */
async function streamRate(client: RpcClient, pace: Pace, count: number): Promise<number> {
  const start = performance.now();
  const stream = client.stream('ai.complete', { prompt: `${pace}:${count}` });
  let seen = 0;
  for await (const item of stream) if (item.text === TOKEN_TEXT) seen += 1;
  const answer = await stream.result;
  const ms = performance.now() - start;
  if (seen !== count || answer.tokensOut !== count) throw new Error(`stream delivered ${seen} of ${count} events`);
  return (count / ms) * 1000;
}

/** Events/s of `count` bare frames, each JSON.parse-d. */
function bareRate(socket: WebSocket, pace: Pace, count: number): Promise<number> {
  return new Promise((resolve) => {
    let seen = 0;
    const start = performance.now();
    const onMessage = (data: WebSocket.RawData) => {
      const event = JSON.parse(data.toString()) as { text: string };
      if (event.text === TOKEN_TEXT) seen += 1;
      if (seen < count) return;
      socket.off('message', onMessage);
      resolve((count / (performance.now() - start)) * 1000);
    };
    socket.on('message', onMessage);
    socket.send(JSON.stringify({ method: 'events', count, text: TOKEN_TEXT, perTurn: pace === 'turns' }));
  });
}

const engine = await startStreamServer();
const client = await connectClient(engine.url, engine.token);
const bare = await startBaselineServer();
const bareSocket = new WebSocket(bare.url);
await once(bareSocket, 'open');

/** Paired rounds at one pace, after a warm-up of both sides. */
async function pairedRounds(pace: Pace, events: number, warmup: number) {
  await streamRate(client, pace, warmup);
  await bareRate(bareSocket, pace, warmup);
  return alternateRounds(
    ROUNDS,
    () => streamRate(client, pace, events),
    () => bareRate(bareSocket, pace, events),
    (measured, baseline, index) =>
      progress(
        `${pace} round ${index + 1}: client.stream ${Math.round(measured)} events/s, bare ws ${Math.round(baseline)} events/s`,
      ),
  );
}
const batched = await pairedRounds('events', EVENTS_PER_ROUND, WARMUP_EVENTS);
const perTurn = await pairedRounds('turns', EVENTS_PER_TURN_ROUND, 3 * EVENTS_PER_TURN_ROUND);

// idle streams: opened, producing nothing, held open while both heaps are measured
const clientBefore = clientHeap();
const engineBefore = await engineHeap(engine.child);
const controller = new AbortController();
setMaxListeners(IDLE_STREAMS + 1, controller.signal); // one signal cancels them all
const idle = Array.from({ length: IDLE_STREAMS }, () =>
  client.stream('ai.complete', { prompt: 'idle' }, { signal: controller.signal }),
);
let engineOpen = await engineHeap(engine.child);
while (engineOpen.running < engineBefore.running + IDLE_STREAMS) {
  await new Promise((resolve) => setTimeout(resolve, 20));
  engineOpen = await engineHeap(engine.child);
}
const clientOpen = clientHeap();
controller.abort();
await Promise.allSettled(idle.map((stream) => stream.result));
let engineAfter = await engineHeap(engine.child);
while (engineAfter.running > engineBefore.running) {
  await new Promise((resolve) => setTimeout(resolve, 20));
  engineAfter = await engineHeap(engine.child);
}
progress(`${IDLE_STREAMS} idle streams opened and cancelled; engine producers running after: ${engineAfter.running}`);

client.close();
bareSocket.close();
bare.close();
engine.child.disconnect();
engine.child.kill();

function reportRounds(name: string, rounds: Array<{ measured: number; baseline: number }>, events: number) {
  const ratio = median(rounds.map((pair) => pair.measured / pair.baseline));
  return {
    name,
    value: Math.round(median(rounds.map((pair) => pair.measured))),
    unit: 'events/s',
    baseline: Math.round(median(rounds.map((pair) => pair.baseline))),
    ratio: round(ratio),
    goal: 'events/s through client.stream >= 0.8 x a bare ws socket',
    pass: ratio >= 0.8,
    rounds: ROUNDS,
    events_per_round: events,
  };
}
report({
  ...reportRounds('stream_throughput', batched, EVENTS_PER_ROUND),
  idle_stream_client_bytes: Math.round((clientOpen - clientBefore) / IDLE_STREAMS),
  idle_stream_engine_bytes: Math.round((engineOpen.heapUsed - engineBefore.heapUsed) / IDLE_STREAMS),
  idle_streams: IDLE_STREAMS,
  idle_streams_left_running: engineAfter.running - engineBefore.running,
});
// one event per turn on both sides: no batching to help, so this is the per-frame cost of the stream plumbing
report(reportRounds('stream_throughput_per_turn', perTurn, EVENTS_PER_TURN_ROUND));
