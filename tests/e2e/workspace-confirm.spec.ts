// Opening the disk's root (or home, or a system folder) from the browser-mode UI asks first: the engine answers
// E_FORBIDDEN confirm_required, the workbench shows a confirm dialog, and Cancel leaves the open folder as it was.
import { expect, test } from '@playwright/test';
import { type OpenedWorkbench, openWorkbench } from './support/workbench';

let wb: OpenedWorkbench | null = null;
test.afterEach(async () => {
  await wb?.close();
  wb = null;
});

test('asks before opening the root of the disk and keeps the folder open when cancelled', async ({ page }) => {
  wb = await openWorkbench(page);
  await expect(page.locator('.status-item--workspace')).toContainText('pa-e2e-sample-project');

  await page.locator('.status-item--workspace').click();
  await page.locator('.open-folder__input').fill('/');
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  const asking = page.getByRole('dialog').filter({ hasText: 'Open this folder?' });
  await expect(asking).toContainText('the root of the disk');
  await page.screenshot({ path: 'test-results/workspace-confirm-root.png', animations: 'disabled' });
  await asking.getByRole('button', { name: 'Cancel' }).click();

  // nothing opened: the open-folder dialog stays for another path, the workspace is the same
  await expect(asking).toHaveCount(0);
  await expect(page.locator('.open-folder__input')).toHaveValue('/');
  await page.keyboard.press('Escape');
  await expect(page.locator('.status-item--workspace')).toContainText('pa-e2e-sample-project');
  expect(await page.locator('.toast--error').allTextContents()).toEqual([]);
  const client = await wb.connect();
  expect((await client.call('workspace.current')).workspace?.root).toBe(wb.root);
  client.close();
  expect(wb.errors()).toEqual([]);
});
