// Source control end to end in browser mode, on a real repository made from the sample project: a file changed in
// two places shows in Changes (and as M on its tab); its diff opens in Monaco's diff editor; one hunk is staged
// from there, committed with Ctrl+Enter, and the commit holds that hunk alone while the other stays a change.
// A real merge conflict is listed under Merge Changes and resolved with the editor's Accept Incoming Change.
// A branch is created and switched to from the status bar's quick pick.
// The screenshots go to test-results/source-control.png and source-control-conflict.png.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { type OpenedWorkbench, openWorkbench } from './support/workbench';

const lines = (changed: boolean) =>
  `${Array.from({ length: 30 }, (_, i) => {
    const n = i + 1;
    return changed && (n === 2 || n === 28) ? `export const line${n} = 'changed';` : `export const line${n} = ${n};`;
  }).join('\n')}\n`;

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

let wb: OpenedWorkbench | null = null;

test.afterEach(async () => {
  await wb?.close();
  wb = null;
});

test('a changed file is staged one hunk at a time from the diff editor and committed with Ctrl+Enter', async ({
  page,
}) => {
  wb = await openWorkbench(page, {
    prepare: (root) => {
      writeFileSync(join(root, 'src/lines.js'), lines(false));
      git(root, 'init', '-q');
      git(root, 'add', '.');
      git(root, 'commit', '-qm', 'Initial commit');
      writeFileSync(join(root, 'src/lines.js'), lines(true));
    },
    env: {
      GIT_AUTHOR_NAME: 'E2E',
      GIT_AUTHOR_EMAIL: 'e2e@example.com',
      GIT_COMMITTER_NAME: 'E2E',
      GIT_COMMITTER_EMAIL: 'e2e@example.com',
    },
  });
  const root = wb.root;
  const client = await wb.connect();
  await client.call('workflow.trust.set', { trusted: true }); // committing runs the repository's hooks
  client.close();

  await page.locator('[data-view="scm"]').click();
  const view = page.getByTestId('scm-view');
  const changes = view.getByTestId('scm-group-changes');
  await expect(changes.locator('[data-path="src/lines.js"]')).toContainText('M');
  await expect(page.getByTestId('scm-branch')).toContainText('main');

  // the diff editor: the index on the left, the file on the right; the cursor on the first change, Stage Hunk
  await changes.locator('[data-path="src/lines.js"]').click();
  const diff = page.getByTestId('diff-editor');
  await expect(diff).toContainText('src/lines.js (Index ↔ Working Tree)');
  await diff.locator('.editor.modified .view-line', { hasText: "line2 = 'changed'" }).click();
  await diff.getByRole('button', { name: 'Stage Hunk' }).click();
  const staged = view.getByTestId('scm-group-staged');
  await expect(staged.locator('[data-path="src/lines.js"]')).toBeVisible();
  await expect(changes.locator('[data-path="src/lines.js"]')).toBeVisible(); // line 28 is still a change
  expect(git(root, 'diff', '--cached')).toContain("+export const line2 = 'changed';");
  expect(git(root, 'diff', '--cached')).not.toContain('line28');

  await view.getByRole('textbox', { name: 'Commit message' }).fill('Change line 2');
  await view.getByRole('textbox', { name: 'Commit message' }).press('Control+Enter');
  await expect(staged).toBeHidden();
  expect(git(root, 'log', '--format=%s', '-1').trim()).toBe('Change line 2');
  expect(git(root, 'show', '--format=', 'HEAD')).not.toContain('line28');
  await expect(changes.locator('[data-path="src/lines.js"]')).toBeVisible();

  // the change left: its diff, as the screenshot shows it
  await changes.locator('[data-path="src/lines.js"]').click();
  await expect(diff.locator('.editor.modified .view-line', { hasText: "line28 = 'changed'" })).toBeVisible();
  await expect(page.locator('.tab', { hasText: 'lines.js' })).toContainText('M');
  await page.screenshot({ path: 'test-results/source-control.png' });
  // closed, the file itself shows line 28 changed against HEAD in its gutter
  await diff.getByRole('button', { name: 'Close diff' }).click();
  await expect(page.locator('.monaco-host .git-gutter--modified')).toHaveCount(1);
  expect(wb.errors()).toEqual([]);
});

test('a merge conflict is listed and resolved in the editor with Accept Incoming Change', async ({ page }) => {
  wb = await openWorkbench(page, {
    prepare: (root) => {
      git(root, 'init', '-q');
      writeFileSync(join(root, 'src/clash.js'), "export const who = 'base';\n");
      git(root, 'add', '.');
      git(root, 'commit', '-qm', 'base');
      git(root, 'switch', '-q', '-c', 'other');
      writeFileSync(join(root, 'src/clash.js'), "export const who = 'theirs';\n");
      git(root, 'commit', '-qam', 'theirs');
      git(root, 'switch', '-q', 'main');
      writeFileSync(join(root, 'src/clash.js'), "export const who = 'ours';\n");
      git(root, 'commit', '-qam', 'ours');
      expect(() => git(root, 'merge', '-q', 'other')).toThrow();
    },
  });
  await page.locator('[data-view="scm"]').click();
  const conflicts = page.getByTestId('scm-group-conflicts');
  await expect(page.getByTestId('scm-branch')).toContainText('(merging)');
  await conflicts.locator('[data-path="src/clash.js"]').click();
  const lens = page.getByTestId('conflict-lens');
  await expect(lens).toContainText('Accept Current Change | Accept Incoming Change | Accept Both Changes');
  await page.screenshot({ path: 'test-results/source-control-conflict.png' });
  await lens.getByText('Accept Incoming Change').click();
  await expect(lens).toHaveCount(0);
  await expect(page.locator('.monaco-host .view-lines')).toContainText("export const who = 'theirs';");
  await expect(page.locator('.monaco-host .view-lines')).not.toContainText('<<<<<<<');
  expect(wb.errors()).toEqual([]);
});

test('a branch is created and switched to from the status bar quick pick', async ({ page }) => {
  wb = await openWorkbench(page, {
    prepare: (root) => {
      git(root, 'init', '-q');
      git(root, 'add', '.');
      git(root, 'commit', '-qm', 'Initial commit');
    },
  });
  const client = await wb.connect();
  await client.call('workflow.trust.set', { trusted: true });
  client.close();
  await page.locator('[data-view="scm"]').click();
  await page.getByTestId('scm-branch').click();
  const pick = page.getByTestId('scm-branch-pick');
  await expect(pick.getByRole('option', { name: /main/ })).toBeVisible();
  await pick.getByRole('textbox').fill('feature/login');
  await expect(pick.getByRole('option').first()).toHaveText('+ Create new branch "feature/login"');
  await pick.getByRole('textbox').press('Enter');
  await expect(page.getByTestId('scm-branch')).toContainText('feature/login');
  expect(git(wb.root, 'branch', '--show-current').trim()).toBe('feature/login');
  expect(wb.errors()).toEqual([]);
});
