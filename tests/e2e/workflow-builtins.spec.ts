// The other built-in workflows end to end in browser mode, driven from the Workflows panel (Ctrl+Shift+W) with a
// scripted loopback model: smartui writes the described component after approval, operations streams a failing
// package.json script and shows the model's summary of that output, commit commits the staged change with the
// approved message; an unusable ai answer (a diff with no hunks) fails its step and shows what the model returned.
// Each checks what the model was shown and what landed on disk; screenshots go to test-results/.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { testVendor, useLoopbackModel } from '../integration/workflow-harness';
import { type LoopbackProvider, type LoopbackScript, startLoopbackOpenAI } from '../support/loopback-providers';
import { type OpenedWorkbench, type OpenWorkbenchOptions, openWorkbench } from './support/workbench';

let wb: OpenedWorkbench | null = null;
let provider: LoopbackProvider | null = null;
let vendor: ReturnType<typeof testVendor> | null = null;

test.afterEach(async () => {
  await wb?.close();
  wb = null;
  await provider?.close();
  provider = null;
  vendor?.remove();
  vendor = null;
});

/** The workbench on a copy of the fixture, its model the scripted loopback server, licensed as `edition`. */
async function open(
  page: Page,
  script: LoopbackScript,
  options: OpenWorkbenchOptions & { edition?: 'professional' | 'team' } = {},
): Promise<OpenedWorkbench> {
  provider = await startLoopbackOpenAI(script);
  vendor = testVendor();
  wb = await openWorkbench(page, {
    fixture: 'failing-tests-project',
    ...options,
    env: { ...vendor.env, ...options.env },
  });
  const client = await wb.connect();
  if (options.edition) await client.call('license.activate', { key: vendor.license(options.edition) });
  await useLoopbackModel(client, provider);
  client.close();
  return wb;
}

/** Opens the Workflows panel with its shortcut and picks `name`; returns the panel. */
async function pick(page: Page, name: string) {
  const panel = page.getByTestId('workflow-panel');
  await expect(panel).toBeHidden();
  await page.locator('body').click();
  await page.keyboard.press('Control+Shift+W');
  await panel.getByTestId(`wf-card-${name}`).click();
  return panel;
}

/** Everything the model was sent, as one string. */
const prompts = () => JSON.stringify(provider?.requests.map((request) => request.body.messages) ?? []);

const BADGE = `--- /dev/null
+++ b/src/components/Badge.tsx
@@ -0,0 +1,7 @@
+export interface BadgeProps {
+  label: string;
+}
+
+export function Badge({ label }: BadgeProps) {
+  return <span className="badge">{label}</span>;
+}
`;

test('smartui turns a description into a component file that is written only after approval', async ({ page }) => {
  const root = (await open(page, { kind: 'ok', tokens: BADGE.match(/[\s\S]{1,16}/g) ?? [BADGE] })).root;
  const panel = await pick(page, 'smartui');
  await panel.getByTestId('wf-input-description').fill('A small pill that shows a short status label');
  await panel.getByRole('textbox', { name: /^path/ }).fill('src/components/Badge.tsx');
  await panel.getByTestId('wf-run').click();

  const approval = panel.getByTestId('wf-approve');
  await expect(approval).toContainText('Create src/components/Badge.tsx?');
  await expect(approval).toContainText('+  return <span className="badge">{label}</span>;');
  expect(prompts()).toContain('A small pill that shows a short status label');
  expect(() => readFileSync(join(root, 'src/components/Badge.tsx'))).toThrow();

  await approval.getByRole('button', { name: 'Approve' }).click();
  await expect(panel.getByTestId('wf-run-state')).toHaveText('succeeded');
  await expect(panel.getByTestId('wf-step-apply')).toHaveAttribute('data-state', 'succeeded');
  await expect(panel.getByTestId('wf-diff')).toContainText('export function Badge');
  expect(readFileSync(join(root, 'src/components/Badge.tsx'), 'utf8')).toBe(
    BADGE.split('\n')
      .filter((line) => line.startsWith('+') && !line.startsWith('+++'))
      .map((line) => `${line.slice(1)}\n`)
      .join(''),
  );
  await page.screenshot({ path: 'test-results/workflow-smartui.png' });
  expect(wb?.errors()).toEqual([]);
});

const NO_HUNKS = 'Here is the component:\n```diff\n--- /dev/null\n+++ b/src/components/Badge.tsx\n```\n';

test('an ai step whose answer is unusable fails and shows what the model returned', async ({ page }) => {
  await open(page, { kind: 'ok', text: NO_HUNKS });
  const panel = await pick(page, 'smartui');
  await panel.getByTestId('wf-input-description').fill('A badge');
  await panel.getByRole('textbox', { name: /^path/ }).fill('src/components/Badge.tsx');
  await panel.getByTestId('wf-run').click();

  await expect(panel.getByTestId('wf-run-state')).toHaveText('failed');
  const step = panel.getByTestId('wf-step-component');
  await expect(step).toHaveAttribute('data-state', 'failed');
  // open without a click: the reason, then the answer itself
  await expect(step.locator('.wf-step__error')).toHaveText(
    "The model's answer is not a usable diff: The diff holds no hunks to apply.",
  );
  await expect(step.getByTestId('wf-answer')).toContainText('Here is the component:');
  await expect(step.getByTestId('wf-answer')).toContainText('+++ b/src/components/Badge.tsx');
  await page.screenshot({ path: 'test-results/workflow-ai-unusable.png' });
  expect(wb?.errors()).toEqual([]);
});

const LINT_OUTPUT = 'src/math.js:7:10  error  multiply returns a + b';
const SUMMARY = 'The lint script failed because multiply in src/math.js adds instead of multiplying.';

test('operations streams a failing script into the timeline and shows the model summary of that output', async ({
  page,
}) => {
  const root = (
    await open(
      page,
      (request) => {
        const prompt = JSON.stringify(request.body.messages ?? '');
        return { kind: 'ok', text: prompt.includes(LINT_OUTPUT) ? SUMMARY : 'The model was not shown the output.' };
      },
      {
        edition: 'team',
        prepare: (root) => {
          const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
          // Prints a page of progress, holds until the test has seen it on screen, then fails with the findings
          // the test hands it (so the streamed log cannot hold them early; npm echoes the script line itself).
          pkg.scripts.lint = [
            'for i in $(seq 1 40); do echo "  ok src/file$i.js"; done',
            'while [ ! -f .lint-go ]; do sleep 0.05; done',
            'cat .lint-go >&2',
            'exit 3',
          ].join('; ');
          writeFileSync(join(root, 'package.json'), JSON.stringify(pkg, null, 2));
        },
      },
    )
  ).root;
  const panel = await pick(page, 'operations');
  await panel.getByTestId('wf-input-script').fill('lint');
  await panel.getByTestId('wf-run').click();
  // the script is the repository's own code: the folder's trust comes first, in one dialog naming it
  const trust = page.getByTestId('wf-trust-dialog');
  await expect(trust.getByTestId('wf-trust-items')).toContainText('runs npm run lint (package.json script "lint")');
  await trust.getByTestId('wf-trust-run').click();

  const script = panel.getByTestId('wf-step-script');
  await expect(script).toHaveAttribute('data-state', 'running');
  await script.locator('.wf-step__head').click();
  const log = script.getByTestId('wf-log');
  await expect(log).toContainText('ok src/file40.js');
  await expect(log).not.toContainText(LINT_OUTPUT);
  writeFileSync(join(root, '.lint-go'), `${LINT_OUTPUT}\n`);

  await expect(panel.getByTestId('wf-run-state')).toHaveText('succeeded');
  await expect(script).toContainText('$ npm run lint · exit 3');
  await expect(log).toContainText(LINT_OUTPUT);
  // the log follows its newest line, so the failure is what is in view
  await expect
    .poll(() => log.evaluate((node) => node.scrollHeight - node.scrollTop - node.clientHeight))
    .toBeLessThan(2);
  const summary = panel.getByTestId('wf-step-summary');
  await summary.locator('.wf-step__head').click();
  await expect(summary).toContainText(SUMMARY);
  expect(provider?.requests).toHaveLength(1);
  expect(prompts()).toContain('exit code 3');
  expect(prompts()).toContain(LINT_OUTPUT);
  await page.screenshot({ path: 'test-results/workflow-operations.png' });
  expect(wb?.errors()).toEqual([]);
});

const MESSAGE = 'Make multiply multiply';

test('commit writes a message for the staged diff and commits with it after approval', async ({ page }) => {
  const git = (root: string, ...args: string[]) =>
    spawnSync('git', ['-c', 'user.name=Tests', '-c', 'user.email=tests@example.com', ...args], {
      cwd: root,
      encoding: 'utf8',
    });
  const root = (
    await open(
      page,
      (request) => {
        const prompt = JSON.stringify(request.body.messages ?? '');
        return { kind: 'ok', text: prompt.includes('+  return a * b;') ? MESSAGE : 'Update files' };
      },
      {
        edition: 'professional',
        // the engine's own `git commit` needs an author; a developer's machine has one in ~/.gitconfig
        env: {
          GIT_AUTHOR_NAME: 'Dev',
          GIT_AUTHOR_EMAIL: 'dev@example.com',
          GIT_COMMITTER_NAME: 'Dev',
          GIT_COMMITTER_EMAIL: 'dev@example.com',
        },
        prepare: (root) => {
          git(root, 'init', '-q');
          git(root, 'add', '.');
          git(root, 'commit', '-q', '-m', 'fixture');
          const math = join(root, 'src/math.js');
          writeFileSync(
            math,
            readFileSync(math, 'utf8').replace(
              'multiply(a, b) {\n  return a + b;',
              'multiply(a, b) {\n  return a * b;',
            ),
          );
          git(root, 'add', 'src/math.js');
          // an unstaged change the message must not be about
          writeFileSync(join(root, 'README.md'), 'not staged\n');
        },
      },
    )
  ).root;
  const panel = await pick(page, 'commit');
  await panel.getByTestId('wf-run').click();

  const approval = panel.getByTestId('wf-approve');
  await expect(approval).toContainText('Commit the staged changes with this message?');
  await expect(approval.locator('pre')).toHaveText(MESSAGE);
  expect(prompts()).toContain('+  return a * b;');
  expect(prompts()).not.toContain('not staged');
  expect(git(root, 'log', '-1', '--format=%s').stdout.trim()).toBe('fixture');

  await approval.getByRole('button', { name: 'Approve' }).click();
  await expect(panel.getByTestId('wf-run-state')).toHaveText('succeeded');
  await expect(panel.getByTestId('wf-step-commit')).toHaveAttribute('data-state', 'succeeded');
  expect(git(root, 'log', '-1', '--format=%s').stdout.trim()).toBe(MESSAGE);
  expect(git(root, 'diff', '--cached', '--name-only').stdout).toBe('');
  await panel.getByTestId('wf-step-message').locator('.wf-step__head').click();
  await expect(panel.getByTestId('wf-step-message')).toContainText(MESSAGE);
  await panel.getByTestId('wf-step-commit').locator('.wf-step__head').click();
  await expect(panel.getByTestId('wf-step-commit')).toContainText('1 file changed');
  await page.screenshot({ path: 'test-results/workflow-commit.png' });
  expect(wb?.errors()).toEqual([]);
});
