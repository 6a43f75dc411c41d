// relay_cluster_connections: idle connections held across three relays on one Redis and one PostgreSQL, on this
// machine. A separate client process opens N WebSocket connections to `/signal`, spread round-robin over the three
// relays, each subscribed to one of 2,000 rooms (so each relay subscribes those topics on Redis, and a room's
// subscribers sit on every relay), then times y-webrtc `ping` → `pong` round trips on random connections.
// Baseline: the same with 100 connections. Reported: p99, RSS per connection, and how that scales to 100,000 users.
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { metricValue, type StartedRelay, startRelay } from '../tests/support/collab-relay.js';
import { startPostgres } from '../tests/support/postgres-server.js';
import { startRedisServer } from '../tests/support/redis-server.js';
import { median, percentile, progress, report, round } from './support/report.js';

const TARGET = Number(process.env.RELAY_BENCH_CONNECTIONS ?? 15_000);
const RELAYS = 3;
const BASELINE_CONNECTIONS = 100;
const ROUNDS = 3;
const PINGS_PER_ROUND = 1000;
const TOKEN = 'bench-token-0123456789abcdef';
const IDLE_TIMEOUT_MS = 10_000;
const HOLD_MS = 12_000;
const USERS = 100_000;

type ToClients = { open: number } | { ping: number } | { exit: true };
type FromClients = { opened: number; failed: number } | { latencies: number[]; open: number };

if (process.env.RELAY_BENCH_ROLE === 'clients') {
  const urls = (process.env.RELAY_BENCH_URLS as string).split(',');
  const sockets: WebSocket[] = [];
  const waiting = new Map<WebSocket, number>();
  let pongs: number[] = [];
  const send = (message: FromClients) => process.send?.(message);
  const openOne = (index: number) =>
    new Promise<boolean>((resolve) => {
      const url = urls[index % urls.length] as string;
      const socket = new WebSocket(`${url}/signal?token=${TOKEN}`, { perMessageDeflate: false });
      socket.on('open', () => {
        socket.send(JSON.stringify({ type: 'subscribe', topics: [`room-${index % 2000}`] }));
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
  process.on('message', async (message: ToClients) => {
    if ('open' in message) {
      let failed = 0;
      let next = sockets.length;
      while (sockets.length < message.open) {
        const batch = Math.min(100, message.open - sockets.length);
        const results = await Promise.all(Array.from({ length: batch }, () => openOne(next++)));
        failed += results.filter((ok) => !ok).length;
        if (failed > 100) break;
      }
      send({ opened: sockets.length, failed });
    } else if ('ping' in message) {
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
  const redis = await startRedisServer();
  const postgres = await startPostgres();
  const databaseUrl = await postgres.createDatabase();
  const relays: StartedRelay[] = [];
  for (let i = 0; i < RELAYS; i += 1) {
    relays.push(
      await startRelay({
        token: TOKEN,
        env: {
          RELAY_REDIS_URL: redis.url,
          RELAY_DATABASE_URL: databaseUrl,
          RELAY_MAX_CONNECTIONS: String(TARGET + 1000),
          RELAY_CONN_RATE_PER_IP: '1000000',
          RELAY_CONN_BURST_PER_IP: '1000000',
          RELAY_IDLE_TIMEOUT_MS: String(IDLE_TIMEOUT_MS),
        },
      }),
    );
  }
  const rssOf = async () =>
    Promise.all(relays.map(async (relay) => metricValue(await relay.metrics(), 'process_resident_memory_bytes')));
  const heldOf = async () =>
    Promise.all(
      relays.map(async (relay) => metricValue(await relay.metrics(), 'relay_connections{endpoint="signal"}')),
    );
  const rssIdle = await rssOf();

  const clients = fork(fileURLToPath(import.meta.url), [], {
    env: { ...process.env, RELAY_BENCH_ROLE: 'clients', RELAY_BENCH_URLS: relays.map((r) => r.url).join(',') },
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
    progress(`opened ${opened} connections over ${RELAYS} relays (${failed} failed) in ${openSeconds.toFixed(1)} s`);
    await new Promise((resolve) => setTimeout(resolve, HOLD_MS));
    const p99s = await measure(`${opened} connections`);
    const value = median(p99s);
    const held = await heldOf();
    const rss = await rssOf();
    const total = held.reduce((sum, n) => sum + n, 0);
    const addedRss = rss.reduce((sum, bytes, i) => sum + bytes - (rssIdle[i] as number), 0);
    const perConnectionKb = addedRss / 1024 / Math.max(1, total);
    const perRelay = total / RELAYS;
    // 100,000 users, one signaling and one sync connection each in the worst case: measured per-connection RSS,
    // plus each relay's idle RSS, on relays filled to what one relay held here at this p99
    const connections100k = USERS * 2;
    const relaysFor100k = Math.ceil(connections100k / perRelay);
    const idleMb = median(rssIdle) / 2 ** 20;
    const memoryFor100kGb = (connections100k * perConnectionKb) / 2 ** 20 + (relaysFor100k * idleMb) / 1024;
    report({
      name: 'relay_cluster_connections',
      value: round(value, 2),
      unit: 'ms (p99 ping at full load, three relays)',
      baseline: round(baselineP99, 2),
      ratio: round(value / baselineP99),
      goal: `${TARGET} idle connections held across ${RELAYS} relays, p99 ping < 100 ms`,
      pass: total >= TARGET && value < 100,
      connections: total,
      connections_per_relay: held,
      p99_ms: round(value, 2),
      p99_rounds_ms: p99s.map((p) => round(p, 2)),
      baseline_connections: BASELINE_CONNECTIONS,
      relay_rss_mb: rss.map((bytes) => round(bytes / 2 ** 20, 1)),
      relay_rss_idle_mb: rssIdle.map((bytes) => round(bytes / 2 ** 20, 1)),
      rss_per_connection_kb: round(perConnectionKb, 2),
      open_seconds: round(openSeconds, 1),
      failed_connections: failed,
      scale_100k: {
        users: USERS,
        connections: connections100k,
        assumption: 'two connections per user (signal + sync); relays filled to what one held here at this p99',
        relays: relaysFor100k,
        memory_gb: round(memoryFor100kGb, 2),
        arithmetic: `${connections100k} conns / ${Math.round(perRelay)} per relay = ${relaysFor100k} relays; ${connections100k} × ${round(perConnectionKb, 2)} KB + ${relaysFor100k} × ${round(idleMb, 1)} MB idle = ${round(memoryFor100kGb, 2)} GB`,
      },
    });
  } finally {
    clients.send({ exit: true });
    for (const relay of relays) await relay.stop();
    await redis.close();
    await postgres.destroy();
  }
}
