// Collaboration end to end: two SEPARATE Chromium processes (so BroadcastChannel cannot carry the edits; they must
// go over WebRTC or the relay), each on its own engine and workspace copy; one hosts on a professional license, the
// other joins by invite code; both type in the same file at once; then one works offline, both edit, it reconnects.
// A peer's edit makes the tab dirty and reaches the disk only when saved; a PDF named x.ai is not shared.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RelaySyncProvider } from '@pa/shared/relay/client';
import { type Browser, chromium, expect, type Page, test } from '@playwright/test';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { decodeInvite } from '../../packages/ui/src/collab/invite';
import { licensedDataDir } from '../support/collab-license';
import { metricValue, type StartedRelay, startRelay } from '../support/collab-relay';
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

async function newWindow(
  launchOptions: Parameters<typeof chromium.launch>[0],
  env?: Record<string, string>,
  prepare?: (root: string) => void,
) {
  const browser = await chromium.launch(launchOptions);
  browsers.push(browser);
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const wb = await openWorkbench(page, { ...(env ? { env } : {}), ...(prepare ? { prepare } : {}) });
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
const md5 = (bytes: Buffer) => createHash('md5').update(bytes).digest('hex');
/** A PDF (an Illustrator file is one) whose header line has high bytes that are not UTF-8, and a NUL later on. */
const PDF = Buffer.concat([
  Buffer.from('%PDF-1.5\n%\u00e2\u00e3\u00cf\u00d3\n1 0 obj\n<</Type/Catalog>>\nendobj\n', 'latin1'),
  Buffer.alloc(9000, 0x20),
  Buffer.from([0x00, 0xff, 0x0a]),
]);
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
  const host = await newWindow(launchOptions, { PA_DATA_DIR: licensed.dataDir, ...licensed.env }, (root) =>
    writeFileSync(join(root, 'x.ai'), PDF),
  );
  const guest = await newWindow(launchOptions);

  // the host shares with the relay it was given; the invite carries relay URL, token, room id and secret
  await openCollabView(host.page, 'Ada');
  await host.page.getByTestId('collab-relay-url').fill(relay.url);
  await host.page.getByTestId('collab-relay-token').fill(relay.token);
  await host.page.getByTestId('collab-share').click();
  // the default selection lists the workspace's files, all selected
  await expect(host.page.getByTestId('collab-chooser')).toContainText(FILE);
  // binary by content, not by name: the PDF named x.ai is listed as not shared, with the reason
  await expect(host.page.locator('.collab-skipped', { hasText: 'x.ai' })).toContainText('binary (not UTF-8 text)');
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
  const original = onDisk(host.wb);
  // a peer's edit alone makes the tab dirty and writes nothing: the guest types, the host's tab is marked
  await typeAt(guest.page, 'start', '// typed by Bob\n');
  await expect.poll(() => editorText(host.page)).toContain('// typed by Bob');
  await expect(host.page.locator(`.tab[data-path="${FILE}"]`)).toHaveClass(/tab--dirty/);
  // both type at once, at opposite ends of the same file
  await Promise.all([typeAt(host.page, 'end', '// typed by Ada\n'), typeAt(guest.page, 'start', '// Bob again\n')]);
  for (const { page } of [host, guest]) {
    await expect.poll(() => editorText(page)).toContain('// typed by Ada');
    await expect.poll(() => editorText(page)).toContain('// Bob again');
    await expect(page.locator(`.tab[data-path="${FILE}"]`)).toHaveClass(/tab--dirty/);
  }
  expect(onDisk(host.wb)).toBe(original);
  expect(onDisk(guest.wb)).toBe(original);
  await host.page.screenshot({ path: 'test-results/collab-peer-edit-dirty.png' });
  // each saves with Ctrl+S: the merged text reaches that disk then, with no false "changed on disk" conflict
  for (const { page, wb } of [host, guest]) {
    const savedAt = modifiedAt(wb);
    await page.locator('.monaco-host .view-lines').click();
    await page.keyboard.press('Control+S');
    await expect.poll(() => modifiedAt(wb)).toBeGreaterThan(savedAt);
    await expect(page.locator('.dialog')).toHaveCount(0);
    await expect(page.locator(`.tab[data-path="${FILE}"]`)).not.toHaveClass(/tab--dirty/);
  }
  expect(agreedOnDisk(host.wb, guest.wb)).toMatch(/^\/\/ Bob again\n\/\/ typed by Bob\n[\s\S]*\/\/ typed by Ada\n$/);
  // the guest never got a copy of the PDF, corrupted or not
  expect(existsSync(join(guest.wb.root, 'x.ai')) ? md5(readFileSync(join(guest.wb.root, 'x.ai'))) : 'absent').toMatch(
    new RegExp(`^(absent|${md5(PDF)})$`),
  );

  // the other participant's cursor is drawn with a name label
  await expect(host.page.locator('.yRemoteSelectionHead').first()).toBeVisible();
  await expect(guest.page.locator('.yRemoteSelectionHead').first()).toBeVisible();
  const cursorRules = (page: Page) =>
    page.locator('style[data-collab="cursors"]').evaluate((style) => style.textContent);
  await expect.poll(() => cursorRules(host.page)).toContain('content: "Bob"');
  await expect.poll(() => cursorRules(guest.page)).toContain('content: "Ada"');
  // Settings › Collaboration, live: the host picks its colour, the guest's page draws it; the guest turns the name
  // labels off, the colours stay
  const hostClient = await host.wb.connect();
  await hostClient.call('settings.set', { scope: 'user', key: 'collaboration.cursorColor', value: '#123456' });
  hostClient.close();
  await expect.poll(() => cursorRules(guest.page)).toContain('border-left: 2px solid #123456');
  const guestClient = await guest.wb.connect();
  await guestClient.call('settings.set', { scope: 'user', key: 'collaboration.showCursorLabels', value: false });
  await expect.poll(() => cursorRules(guest.page)).not.toContain('content: "Ada"');
  expect(await cursorRules(guest.page)).toContain('#123456');
  await guestClient.call('settings.set', { scope: 'user', key: 'collaboration.showCursorLabels' });
  guestClient.close();
  await expect.poll(() => cursorRules(guest.page)).toContain('content: "Ada"');
  // …where that participant's cursor is: the host goes to the top of the file, the guest sees the label move there
  await host.page.keyboard.press('Control+Home');
  await expect(guest.page.locator('.view-line:has(.yRemoteSelectionHead)')).toContainText('// Bob again');
  await host.page.keyboard.press('Control+End');
  await expect(guest.page.locator('.view-line:has(.yRemoteSelectionHead)')).not.toContainText('// Bob again');
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

  // back online: both edits merge everywhere, on screen, and on both disks once each saves
  await guest.page.getByTestId('collab-offline').click();
  for (const { page } of [host, guest]) {
    await expect.poll(() => editorText(page), { timeout: 20_000 }).toContain('Ada while Bob was away');
    await expect.poll(() => editorText(page), { timeout: 20_000 }).toContain('// Bob offline');
  }
  for (const { page } of [host, guest]) {
    await page.locator('.monaco-host .view-lines').click();
    await page.keyboard.press('Control+S');
    await expect(page.locator(`.tab[data-path="${FILE}"]`)).not.toHaveClass(/tab--dirty/);
  }
  await expect.poll(() => agreedOnDisk(host.wb, guest.wb)).toContain('// Bob offline');
  expect(agreedOnDisk(host.wb, guest.wb)).toContain('Ada while Bob was away');

  // an offline edit survives closing the window: the engine kept it, the reopened window restores the session
  await guest.page.getByTestId('collab-offline').click();
  await expect(guest.page.getByTestId('collab-status')).toContainText('offline');
  await typeAt(guest.page, 'start', '// Bob before restart\n');
  await guest.page.keyboard.press('Control+S');
  await expect.poll(() => onDisk(guest.wb)).toContain('// Bob before restart');
  await guest.page.reload();
  await expect(guest.page.getByTestId('collab-status')).toContainText('1 peer', { timeout: 20_000 });
  await expect.poll(() => editorText(host.page), { timeout: 20_000 }).toContain('// Bob before restart');
  // the host did not save since: the guest's edit is in its editor, not on its disk
  expect(onDisk(host.wb)).not.toContain('// Bob before restart');
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
  // the host is in a file before it shares
  await openFile(host.page);
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

    // Follow takes the late guest to the host's current file at once (the host opened it before sharing)
    const ada = late.page.getByTestId('collab-participants').locator('li', { hasText: 'Ada' });
    await ada.getByRole('button', { name: 'Follow' }).click();
    await expect(late.page.locator(`.tab[data-path="${FILE}"]`)).toHaveAttribute('aria-selected', 'true');

    // leaving ends every connection of that window to the relay (signaling included): nothing reconnects
    const open = async (endpoint: 'signal' | 'sync') =>
      metricValue(await (relay as StartedRelay).metrics(), `relay_connections{endpoint="${endpoint}"}`);
    const before = { signal: await open('signal'), sync: await open('sync') };
    await late.page.getByRole('button', { name: 'Leave session' }).click();
    await expect(late.page.getByTestId('collab-join')).toBeVisible();
    await expect.poll(() => open('signal')).toBe(before.signal - 1);
    await expect.poll(() => open('sync')).toBe(before.sync - 1);
  } finally {
    for (const guest of seated) guest.leave();
  }
});
