// Settings end to end, in browser mode against the real engine: a setting changed in the Settings editor applies to
// the open editor at once and shows in the JSON view (settings.png), a change typed in the JSON view applies too,
// Settings › AI and Privacy apply to the chat at once (a loopback provider proves nothing is sent while remote
// models are off), and the light theme turns every surface light (light-theme.png), quick open, find in files and
// source control included (light-theme-views.png, light-theme-scm.png).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { type LoopbackProvider, startLoopbackOpenAI } from '../support/loopback-providers';
import { type OpenedWorkbench, openWorkbench } from './support/workbench';

let wb: OpenedWorkbench | null = null;
const servers: LoopbackProvider[] = [];

test.afterEach(async () => {
  await wb?.close();
  wb = null;
  for (const server of servers.splice(0)) await server.close();
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
  // the strip under the terminal's last whole row is xterm's viewport: white too, not xterm.css's black
  await expect(page.locator('.terminal-view__pane .xterm-viewport').first()).toHaveCSS(
    'background-color',
    'rgb(255, 255, 255)',
  );
  await page.screenshot({ path: 'test-results/light-theme.png' });
  const onDisk = JSON.parse(readFileSync(join(wb.dataDir, 'settings.json'), 'utf8'));
  expect(onDisk).toEqual({ 'workbench.colorTheme': 'light' });
  expect(wb.errors()).toEqual([]);
});

test('Settings › AI and Privacy apply to the chat at once: Attach starts checked, remote models off sends nothing', async ({
  page,
}) => {
  const cloud = await startLoopbackOpenAI({ kind: 'ok', text: 'from the cloud' });
  servers.push(cloud);
  wb = await openWorkbench(page);
  const client = await wb.connect();
  await client.call('ai.providers.add', {
    id: 'cloud',
    kind: 'openai-compatible',
    modelClass: 'own_key',
    model: 'cloud-model',
    baseURL: cloud.baseURL,
    apiKey: 'sk-cloud',
  });
  client.close();
  await page.locator('.tree-row[data-path="src"]').click();
  await page.locator('.tree-row[data-path="src/greet.ts"]').dblclick();
  await page.keyboard.press('Control+Shift+I');
  const attach = page.locator('.ai-check input[type="checkbox"]');
  await expect(attach).not.toBeChecked();

  await page.keyboard.press('Control+,');
  const settings = page.getByTestId('settings-editor');
  const search = settings.getByRole('searchbox', { name: 'Search settings' });
  await search.fill('attach active file');
  await settings.locator('[data-setting="ai.chat.attachActiveFile"]').getByRole('checkbox').click();
  await expect(attach).toBeChecked(); // the open chat panel follows, no reload

  await search.fill('remote models');
  const remote = settings.locator('[data-setting="privacy.allowRemoteModels"]');
  await expect(remote).toContainText('user settings only');
  await remote.getByRole('checkbox').click();
  await expect(remote.getByRole('checkbox')).not.toBeChecked();
  await page.screenshot({ path: 'test-results/settings-privacy.png' });
  await page.locator('.tab[data-path="src/greet.ts"]').click();
  await page.getByTestId('ai-input').fill('What is in this file?');
  await page.getByTestId('ai-input').press('Enter');
  await expect(page.locator('.ai-message__error').last()).toContainText(
    'Remote models are off (Settings › Privacy › Allow Remote Models)',
  );
  expect(cloud.requests).toHaveLength(0);

  // on again: the question goes out, with the active file attached as the setting asked
  await page.locator('.tab', { hasText: 'Settings' }).click();
  await remote.getByRole('checkbox').click();
  await expect(remote.getByRole('checkbox')).toBeChecked();
  await page.locator('.tab[data-path="src/greet.ts"]').click();
  await page.getByTestId('ai-input').fill('And now?');
  await page.getByTestId('ai-input').press('Enter');
  await expect(page.getByTestId('ai-message-assistant').last()).toContainText('from the cloud');
  expect(JSON.stringify(cloud.requests.at(-1)?.body)).toContain('Context from src/greet.ts');
  const onDisk = JSON.parse(readFileSync(join(wb.dataDir, 'settings.json'), 'utf8'));
  expect(onDisk).toEqual({ 'ai.chat.attachActiveFile': true, 'privacy.allowRemoteModels': true });
  expect(wb.errors()).toEqual([]);
});

const git = (root: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'init.defaultBranch=main', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'E2E',
      GIT_AUTHOR_EMAIL: 'e2e@example.com',
      GIT_COMMITTER_NAME: 'E2E',
      GIT_COMMITTER_EMAIL: 'e2e@example.com',
    },
  });

test('the light theme keeps quick open, find in files and source control readable', async ({ page }) => {
  wb = await openWorkbench(page, {
    prepare: (root) => {
      git(root, 'init', '-q');
      git(root, 'add', '.');
      git(root, 'commit', '-qm', 'Initial commit');
      writeFileSync(join(root, 'src/greet.ts'), `${readFileSync(join(root, 'src/greet.ts'), 'utf8')}// greet again\n`);
      writeFileSync(join(root, 'src/new.ts'), 'export const greeting = "hi";\n');
    },
  });
  const client = await wb.connect();
  await client.call('workflow.trust.set', { trusted: true });
  client.close();
  await page.locator('.tree-row[data-path="src"]').click();
  await runCommand(page, 'Preferences: Color Theme: Light');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');

  // git decorations use the light theme's colours (VS Code Light's), not the dark ones that vanish on white
  await expect(page.locator('.tree-row[data-path="src/greet.ts"] .git--modified').first()).toHaveCSS(
    'color',
    'rgb(137, 85, 3)',
  );
  await expect(page.locator('.tree-row[data-path="src/new.ts"] .git--untracked').first()).toHaveCSS(
    'color',
    'rgb(88, 124, 12)',
  );

  await page.keyboard.press('Control+Shift+F');
  await page.getByRole('textbox', { name: 'Search' }).fill('greet');
  await expect(page.locator('.search-view__summary')).toContainText('results in');
  await page.keyboard.press('Control+P');
  await page.locator('.picker__input').fill('gree');
  await expect(page.locator('.picker__item').first()).toBeVisible();
  await expect(page.locator('.picker')).toHaveCSS('background-color', 'rgb(255, 255, 255)');
  await page.screenshot({ path: 'test-results/light-theme-views.png' });
  await page.keyboard.press('Escape');

  await page.locator('[data-view="scm"]').click();
  const changes = page.getByTestId('scm-view').getByTestId('scm-group-changes');
  await expect(changes).toContainText('greet.ts');
  // trusted over RPC after the first status read: the settings snapshot carried the change, the banner went
  await expect(page.getByTestId('scm-view')).not.toContainText('This workspace is not trusted');
  await expect(changes.locator('.git--modified').first()).toHaveCSS('color', 'rgb(137, 85, 3)');
  await page.screenshot({ path: 'test-results/light-theme-scm.png' });
  expect(wb.errors()).toEqual([]);
});
