// The Usage view end to end in browser mode against the real engine (the test build, trusting a throwaway vendor
// key) and loopback OpenAI-compatible providers: after a few AI requests (one provider fails, so the others fall
// back), "Usage" in the command palette opens the view; its uPlot charts draw with axes and legends, follow the
// panel's width, and the audit log filters and exports (JSON and CSV) once the edition includes the export.
// The past cannot be requested, so the week before today is seeded into the engine's database as the engine records
// it (ai_requests and workflow_runs rows; quota rows are sealed and are not touched): the charts then aggregate
// several days, and today's real requests on top.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeyPair } from '@pa/shared';
import { expect, type Page, test } from '@playwright/test';
import Database from 'better-sqlite3';
import { issueLicense } from '../../apps/engine/src/license/vendor.js';
import { collectAiStream } from '../support/ai-stream';
import { type LoopbackProvider, startLoopbackOpenAI } from '../support/loopback-providers';
import { testVendorEnv } from '../support/vendor-key';
import { type OpenedWorkbench, openWorkbench } from './support/workbench';

const vendor = generateKeyPair();
const env = { ...testVendorEnv(Buffer.from(vendor.publicKey).toString('base64')), PA_SECRETS_BACKEND: 'file' };

let wb: OpenedWorkbench | null = null;
const servers: LoopbackProvider[] = [];

test.afterEach(async () => {
  await wb?.close();
  wb = null;
  for (const server of servers.splice(0)) await server.close();
});

const DAY = 86_400_000;

/** Six days of earlier usage, deterministic, as the router and the workflow store write it. */
async function seedHistory(
  dataDir: string,
): Promise<{ requests: number; errors: number; fallbacks: number; runs: number }> {
  const seeded = { requests: 0, errors: 0, fallbacks: 0, runs: 0 };
  const db = new Database(join(dataDir, 'powerautomation.db'));
  db.pragma('busy_timeout = 5000');
  try {
    // the workflow tables come with the workflow capability, which loads 1.5 s after the engine starts
    await expect
      .poll(() => db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'workflow_runs'").get() !== undefined)
      .toBe(true);
    const request = db.prepare(
      `INSERT INTO ai_requests (id, at, task, provider_id, model, outcome, attempts, fallbacks, ttft_ms, total_ms,
         tokens_in, tokens_out, tokens_per_s) VALUES (?, ?, 'chat', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const run = db.prepare(
      `INSERT INTO workflow_runs (id, workflow, source, definition, workspace, inputs, state, actor, engine_pid,
         created_at, started_at, finished_at) VALUES (?, 'test', 'builtin', '{}', '/seed', '{}', ?, 'ui', 1, ?, ?, ?)`,
    );
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const midnight = new Date();
    midnight.setHours(0, 0, 0, 0);
    db.transaction(() => {
      for (let back = 6; back >= 1; back--) {
        const day = midnight.getTime() - back * DAY;
        const count = 8 + Math.floor(random() * 14);
        for (let i = 0; i < count; i++) {
          const at = day + 8 * 3_600_000 + Math.floor(random() * 10 * 3_600_000);
          const pick = random();
          const providerId = pick < 0.55 ? 'claude-proxy' : pick < 0.85 ? 'local-vllm' : 'gateway';
          const failed = providerId === 'gateway' ? random() < 0.5 : random() < 0.05;
          const fellBack = !failed && providerId !== 'gateway' && random() < 0.3;
          const ttft = providerId === 'local-vllm' ? 120 + random() * 120 : 280 + random() * 380;
          const tokensOut = failed ? 0 : 80 + Math.floor(random() * 700);
          const rate = providerId === 'local-vllm' ? 55 + random() * 25 : 28 + random() * 20;
          seeded.requests += 1;
          if (failed) seeded.errors += 1;
          if (fellBack) seeded.fallbacks += 1;
          request.run(
            `seed-${back}-${i}`,
            at,
            providerId,
            `${providerId}-model`,
            failed ? 'server' : 'ok',
            fellBack ? 2 : 1,
            fellBack ? 1 : 0,
            failed ? null : ttft,
            failed ? 900 : ttft + (tokensOut / rate) * 1000,
            200 + Math.floor(random() * 2_400),
            tokensOut,
            failed ? null : rate,
          );
        }
        for (let i = 0; i < 1 + Math.floor(random() * 4); i++) {
          const at = day + 10 * 3_600_000 + i * 3_600_000;
          const state = random() < 0.75 ? 'succeeded' : random() < 0.6 ? 'failed' : 'cancelled';
          run.run(`seed-run-${back}-${i}`, state, at, at + 1_000, at + 60_000);
          seeded.runs += 1;
        }
      }
    })();
  } finally {
    db.close();
  }
  return seeded;
}

async function runCommand(page: Page, text: string, title: string): Promise<void> {
  await page.keyboard.press('Control+Shift+P');
  await page.locator('.picker__input').fill(text);
  await expect(page.locator('.picker__item--selected')).toContainText(title);
  await page.keyboard.press('Enter');
}

test('Usage shows requests, latency, errors, quotas and the audit log as charts; the log filters and exports', async ({
  page,
}) => {
  const flaky = await startLoopbackOpenAI({ kind: 'status', status: 503 });
  const good = await startLoopbackOpenAI({ kind: 'ok', tokens: ['Sure', ', ', 'here ', 'it ', 'is.'], gapMs: 20 });
  const fast = await startLoopbackOpenAI({ kind: 'ok', tokens: ['ok ', 'done'], gapMs: 5 });
  servers.push(flaky, good, fast);
  wb = await openWorkbench(page, { env });
  const seeded = await seedHistory(wb.dataDir);
  const client = await wb.connect();
  for (const [id, server, priority] of [
    ['gateway', flaky, 5],
    ['claude-proxy', good, 1],
    ['local-vllm', fast, 0],
  ] as const) {
    await client.call('ai.providers.add', {
      id,
      kind: 'openai-compatible',
      modelClass: 'own_key',
      model: `${id}-model`,
      baseURL: server.baseURL,
      apiKey: `sk-${id}`,
      priority,
    });
  }
  // a few requests: Auto falls back from the failing gateway; two are pinned to the other providers; one fails
  const ask = (content: string, provider?: string) =>
    collectAiStream(
      client.stream('ai.chat', { messages: [{ role: 'user', content }], ...(provider ? { provider } : {}) }),
    );
  for (let i = 0; i < 3; i++) expect((await ask(`question ${i}`)).kind).toBe('done');
  expect((await ask('quick one', 'local-vllm')).kind).toBe('done');
  expect((await ask('pinned to the gateway', 'gateway')).kind).toBe('error');
  // the personal edition may not export the log: that refusal is the audit row we filter for below
  await client.call('audit.export', { format: 'json' }).catch(() => undefined);

  await runCommand(page, 'Usage', 'Usage: Open Usage');
  const view = page.getByTestId('usage-view');
  await expect(view).toBeVisible();
  await expect(page.locator('.tab', { hasText: 'Usage' })).toBeVisible();

  // the week: the seeded days plus today's 5 requests (1 failed, 3 answered after a fallback); 4 charged today
  const cards = view.getByTestId('usage-card');
  const card = (label: string) => cards.filter({ has: page.getByText(label, { exact: true }) });
  await expect(card('AI requests')).toContainText(`${seeded.requests + 5}3 providers`);
  await expect(card('Error rate')).toContainText(`${seeded.errors + 1} failed`);
  await expect(card('Fallback rate')).toContainText(`${seeded.fallbacks + 3} answered after a fallback`);
  await expect(card('AI quota today')).toContainText('4 / 100');
  await expect(card('Workflow runs')).toContainText(`${seeded.runs}in this range`);

  // every chart drew a canvas with its axes and a legend naming its series
  const charts = [
    'usage-chart-requests',
    'usage-chart-tokens',
    'usage-chart-latency',
    'usage-chart-errors',
    'usage-chart-quota-ai_requests',
    'usage-chart-quota-workflow_runs',
    'usage-chart-workflows',
  ];
  for (const id of charts) {
    const chart = view.getByTestId(id);
    await expect(chart.locator('canvas')).toHaveCount(1);
    await expect(chart.locator('.u-axis').first()).toBeVisible();
    await expect(chart.locator('.u-legend')).toBeVisible();
  }
  const requests = view.getByTestId('usage-chart-requests');
  // off the chart, the legend shows each provider's total over the range; under the cursor, that day's
  for (const provider of ['claude-proxy', 'local-vllm', 'gateway']) {
    await expect(requests.locator('.u-legend')).toContainText(new RegExp(`${provider}\\d+`));
  }
  const plot = requests.locator('.u-over');
  const box = await plot.boundingBox();
  if (!box) throw new Error('the requests chart has no plot area');
  await page.mouse.move(box.x + box.width - 4, box.y + box.height / 2);
  // today, under the cursor: claude-proxy answered the three that fell back from the gateway
  await expect(requests.locator('.u-legend')).toHaveText(/^Day(Mon|Tue|Wed|Thu|Fri|Sat|Sun).*claude-proxy3$/);
  await page.mouse.move(0, 0);
  await expect(view.getByTestId('usage-chart-latency').locator('.u-legend')).toContainText('Time to first token');
  await expect(view.getByTestId('usage-chart-errors').locator('.u-legend')).toContainText('Fallback rate');
  await expect(view.getByTestId('usage-quota-ai_requests')).toContainText('Personal: 100 a day');
  // the bars are drawn: the requests chart's canvas is not blank
  const painted = await requests.locator('canvas').evaluate((canvas: HTMLCanvasElement) => {
    const context = canvas.getContext('2d');
    if (!context) return 0;
    const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
    let coloured = 0;
    for (let i = 3; i < data.length; i += 4) if ((data[i] ?? 0) > 0) coloured++;
    return coloured;
  });
  expect(painted).toBeGreaterThan(500);

  await view.evaluate((element) => element.scrollTo(0, 0));
  await page.screenshot({ path: 'test-results/usage.png' });

  // the audit log: filter by action, then by text
  const audit = view.getByTestId('usage-audit');
  await expect(audit.getByTestId('usage-audit-row')).not.toHaveCount(0);
  await audit.getByTestId('usage-audit-type').selectOption('entitlement.denied');
  await expect(audit.getByTestId('usage-audit-row')).toHaveText([/entitlement\.denied.*feature:audit\.export/]);
  await expect(audit.getByTestId('usage-audit-export-csv')).toHaveCount(0);
  await expect(audit.getByTestId('upgrade-hint')).toContainText(/Enterprise/);

  // an enterprise licence: the export buttons appear (license.changed reaches the page)
  const key = issueLicense(
    { edition: 'enterprise', licensee: 'Ada Lovelace', email: 'ada@example.com', days: 30, now: Date.now() },
    vendor.secretKey,
  );
  await client.call('license.activate', { key });
  await expect(audit.getByTestId('usage-audit-export-csv')).toBeVisible();
  await audit.getByTestId('usage-audit-type').selectOption('');
  await audit.getByTestId('usage-audit-text').fill('enterprise');
  await expect(audit.getByTestId('usage-audit-row')).toHaveText([/license\.installed.*edition: enterprise/]);
  // the lower half of the view: quotas, workflow runs and the filtered audit log
  await view.getByTestId('usage-workflows').evaluate((element) => element.scrollIntoView({ block: 'start' }));
  await page.screenshot({ path: 'test-results/usage-audit.png' });

  const [csv] = await Promise.all([page.waitForEvent('download'), audit.getByTestId('usage-audit-export-csv').click()]);
  expect(csv.suggestedFilename()).toMatch(/^audit-log-.+\.csv$/);
  const csvText = readFileSync((await csv.path()) ?? '', 'utf8');
  expect(csvText.split('\r\n')[0]).toBe('id,time,type,actor,detail');
  expect(csvText).toContain('license.installed');
  expect(csvText).not.toContain('entitlement.denied'); // the filter applies to the export
  await audit.getByTestId('usage-audit-text').fill('');
  await expect(audit.getByTestId('usage-audit-row').filter({ hasText: 'audit.exported' })).toHaveCount(1);
  const [json] = await Promise.all([
    page.waitForEvent('download'),
    audit.getByTestId('usage-audit-export-json').click(),
  ]);
  const rows = JSON.parse(readFileSync((await json.path()) ?? '', 'utf8')) as Array<{ type: string }>;
  expect(rows.map((row) => row.type)).toEqual(
    expect.arrayContaining(['license.installed', 'entitlement.denied', 'audit.exported']),
  );

  // the charts follow the panel's width
  const widthOf = () => requests.locator('canvas').evaluate((canvas) => canvas.getBoundingClientRect().width);
  const wide = await widthOf();
  await page.setViewportSize({ width: 1000, height: 900 });
  await expect.poll(widthOf).not.toBe(wide);
  await page.setViewportSize({ width: 1440, height: 900 });
  await expect.poll(widthOf).toBeCloseTo(wide, 0);

  // the light theme redraws in its colours; back to dark for the screenshot
  await runCommand(page, 'Color Theme: Light', 'Preferences: Color Theme: Light');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  await expect(requests.locator('canvas')).toHaveCount(1);
  await runCommand(page, 'Color Theme: Dark', 'Preferences: Color Theme: Dark');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');

  await view.getByTestId('usage-refresh').click();
  await expect(view.getByTestId('usage-refresh')).toHaveText('Refresh');
  client.close();
  expect(wb.errors()).toEqual([]);
});
