// The codebase index end to end, in browser mode against the real engine: the status bar follows the index of the
// opened folder until it is ready; the Search Codebase view sets the tiny ONNX embedding model, finds the function
// that removes an account from words it does not contain, and opens it at its line. Then a chat question with
// `@codebase` (typed through the `@` list) shows the context it used, collapsible, each piece a link; the loopback
// provider got the chunk's code and the question without the token; a `path:line` citation in the answer opens
// the file.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { ensureTinyEmbedModel } from '../../scripts/make-tiny-onnx.js';
import { type LoopbackProvider, startLoopbackOpenAI } from '../support/loopback-providers';
import { type OpenedWorkbench, openWorkbench } from './support/workbench';

let wb: OpenedWorkbench | null = null;
const servers: LoopbackProvider[] = [];

test.afterEach(async () => {
  await wb?.close();
  wb = null;
  for (const server of servers.splice(0)) await server.close();
});

const ACCOUNT = `import { db } from './db';

export interface Account {
  id: string;
  email: string;
}

/** Closes the member's profile and erases everything they own. */
export async function deleteAccount(userId: string): Promise<void> {
  await db.sessions.purge(userId);
  await db.accounts.delete(userId);
}
`;
/** The line `deleteAccount` starts on (its doc comment is part of its chunk). */
const DELETE_LINE = 8;

/** A few source files, so the ranked list has something below its first hit. */
function writeSources(root: string): void {
  writeFileSync(join(root, 'src/account.ts'), ACCOUNT);
  writeFileSync(
    join(root, 'src/db.ts'),
    'export const db = {\n  accounts: new Map<string, unknown>(),\n  sessions: new Map<string, unknown>(),\n};\n',
  );
  writeFileSync(
    join(root, 'src/cart.ts'),
    'export function addToCart(cart: string[], item: string): string[] {\n  return [...cart, item];\n}\n\nexport function cartTotal(prices: number[]): number {\n  return prices.reduce((sum, price) => sum + price, 0);\n}\n',
  );
  writeFileSync(
    join(root, 'src/http.ts'),
    'export async function fetchJson(url: string): Promise<unknown> {\n  const response = await fetch(url);\n  return response.json();\n}\n',
  );
  writeFileSync(
    join(root, 'src/session.ts'),
    '/** Signs the user out: their session token is dropped. */\nexport function logout(token: string, sessions: Map<string, unknown>): void {\n  sessions.delete(token);\n}\n',
  );
}

const status = (page: Page) => page.getByTestId('codebase-status');

test('searches the codebase by meaning and opens the chunk at its line', async ({ page }) => {
  const tiny = ensureTinyEmbedModel();
  wb = await openWorkbench(page, { prepare: writeSources });

  // the status bar follows the index until it is ready
  await expect(status(page)).toHaveText(/^Index: \d+ files$/, { timeout: 30_000 });
  await expect(status(page)).toHaveAttribute('data-state', 'ready');

  // clicking it opens the view with the keyboard in the query box
  await status(page).click();
  const view = page.getByTestId('codebase-view');
  await expect(page.getByRole('textbox', { name: 'Search codebase' })).toBeFocused();
  await expect(view.getByTestId('codebase-index')).toContainText('Ready');
  await expect(view.getByTestId('codebase-embeddings')).toContainText('Keyword search only');

  // the embedding model: a wrong path is refused under the field, the tiny model is taken and every chunk embedded
  await view.getByRole('button', { name: 'Embedding Model' }).click();
  const modelPath = view.getByRole('textbox', { name: /Embedding model/ });
  await modelPath.fill(join(wb.root, 'missing.onnx'));
  await view.getByRole('button', { name: 'Set' }).click();
  await expect(view.getByRole('alert')).toContainText('No model file at');
  await expect(view.getByText(/runs on this machine; nothing is sent/)).toBeVisible();
  await page.screenshot({ path: 'test-results/codebase-model.png' });
  await modelPath.fill(tiny.modelPath);
  await view.getByRole('button', { name: 'Set' }).click();
  await expect(modelPath).toHaveCount(0);
  await expect(view.getByTestId('codebase-embeddings')).toHaveText(/^Embeddings: model\.onnx \((\d+) of \1 chunks\)$/, {
    timeout: 30_000,
  });

  // a question in other words than the code's: the function that deletes an account comes first, found by meaning
  const query = page.getByRole('textbox', { name: 'Search codebase' });
  await query.fill('remove a user account');
  await query.press('Enter');
  const hits = view.getByTestId('codebase-hit');
  await expect(hits.first()).toBeVisible();
  const first = hits.first();
  await expect(first.locator('.codebase-hit__name')).toHaveText('account.ts');
  await expect(first.locator('.codebase-hit__symbol-name')).toHaveText('deleteAccount');
  await expect(first.locator('.codebase-kind')).toHaveText('function');
  await expect(first.locator('.codebase-hit__lines')).toHaveText(new RegExp(`^${DELETE_LINE}–\\d+$`));
  await expect(first.locator('.codebase-via--vector')).toHaveText('meaning');
  await expect(first.locator('.codebase-hit__code')).toContainText('export async function deleteAccount(userId');
  await expect(view.locator('.codebase-summary')).toHaveText(/^\d+ results? · \d+ ms$/);
  expect(await hits.count()).toBeGreaterThan(1);
  // nothing in the view is wider than the side bar
  const overflow = (element: HTMLElement) => element.scrollWidth - element.clientWidth;
  expect(await view.locator('.codebase-results').evaluate(overflow)).toBe(0);
  await page.screenshot({ path: 'test-results/codebase-search.png' });

  // the keyboard walks the results (Down from the query, Enter opens), and a click opens the chunk at its line
  await query.press('ArrowDown');
  await expect(first).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(hits.nth(1)).toBeFocused();
  await page.keyboard.press('ArrowUp');
  await expect(first).toBeFocused();
  await first.click();
  await expect(page.locator('.tab[data-path="src/account.ts"]')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('cursor')).toHaveText(`Ln ${DELETE_LINE}, Col 1`);
  await expect(first).toHaveAttribute('aria-selected', 'true');
  expect(wb.errors()).toEqual([]);
});

test('a chat question with @codebase shows the context it used and sends the chunk to the model', async ({ page }) => {
  const model = await startLoopbackOpenAI({
    kind: 'ok',
    tokens: [
      'Accounts are removed by ',
      '`deleteAccount` in ',
      `src/account.ts:${DELETE_LINE}`,
      ': it purges the ',
      'sessions first.',
    ],
    gapMs: 10,
  });
  servers.push(model);
  wb = await openWorkbench(page, { prepare: writeSources });
  const client = await wb.connect();
  await client.call('ai.providers.add', {
    id: 'loop',
    kind: 'openai-compatible',
    modelClass: 'own_key',
    model: 'loop-model',
    baseURL: model.baseURL,
    apiKey: 'sk-loop',
  });
  client.close();
  await expect(status(page)).toHaveText(/^Index: \d+ files$/, { timeout: 30_000 });

  // `@` opens the list; typing narrows it; Enter inserts the token
  await page.locator('[data-view="ai.chat"]').click();
  const input = page.getByTestId('ai-input');
  await input.click();
  await input.pressSequentially('@');
  const mentions = page.getByTestId('ai-mentions');
  await expect(mentions.getByRole('option')).toHaveText([/@codebase/, /@file/, /@folder/, /@search/]);
  await page.screenshot({ path: 'test-results/chat-mentions.png' });
  await input.pressSequentially('acc');
  await expect(mentions.getByRole('option').first()).toContainText('account.ts');
  await page.keyboard.press('Escape');
  await expect(mentions).toHaveCount(0);
  await input.fill('');
  await input.pressSequentially('@cod');
  await expect(mentions.getByRole('option')).toHaveText([/@codebase/]);
  await page.keyboard.press('Enter');
  await expect(input).toHaveValue('@codebase ');
  await input.pressSequentially('how do we remove a user account?');
  await page.keyboard.press('Enter');

  // the question keeps its token as a chip; the answer shows what context it was given, collapsed
  const question = page.getByTestId('ai-message-user').last();
  await expect(question.getByTestId('ai-mention')).toHaveText('@codebase');
  await expect(question).toContainText('how do we remove a user account?');
  const answer = page.getByTestId('ai-message-assistant').last();
  await expect(answer).toContainText('sessions first.');
  const used = answer.getByTestId('ai-used-context');
  await expect(used.locator('summary')).toHaveText(/^Used context \(\d+\)$/);
  const link = used.getByRole('button', {
    name: new RegExp(`src/account\\.ts:${DELETE_LINE}-\\d+ \\(deleteAccount\\)`),
  });
  await expect(link).toBeHidden();
  await used.locator('summary').click();
  await expect(link).toBeVisible();

  // the provider got the chunk's code before the question, and the question without the raw token
  const sent = JSON.stringify(model.requests.at(-1)?.body.messages);
  expect(sent).toContain('export async function deleteAccount(userId: string)');
  expect(sent).toContain(`src/account.ts:${DELETE_LINE}-`);
  expect(sent).toContain('Question: how do we remove a user account?');
  expect(sent).not.toContain('@codebase');
  const overflow = (element: HTMLElement) => element.scrollWidth - element.clientWidth;
  expect(await page.locator('.ai-chat__messages').evaluate(overflow)).toBe(0);
  await page.screenshot({ path: 'test-results/chat-codebase.png' });

  // a used-context link and the answer's path:line citation open the file at that line
  await link.click();
  await expect(page.locator('.tab[data-path="src/account.ts"]')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('cursor')).toHaveText(`Ln ${DELETE_LINE}, Col 1`);
  await page.locator('.monaco-host .view-lines').first().click();
  await page.keyboard.press('Control+Home');
  await expect(page.getByTestId('cursor')).toHaveText('Ln 1, Col 1');
  await answer.locator('a.ai-cite').click();
  await expect(page.getByTestId('cursor')).toHaveText(`Ln ${DELETE_LINE}, Col 1`);

  // the conversation as saved keeps the context on the question: reopened, it still shows
  const conversation = page.getByRole('combobox', { name: 'Conversation' });
  await conversation.selectOption({ label: 'New conversation' });
  await expect(page.getByTestId('ai-message-assistant')).toHaveCount(0);
  await conversation.selectOption({ label: 'how do we remove a user account?' });
  await expect(page.getByTestId('ai-message-assistant').last().getByTestId('ai-used-context')).toBeVisible();
  expect(wb.errors()).toEqual([]);
});
