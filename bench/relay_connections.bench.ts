// relay_connections: how many idle connections the relay holds and how fast it still answers. A separate client
// process opens N WebSocket connections to `/signal` (each subscribed to a room, like idle y-webrtc peers), then
// times y-webrtc `ping` → `pong` round trips on random connections. Baseline: the same with 100 connections.
// Goal (issue 5): 10,000 connections on this 2-core machine with p99 < 100 ms; relay RSS reported.
import { metricValue, startRelay } from '../tests/support/collab-relay.js';
import { startIdleSignalClients } from './support/idle-signal-clients.js';
import { median, progress, report, round } from './support/report.js';

const TARGET = Number(process.env.RELAY_BENCH_CONNECTIONS ?? 10_000);
const BASELINE_CONNECTIONS = 100;
const ROUNDS = 3;
const PINGS_PER_ROUND = 1000;
const TOKEN = 'bench-token-0123456789abcdef';
/** Connections stay idle this long before measuring: past the relay's liveness ping (idle timeout / 2). */
const IDLE_TIMEOUT_MS = 10_000;
const HOLD_MS = 12_000;

await main();

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

  const clients = startIdleSignalClients([relay.url], TOKEN);
  const measure = (label: string) => clients.measure(label, ROUNDS, PINGS_PER_ROUND);

  try {
    await clients.open(BASELINE_CONNECTIONS);
    const baselineP99 = median(await measure(`${BASELINE_CONNECTIONS} connections`));

    const started = performance.now();
    const { opened, failed } = await clients.open(TARGET);
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
    clients.exit();
    await relay.stop();
  }
}
