// The editor layout end to end, in browser mode against the real engine: Split Editor Right (Ctrl+\) gives a second
// group showing the same document (typing in one shows in the other), files open in the active group, a tab dragged
// onto the other group's tab strip moves there, and a reload brings the same groups back (hot-exit session). Preview
// tabs from the explorer, the tab context menu's Pin and Close Others, Reopen Closed Editor (Alt+Shift+T), and a tab
// dropped on the editor's edge splitting off into a new group.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Locator, type Page, test } from '@playwright/test';
import { type OpenedWorkbench, openWorkbench } from './support/workbench';

let wb: OpenedWorkbench | null = null;

test.afterEach(async () => {
  await wb?.close();
  wb = null;
});

const group = (page: Page, index: number) => page.locator('.editor-area').nth(index);
const tab = (scope: Page | Locator, path: string) => scope.locator(`.tab[data-path="${path}"]`);
const tabPaths = (scope: Locator) =>
  scope.locator('.tab').evaluateAll((tabs) => tabs.map((element) => element.getAttribute('data-path')));
const text = async (scope: Locator) =>
  ((await scope.locator('.monaco-host .view-lines').textContent()) ?? '').replace(/\u00a0/g, ' ');

async function quickOpen(page: Page, path: string): Promise<void> {
  await page.keyboard.press('Control+P');
  await page.locator('.picker__input').fill(path);
  await expect(page.locator('.picker__item--selected')).toContainText(path.split('/').at(-1) ?? path);
  await page.keyboard.press('Enter');
  // the tab opens once the file's text has come from the engine, not on the keypress
  await expect(page.locator(`.tab[data-path="${path}"][aria-selected="true"]`).first()).toBeVisible();
}

test('splits the editor right, shares the document between groups, drags a tab across and keeps the layout', async ({
  page,
}) => {
  wb = await openWorkbench(page);
  await quickOpen(page, 'src/greet.ts');
  await expect(tab(page, 'src/greet.ts')).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Control+\\');
  await expect(page.locator('.editor-area')).toHaveCount(2);
  const [left, right] = [group(page, 0), group(page, 1)];
  await expect(right).toHaveClass(/editor-area--active/);
  await expect(tab(right, 'src/greet.ts')).toHaveAttribute('aria-selected', 'true');

  // one model, two views: what is typed on the right shows on the left
  await right.locator('.monaco-host .view-lines').click();
  await page.keyboard.press('Control+Home');
  await page.keyboard.type('// typed on the right\n');
  await expect.poll(() => text(left)).toContain('// typed on the right');
  await expect(tab(left, 'src/greet.ts')).toHaveClass(/tab--dirty/);

  // files open in the active group: README on the right, math.js on the left once it is focused
  await quickOpen(page, 'README.md');
  await expect(tab(right, 'README.md')).toHaveAttribute('aria-selected', 'true');
  await tab(left, 'src/greet.ts').click();
  await expect(left).toHaveClass(/editor-area--active/);
  await quickOpen(page, 'src/math.js');
  expect(await tabPaths(left)).toEqual(['src/greet.ts', 'src/math.js']);
  await expect.poll(() => text(left)).toContain('export');
  await expect.poll(() => text(right)).not.toBe('');
  await expect(page.locator('.tree-row[data-path="README.md"]')).toBeVisible();
  await page.screenshot({ path: 'test-results/split.png' });

  // README dragged from the right group's strip onto the left one's moves there
  await tab(right, 'README.md').dragTo(left.locator('.tabs__filler'));
  await expect.poll(() => tabPaths(left)).toEqual(['src/greet.ts', 'src/math.js', 'README.md']);
  expect(await tabPaths(right)).toEqual(['src/greet.ts']);
  await expect(tab(left, 'README.md')).toHaveAttribute('aria-selected', 'true');

  // a reload brings both groups back with their tabs, the unsaved text in both
  await page.reload();
  await expect(page.getByTestId('connection')).toHaveText(/Engine connected/);
  await expect(page.locator('.editor-area')).toHaveCount(2);
  await expect.poll(() => tabPaths(group(page, 0))).toEqual(['src/greet.ts', 'src/math.js', 'README.md']);
  expect(await tabPaths(group(page, 1))).toEqual(['src/greet.ts']);
  await expect.poll(() => text(group(page, 1))).toContain('// typed on the right');
  expect(wb.errors()).toEqual([]);
});

test('previews from the explorer, pins from the tab menu, Close Others spares the pinned tab, Alt+Shift+T reopens', async ({
  page,
}) => {
  wb = await openWorkbench(page);
  const row = (path: string) => page.locator(`.tree-row[data-path="${path}"]`);
  await row('src').click();
  // a single click previews (italic), the next single click replaces the preview, a double click keeps it
  await row('src/greet.ts').click();
  await expect(tab(page, 'src/greet.ts')).toHaveClass(/tab--preview/);
  await row('src/math.js').click();
  await expect(page.locator('.tab')).toHaveCount(1);
  await expect(tab(page, 'src/math.js')).toHaveClass(/tab--preview/);
  await row('src/math.js').dblclick();
  await expect(tab(page, 'src/math.js')).not.toHaveClass(/tab--preview/);
  await quickOpen(page, 'README.md');
  await quickOpen(page, 'src/greet.ts');
  const strip = group(page, 0);
  expect(await tabPaths(strip)).toEqual(['src/math.js', 'README.md', 'src/greet.ts']);

  // Pin moves greet.ts to the left with a pin where its close button was
  await tab(page, 'src/greet.ts').click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'Pin', exact: true }).click();
  expect(await tabPaths(strip)).toEqual(['src/greet.ts', 'src/math.js', 'README.md']);
  await expect(tab(page, 'src/greet.ts').getByRole('button', { name: 'Unpin greet.ts' })).toBeVisible();

  // Close Others on math.js: README goes, the pinned tab stays
  await tab(page, 'src/math.js').click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'Close Others' }).click();
  await expect.poll(() => tabPaths(strip)).toEqual(['src/greet.ts', 'src/math.js']);

  // Reopen Closed Editor puts README back where it was, active
  await page.keyboard.press('Alt+Shift+T');
  await expect.poll(() => tabPaths(strip)).toEqual(['src/greet.ts', 'src/math.js', 'README.md']);
  await expect(tab(page, 'README.md')).toHaveAttribute('aria-selected', 'true');

  // dragged over the editor's right edge, the overlay shows the half it would take; dropped, it splits off there
  const body = strip.locator('.editor-area__body');
  const box = await body.boundingBox();
  if (!box) throw new Error('the editor is not on screen');
  await tab(page, 'README.md').hover();
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 4 });
  await page.mouse.move(box.x + box.width - 12, box.y + box.height / 2, { steps: 4 });
  await expect(page.locator('.editor-drop__overlay--right')).toBeVisible();
  await page.mouse.up();
  await expect(page.locator('.editor-area')).toHaveCount(2);
  expect(await tabPaths(group(page, 0))).toEqual(['src/greet.ts', 'src/math.js']);
  expect(await tabPaths(group(page, 1))).toEqual(['README.md']);
  expect(wb.errors()).toEqual([]);
});

test('keeps the active tab in view when the tabs overflow the strip', async ({ page }) => {
  const names = Array.from({ length: 14 }, (_, i) => `src/a-rather-long-file-name-${String(i).padStart(2, '0')}.ts`);
  wb = await openWorkbench(page, {
    prepare(root) {
      for (const name of names) writeFileSync(join(root, name), `export const n = ${name.length};\n`);
    },
  });
  for (const name of names) await quickOpen(page, name);
  const strip = page.locator('.tabs').first();
  const inView = async (path: string) => {
    const [tabBox, stripBox] = [await tab(page, path).boundingBox(), await strip.boundingBox()];
    if (!tabBox || !stripBox) return false;
    return tabBox.x >= stripBox.x - 1 && tabBox.x + tabBox.width <= stripBox.x + stripBox.width + 1;
  };
  const first = names[0] as string;
  const last = names.at(-1) as string;
  expect(await strip.evaluate((element) => element.scrollWidth > element.clientWidth)).toBe(true);
  await expect.poll(() => inView(last)).toBe(true);
  expect(await inView(first)).toBe(false);
  // activated from elsewhere (quick open), the first tab scrolls into the strip's view
  await quickOpen(page, first);
  await expect.poll(() => inView(first)).toBe(true);
  await expect.poll(() => inView(last)).toBe(false);
  expect(wb.errors()).toEqual([]);
});
