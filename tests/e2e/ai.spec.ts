// AI end to end in browser mode against the real engine and a scripted loopback OpenAI-compatible provider: a chat
// answer streams in with its "answered by" line (after a fallback), and Ctrl+I edits a selection through a diff
// that, once accepted, can be undone and saved to disk, while Monaco's Ctrl+K chords still work. An attached file
// shows as a chip, a long answer wraps inside the panel, and removing a provider asks first. Reloading the page
// while an answer streams stops the provider's request.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { connectClient } from '../support/engine';
import { type LoopbackProvider, startLoopbackOpenAI } from '../support/loopback-providers';
import { paMcpServe } from '../support/pa-mcp-serve';
import { type OpenedWorkbench, openWorkbench } from './support/workbench';

const SNIPPET = `const hello = \`Hello, \${name}!\`;`;
const EDITED = `export function greet(name: string): string {\n  return \`Hi there, \${name}!\`;\n}`;
const ANSWER = `Use a **template literal**:\n\n\`\`\`ts\n${SNIPPET}\n\`\`\`\n`;
const LONG_WORD = `https://example.com/${'very-long-path-segment-'.repeat(12)}end`;
const LONG_ANSWER = `See ${LONG_WORD} for more.\n\n\`\`\`ts\nconst greeting = [${'"hello", '.repeat(40)}"bye"];\n\`\`\`\n`;

let wb: OpenedWorkbench | null = null;
const servers: LoopbackProvider[] = [];

test.afterEach(async () => {
  await wb?.close();
  wb = null;
  for (const server of servers.splice(0)) await server.close();
});

const editorText = async (page: Page) =>
  ((await page.locator('.monaco-host .view-lines').first().textContent()) ?? '').replace(/\u00a0/g, ' ');

test('chat streams an answer with its "answered by" line; Ctrl+I edits through a diff, undoably', async ({ page }) => {
  const flaky = await startLoopbackOpenAI({ kind: 'status', status: 500 });
  const good = await startLoopbackOpenAI((request) => {
    const system = JSON.stringify(request.body.messages ?? '');
    if (system.includes('You rewrite code')) return { kind: 'ok', tokens: [EDITED.slice(0, 30), EDITED.slice(30)] };
    if (system.includes('Context from src/greet.ts')) return { kind: 'ok', text: LONG_ANSWER };
    return { kind: 'ok', tokens: ANSWER.match(/[\s\S]{1,6}/g) ?? [ANSWER], gapMs: 15 };
  });
  servers.push(flaky, good);
  wb = await openWorkbench(page);
  const { port, token } = /127\.0\.0\.1:(?<port>\d+)\/#token=(?<token>[\w-]+)/.exec(wb.url)?.groups ?? {};
  const client = await connectClient(`ws://127.0.0.1:${port}/rpc`, token ?? '');
  await client.call('ai.providers.add', {
    id: 'flaky',
    kind: 'openai-compatible',
    modelClass: 'own_key',
    model: 'flaky-model',
    baseURL: flaky.baseURL,
    priority: 5,
    apiKey: 'sk-flaky',
  });
  await client.call('ai.providers.add', {
    id: 'good',
    kind: 'openai-compatible',
    modelClass: 'own_key',
    model: 'good-model',
    baseURL: good.baseURL,
    apiKey: 'sk-good',
  });
  client.close();

  // chat: the answer streams in as Markdown with a code block, then says who answered and who was skipped
  await page.locator('[data-view="ai.chat"]').click();
  await page.getByTestId('ai-input').fill('How do I greet someone?');
  await page.getByTestId('ai-input').press('Enter');
  const answer = page.getByTestId('ai-message-assistant').last();
  await expect(answer.locator('.ai-code pre')).toHaveText(SNIPPET);
  await expect(answer.locator('strong').first()).toHaveText('template literal');
  await expect(answer.getByTestId('ai-answered-by')).toContainText('answered by good · good-model');
  await expect(answer.getByTestId('ai-answered-by')).toContainText('fell back from flaky (failed (HTTP 500))');
  await page.screenshot({ path: 'test-results/ai-chat.png' });

  // edit with AI: select the function, Ctrl+I, instruction, diff, accept
  await page.locator('.tree-row[data-path="src"]').click();
  await page.locator('.tree-row[data-path="src/greet.ts"]').click();
  await expect.poll(() => editorText(page)).toContain('return `Hello, ');
  await page.locator('.monaco-host .view-lines').first().click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Control+I');
  await page.getByTestId('ai-edit-instruction').fill('Say "Hi there" instead of "Hello"');
  await page.getByTestId('ai-edit-instruction').press('Enter');
  await expect(page.getByTestId('ai-edit-diff')).toBeVisible();
  await expect(page.getByTestId('ai-edit-diff')).toContainText('Hi there');
  await page.screenshot({ path: 'test-results/ai-edit.png' });
  await page.getByTestId('ai-edit-accept').click();
  await expect(page.getByTestId('ai-edit')).toHaveCount(0);
  await expect.poll(() => editorText(page)).toContain('return `Hi there, ');

  // One undo takes the whole edit back; redo puts it again; save writes it
  await page.keyboard.press('Control+Z');
  await expect.poll(() => editorText(page)).toContain('return `Hello, ');
  await page.keyboard.press('Control+Shift+Z');
  await expect.poll(() => editorText(page)).toContain('return `Hi there, ');
  await page.keyboard.press('Control+S');
  await expect.poll(() => readFileSync(join(wb?.root ?? '', 'src/greet.ts'), 'utf8')).toBe(`${EDITED}\n`);

  // Ctrl+K is Monaco's chord prefix, not swallowed by the AI: Ctrl+K Ctrl+C comments the line, Ctrl+K Ctrl+U uncomments
  await page.keyboard.press('Control+Home');
  await page.keyboard.press('Control+K');
  await page.keyboard.press('Control+C');
  await expect.poll(() => editorText(page)).toContain('// export function greet');
  await expect(page.getByTestId('ai-edit')).toHaveCount(0);
  await page.keyboard.press('Control+K');
  await page.keyboard.press('Control+U');
  await expect.poll(() => editorText(page)).not.toContain('// export function greet');

  // "Attach current file": the question shows with a chip for the file, not the raw fenced block sent with it;
  // the answer's long link and long code line wrap inside the panel
  await page.keyboard.press('Control+Shift+I');
  await page.getByText('Attach current file or selection').click();
  await page.getByTestId('ai-input').fill('Explain this file');
  await page.getByTestId('ai-input').press('Enter');
  const question = page.getByTestId('ai-message-user').last();
  await expect(question.getByTestId('ai-attachment')).toHaveText(/src\/greet\.ts\s*whole file/);
  await expect(question).not.toContainText('Context from');
  await expect(question).not.toContainText('```');
  // the chip shows as the question is sent; the request reaches the provider a moment later
  await expect.poll(() => JSON.stringify(good.requests.at(-1)?.body.messages)).toContain('Context from src/greet.ts');
  const long = page.getByTestId('ai-message-assistant').last();
  await expect(long).toContainText('very-long-path-segment-');
  await expect(long.locator('.ai-code pre')).toContainText('"bye"];');
  const overflow = (element: HTMLElement) => element.scrollWidth - element.clientWidth;
  expect(await page.locator('.ai-chat__messages').evaluate(overflow)).toBe(0);
  expect(await long.locator('.ai-code pre').evaluate(overflow)).toBe(0);
  await page.screenshot({ path: 'test-results/ai-chat-attachment.png' });

  // model settings: each provider with its live figures
  await page.locator('[data-view="ai.models"]').click();
  await expect(page.getByTestId('ai-provider-good')).toContainText(/p50 TTFT \d+ ms/);
  await expect(page.getByTestId('ai-provider-flaky')).toContainText('errors 100%');
  await page.screenshot({ path: 'test-results/ai-models.png' });

  // what left the machine: the attached file's request, newest first, opens to exactly what the provider got
  const sentRow = page.getByTestId('ai-sent-row').filter({ hasText: 'good' }).first();
  await sentRow.scrollIntoViewIfNeeded();
  await sentRow.click();
  const payload = page.getByTestId('ai-sent-payload');
  await expect(payload).toContainText('Context from src/greet.ts');
  await expect(payload).toContainText('Explain this file');
  await payload.scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'test-results/ai-sent.png' });

  // the egress log filters by provider and kind, and exports what it lists as JSON for an audit
  await page.getByTestId('ai-sent-provider').selectOption('good');
  await page.getByTestId('ai-sent-kind').selectOption('chat');
  const rows = page.getByTestId('ai-sent-row');
  expect(await rows.count()).toBeGreaterThan(0);
  for (const text of await rows.allTextContents()) expect(text).toContain('good');
  await expect(page.locator('.ai-sent__total')).toContainText(/\d+ requests? ·/);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('ai-sent-export').click()]);
  const exported = JSON.parse(readFileSync((await download.path()) as string, 'utf8')) as Array<
    Record<string, unknown>
  >;
  expect(exported.length).toBe(await rows.count());
  expect(exported[0]).toMatchObject({
    providerId: 'good',
    kind: 'chat',
    host: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
  });
  await page.locator('.ai-sent__filters').scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'test-results/egress-log.png' });
  await page.getByTestId('ai-sent-provider').selectOption('');
  await page.getByTestId('ai-sent-kind').selectOption('');

  // removing a provider asks first: cancel keeps it, confirming removes it
  const removeFlaky = page.getByTestId('ai-provider-flaky').getByTestId('ai-provider-remove');
  await removeFlaky.click();
  const dialog = page.getByRole('dialog', { name: 'Remove the model provider flaky?' });
  await expect(dialog).toContainText('openai-compatible · flaky-model');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('ai-provider-flaky')).toBeVisible();
  await removeFlaky.click();
  await dialog.getByRole('button', { name: 'Remove' }).click();
  await expect(page.getByTestId('ai-provider-flaky')).toHaveCount(0);
  await expect(page.getByTestId('ai-provider-good')).toBeVisible();
  expect(wb.errors()).toEqual([]);
});

test('a tool the model called through an MCP server shows as a collapsed "used tool" line', async ({ page }) => {
  const model = await startLoopbackOpenAI((request) => {
    const messages = (request.body.messages ?? []) as Array<{ role: string; content: string }>;
    const result = messages.find((message) => message.role === 'tool');
    return result
      ? { kind: 'ok', text: `greet.ts exports **greet**; it begins: ${result.content.slice(0, 23)}` }
      : { kind: 'tool-calls', calls: [{ name: 'self__read_file', arguments: { path: 'src/greet.ts' } }] };
  });
  servers.push(model);
  wb = await openWorkbench(page);
  const { port, token } = /127\.0\.0\.1:(?<port>\d+)\/#token=(?<token>[\w-]+)/.exec(wb.url)?.groups ?? {};
  const client = await connectClient(`ws://127.0.0.1:${port}/rpc`, token ?? '');
  await client.call('ai.providers.add', {
    id: 'tooly',
    kind: 'openai-compatible',
    modelClass: 'own_key',
    model: 'tool-model',
    baseURL: model.baseURL,
  });
  await client.call('mcp.servers.set', { name: 'self', config: paMcpServe(wb.root, wb.dataDir) });
  client.close();

  await page.locator('[data-view="ai.chat"]').click();
  await page.getByTestId('ai-input').fill('What does greet.ts export?');
  await page.getByTestId('ai-input').press('Enter');
  const answer = page.getByTestId('ai-message-assistant').last();
  await expect(answer).toContainText('it begins: export function greet');
  const tool = answer.getByTestId('ai-tool-call');
  await expect(tool.locator('summary')).toHaveText('used tool read_file · self');
  await expect(tool.locator('.ai-tool__body')).toBeHidden();
  await tool.locator('summary').click();
  await expect(tool.locator('.ai-tool__body')).toContainText('"path": "src/greet.ts"');
  await page.screenshot({ path: 'test-results/ai-tool-call.png' });
  expect(wb.errors()).toEqual([]);
});

test('a chat answer still streaming when the page reloads stops its provider within 50 ms', async ({ page }) => {
  const slow = await startLoopbackOpenAI({
    kind: 'ok',
    tokens: Array.from({ length: 1000 }, (_, i) => ` w${i}`),
    gapMs: 20,
  });
  servers.push(slow);
  wb = await openWorkbench(page);
  const client = await wb.connect();
  await client.call('ai.providers.add', {
    id: 'slow',
    kind: 'openai-compatible',
    modelClass: 'own_key',
    model: 'slow-model',
    baseURL: slow.baseURL,
  });
  client.close();

  // The old page (and its socket) goes when the reloaded one commits, after the engine served it: from then the
  // engine must stop the provider's request within 50 ms (20 s of tokens were left). Median of three reloads, so
  // one scheduling hiccup of a loaded machine does not decide.
  let committedAt = 0;
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) committedAt = performance.now();
  });
  const delays: number[] = [];
  await page.locator('[data-view="ai.chat"]').click();
  for (let i = 0; i < 3; i++) {
    // the reloaded page opens the chat panel again (the layout is remembered), empty
    await expect(page.getByTestId('ai-message-assistant')).toHaveCount(0);
    await page.getByTestId('ai-input').fill('Count slowly');
    await page.getByTestId('ai-input').press('Enter');
    await expect(page.getByTestId('ai-message-assistant').last()).toContainText('w3');
    expect(slow.requests[i]?.closedAt).toBeNull();
    committedAt = 0;
    await page.reload();
    await expect.poll(() => slow.requests[i]?.closedAt ?? null).not.toBeNull();
    expect(committedAt).toBeGreaterThan(0);
    delays.push((slow.requests[i]?.closedAt as number) - committedAt);
    await expect(page.getByTestId('connection')).toHaveText(/Engine connected/);
  }
  expect(delays.sort((x, y) => x - y)[1]).toBeLessThan(50);
  expect(slow.requests).toHaveLength(3);
  expect(wb.errors()).toEqual([]);
});
