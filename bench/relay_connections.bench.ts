// relay_connections: how many idle connections the relay holds and how fast it still answers. A separate client
// process opens N WebSocket connections to `/signal` (each subscribed to a room, like idle y-webrtc peers), then
// times y-webrtc `ping` → `pong` round trips on random connections. Baseline: the same with 100 connections.
// Goal (issue 5): 10,000 connections on this 2-core machine with p99 < 100 ms; relay RSS reported.
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { metricValue, startRelay } from '../tests/support/collab-relay.js';
import { median, percentile, progress, report, round } from './support/report.js';

const TARGET = Number(process.env.RELAY_BENCH_CONNECTIONS ?? 10_000);
const BASELINE_CONNECTIONS = 100;
const ROUNDS = 3;
const PINGS_PER_ROUND = 1000;
const TOKEN = 'bench-token-0123456789abcdef';
/** Connections stay idle this long before measuring: past the relay's liveness ping (idle timeout / 2). */
const IDLE_TIMEOUT_MS = 10_000;
const HOLD_MS = 12_000;

type ToClients = { open: number } | { ping: number } | { exit: true };
type FromClients = { opened: number; failed: number } | { latencies: number[]; open: number };

// --- the client process: holds the connections, answers the parent's commands -------------------------------
if (process.env.RELAY_BENCH_ROLE === 'clients') {
  const url = process.env.RELAY_BENCH_URL as string;
  const sockets: WebSocket[] = [];
  const waiting = new Map<WebSocket, number>();
  const send = (message: FromClients) => process.send?.(message);
  const openOne = () =>
    new Promise<boolean>((resolve) => {
      const socket = new WebSocket(`${url}/signal?token=${TOKEN}`, { perMessageDeflate: false });
      socket.on('open', () => {
        socket.send(JSON.stringify({ type: 'subscribe', topics: [`room-${sockets.length % 2000}`] }));
        sockets.push(socket);
        resolve(true);
      });
      socket.on('message', (data) => {
        const started = waiting.get(socket);
        if (started !== undefined && String(data) === '{"type":"pong"}') {
          waiting.delete(socket);
          pongs.push(performance.now() - started);
        }
      });
      socket.on('error', () => resolve(false));
    });
  let pongs: number[] = [];
  process.on('message', async (message: ToClients) => {
    if ('open' in message) {
      let failed = 0;
      while (sockets.length < message.open) {
        const batch = Math.min(100, message.open - sockets.length);
        const results = await Promise.all(Array.from({ length: batch }, openOne));
        failed += results.filter((ok) => !ok).length;
        if (failed > 100) break;
      }
      send({ opened: sockets.length, failed });
    } else if ('ping' in message) {
      // one ping per ms on a random connection: latency under a steady trickle, not a burst's queueing
      pongs = [];
      for (let i = 0; i < message.ping; i += 1) {
        const socket = sockets[Math.floor(Math.random() * sockets.length)] as WebSocket;
        if (waiting.has(socket)) continue;
        waiting.set(socket, performance.now());
        socket.send('{"type":"ping"}');
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      const deadline = Date.now() + 10_000;
      while (waiting.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      send({ latencies: pongs, open: sockets.filter((s) => s.readyState === WebSocket.OPEN).length });
    } else {
      for (const socket of sockets) socket.terminate();
      process.exit(0);
    }
  });
} else {
  await main();
}

async function main(): Promise<void> {
  const relay = await startRelay({
    token: TOKEN,
    env: {
      RELAY_MAX_CONNECTIONS: String(TARGET + 1000),
      RELAY_CONN_RATE_PER_IP: '1000000',
      RELAY_CONN_BURST_PER_IP: '1000000',
      RELAY_IDLE_TIMEOUT_MS: String(IDLE_TIMEOUT_MS),
    },
  });
  const metrics = relay.metrics;
  const gauge = metricValue;
  const rssIdle = gauge(await metrics(), 'process_resident_memory_bytes');

  const clients = fork(fileURLToPath(import.meta.url), [], {
    env: { ...process.env, RELAY_BENCH_ROLE: 'clients', RELAY_BENCH_URL: relay.url },
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ask = <T extends FromClients>(child: ChildProcess, message: ToClients) =>
    new Promise<T>((resolve) => {
      child.once('message', (answer) => resolve(answer as T));
      child.send(message);
    });

  const measure = async (label: string): Promise<number[]> => {
    const p99s: number[] = [];
    for (let r = 0; r < ROUNDS; r += 1) {
      const { latencies } = await ask<{ latencies: number[]; open: number }>(clients, { ping: PINGS_PER_ROUND });
      p99s.push(percentile(latencies, 99));
      progress(
        `${label} round ${r + 1}: ${latencies.length} pongs, p50 ${percentile(latencies, 50).toFixed(2)} ms, p99 ${percentile(latencies, 99).toFixed(2)} ms`,
      );
    }
    return p99s;
  };

  try {
    await ask(clients, { open: BASELINE_CONNECTIONS });
    const baselineP99 = median(await measure(`${BASELINE_CONNECTIONS} connections`));

    const started = performance.now();
    const { opened, failed } = await ask<{ opened: number; failed: number }>(clients, { open: TARGET });
    const openSeconds = (performance.now() - started) / 1000;
    progress(`opened ${opened} connections (${failed} failed) in ${openSeconds.toFixed(1)} s; holding them idle`);
    // idle is the scenario: the relay's liveness check pings every quiet connection and must keep them all
    await new Promise((resolve) => setTimeout(resolve, HOLD_MS));
    const p99s = await measure(`${opened} connections`);
    const value = median(p99s);
    const after = await metrics();
    const held = gauge(after, 'relay_connections{endpoint="signal"}');
    const rss = gauge(after, 'process_resident_memory_bytes');
    report({
      name: 'relay_connections',
      value: round(value, 2),
      unit: 'ms (p99 ping at full load)',
      baseline: round(baselineP99, 2),
      ratio: round(value / baselineP99),
      goal: `${TARGET} idle connections held, p99 ping < 100 ms`,
      pass: held >= TARGET && value < 100,
      connections: held,
      p99_ms: round(value, 2),
      p99_rounds_ms: p99s.map((p) => round(p, 2)),
      baseline_connections: BASELINE_CONNECTIONS,
      relay_rss_mb: round(rss / 2 ** 20, 1),
      relay_rss_idle_mb: round(rssIdle / 2 ** 20, 1),
      rss_per_connection_kb: round((rss - rssIdle) / 1024 / Math.max(1, held), 2),
      open_seconds: round(openSeconds, 1),
      idle_hold_s: HOLD_MS / 1000,
      failed_connections: failed,
    });
  } finally {
    clients.send({ exit: true });
    await relay.stop();
  }
}
