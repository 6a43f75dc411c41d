// Collaboration end to end: two SEPARATE Chromium processes (so BroadcastChannel cannot carry the edits; they must
// go over WebRTC or the relay), each on its own engine and workspace copy; one hosts on a professional license, the
// other joins by invite code; both type in the same file at once; then one works offline, both edit, it reconnects.
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { RelaySyncProvider } from '@pa/shared/relay/client';
import { type Browser, chromium, expect, type Page, test } from '@playwright/test';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { decodeInvite } from '../../packages/ui/src/collab/invite';
import { licensedDataDir } from '../support/collab-license';
import { type StartedRelay, startRelay } from '../support/collab-relay';
import { type OpenedWorkbench, openWorkbench } from './support/workbench';

const FILE = 'src/greet.ts';
const browsers: Browser[] = [];
const workbenches: OpenedWorkbench[] = [];
let relay: StartedRelay | null = null;
let licensed: { dataDir: string; env: Record<string, string> } | null = null;

test.afterEach(async () => {
  for (const wb of workbenches.splice(0)) await wb.close();
  for (const browser of browsers.splice(0)) await browser.close();
  await relay?.stop();
  relay = null;
  if (licensed) rmSync(licensed.dataDir, { recursive: true, force: true });
  licensed = null;
});

async function newWindow(launchOptions: Parameters<typeof chromium.launch>[0], env?: Record<string, string>) {
  const browser = await chromium.launch(launchOptions);
  browsers.push(browser);
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const wb = await openWorkbench(page, env ? { env } : {});
  workbenches.push(wb);
  return { browser, page, wb };
}

async function openCollabView(page: Page, name: string) {
  await page.locator('.activity-item[data-view="collab"]').click();
  await page.getByTestId('collab-name').fill(name);
}

async function openFile(page: Page) {
  // quick open: the side bar shows the Live Share view, not the explorer
  await page.keyboard.press('Control+P');
  await page.locator('.picker__input').fill('greet');
  await expect(page.locator('.picker__item--selected')).toContainText('greet.ts');
  await page.keyboard.press('Enter');
  await expect(page.locator(`.tab[data-path="${FILE}"]`)).toHaveAttribute('aria-selected', 'true');
}

/** Types at the start or end of the file in the editor. */
async function typeAt(page: Page, where: 'start' | 'end', text: string) {
  await page.locator('.monaco-host .view-lines').click();
  await page.keyboard.press(where === 'start' ? 'Control+Home' : 'Control+End');
  await page.keyboard.type(text, { delay: 15 });
}

const onDisk = (wb: OpenedWorkbench) => readFileSync(join(wb.root, FILE), 'utf8');
const modifiedAt = (wb: OpenedWorkbench) => statSync(join(wb.root, FILE)).mtimeMs;
/** The shared file's bytes when both disks agree, else a marker that never matches a wanted text. */
const agreedOnDisk = (a: OpenedWorkbench, b: OpenedWorkbench) => {
  const first = onDisk(a);
  return first === onDisk(b) ? first : '(the two disks differ)';
};
const editorText = async (page: Page) =>
  ((await page.locator('.monaco-host .view-lines').textContent()) ?? '').replace(/\u00a0/g, ' ');

test('two Chromium processes share a file by invite code, see each other, and converge after working offline', async () => {
  const launchOptions = test.info().project.use.launchOptions ?? {};
  relay = await startRelay();
  licensed = licensedDataDir('professional');
  const host = await newWindow(launchOptions, { PA_DATA_DIR: licensed.dataDir, ...licensed.env });
  const guest = await newWindow(launchOptions);

  // the host shares with the relay it was given; the invite carries relay URL, token, room id and secret
  await openCollabView(host.page, 'Ada');
  await host.page.getByTestId('collab-relay-url').fill(relay.url);
  await host.page.getByTestId('collab-relay-token').fill(relay.token);
  await host.page.getByTestId('collab-share').click();
  // the default selection lists the workspace's files, all selected
  await expect(host.page.getByTestId('collab-chooser')).toContainText(FILE);
  await host.page.screenshot({ path: 'test-results/collab-share-files.png' });
  await host.page.getByTestId('collab-start').click();
  const invite = host.page.getByTestId('collab-invite');
  await expect(invite).toHaveValue(/^pa1-/);
  const code = await invite.inputValue();

  await openCollabView(guest.page, 'Bob');
  await guest.page.getByTestId('collab-invite-input').fill(code);
  await guest.page.getByTestId('collab-join').click();
  for (const { page } of [host, guest]) {
    await expect(page.getByTestId('collab-status')).toContainText('1 peer', { timeout: 20_000 });
    await expect(page.getByTestId('collab-status')).toContainText('relay ✓');
  }
  await expect(host.page.getByTestId('collab-participants')).toContainText('Bob');
  await expect(guest.page.getByTestId('collab-participants')).toContainText('Ada');
  await expect(host.page.getByTestId('collab-file-changes')).toContainText('text of shared files only');

  // a raw Yjs peer holding the room secret adds files nobody shared: no engine writes them, Live Share says so
  const intruder = await headlessGuest(decodeInvite(code));
  intruder.files.set('.GIT/config', new Y.Text('[core]\n\tfsmonitor = "touch pwned"\n'));
  intruder.files.set('conftest.py', new Y.Text('import os\n'));
  const refused = host.page.getByTestId('collab-refused');
  await expect(refused).toContainText("Refused a guest's change to .GIT/config: inside the git repository.", {
    timeout: 20_000,
  });
  await expect(refused).toContainText("Refused a guest's change to conftest.py: not a shared file.");
  await expect(guest.page.getByTestId('collab-refused')).toContainText("Refused a peer's change to conftest.py");
  await host.page.screenshot({ path: 'test-results/collab-refused.png' });
  for (const { wb } of [host, guest]) {
    expect(existsSync(join(wb.root, '.GIT'))).toBe(false);
    expect(existsSync(join(wb.root, 'conftest.py'))).toBe(false);
  }
  intruder.leave();

  await openFile(host.page);
  await openFile(guest.page);
  // both type at once, at opposite ends of the same file
  await Promise.all([typeAt(host.page, 'end', '// typed by Ada\n'), typeAt(guest.page, 'start', '// typed by Bob\n')]);
  for (const { page } of [host, guest]) {
    await expect.poll(() => editorText(page)).toContain('// typed by Ada');
    await expect.poll(() => editorText(page)).toContain('// typed by Bob');
  }
  // each engine saved the shared file to its own disk, and the two files are identical
  await expect.poll(() => agreedOnDisk(host.wb, guest.wb)).toMatch(/^\/\/ typed by Bob\n[\s\S]*\/\/ typed by Ada\n$/);
  // those saves went through each workbench: no tab stays marked modified, and a Ctrl+S afterwards writes the file
  // without a false "changed on disk" conflict
  for (const { page, wb } of [host, guest]) {
    await expect(page.locator(`.tab[data-path="${FILE}"]`)).not.toHaveClass(/tab--dirty/);
    const savedAt = modifiedAt(wb);
    await page.locator('.monaco-host .view-lines').click();
    await page.keyboard.press('Control+S');
    await expect.poll(() => modifiedAt(wb)).toBeGreaterThan(savedAt);
    await expect(page.locator('.dialog')).toHaveCount(0);
    await expect(page.locator(`.tab[data-path="${FILE}"]`)).not.toHaveClass(/tab--dirty/);
  }

  // the other participant's cursor is drawn with a name label
  await expect(host.page.locator('.yRemoteSelectionHead').first()).toBeVisible();
  await expect(guest.page.locator('.yRemoteSelectionHead').first()).toBeVisible();
  const cursorRules = (page: Page) =>
    page.locator('style[data-collab="cursors"]').evaluate((style) => style.textContent);
  await expect.poll(() => cursorRules(host.page)).toContain('content: "Bob"');
  await expect.poll(() => cursorRules(guest.page)).toContain('content: "Ada"');
  // …where that participant's cursor is: the host goes to the top of the file, the guest sees the label move there
  await host.page.keyboard.press('Control+Home');
  await expect(guest.page.locator('.view-line:has(.yRemoteSelectionHead)')).toContainText('// typed by Bob');
  await host.page.keyboard.press('Control+End');
  await expect(guest.page.locator('.view-line:has(.yRemoteSelectionHead)')).not.toContainText('// typed by Bob');
  await host.page.screenshot({ path: 'test-results/collab-host.png' });
  await guest.page.screenshot({ path: 'test-results/collab-guest.png' });

  // following the host: when it switches files, the guest's editor goes along
  await guest.page.getByTestId('collab-participants').getByRole('button', { name: 'Follow' }).click();
  await host.page.keyboard.press('Control+P');
  await host.page.locator('.picker__input').fill('math');
  await host.page.keyboard.press('Enter');
  await expect(guest.page.locator('.tab[data-path="src/math.js"]')).toHaveAttribute('aria-selected', 'true');
  await guest.page.getByTestId('collab-participants').getByRole('button', { name: 'Following' }).click();
  await host.page.locator(`.tab[data-path="${FILE}"]`).click();
  await guest.page.locator(`.tab[data-path="${FILE}"]`).click();

  // the guest goes offline: the host sees it leave within 2 s; both keep editing
  await guest.page.getByTestId('collab-offline').click();
  await expect(host.page.getByTestId('collab-participants').locator('li')).toHaveCount(1, { timeout: 2_000 });
  await expect(guest.page.getByTestId('collab-status')).toContainText('offline');
  await typeAt(host.page, 'end', '// Ada while Bob was away\n');
  await typeAt(guest.page, 'start', '// Bob offline\n');
  await expect.poll(() => editorText(host.page)).toContain('Ada while Bob was away');
  expect(await editorText(guest.page)).not.toContain('Ada while Bob was away');
  expect(await editorText(host.page)).not.toContain('Bob offline');

  // back online: both edits merge everywhere, on screen and on both disks
  await guest.page.getByTestId('collab-offline').click();
  for (const { page } of [host, guest]) {
    await expect.poll(() => editorText(page), { timeout: 20_000 }).toContain('Ada while Bob was away');
    await expect.poll(() => editorText(page), { timeout: 20_000 }).toContain('// Bob offline');
  }
  await expect.poll(() => agreedOnDisk(host.wb, guest.wb)).toContain('// Bob offline');
  expect(agreedOnDisk(host.wb, guest.wb)).toContain('Ada while Bob was away');

  // an offline edit survives closing the window: the engine kept it, the reopened window restores the session
  await guest.page.getByTestId('collab-offline').click();
  await expect(guest.page.getByTestId('collab-status')).toContainText('offline');
  await typeAt(guest.page, 'start', '// Bob before restart\n');
  // the update log append and the save go over the same connection in that order: on disk means logged
  await expect.poll(() => onDisk(guest.wb)).toContain('// Bob before restart');
  await guest.page.reload();
  await expect(guest.page.getByTestId('collab-status')).toContainText('1 peer', { timeout: 20_000 });
  await expect.poll(() => editorText(host.page), { timeout: 20_000 }).toContain('// Bob before restart');
  await expect.poll(() => agreedOnDisk(host.wb, guest.wb)).toContain('// Bob before restart');
  expect(host.wb.errors().filter((line) => !line.includes('WebSocket'))).toEqual([]);

  // the guest's whole browser goes away: the host's participants list drops it within 2 s
  await expect(host.page.getByTestId('collab-participants').locator('li')).toHaveCount(2);
  await guest.browser.close();
  await expect(host.page.getByTestId('collab-participants').locator('li')).toHaveCount(1, { timeout: 2_000 });
});

/** A participant without a window: the relay sync connection and signaling subscription every guest has. */
async function headlessGuest(invite: ReturnType<typeof decodeInvite>) {
  const relayUrl = invite.relay?.url ?? '';
  const token = invite.relay?.token ?? '';
  const provider = new RelaySyncProvider(new Y.Doc(), {
    url: relayUrl,
    roomId: invite.roomId,
    secret: invite.secret,
    token,
    WebSocket,
  });
  const signaling = new WebSocket(`${relayUrl}/signal?token=${encodeURIComponent(token)}`);
  await new Promise((resolve) => signaling.once('open', resolve));
  signaling.send(JSON.stringify({ type: 'subscribe', topics: [invite.roomId] }));
  await provider.whenSynced();
  return {
    files: provider.doc.getMap<Y.Text>('files'),
    leave() {
      provider.destroy();
      signaling.close();
    },
  };
}

test('a guest beyond the host edition’s participant limit is told the session is full, and gets in when a seat frees', async () => {
  const launchOptions = test.info().project.use.launchOptions ?? {};
  relay = await startRelay();
  licensed = licensedDataDir('professional');
  const host = await newWindow(launchOptions, { PA_DATA_DIR: licensed.dataDir, ...licensed.env });
  await openCollabView(host.page, 'Ada');
  await host.page.getByTestId('collab-relay-url').fill(relay.url);
  await host.page.getByTestId('collab-relay-token').fill(relay.token);
  await host.page.getByTestId('collab-share').click();
  await host.page.getByTestId('collab-start').click();
  const code = await host.page.getByTestId('collab-invite').inputValue();
  // a professional edition admits 5 guests: five are already in
  const invite = decodeInvite(code);
  const seated = await Promise.all([1, 2, 3, 4, 5].map(() => headlessGuest(invite)));
  try {
    const late = await newWindow(launchOptions);
    await openCollabView(late.page, 'Late');
    await late.page.getByTestId('collab-invite-input').fill(code);
    await late.page.getByTestId('collab-join').click();
    await expect(late.page.getByTestId('collab-full')).toContainText('This session is full', { timeout: 20_000 });
    await expect(late.page.getByTestId('collab-status')).toContainText('session full');
    await expect(host.page.getByTestId('collab-participants')).not.toContainText('Late');
    await late.page.screenshot({ path: 'test-results/collab-session-full.png' });

    seated.pop()?.leave();
    await expect(late.page.getByTestId('collab-full')).toHaveCount(0, { timeout: 20_000 });
    await expect(late.page.getByTestId('collab-participants')).toContainText('Ada', { timeout: 20_000 });
    await expect(host.page.getByTestId('collab-participants')).toContainText('Late');
  } finally {
    for (const guest of seated) guest.leave();
  }
});
