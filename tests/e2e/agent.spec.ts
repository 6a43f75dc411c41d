// Agent mode end to end in browser mode against the real engine and a scripted loopback OpenAI-compatible model that
// fixes the failing-tests fixture: it reads the test, edits src/math.js, runs `npm test`. The user switches the chat
// to Agent, allows the edit and the command on their approval cards, sees the tool cards (the command's output in
// its own terminal tab) and the diff review of the turn, opens the diff in Monaco's diff editor, then restores the
// turn (the file is back on disk byte for byte), undoes the restore, and restores again over a change of their own
// (a conflict, then "Restore anyway"). The second test: a Plan turn, "Run this plan", and the per-file review.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
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
  // the page has a terminal: the command ran in a tab of its own (its output there); its card names it and holds
  // what the model got back
  const command = turn.locator('[data-tool="run_command"]');
  await expect(command.getByTestId('agent-tool-terminal')).toContainText('Agent: npm test');
  await expect(command.getByTestId('agent-tool-output')).toHaveCount(0);
  await command.getByRole('button', { expanded: false }).click();
  await expect(command.locator('.agent-tool__result')).toContainText('pass 2');
  await command.getByRole('button', { expanded: true }).click();
  await expect(page.locator('.terminal-view__pane .xterm-rows').first()).toContainText('pass 2');
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

test('Plan, then "Run this plan": the command runs in a terminal tab, the review takes files one by one', async ({
  page,
}) => {
  const README_SEARCH = 'A tiny node:test project';
  model = await startLoopbackOpenAI((request) => {
    const messages = (request.body.messages ?? []) as Array<{ role: string; content?: unknown }>;
    if (String(messages[0]?.content ?? '').includes('You are in plan mode'))
      return {
        kind: 'ok',
        text: 'Here is the plan:\n\n1. Fix `multiply` in `src/math.js` to return `a * b`.\n2. Add `src/notes.md` with what changed.\n3. Say so in `README.md`.\n4. Run `npm test`.',
      };
    const done = toolResults(request);
    if (done === 0)
      return {
        kind: 'tool-calls',
        text: 'Carrying out the plan. ',
        calls: [
          {
            name: 'edit_file',
            arguments: { path: 'src/math.js', edits: [{ search: FIX_SEARCH, replace: FIX_REPLACE }] },
          },
          { name: 'create_file', arguments: { path: 'src/notes.md', content: '# Notes\n\n- multiply fixed\n' } },
          {
            name: 'edit_file',
            arguments: { path: 'README.md', edits: [{ search: README_SEARCH, replace: 'A small node:test project' }] },
          },
        ],
      };
    if (done === 3) return { kind: 'tool-calls', calls: [{ name: 'run_command', arguments: { command: 'npm test' } }] };
    return { kind: 'ok', text: 'Done: the plan is carried out and the tests pass.' };
  });
  wb = await openWorkbench(page, { fixture: 'failing-tests-project' });
  const mathPath = join(wb.root, 'src/math.js');
  const readmePath = join(wb.root, 'README.md');
  const readme = readFileSync(readmePath, 'utf8');
  const client = await wb.connect();
  await client.call('ai.providers.add', {
    id: 'oai',
    kind: 'openai-compatible',
    modelClass: 'own_key',
    model: 'gpt-loopback',
    baseURL: model.baseURL,
    apiKey: 'sk-loopback',
  });
  await client.call('workflow.trust.set', { trusted: true });
  client.close();

  await page.locator('[data-view="ai.chat"]').click();
  await page.getByRole('radio', { name: 'Plan' }).check();
  await page.getByTestId('ai-input').fill('Plan the fix of multiply.');
  await page.getByTestId('ai-input').press('Enter');
  const planTurn = page.getByTestId('agent-turn').first();
  await expect(planTurn.getByTestId('agent-turn-mode')).toHaveText('Plan');
  await expect(planTurn).toHaveAttribute('data-running', 'false', { timeout: 30_000 });
  await expect(planTurn).toContainText('Run npm test');
  const runPlan = planTurn.getByTestId('agent-run-plan');
  await expect(runPlan).toHaveText('Run this plan');
  await runPlan.click();
  await expect(planTurn.getByTestId('agent-plan-sent')).toBeVisible();
  await expect(page.getByRole('radio', { name: 'Agent' })).toBeChecked();

  // the Agent turn runs the plan: its steps are shown, its instruction is the plan
  const turn = page.getByTestId('agent-turn').last();
  await expect(turn.getByTestId('agent-turn-mode')).toHaveText('Agent');
  await expect(turn.getByTestId('agent-plan').locator('li')).toHaveText([
    'Fix multiply in src/math.js to return a * b.',
    'Add src/notes.md with what changed.',
    'Say so in README.md.',
    'Run npm test.',
  ]);
  await expect(page.getByTestId('ai-message-user').last()).toContainText('Carry out this plan');
  // three writes and the command, each allowed once
  for (let index = 0; index < 4; index++) {
    const allow = turn.getByRole('button', { name: 'Allow once' });
    await expect(allow).toHaveCount(1, { timeout: 30_000 });
    await allow.click();
    await expect(turn.getByTestId('agent-approval-state')).toHaveCount(index + 1);
  }
  await expect(turn).toHaveAttribute('data-running', 'false', { timeout: 60_000 });
  await expect(turn).toContainText('the tests pass');
  expect(JSON.stringify(model.requests.at(-1)?.body)).toContain('Carry out this plan');

  // the command ran in a terminal tab of its own, named for it, its output there
  const command = turn.locator('[data-tool="run_command"]');
  await expect(command.getByTestId('agent-tool-terminal')).toContainText('Ran in the terminal Agent: npm test');
  await expect(page.locator('.terminal-tab--active .terminal-tab__name')).toHaveText(/Agent: npm test/);
  const rows = page.locator('.terminal-view__pane .xterm-rows').first();
  await expect(rows).toContainText('pass 2');
  await expect(rows).toContainText('[the command exited with 0]');
  await command.getByRole('button', { expanded: false }).click();
  await expect(command.locator('.agent-tool__result')).toContainText('exit code 0');
  await expect(command.locator('.agent-tool__result')).toContainText('pass 2');
  await command.getByRole('button', { expanded: true }).click();

  // the review: Accept math.js (it leaves the list), Reject notes.md (deleted again), README.md still to decide
  const review = turn.getByTestId('agent-review');
  const files = review.getByTestId('agent-review-file');
  await expect(files).toHaveCount(3);
  await review.getByRole('button', { name: 'Accept src/math.js' }).click();
  await expect(files).toHaveCount(2);
  expect(readFileSync(mathPath, 'utf8')).toContain('return a * b;');
  await review.getByRole('button', { name: 'Reject src/notes.md' }).click();
  const notes = review.locator('[data-path="src/notes.md"]');
  await expect(notes).toHaveAttribute('data-state', 'rejected');
  await expect(notes.getByTestId('agent-file-rejected')).toHaveText('Rejected');
  await expect.poll(() => existsSync(join(wb?.root ?? '', 'src/notes.md'))).toBe(false);
  await expect(review.getByTestId('agent-review-count')).toHaveText('2 files · 1 rejected · 1 accepted');
  await review.scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'test-results/agent-review.png' });

  // a file the user changed since the turn is left alone, until "Reject anyway"
  const mine = `${readFileSync(readmePath, 'utf8')}mine\n`;
  writeFileSync(readmePath, mine);
  await review.getByRole('button', { name: 'Reject README.md' }).click();
  const readmeRow = review.locator('[data-path="README.md"]');
  await expect(readmeRow.getByTestId('agent-file-conflict')).toHaveText('Left alone: changed since the turn');
  expect(readFileSync(readmePath, 'utf8')).toBe(mine);
  await readmeRow.getByRole('button', { name: 'Reject anyway' }).click();
  await expect(readmeRow).toHaveAttribute('data-state', 'rejected');
  await expect.poll(() => readFileSync(readmePath, 'utf8')).toBe(readme);
  // undo of a reject brings the turn's version back
  await notes.getByRole('button', { name: 'Undo' }).click();
  await expect.poll(() => existsSync(join(wb?.root ?? '', 'src/notes.md'))).toBe(true);
  await expect(notes).toHaveAttribute('data-state', 'pending');
  expect(wb.errors()).toEqual([]);
});

test('diagnostics: the TypeScript error the Problems panel shows reaches the model through the tool', async ({
  page,
}) => {
  model = await startLoopbackOpenAI((request) =>
    toolResults(request) === 0
      ? { kind: 'tool-calls', calls: [{ name: 'diagnostics', arguments: {} }] }
      : { kind: 'ok', text: '1. Make `label` a number in src/main.ts.' },
  );
  wb = await openWorkbench(page, { fixture: 'ts-project' });
  const client = await wb.connect();
  await client.call('ai.providers.add', {
    id: 'oai',
    kind: 'openai-compatible',
    modelClass: 'own_key',
    model: 'gpt-loopback',
    baseURL: model.baseURL,
    apiKey: 'sk-loopback',
  });
  client.close();
  await page.locator('.tree-row[data-path="src"]').click();
  await page.locator('.tree-row[data-path="src/main.ts"]').dblclick();
  await expect(page.getByTestId('problems-errors')).toHaveText('1', { timeout: 30_000 });

  await page.locator('[data-view="ai.chat"]').click();
  await page.getByRole('radio', { name: 'Plan' }).check();
  await page.getByTestId('ai-input').fill('What is broken?');
  await page.getByTestId('ai-input').press('Enter');
  const turn = page.getByTestId('agent-turn').last();
  await expect(turn).toHaveAttribute('data-running', 'false', { timeout: 30_000 });
  await expect(turn.locator('[data-tool="diagnostics"]')).toHaveAttribute('data-status', 'done');
  const sent = JSON.stringify(model.requests.at(-1)?.body);
  expect(sent).toContain("src/main.ts:7:14: error: Type 'number' is not assignable to type 'string'.");
  expect(wb.errors()).toEqual([]);
});
