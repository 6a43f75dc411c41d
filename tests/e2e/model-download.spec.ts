// Model settings › Get a model, end to end in Chromium against the real engine and a slowed loopback file server:
// a URL downloads with its progress bar (bytes, rate, ETA; test-results/model-download.png), Cancel stops it with
// the partial file kept, Resume finishes it fetching only the rest, and "Use for completion" makes the file the
// local completion provider's model. The catalog shows each model's fit for this machine.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { ensureTinyGguf } from '../../scripts/make-tiny-gguf.js';
import { type FileServer, paddedGguf, startFileServer } from '../integration/model-download-server';
import { type OpenedWorkbench, openWorkbench } from './support/workbench';

let wb: OpenedWorkbench | null = null;
let server: FileServer | null = null;

test.afterEach(async () => {
  await wb?.close();
  wb = null;
  await server?.close();
  server = null;
});

const MB = 1024 * 1024;

test('a model downloads with its progress bar, cancels, resumes and becomes the completion model', async ({ page }) => {
  server = await startFileServer();
  const body = paddedGguf(readFileSync(ensureTinyGguf()), 24 * MB);
  server.files.set('/qwen-tiny-coder.gguf', { body, rate: 1 * MB }); // slowed (per connection) so the bar is seen moving
  const source = `${server.url}/qwen-tiny-coder.gguf`;
  wb = await openWorkbench(page);

  await page.locator('[data-view="ai.models"]').click();
  const downloads = page.getByTestId('model-downloads');
  // the catalog, each with its fit for this machine
  await expect(downloads.getByTestId('model-catalog-qwen2.5-coder-0.5b')).toContainText(/fits/);
  await expect(downloads.getByTestId('model-catalog-qwen3-coder-30b-a3b')).toContainText(/fits|too big/);
  await expect(downloads.getByTestId('model-hardware')).toContainText(/RAM/);

  await downloads.getByLabel('Model to download').fill(source);
  await downloads.getByLabel('Model to download').press('Enter');
  const bar = downloads.getByRole('progressbar');
  await expect(bar).toBeVisible();
  await expect
    .poll(async () => Number(await bar.getAttribute('aria-valuenow')), { timeout: 15_000 })
    .toBeGreaterThan(50);
  const figures = downloads.getByTestId('model-download-figures');
  await expect(figures).toContainText(/^\d+%[\d.]+ MB \/ 25 MB[\d.]+ [KM]B\/sETA \d+ s/);
  await downloads.getByTestId('model-download').scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'test-results/model-download.png' });

  // Cancel: the partial file stays, Resume continues from it
  await figures.getByRole('button', { name: 'Cancel' }).click();
  const resume = downloads.getByRole('button', { name: 'Resume', exact: true });
  await expect(resume).toBeVisible();
  await expect(downloads.getByTestId('model-download')).toContainText('Resume continues where it stopped');
  await expect(downloads.getByTestId('model-file-qwen-tiny-coder.gguf')).toContainText('interrupted download');
  const before = server.log.length;
  await resume.click();
  const file = downloads.getByTestId('model-file-qwen-tiny-coder.gguf');
  await expect(file).toContainText('llama', { timeout: 20_000 });
  await expect(file).not.toContainText('interrupted');
  // the resumed pull asked only for the chunks not yet on disk (ipull keeps whole 5 MB chunks), not the whole file
  const ranged = server.log.slice(before).filter((entry) => entry.method === 'GET' && entry.range);
  const asked = ranged.reduce((sum, entry) => {
    const [, from, to] = /bytes=(\d+)-(\d+)/.exec(entry.range ?? '') ?? [];
    return sum + (Number(to) - Number(from) + 1);
  }, 0);
  expect(asked).toBeGreaterThan(0);
  expect(asked).toBeLessThan(body.length);

  // Use for completion: the local completion provider now reads this file
  await file.getByRole('button', { name: 'Use for completion' }).click();
  await expect(downloads.getByTestId('model-used')).toContainText('qwen-tiny-coder now answers code completion');
  const client = await wb.connect();
  const { providers } = await client.call('ai.providers.list');
  client.close();
  expect(providers.find((provider) => provider.id === 'local-completion')).toMatchObject({
    kind: 'local',
    modelPath: join(wb.dataDir, 'models', 'qwen-tiny-coder.gguf'),
    tasks: ['completion'],
  });
  await expect(page.getByTestId('ai-provider-local-completion')).toBeVisible();
});
