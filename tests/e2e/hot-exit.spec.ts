// Hot exit and the page surviving the engine, in browser mode against the real engine: a reload reopens the same
// tabs, cursor and unsaved text (dirty), and a backup whose file changed on disk meanwhile asks keep or discard; a
// dirty tab closed on purpose still asks and its text does not come back;
// after a kill -9 of the engine the page says it is reconnecting, a Save fails visibly and keeps the tab dirty, and
// the engine restarted on the same data dir and port (no folder given) takes the page back with the text intact.
import { readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { type OpenedWorkbench, openWorkbench } from './support/workbench';

let wb: OpenedWorkbench | null = null;

test.afterEach(async () => {
  await wb?.close();
  wb = null;
});

const tab = (page: Page, path: string) => page.locator(`.tab[data-path="${path}"]`);
const editorText = async (page: Page) =>
  ((await page.locator('.monaco-host .view-lines').textContent()) ?? '').replace(/\u00a0/g, ' ');

async function openAndType(page: Page, path: string, key: string, text: string): Promise<void> {
  await page.keyboard.press('Control+P');
  await page.locator('.picker__input').fill(path);
  await expect(page.locator('.picker__item--selected')).toContainText(path.split('/').at(-1) ?? path);
  await page.keyboard.press('Enter');
  await expect(tab(page, path)).toHaveAttribute('aria-selected', 'true');
  await expect.poll(() => editorText(page)).not.toBe('');
  await page.locator('.monaco-host .view-lines').click();
  await page.keyboard.press(key);
  await page.keyboard.type(text);
  await expect(tab(page, path)).toHaveClass(/tab--dirty/);
}

test('a reload reopens the same tabs, active tab, cursor and unsaved text, marked dirty', async ({ page }) => {
  wb = await openWorkbench(page);
  const greetOnDisk = readFileSync(join(wb.root, 'src/greet.ts'), 'utf8');
  await openAndType(page, 'src/greet.ts', 'Control+End', '// unsaved one');
  await openAndType(page, 'src/math.js', 'Control+Home', '// unsaved two\n');
  await expect(page.getByTestId('cursor')).toHaveText('Ln 2, Col 1');
  // someone else changes math.js on disk before the page comes back
  writeFileSync(join(wb.root, 'src/math.js'), 'export const theirs = 1;\n');
  utimesSync(join(wb.root, 'src/math.js'), new Date(), new Date(Date.now() + 10_000));
  await expect(page.locator('.disk-warning')).toContainText('changed on disk');

  // no leave prompt: the buffers are backed up, not lost
  await page.reload();
  await expect(page.getByTestId('connection')).toHaveText(/Engine connected/);
  await expect(page.locator('.tab')).toHaveCount(2);
  expect(await page.locator('.tab').evaluateAll((tabs) => tabs.map((t) => t.getAttribute('data-path')))).toEqual([
    'src/greet.ts',
    'src/math.js',
  ]);
  await expect(tab(page, 'src/math.js')).toHaveAttribute('aria-selected', 'true');
  await expect(tab(page, 'src/math.js')).toHaveClass(/tab--dirty/);
  await expect(tab(page, 'src/greet.ts')).toHaveClass(/tab--dirty/);
  await expect.poll(() => editorText(page)).toContain('// unsaved two');
  await expect(page.getByTestId('cursor')).toHaveText('Ln 2, Col 1');
  await expect(page.locator('.disk-warning')).toContainText('changed on disk after your unsaved changes');
  // compare: the disk's new text on the left, the unsaved text on the right, in Monaco's diff editor
  await page.getByRole('button', { name: 'Compare' }).click();
  const compare = page.getByRole('region', { name: 'math.js: on disk against your unsaved version' });
  await expect(compare.locator('.editor.original')).toContainText('export const theirs = 1;');
  await expect(compare.locator('.editor.modified')).toContainText('// unsaved two');
  await page.screenshot({ path: 'test-results/hot-exit-compare.png' });
  await page.getByRole('button', { name: 'Keep mine' }).click();
  await expect(compare).toHaveCount(0);
  await expect(page.locator('.disk-warning')).toHaveCount(0);
  await expect(tab(page, 'src/math.js')).toHaveClass(/tab--dirty/);
  await expect.poll(() => editorText(page)).toContain('// unsaved two');
  await page.screenshot({ path: 'test-results/hot-exit-restored.png' });
  await tab(page, 'src/greet.ts').click();
  await expect.poll(() => editorText(page)).toContain('// unsaved one');
  expect(readFileSync(join(wb.root, 'src/greet.ts'), 'utf8')).toBe(greetOnDisk); // nothing was written

  // closing a dirty tab on purpose still asks; "Don't Save" means its text does not come back
  await tab(page, 'src/greet.ts').locator('.tab__close').click();
  const dialog = page.getByRole('dialog', { name: 'Save changes to greet.ts?' });
  await dialog.getByRole('button', { name: "Don't Save" }).click();
  await expect(tab(page, 'src/greet.ts')).toHaveCount(0);
  await page.reload();
  await expect(tab(page, 'src/math.js')).toHaveClass(/tab--dirty/);
  await expect(tab(page, 'src/greet.ts')).toHaveCount(0);
  expect(wb.errors()).toEqual([]);
});

test('after kill -9 the page reconnects to the restarted engine by itself; Save meanwhile fails and keeps the edit', async ({
  page,
}) => {
  wb = await openWorkbench(page);
  const { root } = wb;
  const onDisk = readFileSync(join(root, 'src/greet.ts'), 'utf8');
  await openAndType(page, 'src/greet.ts', 'Control+End', '// typed before the crash');

  await wb.crashEngine();
  await expect(page.getByTestId('connection')).toHaveText('Reconnecting…');
  await page.screenshot({ path: 'test-results/reconnecting.png' });

  // Save while the engine is gone: a visible error, the tab stays dirty, nothing on disk
  await page.locator('.monaco-host .view-lines').click();
  await page.keyboard.press('Control+S');
  await expect(page.locator('.toast--error')).toContainText('Could not save src/greet.ts');
  await expect(page.locator('.toast--error')).toContainText('not connected');
  await expect(tab(page, 'src/greet.ts')).toHaveClass(/tab--dirty/);
  expect(readFileSync(join(root, 'src/greet.ts'), 'utf8')).toBe(onDisk);

  // the engine comes back on the same data dir and port, with no folder named: it reopens the last one and
  // accepts the page's token; the page reconnects without a reload and keeps the tab and its text
  await wb.restartEngine();
  await expect(page.getByTestId('connection')).toHaveText(/Engine connected/, { timeout: 20_000 });
  await expect(page.locator('.status-item--workspace')).toContainText(root.split('/').at(-1) ?? '');
  await expect(tab(page, 'src/greet.ts')).toHaveClass(/tab--dirty/);
  await expect.poll(() => editorText(page)).toContain('// typed before the crash');
  await page.locator('.monaco-host .view-lines').click();
  await page.keyboard.press('Control+S');
  await expect(tab(page, 'src/greet.ts')).not.toHaveClass(/tab--dirty/);
  expect(readFileSync(join(root, 'src/greet.ts'), 'utf8')).toBe(`${onDisk}// typed before the crash`);
});
