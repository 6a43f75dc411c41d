// Activating a license in the browser-mode UI: the vendor CLI issues a key with a test key pair, the engine trusts
// that key (the test build, through testVendorEnv), and the UI shows the edition change and a gated action unlocking.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { issueLicense, readSecretKey } from '../../apps/engine/src/license/vendor.js';
import { engineCli } from '../../scripts/paths.js';
import { testVendorEnv } from '../support/vendor-key.js';
import { type OpenedWorkbench, openWorkbench } from './support/workbench.js';

let keys: string;
let license: string;
const pa = (...args: string[]) =>
  execFileSync(process.execPath, [engineCli, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const issue = (...extra: string[]) =>
  pa(
    'license',
    'issue',
    '--key',
    join(keys, 'license-private-key'),
    '--edition',
    'team',
    '--to',
    'Ada Lovelace',
    '--email',
    'ada@example.com',
    '--days',
    '30',
    ...extra,
  ).trim();
const engineEnv = () => ({ ...testVendorEnv(join(keys, 'license-public-key')), PA_SECRETS_BACKEND: 'file' });

test.beforeAll(() => {
  keys = mkdtempSync(join(tmpdir(), 'pa-e2e-keys-'));
  pa('license', 'keygen', '--out', keys);
  license = issue();
});

test.afterAll(() => rmSync(keys, { recursive: true, force: true }));

test('activating a team license from a file changes the edition and unlocks hosting', async ({ page }) => {
  let wb: OpenedWorkbench | null = null;
  try {
    wb = await openWorkbench(page, { env: engineEnv() });
    const statusItem = page.getByTestId('license-status-item');
    await expect(statusItem).toContainText('Personal');
    await expect(statusItem).toContainText('AI 0/100');
    await statusItem.click();

    const view = page.getByTestId('license-view');
    await expect(view.getByTestId('license-edition')).toHaveText('Personal');
    const hosting = view.getByTestId('included-Host live sessions');
    await expect(hosting.getByTestId('upgrade-hint')).toContainText('needs Professional');
    await expect(view.getByTestId('license-keychain')).toContainText('unavailable (file fallback)');

    // a tampered key is refused with the reason, and nothing changes
    const [head, body, signature = ''] = license.split('.');
    await view
      .getByTestId('license-key-input')
      .fill(`${head}.${body}.${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`);
    await view.getByTestId('license-activate').click();
    await expect(view.getByTestId('license-error')).toContainText('signature does not match');
    await expect(view.getByTestId('license-edition')).toHaveText('Personal');

    // the real key, picked as a file
    await view.getByTestId('license-file-input').setInputFiles({
      name: 'license.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from(`${license}\n`),
    });
    await expect(view.getByTestId('license-key-input')).toHaveValue(`${license}\n`);
    await view.getByTestId('license-activate').click();

    await expect(view.getByTestId('license-edition')).toHaveText('Team');
    await expect(view.getByTestId('license-state')).toHaveText('Active');
    await expect(view.getByTestId('license-licensee')).toContainText('Ada Lovelace');
    await expect(view.getByTestId('license-countdown')).toContainText(/29 d \d+ h left/);
    await expect(view.getByTestId('license-error')).toHaveCount(0);
    await expect(statusItem).toContainText('Team');
    await expect(statusItem).toContainText('AI 0/5000');
    // the gated action is there now, and a feature beyond Team still shows its hint
    await expect(hosting.getByTestId('gated-collab.share')).toBeVisible();
    await expect(hosting.getByTestId('upgrade-hint')).toHaveCount(0);
    await expect(view.getByTestId('included-Custom endpoints').getByTestId('upgrade-hint')).toContainText(
      'needs Enterprise',
    );
    await page.screenshot({ path: 'test-results/license.png' });

    // the license survives in the engine's secrets store: a reload still shows Team
    await page.reload();
    await expect(page.getByTestId('license-status-item')).toContainText('Team');
    expect(readFileSync(join(wb.dataDir, 'secrets.enc.json'), 'utf8')).not.toContain(signature);
    expect(wb.errors()).toEqual([]);
  } finally {
    await wb?.close();
  }
});

test('a device-bound license is activated offline with an exported request and an imported certificate', async ({
  page,
}) => {
  let wb: OpenedWorkbench | null = null;
  try {
    wb = await openWorkbench(page, { env: engineEnv() });
    await page.getByTestId('license-status-item').click();
    const view = page.getByTestId('license-view');
    await view.getByTestId('license-key-input').fill(issue('--max-devices', '1'));
    await view.getByTestId('license-activate').click();
    await expect(view.getByTestId('license-state')).toHaveText('Waiting for device activation');
    await expect(view.getByTestId('license-edition')).toHaveText('Personal');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      view.getByTestId('license-export-request').click(),
    ]);
    expect(download.suggestedFilename()).toBe('activation-request.txt');
    const requestFile = join(keys, 'request.txt');
    await download.saveAs(requestFile);
    expect(readFileSync(requestFile, 'utf8')).toMatch(/^PAR1\./);
    // the vendor signs it offline
    const certificate = pa('license', 'activate-offline', '--key', join(keys, 'license-private-key'), requestFile);

    await view.getByTestId('license-certificate-input').fill(certificate.trim());
    await view.getByRole('button', { name: 'Install certificate' }).click();
    await expect(view.getByTestId('license-state')).toHaveText('Active');
    await expect(view.getByTestId('license-edition')).toHaveText('Team');
    await expect(view.getByTestId('license-device')).toBeHidden();
    await expect(view).toContainText('activated on this device');
    await page.screenshot({ path: 'test-results/license-device.png' });
    expect(wb.errors()).toEqual([]);
  } finally {
    await wb?.close();
  }
});

test('an expired license in its grace period shows the read-only warning and asks to renew, not upgrade', async ({
  page,
}) => {
  let wb: OpenedWorkbench | null = null;
  try {
    wb = await openWorkbench(page, { env: engineEnv() });
    const DAY = 86_400_000;
    // issued 31 days ago for 30 days: expired yesterday, inside the 7-day grace period
    const expired = issueLicense(
      { edition: 'team', licensee: 'Ada Lovelace', email: 'ada@example.com', days: 30, now: Date.now() - 31 * DAY },
      readSecretKey(join(keys, 'license-private-key')),
    );
    await page.getByTestId('license-status-item').click();
    const view = page.getByTestId('license-view');
    await view.getByTestId('license-key-input').fill(expired);
    await view.getByTestId('license-activate').click();

    await expect(view.getByTestId('license-edition')).toHaveText('Team');
    await expect(view.getByTestId('license-warning')).toContainText('read-only');
    const hosting = view.getByTestId('included-Host live sessions');
    await expect(hosting.getByTestId('renew-hint')).toContainText('paused, license expired');
    await expect(hosting.getByTestId('gated-collab.share')).toHaveCount(0);
    await expect(view.getByTestId('quota-ai_requests')).toContainText('0 / 100');
    await page.screenshot({ path: 'test-results/license-grace.png' });
    expect(wb.errors()).toEqual([]);
  } finally {
    await wb?.close();
  }
});
