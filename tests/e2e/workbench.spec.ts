// The workbench end to end, in browser mode against the real engine: tree, editing and saving, quick open,
// outside changes (reload when clean, warn when modified), and .gitignore filtering.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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
/** Monaco renders spaces as non-breaking spaces; compare text with ordinary ones. */
const editorText = async (page: Page) =>
  ((await page.locator('.monaco-host .view-lines').textContent()) ?? '').replace(/\u00a0/g, ' ');

test('opens, edits and saves a file, quick-opens another, follows outside changes and hides ignored files', async ({
  page,
}) => {
  wb = await openWorkbench(page, {
    prepare(root) {
      // matched by the fixture's .gitignore (build/ and *.log): the explorer must not list them
      writeFileSync(join(root, 'debug.log'), 'noise\n');
      mkdirSync(join(root, 'build'));
      writeFileSync(join(root, 'build/out.js'), 'compiled\n');
    },
  });
  const { root } = wb;
  const original = readFileSync(join(root, 'src/greet.ts'), 'utf8');

  // the tree lists the workspace, gitignored entries left out
  await expect(row(page, 'src')).toBeVisible();
  await expect(row(page, 'README.md')).toBeVisible();
  await expect(row(page, 'debug.log')).toHaveCount(0);
  await expect(row(page, 'build')).toHaveCount(0);

  // open a file from the tree, type, save with Ctrl+S: the bytes land on disk
  await row(page, 'src').click();
  await row(page, 'src/greet.ts').click();
  await expect(tab(page, 'src/greet.ts')).toHaveAttribute('aria-selected', 'true');
  await expect.poll(() => editorText(page)).toContain('return `Hello, ');
  await expect(page.getByTestId('language')).toHaveText('TypeScript');
  await page.locator('.monaco-host .view-lines').click();
  await page.keyboard.press('Control+End');
  // the file ends with a newline, so Ctrl+End lands on the empty last line
  await page.keyboard.type('export const shout = (name: string) => greet(name).toUpperCase();');
  await expect(tab(page, 'src/greet.ts')).toHaveClass(/tab--dirty/);
  await page.keyboard.press('Control+S');
  await expect(tab(page, 'src/greet.ts')).not.toHaveClass(/tab--dirty/);
  expect(readFileSync(join(root, 'src/greet.ts'), 'utf8')).toBe(
    `${original}export const shout = (name: string) => greet(name).toUpperCase();`,
  );
  await expect(page.getByTestId('cursor')).toHaveText(/Ln 4, Col \d+/);

  // quick open by file name: Ctrl+P, fuzzy query, Enter
  await page.keyboard.press('Control+P');
  await page.locator('.picker__input').fill('mth');
  await expect(page.locator('.picker__item--selected')).toContainText('math.js');
  await page.keyboard.press('Enter');
  await expect(tab(page, 'src/math.js')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('language')).toHaveText('JavaScript');
  await expect.poll(() => editorText(page)).toContain('return a + b;');

  // an outside change to an open, unmodified file reloads it
  writeFileSync(join(root, 'src/math.js'), 'export function add(a, b) {\n  return a + b + changedOnDisk;\n}\n');
  await expect.poll(() => editorText(page)).toContain('changedOnDisk');
  await expect(tab(page, 'src/math.js')).not.toHaveClass(/tab--dirty/);

  // an outside change to a modified file warns instead, and "Keep mine" keeps the editor's text
  await page.locator('.monaco-host .view-lines').click();
  await page.keyboard.press('Control+Home');
  await page.keyboard.type('// mine\n');
  await expect(tab(page, 'src/math.js')).toHaveClass(/tab--dirty/);
  writeFileSync(join(root, 'src/math.js'), 'theirs\n');
  await expect(page.locator('.disk-warning')).toContainText('changed on disk');
  await page.getByRole('button', { name: 'Keep mine' }).click();
  await expect(page.locator('.disk-warning')).toHaveCount(0);
  expect(await editorText(page)).toContain('// mine');

  // a file created outside shows up in the tree
  writeFileSync(join(root, 'src/added.ts'), 'export {};\n');
  await expect(row(page, 'src/added.ts')).toBeVisible();

  await page.keyboard.press('Control+S');
  await expect(tab(page, 'src/math.js')).not.toHaveClass(/tab--dirty/);
  expect(readFileSync(join(root, 'src/math.js'), 'utf8')).toContain('// mine');

  await tab(page, 'src/greet.ts').click();
  await page.screenshot({ path: 'test-results/workbench.png' });
});
