// TypeScript intelligence end to end on tests/fixtures/ts-project (src/main.ts uses src/shapes.ts and has a type
// error): hovering a function imported from the other file shows its type and doc comment (test-results/ts-hover.png);
// the error is a squiggle and a row in Problems (test-results/problems.png); F12 opens the other file at the
// definition; rename (F2) changes both files in one edit, the file that had no tab opens dirty and saves to disk.
// Completions (with src/tabs.ts and shapes.ts's midpoint added to the copy): a prefix of another file's export is
// offered with its module and accepting it adds the import, or joins the module's existing one, in one undo step,
// opening no tab (test-results/ts-auto-import.png); module paths complete inside an import string; the quick fix
// "Add import" still applies.
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
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

/** Another module of the fixture, exporting what main.ts does not import yet; and one more export of shapes.ts. */
function addModules(root: string): void {
  writeFileSync(
    join(root, 'src/tabs.ts'),
    '/** The open tabs after an action. */\nexport function tabsReducer(tabs: string[], opened: string): string[] {\n  return [...tabs, opened];\n}\n',
  );
  appendFileSync(
    join(root, 'src/shapes.ts'),
    '\n/** The point halfway between two points. */\nexport function midpoint(a: Point, b: Point): Point {\n  return { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };\n}\n',
  );
}

const suggestion = (page: Page, name: string) =>
  page.locator('.suggest-widget .monaco-list-row', { has: page.locator('.label-name', { hasText: name }) });
const line = (page: Page, text: RegExp) => page.locator('.monaco-editor .view-line', { hasText: text });

test('auto-import: a symbol of a file with no tab is offered with its module; accepting it adds the import', async ({
  page,
}) => {
  wb = await openWorkbench(page, { fixture: 'ts-project', prepare: addModules });
  const root = wb.root;
  await openMain(page);
  await page.locator('.monaco-editor .view-lines').click();
  await page.keyboard.press('Control+End');
  await page.keyboard.press('Enter');
  await page.keyboard.type('export const reduced = tabsRed');

  const item = suggestion(page, 'tabsReducer');
  await expect(item).toBeVisible();
  await expect(item).toContainText('./tabs');
  // Ctrl+Space again opens the focused item's details: its module, signature and docs
  await page.keyboard.press('Control+Space');
  const details = page.locator('.suggest-details');
  await expect(details).toContainText("Auto import from './tabs'");
  await expect(details).toContainText('function tabsReducer(tabs: string[], opened: string): string[]');
  await expect(details).toContainText('The open tabs after an action.');
  await page.screenshot({ path: 'test-results/ts-auto-import.png' });
  await page.keyboard.press('Enter');
  await expect(line(page, /^import\s+\{\s+tabsReducer\s+\}\s+from\s+'\.\/tabs';$/)).toBeVisible();
  await expect(line(page, /^export\s+const\s+reduced\s+=\s+tabsReducer$/)).toBeVisible();
  // the module that was imported from is not opened, let alone changed
  await expect(tab(page, 'src/tabs.ts')).toHaveCount(0);
  await expect(page.locator('.tab')).toHaveCount(1);

  // one undo takes back the name and the import together
  await page.keyboard.press('Control+Z');
  await expect(line(page, /tabsReducer/)).toHaveCount(0);
  await expect(line(page, /^export\s+const\s+reduced\s+=\s+tabsRed$/)).toBeVisible();
  await page.keyboard.press('Control+Shift+Z');
  await expect(line(page, /^import\s+\{\s+tabsReducer\s+\}\s+from\s+'\.\/tabs';$/)).toBeVisible();

  // a second symbol of an already imported module joins that import
  await page.keyboard.press('Control+End');
  await page.keyboard.press('Enter');
  await page.keyboard.type('export const middle = midpo');
  await expect(suggestion(page, 'midpoint')).toContainText('./shapes');
  await page.keyboard.press('Enter');
  await expect(
    line(page, /^import\s+\{\s+distance,\s+midpoint,\s+type\s+Point\s+\}\s+from\s+'\.\/shapes';$/),
  ).toBeVisible();
  await expect(page.locator('.monaco-editor .view-line', { hasText: /from\s+'\.\/shapes'/ })).toHaveCount(1);

  await page.keyboard.press('Control+S');
  await expect(tab(page, 'src/main.ts')).not.toHaveClass(/tab--dirty/);
  const saved = readFileSync(join(root, 'src/main.ts'), 'utf8');
  expect(saved).toContain("import { tabsReducer } from './tabs';");
  expect(saved).toContain("import { distance, midpoint, type Point } from './shapes';");
  expect(saved).toContain('export const middle = midpoint');
  expect(readFileSync(join(root, 'src/tabs.ts'), 'utf8')).not.toContain('import');
  expect(wb.errors()).toEqual([]);
});

test('completion inside an import string offers the project’s modules by path', async ({ page }) => {
  wb = await openWorkbench(page, { fixture: 'ts-project', prepare: addModules });
  await openMain(page);
  await page.locator('.monaco-editor .view-lines').click();
  await page.keyboard.press('Control+End');
  await page.keyboard.press('Enter');
  // the line as one input (no auto-closed quote to depend on), then './' typed between the quotes
  await page.keyboard.insertText("import { tabsReducer } from '';");
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.type('./');
  const item = suggestion(page, 'tabs');
  await expect(item).toBeVisible();
  await expect(suggestion(page, 'shapes')).toBeVisible();
  await item.click();
  await expect(line(page, /^import\s+\{\s+tabsReducer\s+\}\s+from\s+'\.\/tabs';$/)).toBeVisible();
  // the import resolves: only the fixture's own type error is left
  await expect(page.locator('.monaco-editor .squiggly-error')).toHaveCount(1);
  await expect(tab(page, 'src/tabs.ts')).toHaveCount(0);
  expect(wb.errors()).toEqual([]);
});

test('the quick fix still adds a missing import (Monaco’s code actions, next to the completions)', async ({ page }) => {
  wb = await openWorkbench(page, { fixture: 'ts-project', prepare: addModules });
  await openMain(page);
  await page.locator('.monaco-editor .view-lines').click();
  await page.keyboard.press('Control+End');
  await page.keyboard.press('Enter');
  // one input: no suggestion to accept, the name is left unresolved
  await page.keyboard.insertText('export const opened = tabsReducer([], "a");');
  await page.keyboard.press('Escape');
  await expect(page.locator('.monaco-editor .squiggly-error')).toHaveCount(2);
  await token(page, /export\s+const\s+opened/, 'tabsReducer').click({ position: { x: 20, y: 8 } });
  await page.keyboard.press('Control+.');
  const fix = page.getByRole('option', { name: 'Add import from "./tabs"' });
  await expect(fix).toBeVisible();
  // the list has the keyboard, its first action (this one) focused
  await expect(page.getByRole('listbox', { name: 'Action Widget' }).getByRole('option').first()).toHaveText(
    'Add import from "./tabs"',
  );
  await page.keyboard.press('Enter');
  await expect(line(page, /^import\s+\{\s+tabsReducer\s+\}\s+from\s+'\.\/tabs';$/)).toBeVisible();
  await expect(page.locator('.monaco-editor .squiggly-error')).toHaveCount(1);
  expect(wb.errors()).toEqual([]);
});
