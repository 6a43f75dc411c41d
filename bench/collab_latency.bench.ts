// collab_latency: a keystroke on peer A until the text is visible on peer B, p50/p95 on loopback, for both
// transports: peer-to-peer (two separate Chromium processes with y-webrtc, signaling through the real relay) and
// through the relay (two Node peers with RelaySyncProvider). Goal: p95 ≤ 50 ms.

import { RelaySyncProvider, type RelayWebSocketConstructor } from '@pa/shared/relay/client';
import { roomIdForSecret } from '@pa/shared/relay/write-key';
import type { Page } from '@playwright/test';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { startRelay } from '../tests/support/collab-relay.js';
import { launchChromium } from './support/chromium.js';
import { serveCollabPage } from './support/collab-page-build.js';
import { median, percentile, progress, report, round } from './support/report.js';

const ROUNDS = Number(process.env.PA_BENCH_ROUNDS ?? 3);
const KEYSTROKES = 100;
/** About 30 characters a second: fast typing. */
const TYPE_INTERVAL_MS = 33;
const GOAL_P95_MS = 50;

interface PeerApi {
  collabBench: {
    startPeer(room: string, signaling: string, password: string): void;
    peer(): {
      peers(): number;
      synced(): boolean;
      type(mark: string): number;
      seen(): Array<{ mark: string; at: number }>;
    };
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function summarise(rounds: number[][]) {
  return {
    p50: median(rounds.map((samples) => percentile(samples, 50))),
    p95: median(rounds.map((samples) => percentile(samples, 95))),
    samples: rounds.reduce((sum, samples) => sum + samples.length, 0),
  };
}

async function peerToPeer(relay: { url: string; token: string }): Promise<number[][]> {
  const page = await serveCollabPage();
  const launch = () => launchChromium(['--disable-background-networking']);
  // two processes: BroadcastChannel between tabs of one browser would carry the updates instead of WebRTC
  const browsers = [await launch(), await launch()];
  try {
    const tabs: Page[] = [];
    for (const browser of browsers) {
      const tab = await browser.newPage();
      await tab.goto(page.url);
      await tab.waitForFunction(() => 'collabBench' in window);
      tabs.push(tab);
    }
    const [a, b] = tabs as [Page, Page];
    const room = `bench-${Date.now().toString(36)}`;
    const signaling = `${relay.url}/signal?token=${encodeURIComponent(relay.token)}`;
    for (const tab of tabs) {
      await tab.evaluate(
        ([r, s]) => (window as unknown as PeerApi).collabBench.startPeer(r as string, s as string, 'bench-secret'),
        [room, signaling],
      );
    }
    for (const tab of tabs) {
      await tab.waitForFunction(() => (window as unknown as PeerApi).collabBench.peer().peers() > 0, null, {
        timeout: 30_000,
      });
    }
    progress('p2p: WebRTC connected between the two Chromium processes');
    const rounds: number[][] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const sent = new Map<string, number>();
      for (let i = 0; i < KEYSTROKES; i++) {
        const mark = `·${r}.${i}`;
        sent.set(mark, await a.evaluate((m) => (window as unknown as PeerApi).collabBench.peer().type(m), mark));
        await sleep(TYPE_INTERVAL_MS);
      }
      const seen: Array<{ mark: string; at: number }> = [];
      const deadline = Date.now() + 10_000;
      while (seen.length < KEYSTROKES && Date.now() < deadline) {
        seen.push(...(await b.evaluate(() => (window as unknown as PeerApi).collabBench.peer().seen())));
        if (seen.length < KEYSTROKES) await sleep(50);
      }
      const samples = seen.flatMap(({ mark, at }) => {
        const start = sent.get(mark);
        return start === undefined ? [] : [at - start];
      });
      if (samples.length < KEYSTROKES)
        throw new Error(`p2p: only ${samples.length} of ${KEYSTROKES} keystrokes arrived`);
      progress(
        `p2p round ${r + 1}: p50 ${percentile(samples, 50).toFixed(2)} ms, p95 ${percentile(samples, 95).toFixed(2)} ms`,
      );
      rounds.push(samples);
    }
    return rounds;
  } finally {
    for (const browser of browsers) await browser.close();
    await page.close();
  }
}

async function throughRelay(relay: { url: string; token: string }): Promise<number[][]> {
  // a fresh room per run: the relay admits a room id only with the write key its secret derives
  const secret = `bench-secret-${Date.now().toString(36)}`;
  const roomId = await roomIdForSecret(secret);
  const docs = [new Y.Doc(), new Y.Doc()] as const;
  const providers = docs.map(
    (doc) =>
      new RelaySyncProvider(doc, {
        url: relay.url,
        token: relay.token,
        roomId,
        secret,
        WebSocket: WebSocket as unknown as RelayWebSocketConstructor,
      }),
  );
  try {
    await Promise.all(providers.map((provider) => provider.whenSynced()));
    const [a, b] = docs;
    const textA = a.getText('file');
    const arrivals: Array<{ mark: string; at: number }> = [];
    b.getText('file').observe((event) => {
      const at = performance.now();
      for (const op of event.delta) if (typeof op.insert === 'string') arrivals.push({ mark: op.insert, at });
    });
    const rounds: number[][] = [];
    for (let r = 0; r < ROUNDS; r++) {
      arrivals.length = 0;
      const sent = new Map<string, number>();
      for (let i = 0; i < KEYSTROKES; i++) {
        const mark = `·${r}.${i}`;
        sent.set(mark, performance.now());
        textA.insert(textA.length, mark);
        await sleep(TYPE_INTERVAL_MS);
      }
      const deadline = Date.now() + 10_000;
      while (arrivals.length < KEYSTROKES && Date.now() < deadline) await sleep(20);
      const samples = arrivals.flatMap(({ mark, at }) => {
        const start = sent.get(mark);
        return start === undefined ? [] : [at - start];
      });
      if (samples.length < KEYSTROKES) throw new Error(`relay: only ${samples.length} of ${KEYSTROKES} arrived`);
      progress(
        `relay round ${r + 1}: p50 ${percentile(samples, 50).toFixed(2)} ms, p95 ${percentile(samples, 95).toFixed(2)} ms`,
      );
      rounds.push(samples);
    }
    return rounds;
  } finally {
    for (const provider of providers) provider.destroy();
  }
}

// the relay as deployed: its default 'full' sync mode fsyncs every update before it is acknowledged and relayed;
// the same path with 'normal' (no fsync per update) is the baseline, so the disk's share of the latency shows
const relay = await startRelay({ syncMode: 'full' });
const relayNoFsync = await startRelay({ syncMode: 'normal' });
try {
  const p2p = summarise(await peerToPeer(relay));
  const viaRelay = summarise(await throughRelay(relay));
  const viaRelayNoFsync = summarise(await throughRelay(relayNoFsync));
  const goal = `keystroke → visible on the other peer, p95 ≤ ${GOAL_P95_MS} ms on loopback`;
  report({
    name: 'collab_latency_p2p',
    value: round(p2p.p95, 2),
    unit: 'ms',
    baseline: null,
    ratio: null,
    goal,
    pass: p2p.p95 <= GOAL_P95_MS,
    p50_ms: round(p2p.p50, 2),
    p95_ms: round(p2p.p95, 2),
    samples: p2p.samples,
    rounds: ROUNDS,
    transport: 'y-webrtc between two Chromium processes (signaling via the relay)',
  });
  report({
    name: 'collab_latency_relay',
    value: round(viaRelay.p95, 2),
    unit: 'ms',
    baseline: round(viaRelayNoFsync.p95, 2),
    ratio: round(viaRelay.p95 / viaRelayNoFsync.p95, 2),
    goal,
    pass: viaRelay.p95 <= GOAL_P95_MS,
    p50_ms: round(viaRelay.p50, 2),
    p95_ms: round(viaRelay.p95, 2),
    baseline_p50_ms: round(viaRelayNoFsync.p50, 2),
    baseline_is: 'the same relay with RELAY_SYNC_MODE=normal (no fsync per update)',
    samples: viaRelay.samples,
    rounds: ROUNDS,
    transport: 'RelaySyncProvider (Node) via the relay, RELAY_SYNC_MODE=full (default)',
  });
} finally {
  await relay.stop();
  await relayNoFsync.stop();
}
