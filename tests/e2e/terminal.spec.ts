// The integrated terminal end to end, in browser mode against the real engine: Ctrl+` opens the bottom panel's
// Terminal with the user's shell in the workspace, `ls` lists it, a `file:line` link in the output opens the editor
// at that line, and after a page reload the terminal is still there with what it showed (and the Problems and
// Output tabs beside it).
import { expect, type Page, test } from '@playwright/test';
import { type OpenedWorkbench, openWorkbench } from './support/workbench';

let wb: OpenedWorkbench | null = null;

test.afterEach(async () => {
  await wb?.close();
  wb = null;
});

const rows = (page: Page) => page.locator('.terminal-view__pane .xterm-rows');
const terminalText = async (page: Page) => ((await rows(page).first().textContent()) ?? '').replace(/\u00a0/g, ' ');

test('runs ls in a terminal, opens a file:line link in the editor, and keeps the terminal across a reload', async ({
  page,
}) => {
  wb = await openWorkbench(page);
  await page.keyboard.press('Control+Backquote');
  await expect(page.getByRole('tab', { name: 'Terminal' })).toHaveAttribute('aria-selected', 'true');
  await expect(rows(page)).toHaveCount(1);
  await page.locator('.terminal-view__pane .xterm').click();
  // typed before the shell drew its prompt, the keys would echo ahead of it (a stray "l" before the prompt)
  await expect.poll(async () => (await terminalText(page)).trim().length).toBeGreaterThan(0);
  await page.keyboard.type('ls\n');
  await expect.poll(() => terminalText(page)).toContain('README.md');

  await page.keyboard.type('grep -Hn return src/greet.ts\n');
  const line = rows(page)
    .locator('div', { hasText: /^src\/greet\.ts:\d+:/ })
    .first();
  await expect(line).toBeVisible();
  const lineNumber = Number(
    /^src\/greet\.ts:(\d+):/.exec(((await line.textContent()) ?? '').replace(/\u00a0/g, ' '))?.[1],
  );
  const box = await line.boundingBox();
  if (!box) throw new Error('the grep line is not on screen');
  // xterm finds links under the pointer: hover the path, then click it
  await page.mouse.move(box.x + 24, box.y + box.height / 2);
  await page.mouse.move(box.x + 30, box.y + box.height / 2);
  await page.mouse.click(box.x + 30, box.y + box.height / 2);
  await expect(page.locator('.tab[data-path="src/greet.ts"]')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('cursor')).toHaveText(new RegExp(`Ln ${lineNumber},`));
  await page.screenshot({ path: 'test-results/terminal.png' });

  // a reload takes the running terminal back with its screen
  await page.reload();
  await expect(page.getByRole('tab', { name: 'Terminal' })).toHaveAttribute('aria-selected', 'true');
  await expect.poll(() => terminalText(page)).toContain('README.md');
  await expect(page.locator('.terminal-tab')).toHaveCount(1);

  // the bottom panel's other tabs: Problems (markers of the open files) and Output (workflow runs)
  await page.getByRole('tab', { name: 'Problems' }).click();
  await expect(page.locator('.problems, .problems__empty')).toBeVisible();
  await page.getByRole('tab', { name: 'Output' }).click();
  await expect(page.getByText('The output of workflow runs shows here.')).toBeVisible();
  await page.getByRole('tab', { name: 'Terminal' }).click();
  await expect.poll(() => terminalText(page)).toContain('README.md');
  expect(wb.errors()).toEqual([]);
});
