// Settings end to end, in browser mode against the real engine: a setting changed in the Settings editor applies to
// the open editor at once and shows in the JSON view (settings.png), a change typed in the JSON view applies too,
// and the light theme turns every surface light (light-theme.png).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { type OpenedWorkbench, openWorkbench } from './support/workbench';

let wb: OpenedWorkbench | null = null;

test.afterEach(async () => {
  await wb?.close();
  wb = null;
});

const lineFontSize = (page: Page) =>
  page
    .locator('[data-testid="editor"] .view-lines')
    .first()
    .evaluate((node) => getComputedStyle(node).fontSize);

async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('Control+Shift+P');
  await page.locator('.picker__input').fill(title);
  await expect(page.locator('.picker__item--selected')).toContainText(title);
  await page.keyboard.press('Enter');
}

test('a setting changed in the Settings editor applies to the open editor and shows in the JSON view', async ({
  page,
}) => {
  wb = await openWorkbench(page);
  await page.locator('.tree-row[data-path="src"]').click();
  await page.locator('.tree-row[data-path="src/greet.ts"]').dblclick();
  await expect(page.locator('[data-testid="editor"] .minimap').first()).toBeVisible();

  await page.keyboard.press('Control+,');
  const settings = page.getByTestId('settings-editor');
  await settings.getByRole('searchbox', { name: 'Search settings' }).fill('minimap');
  const minimap = settings.locator('[data-setting="editor.minimap.enabled"]');
  // the box shows the value the engine wrote back (settings.watch), so it is clicked, then awaited
  await minimap.getByRole('checkbox').click();
  await expect(minimap.getByRole('checkbox')).not.toBeChecked();
  await expect(minimap).toHaveClass(/setting--modified/);

  await settings.getByRole('searchbox', { name: 'Search settings' }).fill('font size');
  const fontSize = settings.locator('[data-setting="editor.fontSize"] input');
  await fontSize.fill('20');
  await fontSize.press('Enter');
  await expect(settings.locator('[data-setting="editor.fontSize"]')).toHaveClass(/setting--modified/);

  await page.locator('.tab[data-path="src/greet.ts"]').click();
  await expect.poll(() => lineFontSize(page)).toBe('20px');
  await expect(page.locator('[data-testid="editor"] .minimap').first()).toBeHidden();
  const onDisk = JSON.parse(readFileSync(join(wb.dataDir, 'settings.json'), 'utf8'));
  expect(onDisk).toEqual({ 'editor.minimap.enabled': false, 'editor.fontSize': 20 });

  // the same settings in the JSON view; what is typed there applies as well
  await page.locator('.tab', { hasText: 'Settings' }).click();
  await settings.getByRole('button', { name: 'Open Settings (JSON)' }).click();
  const json = page.getByTestId('settings-json');
  await expect(json.locator('.view-lines')).toContainText('"editor.fontSize": 20');
  await json.locator('.view-lines').click();
  await page.keyboard.press('Control+A');
  // typed as a person types (Monaco closes the brace and quotes, and types over what it closed)
  await page.keyboard.type('{"editor.minimap.enabled": false, "editor.fontSize": 16} // from the JSON view');
  await expect
    .poll(() => readFileSync(join(wb?.dataDir ?? '', 'settings.json'), 'utf8'))
    .toContain('"editor.fontSize": 16');
  await expect(json.locator('.view-lines')).toContainText('from the JSON view');
  await page.screenshot({ path: 'test-results/settings.png' });
  await page.locator('.tab[data-path="src/greet.ts"]').click();
  await expect.poll(() => lineFontSize(page)).toBe('16px');

  // format on save: Ctrl+S runs Format Document first (here Monaco's TypeScript formatter), then writes the file
  await page.keyboard.press('Control+,');
  await settings.getByRole('searchbox', { name: 'Search settings' }).fill('format on save');
  const formatOnSave = settings.locator('[data-setting="editor.formatOnSave"]');
  await formatOnSave.getByRole('checkbox').click();
  await expect(formatOnSave.getByRole('checkbox')).toBeChecked();
  await page.locator('.tab[data-path="src/greet.ts"]').click();
  await page.locator('[data-testid="editor"] .view-lines').first().click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type('\nexport const answer=42');
  await page.keyboard.press('Control+S');
  await expect
    .poll(() => readFileSync(join(wb?.root ?? '', 'src/greet.ts'), 'utf8'))
    .toContain('export const answer = 42');
  expect(wb.errors()).toEqual([]);
});

test('the light theme turns the workbench, the editor and the bottom panel light at once', async ({ page }) => {
  wb = await openWorkbench(page);
  await page.locator('.tree-row[data-path="src"]').click();
  await page.locator('.tree-row[data-path="src/greet.ts"]').dblclick();
  await page.locator('.tree-row[data-path="src/math.js"]').click();
  await runCommand(page, 'Preferences: Color Theme: Light');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  await expect(page.locator('[data-testid="editor"] .monaco-editor-background').first()).toHaveCSS(
    'background-color',
    'rgb(255, 255, 255)',
  );
  await page.keyboard.press('Control+Backquote');
  await expect(page.locator('.xterm').first()).toBeVisible();
  await expect(page.locator('body')).toHaveCSS('background-color', 'rgb(255, 255, 255)');
  await page.screenshot({ path: 'test-results/light-theme.png' });
  const onDisk = JSON.parse(readFileSync(join(wb.dataDir, 'settings.json'), 'utf8'));
  expect(onDisk).toEqual({ 'workbench.colorTheme': 'light' });
  expect(wb.errors()).toEqual([]);
});
