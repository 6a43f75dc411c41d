// Agent mode end to end in browser mode against the real engine and a scripted loopback OpenAI-compatible model that
// fixes the failing-tests fixture: it reads the test, edits src/math.js, runs `npm test`. The user switches the chat
// to Agent, allows the edit and the command on their approval cards, sees the tool cards (the command's output in
// its card) and the diff review of the turn, opens the diff in Monaco's diff editor, then restores the turn (the file
// is back on disk byte for byte), undoes the restore, and restores again over a change of their own (a conflict,
// then "Restore anyway").
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { type LoopbackProvider, type LoopbackRequest, startLoopbackOpenAI } from '../support/loopback-providers';
import { type OpenedWorkbench, openWorkbench } from './support/workbench';

const FIX_SEARCH = 'export function multiply(a, b) {\n  return a + b;';
const FIX_REPLACE = 'export function multiply(a, b) {\n  return a * b;';
// a planted secret in a file the model reads (built here so no scanner flags the repository)
const PLANTED = `ghp_${'Q7'.repeat(18)}`;

let wb: OpenedWorkbench | null = null;
let model: LoopbackProvider | null = null;

test.afterEach(async () => {
  await wb?.close();
  wb = null;
  await model?.close();
  model = null;
});

const toolResults = (request: LoopbackRequest) =>
  ((request.body.messages ?? []) as Array<{ role: string }>).filter((message) => message.role === 'tool').length;

test('Agent mode: approve an edit and a command, review the diff, restore the turn', async ({ page }) => {
  model = await startLoopbackOpenAI((request) => {
    const done = toolResults(request);
    if (done === 0)
      return {
        kind: 'tool-calls',
        text: 'I’ll start with the failing test. ',
        calls: [{ name: 'read_file', arguments: { path: 'test/math.test.js' } }],
      };
    if (done === 1)
      return {
        kind: 'tool-calls',
        text: '`multiply` adds instead of multiplying; fixing it. ',
        calls: [
          {
            name: 'edit_file',
            arguments: { path: 'src/math.js', edits: [{ search: FIX_SEARCH, replace: FIX_REPLACE }] },
          },
        ],
      };
    if (done === 2) return { kind: 'tool-calls', calls: [{ name: 'run_command', arguments: { command: 'npm test' } }] };
    const passed = JSON.stringify(request.body.messages).includes('exit code 0');
    return {
      kind: 'ok',
      text: passed
        ? '**Fixed.** `multiply` in `src/math.js` now returns `a * b`, and both tests pass.'
        : 'The tests still fail.',
    };
  });
  wb = await openWorkbench(page, {
    fixture: 'failing-tests-project',
    prepare: (root) => {
      writeFileSync(join(root, 'AGENTS.md'), '# Agents\n\nRun `npm test` after every change.\n');
      const test = join(root, 'test/math.test.js');
      writeFileSync(test, `${readFileSync(test, 'utf8')}\n// CI token: ${PLANTED}\n`);
    },
  });
  const mathPath = join(wb.root, 'src/math.js');
  const original = readFileSync(mathPath, 'utf8');
  const client = await wb.connect();
  await client.call('ai.providers.add', {
    id: 'oai',
    kind: 'openai-compatible',
    modelClass: 'own_key',
    model: 'gpt-loopback',
    baseURL: model.baseURL,
    apiKey: 'sk-loopback',
  });
  // a trusted workspace may run commands (each still asks first)
  await client.call('workflow.trust.set', { trusted: true });
  client.close();

  await page.locator('[data-view="ai.chat"]').click();
  await page.getByRole('radio', { name: 'Agent' }).check();
  await expect(page.getByRole('radio', { name: 'Agent' })).toBeChecked();
  await page.getByTestId('ai-input').fill('The multiply test fails. Fix src/math.js and run the tests.');
  await page.getByTestId('ai-input').press('Enter');

  const turn = page.getByTestId('agent-turn').last();
  await expect(turn.getByTestId('agent-turn-mode')).toHaveText('Agent');
  await expect(turn.getByTestId('agent-rules')).toContainText('Rules in effect: AGENTS.md');

  // the edit waits on its approval card
  const editCard = turn.getByTestId('agent-approval').filter({ hasText: 'edit src/math.js' });
  await expect(editCard).toBeVisible();
  await expect(editCard.getByRole('button', { name: 'Allow once' })).toBeEnabled();
  await expect(editCard.getByRole('button', { name: 'Always allow in this workspace' })).toBeVisible();
  await expect(editCard.getByRole('button', { name: 'Deny' })).toBeVisible();
  // the card shows the change the edit will make, as a diff
  await expect(editCard.locator('.agent-diff__line--del')).toHaveText(['-  return a + b;']);
  await expect(editCard.locator('.agent-diff__line--add')).toHaveText(['+  return a * b;']);
  await expect(turn.locator('[data-tool="read_file"]')).toHaveAttribute('data-status', 'done');
  await expect(turn.locator('[data-tool="edit_file"]')).toHaveAttribute('data-status', 'awaiting');
  expect(readFileSync(mathPath, 'utf8')).toBe(original);
  await page.screenshot({ path: 'test-results/agent-approval.png' });

  // from the keyboard: Enter on the focused button answers the card
  await editCard.getByRole('button', { name: 'Allow once' }).focus();
  await page.keyboard.press('Enter');
  await expect(editCard.getByTestId('agent-approval-state')).toHaveText(/Allowed once/);
  await expect(editCard.getByRole('button', { name: 'Allow once' })).toHaveCount(0);

  // then the command
  const commandCard = turn.getByTestId('agent-approval').filter({ hasText: 'run npm test' });
  await expect(commandCard).toBeVisible();
  await expect(commandCard.locator('.agent-approval__command')).toHaveText('$ npm test');
  await commandCard.getByRole('button', { name: 'Allow once' }).click();

  // the turn ends: three done tool cards, the command's output in its card, the review of the edit
  await expect(turn).toHaveAttribute('data-running', 'false', { timeout: 60_000 });
  await expect(turn).toContainText('both tests pass');
  const tools = turn.getByTestId('agent-tool');
  await expect(tools).toHaveCount(3);
  for (const status of await tools.evaluateAll((cards) => cards.map((card) => card.getAttribute('data-status'))))
    expect(status).toBe('done');
  // a command's card is open while it runs, closed once done; opening it shows what the command printed
  const command = turn.locator('[data-tool="run_command"]');
  await expect(command.getByTestId('agent-tool-output')).toHaveCount(0);
  await command.getByRole('button', { expanded: false }).click();
  await expect(command.getByTestId('agent-tool-output')).toContainText('pass 2');
  await command.getByRole('button', { expanded: true }).click();
  await expect(turn.getByTestId('agent-turn-model')).toHaveText('oai · gpt-loopback');
  await expect(turn.getByTestId('agent-redacted')).toHaveText(/\d+ secrets? redacted/);
  expect(JSON.stringify(model.requests.map((request) => request.body))).not.toContain(PLANTED);
  const review = turn.getByTestId('agent-review');
  const file = review.getByTestId('agent-review-file');
  await expect(file).toHaveCount(1);
  await expect(file).toHaveAttribute('data-path', 'src/math.js');
  await expect(file).toContainText('+1−1');
  await expect(file.locator('.agent-diff__line--add')).toHaveText(['+  return a * b;']);
  await expect(file.locator('.agent-diff__line--del')).toHaveText(['-  return a + b;']);
  expect(readFileSync(mathPath, 'utf8')).toContain('return a * b;');
  const overflow = (element: HTMLElement) => element.scrollWidth - element.clientWidth;
  expect(await page.locator('.ai-chat__messages').evaluate(overflow)).toBe(0);

  // "Open diff": Monaco's diff editor over the file, the text before the turn on the left
  await file.getByRole('button', { name: 'Open diff' }).click();
  const diffEditor = page.getByTestId('diff-editor');
  await expect(diffEditor).toBeVisible();
  await expect(diffEditor).toContainText('src/math.js (before the turn ↔ now)');
  // (Monaco shows it inline where the editor area is narrow: the removed line is then a view zone of the right side)
  await expect(diffEditor.locator('.original .view-lines')).toContainText('return a + b;');
  await expect(diffEditor.locator('.modified .view-lines:not(.line-delete)')).toContainText('return a * b;');
  await turn.getByTestId('agent-restore').scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'test-results/agent-turn.png' });
  await diffEditor.getByRole('button', { name: 'Close diff' }).click();

  // "Restore to here": the file is back on disk byte for byte; "Undo restore" puts the fix back
  await turn.getByTestId('agent-restore-button').click();
  await expect(turn.getByTestId('agent-restored')).toHaveText(/Restored src\/math\.js/);
  await expect.poll(() => readFileSync(mathPath, 'utf8')).toBe(original);
  // the open editor follows the disk
  await expect(page.locator('.monaco-host .view-lines').first()).toContainText('return a + b;');
  await expect(page.locator('.monaco-host .view-lines').first()).not.toContainText('a * b');
  await page.screenshot({ path: 'test-results/agent-restored.png' });
  await turn.getByTestId('agent-undo-restore').click();
  await expect.poll(() => readFileSync(mathPath, 'utf8')).toContain('return a * b;');
  await expect(turn.getByTestId('agent-restore-button')).toBeVisible();

  // a file the user changed since the turn is left alone and listed; "Restore anyway" overwrites it
  const edited = `${readFileSync(mathPath, 'utf8')}// mine\n`;
  writeFileSync(mathPath, edited);
  await turn.getByTestId('agent-restore-button').click();
  const conflicts = turn.getByTestId('agent-conflicts');
  await expect(conflicts).toContainText('src/math.js — changed since the turn');
  expect(readFileSync(mathPath, 'utf8')).toBe(edited);
  await conflicts.scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'test-results/agent-conflict.png' });
  await conflicts.getByRole('button', { name: 'Restore anyway' }).click();
  await expect.poll(() => readFileSync(mathPath, 'utf8')).toBe(original);
  await expect(turn.getByTestId('agent-restored')).toBeVisible();
  await expect(turn.getByTestId('agent-conflicts')).toHaveCount(0);
  expect(wb.errors()).toEqual([]);
});
