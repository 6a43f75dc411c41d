// relay_cluster_latency: a keystroke on a client of relay A until it is visible on a client of relay B (the update
// crosses Redis pub/sub), against two clients on one relay, in the same run: both pairs share the same Redis and
// PostgreSQL, and every keystroke is typed on both pairs' writers (both on relay A) in the same tick, so each round
// compares the two under the same load at the same moment: the figure is paired. Goal (issue 18): the second relay adds at most 5 ms at p95 (`p95_added_ms`).
import { RelaySyncProvider, type RelayWebSocketConstructor } from '@pa/shared/relay/client';
import { roomIdForSecret } from '@pa/shared/relay/write-key';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { startRelay } from '../tests/support/collab-relay.js';
import { startPostgres } from '../tests/support/postgres-server.js';
import { startRedisServer } from '../tests/support/redis-server.js';
import { median, percentile, progress, report, round } from './support/report.js';

const ROUNDS = Number(process.env.PA_BENCH_ROUNDS ?? 5);
const KEYSTROKES = 100;
/** About 30 characters a second: fast typing. */
const TYPE_INTERVAL_MS = 33;
const GOAL_ADDED_P95_MS = 5;
const TOKEN = 'bench-token-0123456789abcdef';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Pair {
  label: string;
  providers: RelaySyncProvider[];
  typeOn: Y.Text;
  arrivals: Array<{ mark: string; at: number }>;
}

async function pair(label: string, writerUrl: string, readerUrl: string): Promise<Pair> {
  const secret = `bench-cluster-${label}-${Date.now().toString(36)}`;
  const roomId = await roomIdForSecret(secret);
  const docs = [new Y.Doc(), new Y.Doc()] as const;
  const providers = [writerUrl, readerUrl].map(
    (url, i) =>
      new RelaySyncProvider(docs[i] as Y.Doc, {
        url,
        token: TOKEN,
        roomId,
        secret,
        WebSocket: WebSocket as unknown as RelayWebSocketConstructor,
      }),
  );
  await Promise.all(providers.map((provider) => provider.whenSynced()));
  const arrivals: Array<{ mark: string; at: number }> = [];
  docs[1].getText('file').observe((event) => {
    const at = performance.now();
    for (const op of event.delta) if (typeof op.insert === 'string') arrivals.push({ mark: op.insert, at });
  });
  return { label, providers, typeOn: docs[0].getText('file'), arrivals };
}

/**
 * One round: each keystroke is typed on both writers in the same tick (both on relay A, so both go into the same
 * batch and the same PostgreSQL transaction); one pair's reader is on relay A, the other's on relay B. What differs
 * is the hop through Redis, measured under the same load at the same moment.
 */
async function measureBoth(pairs: Pair[], round: number): Promise<Map<Pair, number[]>> {
  const sent = new Map<string, number>();
  for (const p of pairs) p.arrivals.length = 0;
  for (let i = 0; i < KEYSTROKES; i++) {
    const order = i % 2 === 0 ? pairs : [...pairs].reverse();
    for (const p of order) {
      const mark = `·${p.label}${round}.${i}`;
      sent.set(mark, performance.now());
      p.typeOn.insert(p.typeOn.length, mark);
    }
    await sleep(TYPE_INTERVAL_MS);
  }
  const deadline = Date.now() + 10_000;
  while (pairs.some((p) => p.arrivals.length < KEYSTROKES) && Date.now() < deadline) await sleep(20);
  const results = new Map<Pair, number[]>();
  for (const p of pairs) {
    const samples = p.arrivals.flatMap(({ mark, at }) => {
      const start = sent.get(mark);
      return start === undefined ? [] : [at - start];
    });
    if (samples.length < KEYSTROKES) throw new Error(`${p.label}: only ${samples.length} of ${KEYSTROKES} arrived`);
    results.set(p, samples);
  }
  return results;
}

const redis = await startRedisServer();
const postgres = await startPostgres();
const databaseUrl = await postgres.createDatabase();
const env = { RELAY_REDIS_URL: redis.url, RELAY_DATABASE_URL: databaseUrl };
const relayA = await startRelay({ token: TOKEN, env });
const relayB = await startRelay({ token: TOKEN, env });
try {
  const same = await pair('same', relayA.url, relayA.url);
  const cross = await pair('cross', relayA.url, relayB.url);
  const sameP95: number[] = [];
  const crossP95: number[] = [];
  const sameP50: number[] = [];
  const crossP50: number[] = [];
  const added: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const results = await measureBoth([same, cross], r);
    const s = results.get(same) as number[];
    const c = results.get(cross) as number[];
    sameP95.push(percentile(s, 95));
    crossP95.push(percentile(c, 95));
    sameP50.push(percentile(s, 50));
    crossP50.push(percentile(c, 50));
    added.push(percentile(c, 95) - percentile(s, 95));
    progress(
      `round ${r + 1}: one relay p50 ${percentile(s, 50).toFixed(2)} / p95 ${percentile(s, 95).toFixed(2)} ms; ` +
        `two relays p50 ${percentile(c, 50).toFixed(2)} / p95 ${percentile(c, 95).toFixed(2)} ms`,
    );
  }
  const addedP95 = median(added);
  report({
    name: 'relay_cluster_latency',
    value: round(median(crossP95), 2),
    unit: 'ms (p95, keystroke on relay A → visible on relay B)',
    baseline: round(median(sameP95), 2),
    ratio: round(median(crossP95) / median(sameP95), 2),
    goal: `a second relay (through Redis) adds ≤ ${GOAL_ADDED_P95_MS} ms at p95`,
    pass: addedP95 <= GOAL_ADDED_P95_MS,
    p95_added_ms: round(addedP95, 2),
    p50_ms: round(median(crossP50), 2),
    p95_ms: round(median(crossP95), 2),
    baseline_p50_ms: round(median(sameP50), 2),
    baseline_p95_ms: round(median(sameP95), 2),
    p95_added_rounds_ms: added.map((value) => round(value, 2)),
    baseline_is: 'two clients on relay A, same Redis and PostgreSQL, measured in the same rounds',
    rounds: ROUNDS,
    keystrokes_per_round: KEYSTROKES,
  });
  for (const p of [same, cross]) for (const provider of p.providers) provider.destroy();
} finally {
  await relayA.stop();
  await relayB.stop();
  await redis.close();
  await postgres.destroy();
}
