// The relay operator console end to end: three real relays share a real Redis, Node clients of one room spread over
// them type for a while (and some handshakes are refused), an operator signs in through the console's form on one
// relay, and the charts (uPlot) fill with live data from all three. Saves test-results/relay-console.png.
import { type ChildProcess, spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { RelaySyncProvider } from '@pa/shared/relay/client';
import { deriveWriteKey } from '@pa/shared/relay/write-key';
import { expect, test } from '@playwright/test';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { type StartedRelay, startRelay } from '../support/collab-relay';

const ADMIN = 'admin-token-for-the-e2e-console-0123456789';
const SECRET = 'relay console e2e room secret';
const relays: StartedRelay[] = [];
const providers: RelaySyncProvider[] = [];
let redis: ChildProcess | null = null;
let typing: NodeJS.Timeout | null = null;

test.afterEach(async () => {
  if (typing) clearInterval(typing);
  for (const provider of providers.splice(0)) provider.destroy();
  for (const relay of relays.splice(0)) await relay.stop();
  redis?.kill('SIGKILL');
  redis = null;
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function startRedis(): Promise<string> {
  const port = await freePort();
  redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  await expect
    .poll(
      () =>
        new Promise<boolean>((resolve) => {
          const socket = connect(port, '127.0.0.1', () => {
            socket.end();
            resolve(true);
          });
          socket.on('error', () => resolve(false));
        }),
      { timeout: 10_000 },
    )
    .toBe(true);
  return `redis://127.0.0.1:${port}`;
}

async function refusedHandshake(url: string): Promise<void> {
  const socket = new WebSocket(url);
  await new Promise<void>((resolve) => {
    socket.on('error', () => resolve());
    socket.on('close', () => resolve());
  });
}

test('operator console: sign in, live charts from three relays', async ({ page }) => {
  const redisUrl = await startRedis();
  for (const id of ['relay-eu-1', 'relay-eu-2', 'relay-eu-3']) {
    relays.push(await startRelay({ env: { RELAY_ADMIN_TOKEN: ADMIN, RELAY_ID: id, RELAY_REDIS_URL: redisUrl } }));
  }
  const [first] = relays as [StartedRelay, ...StartedRelay[]];
  // clients of one room on every relay (2, 3 and 1 of them), each typing now and then
  const { roomId } = await deriveWriteKey(SECRET);
  const docs: Y.Doc[] = [];
  for (const [index, count] of [2, 3, 1].entries()) {
    for (let i = 0; i < count; i += 1) {
      const doc = new Y.Doc();
      const relay = relays[index] as StartedRelay;
      providers.push(
        new RelaySyncProvider(doc, { url: relay.url, roomId, secret: SECRET, token: relay.token, WebSocket }),
      );
      docs.push(doc);
    }
  }
  await Promise.all(providers.map((provider) => provider.whenSynced()));
  let tick = 0;
  typing = setInterval(() => {
    tick += 1;
    const doc = docs[tick % docs.length] as Y.Doc;
    const text = doc.getText('notes');
    text.insert(text.length, `edit ${tick}: ${'x'.repeat(20 + (tick % 7) * 30)}\n`);
  }, 60);
  for (let i = 0; i < 4; i += 1) await refusedHandshake(`${first.url}/sync/${roomId}?token=not-the-token-0123456789`);
  await refusedHandshake(`${first.url}/signal`);

  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const w = window as unknown as { __cspViolations?: string[] };
      w.__cspViolations = [...(w.__cspViolations ?? []), `${event.violatedDirective} ${event.blockedURI}`];
    });
  });

  const consoleUrl = `http://127.0.0.1:${first.port}/console`;
  await page.goto(consoleUrl);
  await expect(page.locator('#login-form')).toBeVisible();
  await expect(page.locator('#dashboard')).toBeHidden();
  // a wrong token keeps the form up with a message
  await page.locator('#token').fill('definitely-not-the-admin-token');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.locator('#login-error')).toHaveText('That is not the admin token.');
  await expect(page.locator('#dashboard')).toBeHidden();
  // the client token is not the admin token either
  await page.locator('#token').fill(first.token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.locator('#login-error')).toHaveText('That is not the admin token.');

  await page.locator('#token').fill(ADMIN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.locator('#dashboard')).toBeVisible();
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  await expect(page.locator('#relay-id')).toHaveText('relay-eu-1');
  await expect(page.locator('#status-pill')).toHaveText('live');
  // all three relays report through Redis, with their own connection counts
  await expect(page.locator('#relays-table tr')).toHaveCount(3, { timeout: 20_000 });
  await expect(page.locator('#relays-table')).toContainText('relay-eu-2');
  await expect(page.locator('#relays-table')).toContainText('relay-eu-3');
  await expect(page.locator('#cluster-state')).toHaveText('redis ok');
  await expect(page.locator('#kpi-connections')).toHaveText('2');
  await expect(page.locator('#rejected-list')).toContainText('unauthorized');
  await expect(page.locator('#rooms-table')).toContainText(`${roomId.slice(0, 8)}…`);

  // five uPlot charts, each a canvas with axes and a legend naming its series
  const charts = page.locator('.chart .uplot');
  await expect(charts).toHaveCount(5);
  for (const id of ['chart-connections', 'chart-messages', 'chart-bytes', 'chart-rejected', 'chart-relays']) {
    await expect(page.locator(`#${id} canvas`)).toHaveCount(1);
    await expect(page.locator(`#${id} .u-legend`)).toBeVisible();
  }
  await expect(page.locator('#chart-connections .u-legend')).toContainText('sync');
  await expect(page.locator('#chart-messages .u-legend')).toContainText('in');
  await expect(page.locator('#chart-relays .u-legend')).toContainText('relay-eu-3');
  // charts are drawn from real samples: enough seconds of history, and non-blank canvases
  await expect
    .poll(async () => (await page.evaluate(() => document.querySelectorAll('#rooms-table tr').length)) > 0)
    .toBe(true);
  await page.waitForTimeout(9000);
  const painted = await page.evaluate(() =>
    Array.from(document.querySelectorAll<HTMLCanvasElement>('.chart canvas')).map((canvas) => {
      const context = canvas.getContext('2d');
      if (!context) return 0;
      const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
      let lit = 0;
      for (let i = 3; i < data.length; i += 4) if ((data[i] as number) > 0) lit += 1;
      return lit;
    }),
  );
  expect(painted).toHaveLength(5);
  for (const lit of painted) expect(lit).toBeGreaterThan(500);
  expect(Number(await page.locator('#kpi-messages').textContent())).toBeGreaterThan(0);

  // the token is in this tab's sessionStorage only: not in the URL, not in a cookie
  expect(page.url()).toBe(consoleUrl);
  expect(await page.context().cookies()).toEqual([]);
  expect(await page.evaluate(() => sessionStorage.getItem('pa-relay-console-token'))).toBe(ADMIN);
  expect(
    await page.evaluate(() => (window as unknown as { __cspViolations?: string[] }).__cspViolations ?? []),
  ).toEqual([]);
  expect(violations).toEqual([]);
  await page.screenshot({ path: 'test-results/relay-console.png', fullPage: true });

  // signing out forgets the token
  await page.locator('#logout').click();
  await expect(page.locator('#login-form')).toBeVisible();
  expect(await page.evaluate(() => sessionStorage.getItem('pa-relay-console-token'))).toBeNull();
});
