// TypeScript intelligence end to end on tests/fixtures/ts-project (src/main.ts uses src/shapes.ts and has a type
// error): hovering a function imported from the other file shows its type and doc comment (test-results/ts-hover.png);
// the error is a squiggle and a row in Problems (test-results/problems.png); F12 opens the other file at the
// definition; rename (F2) changes both files in one edit, the file that had no tab opens dirty and saves to disk.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { type OpenedWorkbench, openWorkbench } from './support/workbench';

let wb: OpenedWorkbench | null = null;

test.afterEach(async () => {
  await wb?.close();
  wb = null;
});

const tab = (page: Page, path: string) => page.locator(`.tab[data-path="${path}"]`);
/**
 * The token `name` on the line that holds `line`. Monaco draws spaces as U+00A0 (`\s` matches both) and joins a
 * token with the space before it when they have one colour; pointing at its last letters hits the name itself.
 */
const token = (page: Page, line: RegExp, name: string) =>
  page
    .locator('.monaco-editor .view-line', { hasText: line })
    .locator('span span', { hasText: new RegExp(`^\\s*${name}\\s*$`) });
const LENGTH_LINE = /export\s+const\s+length/;

async function openMain(page: Page): Promise<void> {
  await page.locator('.tree-row[data-path="src"]').click();
  await page.locator('.tree-row[data-path="src/main.ts"]').dblclick();
  await expect(tab(page, 'src/main.ts')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('typescript-status')).toHaveAttribute('data-phase', 'ready');
}

test('hover shows the type from the other file, and the type error is in Problems', async ({ page }) => {
  wb = await openWorkbench(page, { fixture: 'ts-project' });
  await openMain(page);

  await token(page, LENGTH_LINE, 'distance').hover({ position: { x: 20, y: 8 } });
  const hover = page.locator('.monaco-hover:visible');
  await expect(hover).toContainText('distance(a: Point, b: Point): number');
  await expect(hover).toContainText('The straight-line distance between two points.');
  await page.screenshot({ path: 'test-results/ts-hover.png' });

  await expect(page.locator('.monaco-editor .squiggly-error')).toHaveCount(1);
  await page.keyboard.press('Control+Shift+M');
  const problem = page.locator('.problems__row', { hasText: "Type 'number' is not assignable to type 'string'." });
  await expect(problem).toContainText('[Ln 7, Col 14]');
  await expect(page.locator('.problems__row')).toHaveCount(1);
  await page.screenshot({ path: 'test-results/problems.png' });
  expect(wb.errors()).toEqual([]);
});

test('F12 opens the definition in the other file; rename changes both files and saves like any edit', async ({
  page,
}) => {
  wb = await openWorkbench(page, { fixture: 'ts-project' });
  const root = wb.root;
  await openMain(page);

  await token(page, LENGTH_LINE, 'distance').click({ position: { x: 20, y: 8 } });
  await page.keyboard.press('F12');
  await expect(tab(page, 'src/shapes.ts')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('cursor')).toHaveText(/Ln 8, Col 17/);

  await tab(page, 'src/shapes.ts').locator('.tab__close').click();
  await expect(tab(page, 'src/shapes.ts')).toHaveCount(0);
  await tab(page, 'src/main.ts').click();
  await token(page, LENGTH_LINE, 'distance').click({ position: { x: 20, y: 8 } });
  await page.keyboard.press('F2');
  const input = page.locator('.rename-box input');
  await expect(input).toBeFocused();
  await input.fill('span');
  await input.press('Enter');

  await expect(tab(page, 'src/shapes.ts')).toHaveClass(/tab--dirty/);
  await expect(tab(page, 'src/main.ts')).toHaveClass(/tab--dirty/);
  await expect(tab(page, 'src/main.ts')).toHaveAttribute('aria-selected', 'true');
  await expect(
    page.locator('.monaco-editor .view-line', { hasText: /export\s+const\s+length\s+=\s+span\(origin,\s+target\);/ }),
  ).toBeVisible();

  await page.keyboard.press('Control+S');
  await expect(tab(page, 'src/main.ts')).not.toHaveClass(/tab--dirty/);
  await tab(page, 'src/shapes.ts').click();
  await expect(
    page.locator('.monaco-editor .view-line', { hasText: /export\s+function\s+span\(a:\s+Point/ }),
  ).toBeVisible();
  await page.keyboard.press('Control+S');
  await expect(tab(page, 'src/shapes.ts')).not.toHaveClass(/tab--dirty/);
  expect(readFileSync(join(root, 'src/main.ts'), 'utf8')).toContain("import { span, type Point } from './shapes';");
  expect(readFileSync(join(root, 'src/shapes.ts'), 'utf8')).toContain('export function span(a: Point, b: Point)');
  expect(wb.errors()).toEqual([]);
});
