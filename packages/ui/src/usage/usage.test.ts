// The Usage view's pure chart shaping (dense days in the page's offset, stacking, rates with gaps, quota days in UTC)
// and its controller against a fake engine (the range asked for, the audit filter sent to the engine, the export
// saved and reported, a refused export shown as an error).
import type { AuditEntry, UsageSummary } from '@pa/shared';
import { ErrorCode, PaError } from '@pa/shared';
import { describe, expect, it } from 'vitest';
import { FakeEngine } from '../testing/fake-engine';
import { compact, dailyChart, daysOf, dayToX, quotaCharts, stacked, timeChart, workflowChart } from './series';
import { UsageController } from './usage-controller';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 10);

const summary = (over: Partial<UsageSummary> = {}): UsageSummary => ({
  from: T0,
  to: T0 + 3 * DAY,
  bucket: 'day',
  bucketMs: DAY,
  utcOffsetMinutes: 0,
  edition: 'personal',
  providers: ['a', 'b'],
  daily: [
    { day: '2026-11-10', providerId: 'a', requests: 2, errors: 0, fallbacks: 0, tokensIn: 5, tokensOut: 10 },
    { day: '2026-11-12', providerId: 'b', requests: 1, errors: 1, fallbacks: 0, tokensIn: 0, tokensOut: 0 },
  ],
  series: [
    { t: T0, requests: 2, errors: 0, fallbacks: 1, ttftMs: 120, tokensPerS: 30 },
    { t: T0 + DAY, requests: 0, errors: 0, fallbacks: 0, ttftMs: null, tokensPerS: null },
    { t: T0 + 2 * DAY, requests: 1, errors: 1, fallbacks: 0, ttftMs: null, tokensPerS: null },
  ],
  totals: {
    requests: 3,
    errors: 1,
    cancelled: 0,
    fallbacks: 1,
    tokensIn: 5,
    tokensOut: 10,
    errorRate: 1 / 3,
    fallbackRate: 1 / 3,
    ttftMs: 120,
    tokensPerS: 30,
  },
  quotas: [{ metric: 'ai_requests', limit: 100, days: [{ day: '2026-11-11', used: 7 }] }],
  workflows: [{ day: '2026-11-12', succeeded: 1, failed: 2, cancelled: 0, other: 1 }],
  ...over,
});

describe('usage chart data', () => {
  it('lays the days of the range out densely, per provider, with tokens in + out', () => {
    const chart = dailyChart(summary());
    expect(chart.days).toEqual(['2026-11-10', '2026-11-11', '2026-11-12']);
    expect(chart.x).toEqual(chart.days.map(dayToX));
    expect(chart.requests).toEqual([
      [2, 0, 0],
      [0, 0, 1],
    ]);
    expect(chart.tokens[0]).toEqual([15, 0, 0]);
  });

  it('cuts days at the offset the engine used', () => {
    // 23:00 UTC on the 9th is already the 10th at UTC+2
    expect(daysOf(T0 - 3_600_000, T0 + DAY, 120)).toEqual(['2026-11-10', '2026-11-11']);
    expect(daysOf(T0 - 3_600_000, T0 + DAY, 0)).toEqual(['2026-11-09', '2026-11-10']);
  });

  it('stacks columns as running sums', () => {
    expect(
      stacked([
        [1, 2],
        [3, 0],
        [0, 5],
      ]),
    ).toEqual([
      [1, 2],
      [4, 2],
      [4, 7],
    ]);
  });

  it('gives rates in percent with gaps where there were no requests', () => {
    const chart = timeChart(summary());
    expect(chart.errorPct).toEqual([0, null, 100]);
    expect(chart.fallbackPct).toEqual([50, null, 0]);
    expect(chart.ttftMs).toEqual([120, null, null]);
    expect(chart.x[1]).toBe((T0 + DAY) / 1000);
  });

  it('draws quotas over UTC days with the limit as a line, and workflow runs by state', () => {
    const [quota] = quotaCharts(summary());
    expect(quota).toMatchObject({ metric: 'ai_requests', limit: 100, used: [0, 7, 0], latest: 7 });
    expect(quota?.limitLine).toEqual([100, 100, 100]);
    const unlimited = quotaCharts(summary({ quotas: [{ metric: 'workflow_runs', limit: null, days: [] }] }))[0];
    expect(unlimited?.limitLine).toEqual([null, null, null]);
    const runs = workflowChart(summary());
    expect(runs).toMatchObject({ failed: [0, 0, 2], succeeded: [0, 0, 1], total: 4 });
  });

  it('handles an empty summary', () => {
    const empty = summary({ providers: [], daily: [], workflows: [], quotas: [] });
    expect(dailyChart(empty).requests).toEqual([]);
    expect(workflowChart(empty).total).toBe(0);
  });

  it('writes counts compactly', () => {
    expect([compact(7), compact(1_234), compact(2_000), compact(1_500_000)]).toEqual(['7', '1.2k', '2k', '1.5M']);
  });
});

const entry: AuditEntry = { id: 3, at: T0, type: 'license.installed', actor: 'ui', detail: { edition: 'team' } };

function setup() {
  const engine = new FakeEngine();
  const notes: Array<[string, string | undefined]> = [];
  const saved: Array<{ fileName: string; content: string }> = [];
  engine.answer('usage.summary', async () => summary());
  engine.answer('audit.query', async () => ({
    items: [entry],
    total: 1,
    types: ['license.installed'],
    actors: ['ui'],
  }));
  const controller = new UsageController(
    { client: engine.client, notify: (message, kind) => notes.push([message, kind]) },
    (file) => saved.push(file),
    () => T0 + 3 * DAY,
  );
  return { engine, controller, notes, saved };
}

describe('UsageController', () => {
  it('asks for the chosen range ending now, in the page’s offset', async () => {
    const { engine, controller } = setup();
    await controller.refresh();
    expect(controller.state.value.summary?.totals.requests).toBe(3);
    controller.setRange('30d');
    await Promise.resolve();
    const asked = engine.calls.filter((call) => call.method === 'usage.summary').at(-1)?.params as {
      from: number;
      to: number;
      utcOffsetMinutes: number;
    };
    expect(asked.to - asked.from).toBe(30 * DAY);
    expect(asked.utcOffsetMinutes).toBe(-new Date(asked.to).getTimezoneOffset());
  });

  it('sends the audit filter to the engine, and keeps the engine’s rows', async () => {
    const { engine, controller } = setup();
    controller.setAuditFilter({ type: 'license.installed' });
    controller.setAuditFilter({ actor: 'ui', from: '2026-11-10T00:00' });
    await expect.poll(() => controller.state.value.audit.items).toEqual([entry]);
    const params = engine.calls.filter((call) => call.method === 'audit.query').at(-1)?.params;
    expect(params).toMatchObject({ types: ['license.installed'], actor: 'ui', limit: 100 });
    expect((params as { from: number }).from).toBe(new Date('2026-11-10T00:00').getTime());
    // text waits for a pause in typing, then goes as typed (trimmed)
    const before = engine.calls.length;
    controller.setAuditFilter({ text: ' install ' });
    expect(engine.calls.length).toBe(before);
    await expect.poll(() => engine.calls.length).toBeGreaterThan(before);
    expect(engine.calls.at(-1)?.params).toMatchObject({ text: 'install' });
    controller.dispose();
  });

  it('saves the engine’s export and says how many rows; a refusal is an error toast', async () => {
    const { engine, controller, notes, saved } = setup();
    engine.answer('audit.export', async () => ({
      fileName: 'audit-log.csv',
      mimeType: 'text/csv',
      content: 'id,time,type,actor,detail\r\n',
      rows: 1,
      truncated: false,
    }));
    await controller.exportAudit('csv');
    expect(saved).toEqual([expect.objectContaining({ fileName: 'audit-log.csv' })]);
    expect(notes.at(-1)).toEqual(['Exported 1 audit row as CSV.', undefined]);
    engine.answer('audit.export', async () => {
      throw new PaError(ErrorCode.LICENSE, 'Your Personal edition does not include feature:audit.export.');
    });
    await controller.exportAudit('json');
    expect(notes.at(-1)?.[1]).toBe('error');
    expect(notes.at(-1)?.[0]).toContain('feature:audit.export');
    expect(controller.state.value.exporting).toBeNull();
  });
});
