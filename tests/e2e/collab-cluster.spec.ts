// Collaboration across a scaled-out relay: one real redis-server, one PostgreSQL (the rooms' shared storage: SQLite
// cannot be shared between relay processes), two relay processes on both. The host shares through relay A; the guest
// joins the same room by invite through relay B (the invite the host made, pointed at relay B, as a load balancer
// without sticky routing would hand it out). Both editors run in SEPARATE Chromium processes, so nothing but WebRTC
// or the relays can carry an edit between them. The y-webrtc peers can only meet if signaling crosses the relays
// over Redis: the test waits for a connected RTCPeerConnection with an open data channel in both pages, then checks
// that typed text arrives over it — finally with both relays killed, so relay sync cannot be what carried it.
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { type Browser, chromium, expect, type Page, test } from '@playwright/test';
import { decodeInvite, encodeInvite } from '../../packages/ui/src/collab/invite';
import { licensedDataDir } from '../support/collab-license';
import { metricValue, type StartedRelay, startRelay } from '../support/collab-relay';
import { type PostgresServer, startPostgres } from '../support/postgres-server';
import { type RedisServer, startRedisServer } from '../support/redis-server';
import { type OpenedWorkbench, openWorkbench } from './support/workbench';

const FILE = 'src/greet.ts';
const TOKEN = 'collab-cluster-relay-token';
const browsers: Browser[] = [];
const workbenches: OpenedWorkbench[] = [];
const relays: StartedRelay[] = [];
let redis: RedisServer | null = null;
let postgres: PostgresServer | null = null;
let licensed: { dataDir: string; env: Record<string, string> } | null = null;

test.afterAll(async () => {
  const [redisServer, postgresServer, license] = [redis, postgres, licensed];
  redis = null;
  postgres = null;
  licensed = null;
  // every step on its own: one failing cleanup must not leave the other processes running
  const steps: Array<() => Promise<unknown>> = [
    ...workbenches.splice(0).map((wb) => () => wb.close()),
    ...browsers.splice(0).map((browser) => () => browser.close()),
    ...relays.splice(0).map((relay) => () => relay.stop()),
    async () => redisServer?.close(),
    async () => postgresServer?.destroy(),
    // licensedDataDir puts the data dir and the throwaway vendor keys under one temporary root
    async () => license && rmSync(dirname(license.dataDir), { recursive: true, force: true }),
  ];
  for (const step of steps) await step().catch((error: unknown) => console.error('collab-cluster cleanup:', error));
});

/** Keeps every RTCPeerConnection the page creates (y-webrtc's, through simple-peer) for the test to inspect. */
function trackPeerConnections() {
  const Native = window.RTCPeerConnection;
  const created: RTCPeerConnection[] = [];
  (window as unknown as { __peerConnections: RTCPeerConnection[] }).__peerConnections = created;
  window.RTCPeerConnection = class extends Native {
    constructor(...args: ConstructorParameters<typeof RTCPeerConnection>) {
      super(...args);
      created.push(this);
    }
  };
}

interface WebrtcState {
  /** Peer connections whose connectionState is 'connected' (ICE and DTLS up). */
  connected: number;
  /** Data channels of those connections that are open (y-webrtc's one channel per peer). */
  openChannels: number;
  /** Messages received over those data channels so far. */
  messagesReceived: number;
}

const webrtcState = (page: Page): Promise<WebrtcState> =>
  page.evaluate(async () => {
    const all = (window as unknown as { __peerConnections: RTCPeerConnection[] }).__peerConnections;
    const state = { connected: 0, openChannels: 0, messagesReceived: 0 };
    for (const pc of all) {
      if (pc.connectionState !== 'connected') continue;
      state.connected += 1;
      (await pc.getStats()).forEach((report: { type: string; state?: string; messagesReceived?: number }) => {
        if (report.type !== 'data-channel') return;
        if (report.state === 'open') state.openChannels += 1;
        state.messagesReceived += report.messagesReceived ?? 0;
      });
    }
    return state;
  });

async function newWindow(launchOptions: Parameters<typeof chromium.launch>[0], env?: Record<string, string>) {
  const browser = await chromium.launch(launchOptions);
  browsers.push(browser);
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.addInitScript(trackPeerConnections);
  const wb = await openWorkbench(page, env ? { env } : {});
  workbenches.push(wb);
  return { browser, page, wb };
}

async function openCollabView(page: Page, name: string) {
  await page.locator('.activity-item[data-view="collab"]').click();
  await page.getByTestId('collab-name').fill(name);
}

async function openFile(page: Page) {
  await page.keyboard.press('Control+P');
  await page.locator('.picker__input').fill('greet');
  await expect(page.locator('.picker__item--selected')).toContainText('greet.ts');
  await page.keyboard.press('Enter');
  await expect(page.locator(`.tab[data-path="${FILE}"]`)).toHaveAttribute('aria-selected', 'true');
}

async function typeAt(page: Page, where: 'start' | 'end', text: string) {
  await page.locator('.monaco-host .view-lines').click();
  await page.keyboard.press(where === 'start' ? 'Control+Home' : 'Control+End');
  await page.keyboard.type(text, { delay: 15 });
}

const editorText = async (page: Page) =>
  ((await page.locator('.monaco-host .view-lines').textContent()) ?? '').replace(/\u00a0/g, ' ');

const connections = async (relay: StartedRelay, endpoint: 'signal' | 'sync') =>
  metricValue(await relay.metrics(), `relay_connections{endpoint="${endpoint}"}`);

test('y-webrtc peers on two relays of one Redis meet over WebRTC, and their edits travel over it', async () => {
  test.setTimeout(180_000);
  const launchOptions = test.info().project.use.launchOptions ?? {};
  redis = await startRedisServer();
  postgres = await startPostgres();
  const databaseUrl = await postgres.createDatabase();
  for (let i = 0; i < 2; i += 1) {
    relays.push(
      await startRelay({ token: TOKEN, env: { RELAY_REDIS_URL: redis.url, RELAY_DATABASE_URL: databaseUrl } }),
    );
  }
  const [relayA, relayB] = relays as [StartedRelay, StartedRelay];
  licensed = licensedDataDir('professional');
  const host = await newWindow(launchOptions, { PA_DATA_DIR: licensed.dataDir, ...licensed.env });
  const guest = await newWindow(launchOptions);

  // the host shares through relay A
  await openCollabView(host.page, 'Ada');
  await host.page.getByTestId('collab-relay-url').fill(relayA.url);
  await host.page.getByTestId('collab-relay-token').fill(relayA.token);
  await host.page.getByTestId('collab-share').click();
  await host.page.getByTestId('collab-start').click();
  const invite = host.page.getByTestId('collab-invite');
  await expect(invite).toHaveValue(/^pa1-/);
  const hostInvite = decodeInvite(await invite.inputValue());
  expect(hostInvite.relay?.url).toBe(relayA.url);
  // the guest enters the same room through relay B
  const code = encodeInvite({ ...hostInvite, relay: { url: relayB.url, token: relayB.token } });
  await openCollabView(guest.page, 'Bob');
  await guest.page.getByTestId('collab-invite-input').fill(code);
  await guest.page.getByTestId('collab-join').click();

  // each window's signaling and sync sockets are on its own relay, none on the other
  for (const relay of [relayA, relayB]) {
    await expect.poll(() => connections(relay, 'signal')).toBe(1);
    await expect.poll(() => connections(relay, 'sync')).toBe(1);
  }
  // the peers met: one connected RTCPeerConnection with an open data channel in each page (only signaling that
  // crossed the relays through Redis can have exchanged their offer and answer)
  for (const { page } of [host, guest]) {
    await expect.poll(() => webrtcState(page), { timeout: 30_000 }).toMatchObject({ connected: 1, openChannels: 1 });
  }
  for (const { page } of [host, guest]) {
    await expect(page.getByTestId('collab-status')).toContainText('1 peer', { timeout: 20_000 });
    await expect(page.getByTestId('collab-status')).toContainText('relay ✓');
  }
  await expect(host.page.getByTestId('collab-participants')).toContainText('Bob');
  await expect(guest.page.getByTestId('collab-participants')).toContainText('Ada');

  // text typed on either side arrives on the other, and the receiving page's data channel carried messages meanwhile
  // (edits and awareness alike: the proof that the edits need no relay comes below)
  await openFile(host.page);
  await openFile(guest.page);
  const hostBefore = (await webrtcState(host.page)).messagesReceived;
  await typeAt(guest.page, 'start', '// Bob on relay B\n');
  await expect.poll(() => editorText(host.page)).toContain('// Bob on relay B');
  expect((await webrtcState(host.page)).messagesReceived).toBeGreaterThan(hostBefore);
  const guestBefore = (await webrtcState(guest.page)).messagesReceived;
  await typeAt(host.page, 'end', '// Ada on relay A\n');
  await expect.poll(() => editorText(guest.page)).toContain('// Ada on relay A');
  expect((await webrtcState(guest.page)).messagesReceived).toBeGreaterThan(guestBefore);
  for (const { wb } of [host, guest]) {
    expect(wb.errors().filter((line) => !line.includes('WebSocket'))).toEqual([]);
  }

  // both relays die: no relay can carry anything now, yet the edits keep flowing peer to peer
  for (const relay of relays) await relay.kill9();
  for (const { page } of [host, guest]) {
    await expect(page.getByTestId('collab-status')).toContainText('relay ✗', { timeout: 20_000 });
  }
  await typeAt(host.page, 'start', '// Ada with both relays down\n');
  await typeAt(guest.page, 'end', '// Bob with both relays down\n');
  for (const { page } of [host, guest]) {
    await expect.poll(() => editorText(page)).toContain('// Ada with both relays down');
    await expect.poll(() => editorText(page)).toContain('// Bob with both relays down');
    expect(await webrtcState(page)).toMatchObject({ connected: 1, openChannels: 1 });
  }
  await guest.page.screenshot({ path: 'test-results/collab-cluster.png' });
});
