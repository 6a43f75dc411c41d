// Large files end to end, in browser mode against the real engine: a 20 MB, a 100 MB and a 3 MB single-line file
// are opened, edited and saved with Ctrl+S (and from the close dialog) byte for byte; a save that cannot land
// shows an error and leaves the tab dirty. One workbench for all of it: the files are big, the machine is shared.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { type OpenedWorkbench, openWorkbench } from './support/workbench';

let wb: OpenedWorkbench | null = null;

test.afterEach(async () => {
  await wb?.close();
  wb = null;
});

const row = (page: Page, path: string) => page.locator(`.tree-row[data-path="${path}"]`);
const tab = (page: Page, path: string) => page.locator(`.tab[data-path="${path}"]`);
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** About `bytes` of source-like lines (multi-byte characters included) ending in a newline. */
function lines(bytes: number): Buffer {
  const line = 'export const größe = "value ✓"; // a line of a large file, number ';
  const parts: string[] = [];
  let size = 0;
  for (let n = 0; size < bytes; n++) {
    const text = `${line}${n}\n`;
    parts.push(text);
    size += Buffer.byteLength(text);
  }
  return Buffer.from(parts.join(''));
}

const files = {
  twenty: { path: 'big/twenty.txt', bytes: lines(20 * 1024 * 1024) },
  hundred: { path: 'big/hundred.txt', bytes: lines(100 * 1024 * 1024) },
  wide: { path: 'wide/line.txt', bytes: Buffer.from('a'.repeat(3 * 1024 * 1024)) },
};

/** Opens a file from the explorer and types `text` at its very start. */
async function openAndTypeAtStart(page: Page, path: string, text: string): Promise<void> {
  await tab(page, path)
    .click({ timeout: 1000 })
    .catch(() => row(page, path).click());
  await expect(tab(page, path)).toHaveAttribute('aria-selected', 'true', { timeout: 60_000 });
  await expect(page.locator('.monaco-host .view-lines')).not.toBeEmpty({ timeout: 60_000 });
  await page.locator('.monaco-host .view-lines').click();
  await page.keyboard.press('Control+Home');
  await page.keyboard.type(text);
  await expect(tab(page, path)).toHaveClass(/tab--dirty/);
}

/** The file on disk is `prefix` followed by the original bytes. */
function expectOnDisk(root: string, path: string, prefix: string, original: Buffer): void {
  const onDisk = readFileSync(join(root, path));
  expect(onDisk.length).toBe(Buffer.byteLength(prefix) + original.length);
  expect(sha256(onDisk)).toBe(sha256(Buffer.concat([Buffer.from(prefix), original])));
}

test('saves 20 MB, 100 MB and 3 MB single-line files byte for byte, and a save that cannot land keeps the tab dirty', async ({
  page,
}, testInfo) => {
  test.setTimeout(300_000);
  wb = await openWorkbench(page, {
    prepare(root) {
      mkdirSync(join(root, 'big'));
      mkdirSync(join(root, 'wide'));
      for (const file of Object.values(files)) writeFileSync(join(root, file.path), file.bytes);
    },
  });
  const { root } = wb;
  await row(page, 'big').click();
  await row(page, 'wide').click();

  // 20 MB: Ctrl+S, then another edit saved from the close dialog
  await openAndTypeAtStart(page, files.twenty.path, 'one ');
  await page.keyboard.press('Control+S');
  await expect(tab(page, files.twenty.path)).not.toHaveClass(/tab--dirty/, { timeout: 60_000 });
  expectOnDisk(root, files.twenty.path, 'one ', files.twenty.bytes);
  await page.keyboard.type('two ');
  await expect(tab(page, files.twenty.path)).toHaveClass(/tab--dirty/);
  await tab(page, files.twenty.path).locator('.tab__close').click();
  await page.getByRole('dialog').getByRole('button', { name: 'Save', exact: true }).click();
  await expect(tab(page, files.twenty.path)).toHaveCount(0, { timeout: 60_000 });
  expectOnDisk(root, files.twenty.path, 'one two ', files.twenty.bytes);

  // 100 MB, timed from Ctrl+S to the clean tab
  await openAndTypeAtStart(page, files.hundred.path, 'hundred ');
  const started = Date.now();
  await page.keyboard.press('Control+S');
  await expect(tab(page, files.hundred.path)).not.toHaveClass(/tab--dirty/, { timeout: 120_000 });
  const saveMs = Date.now() - started;
  testInfo.annotations.push({ type: 'save-100MB-ms', description: String(saveMs) });
  console.log(`saving 100 MB through the UI took ${saveMs} ms`);
  expectOnDisk(root, files.hundred.path, 'hundred ', files.hundred.bytes);
  await tab(page, files.hundred.path).locator('.tab__close').click();
  await expect(tab(page, files.hundred.path)).toHaveCount(0);

  // 3 MB on one line
  await openAndTypeAtStart(page, files.wide.path, 'wide ');
  await page.keyboard.press('Control+S');
  await expect(tab(page, files.wide.path)).not.toHaveClass(/tab--dirty/, { timeout: 60_000 });
  expectOnDisk(root, files.wide.path, 'wide ', files.wide.bytes);
  expect(await page.locator('.toast--error').allTextContents()).toEqual([]);

  // the file's folder is replaced by a file: the save cannot land, says so, and the edit stays unsaved
  await page.keyboard.type('lost? ');
  await expect(tab(page, files.wide.path)).toHaveClass(/tab--dirty/);
  rmSync(join(root, 'wide'), { recursive: true });
  writeFileSync(join(root, 'wide'), 'in the way\n');
  await page.keyboard.press('Control+S');
  const toast = page.locator('.toast--error');
  await expect(toast).toContainText('Could not save wide/line.txt', { timeout: 60_000 });
  await expect(toast).toContainText('move what is in the way');
  await expect(toast).toContainText('still unsaved');
  await expect(tab(page, files.wide.path)).toHaveClass(/tab--dirty/);
  expect(statSync(join(root, 'wide')).isFile()).toBe(true);
  await page.screenshot({ path: 'test-results/large-file-save-failed.png' });
  expect(wb.errors()).toEqual([]);
});
