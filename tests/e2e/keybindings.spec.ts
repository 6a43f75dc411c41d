// Keyboard shortcuts end to end, in browser mode against the real engine: Ctrl+K Ctrl+S (a chord, the status bar
// waiting for its second key) opens the Keyboard Shortcuts editor; searching, by text and by recorded keys; rebinding
// a command shows what already has the keys before saving, writes keybindings.json through the engine, and the new
// key works at once while the old one no longer does (keyboard-shortcuts.png); Monaco's own Ctrl+K chords still run
// in the editor; a keybindings.json written on disk applies live, its bad entries listed, not fatal; a huge file is
// refused and the defaults stay.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { type OpenedWorkbench, openWorkbench } from './support/workbench';

let wb: OpenedWorkbench | null = null;

test.afterEach(async () => {
  await wb?.close();
  wb = null;
});

async function openFile(page: Page, path: string): Promise<void> {
  await page.locator('.tree-row[data-path="src"]').click();
  await page.locator(`.tree-row[data-path="${path}"]`).dblclick();
  await expect(page.locator('[data-testid="editor"] .view-lines').first()).toBeVisible();
}

async function openShortcuts(page: Page) {
  await page.keyboard.press('Control+K');
  await expect(page.getByTestId('chord-status')).toHaveText('(Ctrl+K) was pressed. Waiting for second key of chord...');
  await page.keyboard.press('Control+S');
  await expect(page.getByTestId('chord-status')).toHaveCount(0);
  const view = page.getByTestId('keyboard-shortcuts');
  await expect(view).toBeVisible();
  return view;
}

/** The file as the engine wrote it (null until it exists: expect.poll asks again). */
const userKeybindings = () => {
  const path = join(wb?.dataDir ?? '', 'keybindings.json');
  return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : null;
};

test('Ctrl+K Ctrl+S opens Keyboard Shortcuts; a command rebound there, after a conflict warning, answers its new key at once', async ({
  page,
}) => {
  wb = await openWorkbench(page);
  await openFile(page, 'src/greet.ts');
  const view = await openShortcuts(page);
  await expect(page.locator('.tab', { hasText: 'Keyboard Shortcuts' })).toBeVisible();

  const search = view.getByRole('searchbox', { name: 'Search keybindings' });
  await expect(search).toBeFocused();
  await page.keyboard.type('toggle side bar');
  const row = view.locator('tr[data-command="workbench.toggleSidebar"]');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('Ctrl+B');
  await expect(row).toContainText('Default');

  // Monaco's editor actions are listed too, with their chords
  await search.fill('addCommentLine');
  await expect(view.locator('tr[data-command="editor.action.addCommentLine"]')).toContainText('Ctrl+K');

  await search.fill('toggle side bar');
  await row.dblclick();
  const define = page.getByRole('dialog', { name: 'Define Keybinding' });
  await expect(define).toContainText('Press desired key combination and then press ENTER');
  await page.keyboard.press('Control+P');
  await expect(define.getByRole('textbox', { name: 'Key combination' })).toHaveValue('Ctrl+P');
  await expect(define.getByRole('status')).toContainText('1 existing command has this keybinding');
  await expect(define.getByRole('status')).toContainText('Go to File');
  await page.screenshot({ path: 'test-results/keyboard-shortcuts.png' });
  // Ctrl+P did not open quick open behind the box: the bindings wait while keys are recorded
  await expect(page.locator('.picker__input')).toHaveCount(0);
  await page.keyboard.press('Escape');
  await expect(define).toHaveCount(0);

  await search.focus();
  await page.keyboard.press('ArrowDown');
  await expect(row).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(define).toBeVisible();
  await page.keyboard.press('Alt+Shift+B');
  await expect(define.getByRole('status')).toHaveCount(0);
  await page.keyboard.press('Enter');
  await expect(define).toHaveCount(0);
  await expect.poll(userKeybindings).toEqual([
    { key: 'shift+alt+b', command: 'workbench.toggleSidebar' },
    { key: 'ctrl+b', command: '-workbench.toggleSidebar' },
  ]);
  await expect(row).toContainText('Shift+Alt+B');
  await expect(row).toContainText('User');
  await search.fill('view:');
  await page.screenshot({ path: 'test-results/keyboard-shortcuts-table.png' });
  await search.fill('toggle side bar');

  // the new key works without a reload; the old one is gone
  await page.locator('.tab[data-path="src/greet.ts"]').click();
  await expect(page.locator('.side-bar')).toHaveCount(1);
  await page.keyboard.press('Control+B');
  await expect(page.locator('.side-bar')).toHaveCount(1);
  await page.keyboard.press('Alt+Shift+B');
  await expect(page.locator('.side-bar')).toHaveCount(0);
  await page.keyboard.press('Alt+Shift+B');
  await expect(page.locator('.side-bar')).toHaveCount(1);

  // Reset brings the default back
  await page.locator('.tab', { hasText: 'Keyboard Shortcuts' }).click();
  await row.hover();
  await row.getByRole('button', { name: 'Reset Keybinding' }).click();
  await expect.poll(userKeybindings).toEqual([]);
  await expect(row).toContainText('Ctrl+B');
  expect(wb.errors()).toEqual([]);
});

test('search by recorded keys; Monaco chords still run in the editor; a chord that is no command says so', async ({
  page,
}) => {
  wb = await openWorkbench(page);
  await openFile(page, 'src/greet.ts');
  const view = await openShortcuts(page);
  await view.getByRole('button', { name: /Record Keys/ }).click();
  const search = view.getByRole('searchbox', { name: 'Search keybindings' });
  await search.focus();
  await page.keyboard.press('Control+K');
  await page.keyboard.press('Control+S');
  await expect(search).toHaveValue('Ctrl+K Ctrl+S');
  await expect(view.locator('tbody tr')).toHaveCount(1);
  await expect(view.locator('tbody tr')).toContainText('Preferences: Open Keyboard Shortcuts');
  await page.keyboard.press('Escape');
  await expect(search).toHaveValue('');

  // Monaco's Ctrl+K Ctrl+C (add line comment) still works while Ctrl+K is our chord's first stroke too
  await page.locator('.tab[data-path="src/greet.ts"]').click();
  const editor = page.locator('[data-testid="editor"] .view-lines').first();
  await editor.click();
  await page.keyboard.press('Control+Home');
  await page.keyboard.press('Control+K');
  await page.keyboard.press('Control+C');
  await expect(page.locator('[data-testid="editor"] .view-line').first()).toContainText('//');

  await page.keyboard.press('Control+K');
  await page.keyboard.press('Control+Q');
  await expect(page.getByTestId('chord-status')).toHaveText('The key combination (Ctrl+K, Ctrl+Q) is not a command.');

  // the light and high-contrast themes (theme.css variables only)
  await page.locator('.tab', { hasText: 'Keyboard Shortcuts' }).click();
  await view.getByRole('searchbox', { name: 'Search keybindings' }).fill('editor');
  for (const theme of ['light', 'high-contrast']) {
    writeFileSync(join(wb.dataDir, 'settings.json'), JSON.stringify({ 'workbench.colorTheme': theme }));
    await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
    await view.locator('tbody tr').nth(2).click();
    await page.screenshot({ path: `test-results/keyboard-shortcuts-${theme}.png` });
  }
  expect(wb.errors()).toEqual([]);
});

test('a keybindings.json written on disk applies live; bad entries are listed, a huge file is refused', async ({
  page,
}) => {
  wb = await openWorkbench(page);
  await openFile(page, 'src/greet.ts');
  const file = join(wb.dataDir, 'keybindings.json');
  writeFileSync(
    file,
    `// written by hand
[
  { "key": "ctrl+alt+j", "command": "workbench.togglePanel" },
  { "key": "ctrl+alt+k", "command": "workbench.toggleSidebar", "when": "resourceExtname == .ts" },
  { "key": "ctrl+alt+l", "command": "workbench.noSuchCommand" },
  { "key": 12 },
]`,
  );
  await expect(page.locator('.toast', { hasText: 'keybindings.json' })).toBeVisible();
  await page.locator('[data-testid="editor"] .view-lines').first().click();
  const panel = page.locator('aside.panel');
  const before = await panel.count();
  await page.keyboard.press('Control+Alt+J');
  await expect(panel).toHaveCount(before === 0 ? 1 : 0);

  const view = await openShortcuts(page);
  const problems = view.getByRole('alert', { name: 'keybindings.json problems' });
  await expect(problems).toContainText('Line 6');
  await expect(problems).toContainText('the context key "resourceExtname" is not supported');
  await expect(problems).toContainText('There is no command "workbench.noSuchCommand"');
  await expect(view.locator('tr[data-command="workbench.togglePanel"]', { hasText: 'Ctrl+Alt+J' })).toContainText(
    'User',
  );

  // Monaco's own bindings: one added for an editor action, one of its defaults removed (out of Monaco too)
  writeFileSync(
    file,
    JSON.stringify([
      { key: 'ctrl+alt+c', command: 'editor.action.commentLine' },
      { key: 'ctrl+/', command: '-editor.action.commentLine' },
    ]),
  );
  const commentRow = view.locator('tr[data-command="editor.action.commentLine"]');
  await expect(commentRow.filter({ hasText: 'Ctrl+Alt+C' })).toContainText('User');
  await expect(commentRow.filter({ hasText: 'Ctrl+/' })).toHaveCount(0);
  await expect(problems).toHaveCount(0);
  await page.locator('.tab[data-path="src/greet.ts"]').click();
  const firstLine = page.locator('[data-testid="editor"] .view-line').first();
  await page.locator('[data-testid="editor"] .view-lines').first().click();
  await page.keyboard.press('Control+Home');
  const original = await firstLine.textContent();
  await page.keyboard.press('Control+/');
  await page.keyboard.press('Control+Alt+C');
  await expect(firstLine).toContainText('//');
  await page.keyboard.press('Control+Alt+C');
  await expect(firstLine).toHaveText(original ?? '');
  await page.keyboard.press('Control+/');
  // removed: nothing happened (the text typed by a stray / would show too)
  await expect(firstLine).toHaveText(original ?? '');
  await page.locator('.tab', { hasText: 'Keyboard Shortcuts' }).click();

  // over the size limit: refused, said so, and the defaults still work
  writeFileSync(file, `[${' '.repeat(1024 * 1024 + 10)}]`);
  await expect(problems).toContainText('settings files over 1048576 bytes are not read');
  await expect(view.locator('tr[data-command="workbench.togglePanel"]', { hasText: 'Ctrl+Alt+J' })).toHaveCount(0);
  await page.locator('.tab[data-path="src/greet.ts"]').click();
  await expect(page.locator('.side-bar')).toHaveCount(1);
  await page.keyboard.press('Control+B');
  await expect(page.locator('.side-bar')).toHaveCount(0);
  expect(wb.errors()).toEqual([]);
});
