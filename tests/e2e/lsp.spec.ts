// A language server end to end, in browser mode against the real engine and a real server (pyright from
// node_modules/.bin on the engine's PATH), on tests/fixtures/py-project (main.py assigns util.greet's str to an
// int): in the untrusted folder the status bar asks to trust it and starts nothing; trusting starts the server;
// hovering `greet` shows its signature and docstring from the other file (test-results/lsp-hover.png); the type
// error is a squiggle, a row in Problems and the status bar's error count (test-results/lsp-problems.png).
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { repoRoot } from '../../scripts/paths.js';
import { type OpenedWorkbench, openWorkbench } from './support/workbench';

let wb: OpenedWorkbench | null = null;

test.afterEach(async () => {
  await wb?.close();
  wb = null;
});

test('trusting the folder starts pyright: hover from the other file, the type error in Problems and the status bar', async ({
  page,
}) => {
  wb = await openWorkbench(page, {
    fixture: 'py-project',
    env: { PATH: `${join(repoRoot, 'node_modules/.bin')}:${process.env.PATH ?? ''}` },
  });
  await page.locator('.tree-row[data-path="main.py"]').dblclick();
  const status = page.getByTestId('lsp-status');
  await expect(status).toHaveAttribute('data-phase', 'untrusted');
  await expect(status).toHaveAttribute('title', 'Trust this folder to start the Python language server.');

  await status.click();
  await page.getByRole('dialog', { name: 'Trust this folder?' }).getByRole('button', { name: 'Trust Folder' }).click();
  await expect(status).toHaveAttribute('data-phase', 'running', { timeout: 30_000 });

  // Monaco joins neighbouring tokens of one colour into a span: point at the end of the one holding `greet`
  const span = page
    .locator('.monaco-editor .view-line', { hasText: /^message/ })
    .locator('span span', { hasText: 'greet' })
    .first();
  const box = await span.boundingBox();
  if (!box) throw new Error('the line with greet is not on screen');
  await page.mouse.move(box.x + box.width - 10, box.y + box.height / 2);
  const hover = page.locator('.monaco-hover:visible');
  await expect(hover).toContainText('def greet(', { timeout: 40_000 });
  await expect(hover).toContainText('Says hello to someone.');
  await page.screenshot({ path: 'test-results/lsp-hover.png' });

  await expect(page.getByTestId('problems-errors')).toHaveText('1', { timeout: 15_000 });
  await expect(page.locator('.monaco-editor .squiggly-error')).toHaveCount(1);
  await page.mouse.move(0, 0);
  await page.getByTestId('problems-status').click();
  const row = page.locator('.problems__row[data-severity="error"]');
  await expect(row).toContainText('"str" is not assignable to declared type "int"');
  await expect(row).toContainText('[Ln 3, Col 16]');
  await page.screenshot({ path: 'test-results/lsp-problems.png' });
  await row.click();
  await expect(page.getByTestId('cursor')).toHaveText(/Ln 3, Col 16/);
  expect(wb.errors()).toEqual([]);
});
