// relay_cluster_connections: idle connections held across three relays on one Redis and one PostgreSQL, on this
// machine. A separate client process opens N WebSocket connections to `/signal`, spread round-robin over the three
// relays, each subscribed to one of 2,000 rooms (so each relay subscribes those topics on Redis, and a room's
// subscribers sit on every relay), then times y-webrtc `ping` → `pong` round trips on random connections.
// Baseline: the same with 100 connections. Reported: p99, RSS per connection, and how that scales to 100,000 users.
import { metricValue, type StartedRelay, startRelay } from '../tests/support/collab-relay.js';
import { startPostgres } from '../tests/support/postgres-server.js';
import { startRedisServer } from '../tests/support/redis-server.js';
import { startIdleSignalClients } from './support/idle-signal-clients.js';
import { median, progress, report, round } from './support/report.js';

const TARGET = Number(process.env.RELAY_BENCH_CONNECTIONS ?? 15_000);
const RELAYS = 3;
const BASELINE_CONNECTIONS = 100;
const ROUNDS = 3;
const PINGS_PER_ROUND = 1000;
const TOKEN = 'bench-token-0123456789abcdef';
const IDLE_TIMEOUT_MS = 10_000;
const HOLD_MS = 12_000;
const USERS = 100_000;

await main();

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

  const clients = startIdleSignalClients(
    relays.map((relay) => relay.url),
    TOKEN,
  );
  const measure = (label: string) => clients.measure(label, ROUNDS, PINGS_PER_ROUND);

  try {
    await clients.open(BASELINE_CONNECTIONS);
    const baselineP99 = median(await measure(`${BASELINE_CONNECTIONS} connections`));
    const started = performance.now();
    const { opened, failed } = await clients.open(TARGET);
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
    clients.exit();
    for (const relay of relays) await relay.stop();
    await redis.close();
    await postgres.destroy();
  }
}
