// The Usage view's chart data, shaped from one `usage.summary` answer (pure: no DOM, no uPlot). x values are epoch
// seconds of each day's local midnight (so the axis names the day the engine counted it on), or of each bucket.
import type { UsageSummary } from '@pa/shared';

const DAY_MS = 86_400_000;

export type Column = Array<number | null>;

export interface DailyChart {
  /** Epoch seconds, one per day of the range. */
  x: number[];
  days: string[];
  providers: string[];
  /** Per provider, per day. */
  requests: number[][];
  tokens: number[][];
}

/** 'YYYY-MM-DD' → epoch seconds of that date's local midnight (what the chart's date axis shows as that day). */
export function dayToX(day: string): number {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  return new Date(year, month - 1, date).getTime() / 1000;
}

/** Every day (YYYY-MM-DD, cut `offsetMinutes` east of UTC) that [from, to) touches. */
export function daysOf(from: number, to: number, offsetMinutes: number): string[] {
  const offset = offsetMinutes * 60_000;
  const first = Math.floor((from + offset) / DAY_MS);
  const last = Math.floor((to - 1 + offset) / DAY_MS);
  const days: string[] = [];
  for (let d = first; d <= last && days.length < 400; d++) days.push(new Date(d * DAY_MS).toISOString().slice(0, 10));
  return days;
}

export function dailyChart(summary: UsageSummary): DailyChart {
  const days = daysOf(summary.from, summary.to, summary.utcOffsetMinutes);
  const index = new Map(days.map((day, i) => [day, i]));
  const providers = summary.providers;
  const requests = providers.map(() => days.map(() => 0));
  const tokens = providers.map(() => days.map(() => 0));
  for (const row of summary.daily) {
    const d = index.get(row.day);
    const p = providers.indexOf(row.providerId);
    if (d === undefined || p < 0) continue;
    (requests[p] as number[])[d] = row.requests;
    (tokens[p] as number[])[d] = row.tokensIn + row.tokensOut;
  }
  return { x: days.map(dayToX), days, providers, requests, tokens };
}

/** Running sums, for stacked bars: the k-th column is the sum of columns 0..k. */
export function stacked(columns: readonly number[][]): number[][] {
  const sums: number[][] = [];
  columns.forEach((column, k) => {
    sums.push(column.map((value, i) => value + (k > 0 ? ((sums[k - 1] as number[])[i] ?? 0) : 0)));
  });
  return sums;
}

export interface TimeChart {
  x: number[];
  ttftMs: Column;
  tokensPerS: Column;
  /** Percent of requests; null where there were none. */
  errorPct: Column;
  fallbackPct: Column;
  requests: number[];
}

export function timeChart(summary: UsageSummary): TimeChart {
  const pct = (part: number, whole: number) => (whole === 0 ? null : Math.round((part / whole) * 1000) / 10);
  return {
    x: summary.series.map((point) => point.t / 1000),
    ttftMs: summary.series.map((point) => point.ttftMs),
    tokensPerS: summary.series.map((point) => point.tokensPerS),
    errorPct: summary.series.map((point) => pct(point.errors, point.requests)),
    fallbackPct: summary.series.map((point) => pct(point.fallbacks, point.requests)),
    requests: summary.series.map((point) => point.requests),
  };
}

export interface QuotaChart {
  metric: UsageSummary['quotas'][number]['metric'];
  limit: number | null;
  x: number[];
  days: string[];
  used: number[];
  /** The limit on each day (the same value; null when unlimited), drawn as a line. */
  limitLine: Column;
  /** Today's use (the last day of the range that has a row, else 0). */
  latest: number;
}

/** Quota days are UTC days (the ledger resets at 00:00 UTC). */
export function quotaCharts(summary: UsageSummary): QuotaChart[] {
  const days = daysOf(summary.from, summary.to, 0);
  return summary.quotas.map((quota) => {
    const used = new Map(quota.days.map((row) => [row.day, row.used]));
    return {
      metric: quota.metric,
      limit: quota.limit,
      x: days.map(dayToX),
      days,
      used: days.map((day) => used.get(day) ?? 0),
      limitLine: days.map(() => quota.limit),
      latest: quota.days.at(-1)?.used ?? 0,
    };
  });
}

export interface WorkflowChart {
  x: number[];
  succeeded: number[];
  failed: number[];
  cancelled: number[];
  other: number[];
  total: number;
}

export function workflowChart(summary: UsageSummary): WorkflowChart {
  const days = daysOf(summary.from, summary.to, summary.utcOffsetMinutes);
  const byDay = new Map(summary.workflows.map((row) => [row.day, row]));
  const column = (key: 'succeeded' | 'failed' | 'cancelled' | 'other') => days.map((day) => byDay.get(day)?.[key] ?? 0);
  const succeeded = column('succeeded');
  const failed = column('failed');
  const cancelled = column('cancelled');
  const other = column('other');
  const total = [...succeeded, ...failed, ...cancelled, ...other].reduce((sum, n) => sum + n, 0);
  return { x: days.map(dayToX), succeeded, failed, cancelled, other, total };
}

/** 1234 → "1.2k", 1_500_000 → "1.5M". */
export function compact(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1_000_000) return `${trim(value / 1_000_000)}M`;
  if (abs >= 1_000) return `${trim(value / 1_000)}k`;
  return trim(value);
}

function trim(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1).replace(/\.0$/, '');
}
