// Ghost-text code completion end to end, in Chromium against the real engine and the tiny local GGUF (its output
// is gibberish; what matters is the path): a keystroke mid-line brings a ghost suggestion from ai.infill, Esc hides
// it, the same place again is served from the cache and typing its first character keeps the rest — neither sends
// a request — Ctrl+→ accepts its next word, and Tab inserts exactly what was shown (test-results/completion.png).
// Hostile: a file .aiignore excludes gets no suggestion and reaches no model; the status bar says why. The status
// item's quick pick turns suggestions off for a language (the user's setting) and snoozes them
// (test-results/completion-menu.png).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { tinyProvider } from '../support/tiny-provider';
import { type OpenedWorkbench, openWorkbench } from './support/workbench';

let wb: OpenedWorkbench | null = null;

test.afterEach(async () => {
  await wb?.close();
  wb = null;
});

/** ai.infill requests the page sent over its WebSocket (listening from before the page loads). */
function infillFrames(page: Page): string[] {
  const frames: string[] = [];
  page.on('websocket', (socket) =>
    socket.on('framesent', ({ payload }) => {
      if (typeof payload === 'string' && payload.includes('"method":"ai.infill"')) frames.push(payload);
    }),
  );
  return frames;
}

async function addTinyModel(opened: OpenedWorkbench): Promise<void> {
  const client = await opened.connect();
  // the shared 2-core test machine: generous deadlines (the defaults are the engine's tests' business)
  await client.call('settings.set', { scope: 'user', key: 'completion.ttftDeadlineMs', value: 20_000 });
  await client.call('settings.set', { scope: 'user', key: 'completion.totalDeadlineMs', value: 30_000 });
  await client.call('ai.providers.add', tinyProvider({ tasks: ['completion'] }));
  client.close();
}

const ghost = (page: Page) => page.locator('.monaco-editor .ghost-text-decoration');
const ghostText = async (page: Page) => ((await ghost(page).allTextContents()).join('') ?? '').replace(/\u00a0/g, ' ');
/** The text of the editor's line `n` (1-based), as drawn. */
const lineText = async (page: Page, n: number) =>
  (
    (await page
      .locator('.monaco-editor .view-line')
      .nth(n - 1)
      .textContent()) ?? ''
  ).replace(/\u00a0/g, ' ');

/** Opens `path` and puts the cursor on `line`, `fromEnd` characters before its end. */
async function openAndPlaceCursor(page: Page, path: string, line: number, fromEnd: number): Promise<void> {
  await page.locator(`.tree-row[data-path="${path}"]`).dblclick();
  await page
    .locator('.monaco-editor .view-line')
    .nth(line - 1)
    .click();
  await page.keyboard.press('End');
  for (let i = 0; i < fromEnd; i++) await page.keyboard.press('ArrowLeft');
}

test('ghost text from the tiny model: Esc hides it, cache and typed-through send nothing, Tab inserts exactly it', async ({
  page,
}) => {
  const frames = infillFrames(page);
  wb = await openWorkbench(page, {
    prepare(root) {
      writeFileSync(join(root, 'calc.ts'), 'export function total(items: number[]) {\n  return sum();\n}\n');
    },
  });
  await addTinyModel(wb);
  // the cursor inside `sum()`: mid-line, so a single-line suggestion
  await openAndPlaceCursor(page, 'calc.ts', 2, 2);
  const status = page.getByTestId('completion-status');
  await expect(status).toHaveAttribute('data-phase', 'on');
  // a digit: the word suggestions do not open over the ghost text
  await page.keyboard.type('1');
  await expect(ghost(page).first()).toBeVisible({ timeout: 30_000 });
  const shown = await ghostText(page);
  expect(shown.length).toBeGreaterThan(0);
  // plain text: nothing of the model's control characters is drawn
  expect([...shown].every((char) => char >= ' ')).toBe(true);
  expect(frames).toHaveLength(1);
  await expect(status).toHaveText('Completion: tiny-llama');
  await page.screenshot({ path: 'test-results/completion.png' });

  await page.keyboard.press('Escape');
  await expect(ghost(page)).toHaveCount(0);

  // the same place again: from the cache, at once
  await page.keyboard.press('Backspace');
  await page.keyboard.type('1');
  await expect(ghost(page).first()).toBeVisible();
  expect(await ghostText(page)).toBe(shown);

  // typing the suggestion's first character keeps the rest, without a new request
  const first = shown[0] as string;
  await page.keyboard.type(first);
  if (shown.length > 1) await expect.poll(() => ghostText(page)).toBe(shown.slice(1));
  await page.waitForTimeout(600);
  expect(frames).toHaveLength(1);

  // Ctrl+→ accepts the next word of it: the cursor moves on, the ghost text keeps the rest
  const rest = shown.slice(1);
  if (rest.length > 1) {
    const column = async () => Number(/Col (\d+)/.exec((await page.getByTestId('cursor').textContent()) ?? '')?.[1]);
    const from = await column();
    await page.keyboard.press('Control+ArrowRight');
    await expect.poll(column).toBeGreaterThan(from);
    const moved = (await column()) - from;
    if (moved < rest.length) await expect.poll(() => ghostText(page)).toBe(rest.slice(moved));
  }

  // Tab inserts exactly what was shown (the rest of it)
  await page.keyboard.press('Tab');
  await expect.poll(() => lineText(page, 2)).toBe(`  return sum(1${shown});`);
  await expect(ghost(page)).toHaveCount(0);
  expect(wb.errors()).toEqual([]);
});

test('hostile: a file .aiignore excludes gets no suggestion and reaches no model', async ({ page }) => {
  const frames = infillFrames(page);
  wb = await openWorkbench(page, {
    prepare(root) {
      writeFileSync(join(root, '.aiignore'), '# keep the keys away from any model\nsecrets.ts\n');
      writeFileSync(join(root, 'secrets.ts'), 'export const apiKey = load();\n');
    },
  });
  await addTinyModel(wb);
  await openAndPlaceCursor(page, 'secrets.ts', 1, 2);
  await page.keyboard.type('1');
  const status = page.getByTestId('completion-status');
  await expect(status).toHaveAttribute('data-phase', 'excluded', { timeout: 15_000 });
  await page.keyboard.type('2');
  await page.waitForTimeout(800);
  await expect(ghost(page)).toHaveCount(0);
  expect(frames).toHaveLength(0);
  expect(wb.errors()).toEqual([]);
});

test('the status item: off for the file’s language and back, a snooze, from its quick pick', async ({ page }) => {
  wb = await openWorkbench(page);
  await addTinyModel(wb);
  await page.locator('.tree-row[data-path="src"]').click();
  await page.locator('.tree-row[data-path="src/greet.ts"]').dblclick();
  const status = page.getByTestId('completion-status');
  await expect(status).toHaveAttribute('data-phase', 'on');
  await status.click();
  await expect(page.getByTestId('completion-menu-language')).toHaveText('Turn Off Inline Suggestions for typescript');
  await page.waitForTimeout(300); // the picker's fade-in
  await page.screenshot({ path: 'test-results/completion-menu.png' });
  await page.getByTestId('completion-menu-language').click();
  await expect(status).toHaveAttribute('data-phase', 'off-language');
  await expect(status).toHaveText('Completion: off for typescript');
  // the choice is the user's setting
  const client = await wb.connect();
  const { user } = await client.call('settings.get');
  client.close();
  expect(user.values['completion.disabledLanguages']).toEqual(['typescript']);
  await status.click();
  await page.getByTestId('completion-menu-language').click();
  await expect(status).toHaveAttribute('data-phase', 'on');
  await status.click();
  await page.getByTestId('completion-menu-snooze').click();
  await expect(status).toHaveAttribute('data-phase', 'snoozed');
  await expect(status).toHaveText('Completion: snoozed 5 min');
  expect(wb.errors()).toEqual([]);
});
