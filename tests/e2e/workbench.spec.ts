// The workbench end to end, in browser mode against the real engine: tree, editing and saving, quick open,
// outside changes (reload when clean, warn when modified), and .gitignore filtering.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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
      writeFileSync(join(root, 'src/tabbed.js'), 'function main() {\n\tif (true) {\n\t\tmain();\n\t}\n}\n');
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
  await expect(page.getByTestId('indentation')).toHaveText('Spaces: 2');
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

  // saving over a file that changed on disk since it was read asks first; Overwrite writes the editor's text
  await page.keyboard.type('// again\n');
  writeFileSync(join(root, 'src/math.js'), 'theirs again\n');
  await expect(page.locator('.disk-warning')).toBeVisible();
  await page.keyboard.press('Control+S');
  await expect(page.locator('.dialog__title')).toHaveText('math.js changed on disk');
  await page.getByRole('button', { name: 'Overwrite' }).click();
  await expect(tab(page, 'src/math.js')).not.toHaveClass(/tab--dirty/);
  await expect(page.locator('.disk-warning')).toHaveCount(0);
  expect(readFileSync(join(root, 'src/math.js'), 'utf8')).toContain('// again');

  // the status bar names the indentation Monaco detected in the file: tabs here
  await row(page, 'src/tabbed.js').click();
  await expect(page.getByTestId('indentation')).toHaveText('Tab Size: 4');
  await tab(page, 'src/greet.ts').click();
  await expect(page.getByTestId('indentation')).toHaveText('Spaces: 2');
  // every activity-bar icon is drawn from SVG (a feature's as a mask image), none is a font glyph a machine may lack
  await expect(page.locator('.activity-item .feature-icon--glyph')).toHaveCount(0);
  const undrawn = await page.locator('.activity-item').evaluateAll((items) =>
    items
      .filter((item) => {
        if (item.querySelector('svg')) return false;
        const icon = item.querySelector('.feature-icon--svg');
        if (!icon || icon.getBoundingClientRect().width === 0) return true;
        const style = getComputedStyle(icon);
        const image = style.getPropertyValue('mask-image') || style.getPropertyValue('-webkit-mask-image');
        return !image.startsWith('url("data:image/svg+xml');
      })
      .map((item) => item.getAttribute('data-view')),
  );
  expect(undrawn).toEqual([]);
  expect(await page.locator('.activity-item').count()).toBeGreaterThan(4);
  await page.screenshot({ path: 'test-results/workbench.png' });
  expect(await page.locator('.toast--error').allTextContents()).toEqual([]);
  expect(wb.errors()).toEqual([]);
});

test('creates, renames and deletes files from the explorer and lists every command in the palette', async ({
  page,
}) => {
  wb = await openWorkbench(page);
  const { root } = wb;

  // new file inside src from the context menu: the engine creates it and the editor opens it
  await row(page, 'src').click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'New File…' }).click();
  await page.locator('.dialog .text-input').fill('lib/util.ts');
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(tab(page, 'src/lib/util.ts')).toHaveAttribute('aria-selected', 'true');
  expect(readFileSync(join(root, 'src/lib/util.ts'), 'utf8')).toBe('');

  // rename it: the tab follows, the old path is gone from disk
  await row(page, 'src/lib/util.ts').click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'Rename…' }).click();
  await page.locator('.dialog .text-input').fill('tools.ts');
  await page.getByRole('button', { name: 'Rename' }).click();
  await expect(tab(page, 'src/lib/tools.ts')).toBeVisible();
  await expect(row(page, 'src/lib/tools.ts')).toBeVisible();
  expect(existsSync(join(root, 'src/lib/util.ts'))).toBe(false);

  // delete it after confirming: tab and tree row go, and so does the file
  await row(page, 'src/lib/tools.ts').click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'Delete' }).click();
  await page.locator('.dialog').getByRole('button', { name: 'Delete' }).click();
  await expect(row(page, 'src/lib/tools.ts')).toHaveCount(0);
  await expect(tab(page, 'src/lib/tools.ts')).toHaveCount(0);
  expect(existsSync(join(root, 'src/lib/tools.ts'))).toBe(false);

  // the tree works from the keyboard: a click selects and shows, arrows move, Enter opens
  await row(page, 'package.json').click();
  await expect(tab(page, 'package.json')).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('ArrowDown');
  await expect(row(page, 'README.md')).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Enter');
  await expect(tab(page, 'README.md')).toHaveAttribute('aria-selected', 'true');

  // closing a modified tab asks first; Cancel keeps it open
  await row(page, 'README.md').click();
  await page.locator('.monaco-host .view-lines').click();
  await page.keyboard.type('More. ');
  // features' CSS comes after the theme's: the tab's own size for its close button beats .icon-button's 24 px
  expect(await tab(page, 'README.md').locator('.tab__close').boundingBox()).toMatchObject({ width: 20, height: 20 });
  await tab(page, 'README.md').locator('.tab__close').click();
  await expect(page.locator('.dialog__title')).toHaveText('Save changes to README.md?');
  await page.screenshot({ path: 'test-results/workbench-confirm-close.png', animations: 'disabled' });
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(tab(page, 'README.md')).toHaveClass(/tab--dirty/);

  // the command palette lists the workbench's commands with their shortcuts
  await page.keyboard.press('Control+Shift+P');
  await expect(page.locator('.picker__item', { hasText: 'Go to File…' })).toContainText('Ctrl+P');
  await page.screenshot({ path: 'test-results/workbench-palette.png', animations: 'disabled' });
  await page.locator('.picker__input').fill('toggle side');
  await page.keyboard.press('Enter');
  await expect(page.locator('.side-bar')).toHaveCount(0);

  expect(await page.locator('.toast--error').allTextContents()).toEqual([]);
  expect(wb.errors()).toEqual([]);
});

test('opens a folder from the welcome screen, remembers it in recent folders and shows a lost engine', async ({
  page,
}) => {
  wb = await openWorkbench(page, { openFolder: false });
  await page.screenshot({ path: 'test-results/workbench-welcome.png' });

  await page.getByRole('button', { name: /Open Folder/ }).click();
  await page.locator('.open-folder__input').fill(wb.root);
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await expect(row(page, 'src')).toBeVisible();
  await expect(page.locator('.status-item--workspace')).toContainText('pa-e2e-sample-project');

  // the folder is now a recent one in the open-folder dialog
  await page.locator('.status-item--workspace').click();
  await expect(page.locator('.recent__item')).toContainText(wb.root);
  await page.screenshot({ path: 'test-results/workbench-open-folder.png', animations: 'disabled' });
  await page.keyboard.press('Escape');
  await expect(page.locator('.open-folder__input')).toHaveCount(0);

  expect(await page.locator('.toast--error').allTextContents()).toEqual([]);
  expect(wb.errors()).toEqual([]);

  // the status bar says when the engine goes away (and that the page is looking for it again)
  await wb.stopEngine();
  await expect(page.getByTestId('connection')).toHaveText('Reconnecting…');
});
