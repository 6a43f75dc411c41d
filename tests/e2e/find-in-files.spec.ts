// Find in files end to end, in browser mode against the real engine: Ctrl+Shift+F, results streamed by file with
// counts, match case, a click opens the match selected, F4 moves on, and replace all with its preview (an open
// file is replaced in its buffer, the others on disk); then quick open's `:line`, `@symbol` and `>` modes.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { type OpenedWorkbench, openWorkbench } from './support/workbench';

let wb: OpenedWorkbench | null = null;

test.afterEach(async () => {
  await wb?.close();
  wb = null;
});

const results = (page: Page) => page.getByRole('tree', { name: 'Search results' });
const fileRow = (page: Page, name: string) => results(page).locator('.search-file', { hasText: name });

test('finds across files, opens a match, and replaces all with a preview', async ({ page }) => {
  wb = await openWorkbench(page, {
    prepare(root) {
      writeFileSync(join(root, 'src/app.ts'), "import { greet } from './greet';\n\nconsole.log(greet('world'));\n");
      writeFileSync(join(root, 'src/notes.md'), '# Notes\n\nCall Greet() to say hello; greet is exported.\n');
      writeFileSync(join(root, 'debug.log'), 'greet ignored by .gitignore\n');
    },
  });
  const { root } = wb;
  await page.locator('.tree-row').first().click();
  await page.keyboard.press('Control+Shift+F');
  const query = page.getByRole('textbox', { name: 'Search' });
  await expect(query).toBeFocused();
  await query.fill('greet');

  await expect(page.locator('.search-view__summary')).toHaveText('6 results in 3 files');
  await expect(fileRow(page, 'app.ts').locator('.search-file__count')).toHaveText('3');
  await expect(fileRow(page, 'greet.ts').locator('.search-file__count')).toHaveText('1');
  await expect(fileRow(page, 'notes.md').locator('.search-file__count')).toHaveText('2');
  await expect(results(page).getByText('debug.log')).toHaveCount(0);
  // files in path order, as VS Code lists them, whichever rg finished first
  await expect(results(page).locator('.search-file__name')).toHaveText(['app.ts', 'greet.ts', 'notes.md']);
  await expect(results(page).locator('mark').first()).toHaveText(/greet/i);

  // match case leaves out "Greet()"
  await page.getByRole('button', { name: 'Match Case' }).click();
  await expect(page.locator('.search-view__summary')).toHaveText('5 results in 3 files');

  // a click opens the file with the match selected; F4 goes to the next result
  await fileRow(page, 'greet.ts').locator('xpath=following-sibling::div//div[contains(@class,"search-match")]').click();
  await expect(page.locator('.tab[data-path="src/greet.ts"]')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('cursor')).toHaveText(/Ln 1, Col 22 \(5 selected\)/);
  await page.keyboard.press('F4');
  await expect(page.locator('.search-match.tree-row--active')).toHaveCount(1);
  await expect(page.locator('.tab[data-path="src/notes.md"]')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('cursor')).toHaveText(/Ln 3, Col 33 \(5 selected\)/);

  // replace: the preview strikes the match out and shows its replacement
  await page.getByRole('button', { name: 'Toggle Replace' }).click();
  await page.getByRole('textbox', { name: 'Replace' }).fill('welcome');
  await expect(results(page).locator('del').first()).toHaveText('greet');
  await expect(results(page).locator('ins').first()).toHaveText('welcome');
  await page.screenshot({ path: 'test-results/find-in-files.png' });

  await page.getByRole('button', { name: 'Replace All', exact: true }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Replace' }).click();
  await expect(results(page).locator('.search-match')).toHaveCount(0);
  await expect(page.locator('.search-view__summary')).toHaveText('Replaced 5 occurrences across 3 files.');
  // a closed file is written on disk; the open ones (greet.ts, and notes.md that F4 opened) are edited in their
  // buffers, dirty for the user to save, their files on disk untouched
  expect(readFileSync(join(root, 'src/app.ts'), 'utf8')).toBe(
    "import { welcome } from './welcome';\n\nconsole.log(welcome('world'));\n",
  );
  await expect(page.locator('.tab[data-path="src/notes.md"]')).toHaveClass(/tab--dirty/);
  await expect(page.locator('.monaco-host .view-lines')).toContainText(
    'Call Greet() to say hello; welcome is exported.',
  );
  expect(readFileSync(join(root, 'src/notes.md'), 'utf8')).toContain('greet is exported');
  await expect(page.locator('.tab[data-path="src/greet.ts"]')).toHaveClass(/tab--dirty/);
  expect(readFileSync(join(root, 'src/greet.ts'), 'utf8')).toContain('function greet(');
  expect(wb.errors()).toEqual([]);
});

test('quick open goes to a line with ":", to a symbol with "@", and runs a command with ">"', async ({ page }) => {
  wb = await openWorkbench(page, {
    prepare(root) {
      writeFileSync(
        join(root, 'src/shapes.ts'),
        'export class Circle {\n  constructor(readonly r: number) {}\n\n  area(): number {\n    return Math.PI * this.r ** 2;\n  }\n}\n\nexport function unit(): Circle {\n  return new Circle(1);\n}\n',
      );
    },
  });
  const picker = page.getByRole('dialog');
  const input = picker.getByRole('textbox');
  await page.locator('.tree-row').first().click();
  await page.keyboard.press('Control+P');
  await input.fill('shapes');
  await picker.getByRole('option', { name: /shapes\.ts/ }).click();
  await expect(page.locator('.tab[data-path="src/shapes.ts"]')).toHaveAttribute('aria-selected', 'true');

  await page.keyboard.press('Control+P');
  await input.fill(':9:8');
  await expect(picker.getByRole('option')).toHaveText('Go to line 9, character 8.');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('cursor')).toHaveText('Ln 9, Col 8');

  await page.keyboard.press('Control+P');
  await input.fill('@area');
  await expect(picker.getByRole('option').first()).toContainText('area');
  await expect(picker.getByRole('option').first()).toContainText('Circle');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('cursor')).toHaveText('Ln 4, Col 3');

  await page.keyboard.press('Control+P');
  await input.fill('>find in files');
  await expect(picker.getByRole('option').first()).toContainText('Search: Find in Files');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('textbox', { name: 'Search' })).toBeFocused();
  expect(wb.errors()).toEqual([]);
});
