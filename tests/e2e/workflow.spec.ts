// Workflows end to end in browser mode: on a project with one failing test, the built-in "test" workflow lists the
// failure by file and line; "codeflow" with a scripted loopback provider plans, proposes the fixing diff, waits for
// approval (the page is reloaded while it waits: the panel re-attaches to the live run), applies it and runs the
// tests, which pass. The timeline screenshot goes to test-results/.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { useLoopbackModel } from '../integration/workflow-harness';
import { connectClient } from '../support/engine';
import { type LoopbackProvider, startLoopbackOpenAI } from '../support/loopback-providers';
import { type OpenedWorkbench, openWorkbench } from './support/workbench';

const PLAN = '1. In src/math.js, make multiply multiply instead of add.';
const FIX = `--- a/src/math.js
+++ b/src/math.js
@@ -5,4 +5,4 @@
 
 export function multiply(a, b) {
-  return a + b;
+  return a * b;
 }
`;

let wb: OpenedWorkbench | null = null;
let provider: LoopbackProvider | null = null;

test.afterEach(async () => {
  await wb?.close();
  wb = null;
  await provider?.close();
  provider = null;
});

test('test lists the failing test by file:line; codeflow fixes it after approval and the tests pass', async ({
  page,
}) => {
  provider = await startLoopbackOpenAI((request) => {
    const prompt = JSON.stringify(request.body.messages ?? '');
    return prompt.includes('Implement this plan')
      ? { kind: 'ok', tokens: FIX.match(/[\s\S]{1,12}/g) ?? [FIX] }
      : { kind: 'ok', text: PLAN };
  });
  wb = await openWorkbench(page, {
    fixture: 'failing-tests-project',
    prepare: (root) => {
      mkdirSync(join(root, '.powerautomation/workflows'), { recursive: true });
      writeFileSync(
        join(root, '.powerautomation/workflows/deploy.yml'),
        'name: deploy\ndescription: Ships it.\nsteps:\n  - id: push\n    run: { command: git, argz: [push] }\n',
      );
    },
  });
  const { port, token } = /127\.0\.0\.1:(?<port>\d+)\/#token=(?<token>[\w-]+)/.exec(wb.url)?.groups ?? {};
  const client = await connectClient(`ws://127.0.0.1:${port}/rpc`, token ?? '');
  await useLoopbackModel(client, provider);
  client.close();

  await page.locator('[data-view="workflow"]').click();
  const panel = page.getByTestId('workflow-panel');
  await expect(panel.getByTestId('wf-card-codeflow')).toContainText('From a spec to a plan');
  await expect(panel.getByTestId('wf-card-deploy')).toContainText(
    '.powerautomation/workflows/deploy.yml:5:26 — unknown key "argz"',
  );

  // test: runs `npm test`, finds the one failure with its location
  await panel.getByTestId('wf-card-test').click();
  await panel.getByTestId('wf-run').click();
  await expect(panel.getByTestId('wf-run-state')).toHaveText('succeeded');
  await panel.getByTestId('wf-step-tests').locator('.wf-step__head').click();
  await expect(panel.getByTestId('wf-failures')).toContainText('test/math.test.js:10');
  await expect(panel.getByTestId('wf-failures')).toContainText('multiplies two numbers');
  await page.screenshot({ path: 'test-results/workflow-test-failures.png' });

  // codeflow: plan → diff → approve → apply → tests pass, no fix round needed
  await panel.getByRole('button', { name: '← Workflows' }).click();
  await panel.getByTestId('wf-card-codeflow').click();
  await panel.getByTestId('wf-input-spec').fill('multiply(3, 4) must return 12');
  await panel.getByTestId('wf-run').click();
  await expect(panel.getByTestId('wf-approve')).toContainText('+  return a * b;');
  await expect(panel.getByTestId('wf-run-state')).toHaveText('waiting');

  // A reload closes the connection that started the run; the run waits on, and the panel finds it again.
  await page.reload();
  await expect(page.getByTestId('connection')).toHaveText(/Engine connected/);
  // (the workbench restores its layout, so the Workflows panel is open again)
  await expect(panel.getByTestId('wf-run-state')).toHaveText('waiting');
  await expect(panel.getByTestId('wf-step-plan')).toHaveAttribute('data-state', 'succeeded');
  await expect(panel.getByTestId('wf-approve')).toContainText('+  return a * b;');
  await page.screenshot({ path: 'test-results/workflow-reattached.png' });
  await panel.getByTestId('wf-approve-yes').click();
  await expect(panel.getByTestId('wf-run-state')).toHaveText('succeeded');
  await expect(panel.getByTestId('wf-step-tests')).toHaveAttribute('data-state', 'succeeded');
  await expect(panel.getByTestId('wf-step-fix')).toHaveAttribute('data-state', 'skipped');
  await expect(panel.getByTestId('wf-diff')).toContainText('return a * b;');
  await page.screenshot({ path: 'test-results/workflow-timeline.png' });

  expect(readFileSync(join(wb.root, 'src/math.js'), 'utf8')).toContain('return a * b;');
  const tests = spawnSync(process.execPath, ['--test'], { cwd: wb.root, encoding: 'utf8' });
  expect(tests.status, tests.stdout).toBe(0);
  expect(wb.errors()).toEqual([]);
});
