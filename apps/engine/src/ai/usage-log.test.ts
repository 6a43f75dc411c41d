// The Usage view's aggregation over a real SQLite store: requests and tokens per provider per day (in the caller's
// offset), TTFT and tokens/s per bucket, error and fallback rates, completions' attempts counted as requests, the
// top-N provider fold, empty ranges, retention.
import { USAGE_MAX_PROVIDERS, USAGE_OTHER_PROVIDER } from '@pa/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../store/index.js';
import { DAY_MS, HOUR_MS, usageRange } from '../usage/index.js';
import { AI_MIGRATIONS, createPerfLog } from './perf.js';
import { SENT_MIGRATION } from './sent-log.js';
import { createUsageLog, MAX_ROWS, RETENTION_MS, type RequestRecord, USAGE_MIGRATION } from './usage-log.js';

const T0 = Date.UTC(2026, 10, 10); // 2026-11-10T00:00Z
let store: Store | null = null;
let now = T0 + 10 * DAY_MS;

afterEach(() => {
  store?.close();
  store = null;
  now = T0 + 10 * DAY_MS;
});

function open() {
  store = openStore(':memory:');
  store.migrate('ai', [...AI_MIGRATIONS, SENT_MIGRATION, USAGE_MIGRATION]);
  const perf = createPerfLog(store);
  const usage = createUsageLog(store, () => now);
  let n = 0;
  const request = (fields: Partial<RequestRecord> & { at: number }) =>
    usage.record({
      id: `r${n++}`,
      task: 'chat',
      providerId: 'alpha',
      model: 'm',
      outcome: 'ok',
      attempts: 1,
      fallbacks: 0,
      ttftMs: 100,
      totalMs: 1_100,
      tokensIn: 10,
      tokensOut: 11,
      ...fields,
    });
  return { store, perf, usage, request };
}

const range = (from: number, to: number, extra: { bucket?: 'hour' | 'day'; utcOffsetMinutes?: number } = {}) =>
  usageRange({ from, to, utcOffsetMinutes: 0, ...extra });

describe('usage aggregation', () => {
  it('counts requests, errors, fallbacks and tokens per provider per day, and rates over the range', () => {
    const { usage, request } = open();
    request({ at: T0 + HOUR_MS }); // alpha ok
    request({ at: T0 + 2 * HOUR_MS, providerId: 'beta', fallbacks: 1, attempts: 2, tokensIn: 5, tokensOut: 50 });
    // failed everywhere after trying two: an error, not a fallback
    request({
      at: T0 + 3 * HOUR_MS,
      outcome: 'server',
      attempts: 2,
      fallbacks: 2,
      ttftMs: null,
      tokensIn: 0,
      tokensOut: 0,
    });
    request({ at: T0 + DAY_MS + HOUR_MS, outcome: 'cancelled', ttftMs: null, tokensOut: 0 });
    request({ at: T0 + DAY_MS + 2 * HOUR_MS, providerId: null, model: null, outcome: 'unavailable', attempts: 0 });
    const result = usage.usage(range(T0, T0 + 2 * DAY_MS, { bucket: 'day' }));
    // most requests first, ties by name
    expect(result.providers).toEqual(['alpha', '(none)', 'beta']);
    expect(result.daily).toEqual([
      { day: '2026-11-10', providerId: 'alpha', requests: 2, errors: 1, fallbacks: 0, tokensIn: 10, tokensOut: 11 },
      { day: '2026-11-10', providerId: 'beta', requests: 1, errors: 0, fallbacks: 1, tokensIn: 5, tokensOut: 50 },
      { day: '2026-11-11', providerId: '(none)', requests: 1, errors: 1, fallbacks: 0, tokensIn: 10, tokensOut: 11 },
      { day: '2026-11-11', providerId: 'alpha', requests: 1, errors: 0, fallbacks: 0, tokensIn: 10, tokensOut: 0 },
    ]);
    expect(result.totals).toMatchObject({ requests: 5, errors: 2, cancelled: 1, fallbacks: 1, tokensOut: 72 });
    expect(result.totals.errorRate).toBeCloseTo(2 / 5);
    expect(result.totals.fallbackRate).toBeCloseTo(1 / 5);
    // ttft and tokens/s only of answered requests: (11-1) tokens in 1 s, (50-1) in 1 s
    expect(result.totals.ttftMs).toBe(100);
    expect(result.totals.tokensPerS).toBeCloseTo((10 + 49) / 2, 1);
    expect(result.series.map((point) => point.t)).toEqual([T0, T0 + DAY_MS]);
    expect(result.series[0]).toMatchObject({ requests: 3, errors: 1, fallbacks: 1, ttftMs: 100 });
    expect(result.series[1]).toMatchObject({ requests: 2, errors: 1, ttftMs: null, tokensPerS: null });
  });

  it('cuts days at the caller’s offset: 23:30 UTC is the next day at UTC+1', () => {
    const { usage, request } = open();
    request({ at: T0 + 23.5 * HOUR_MS });
    const utc = usage.usage(range(T0, T0 + 2 * DAY_MS, { bucket: 'day' }));
    expect(utc.daily.map((row) => row.day)).toEqual(['2026-11-10']);
    const plusOne = usage.usage(range(T0, T0 + 2 * DAY_MS, { bucket: 'day', utcOffsetMinutes: 60 }));
    expect(plusOne.daily.map((row) => row.day)).toEqual(['2026-11-11']);
    // the buckets start at local midnights
    expect(plusOne.series[0]?.t).toBe(T0 - HOUR_MS);
  });

  it('gives a dense hourly series with empty buckets as gaps, and nothing outside [from, to)', () => {
    const { usage, request } = open();
    request({ at: T0 - 1 });
    request({ at: T0 + 5 * HOUR_MS + 10, ttftMs: 200 });
    request({ at: T0 + 5 * HOUR_MS + 20, ttftMs: 400 });
    request({ at: T0 + DAY_MS });
    const result = usage.usage(range(T0, T0 + DAY_MS));
    expect(result.series).toHaveLength(24);
    expect(result.series[5]).toMatchObject({ requests: 2, ttftMs: 300 });
    expect(result.series.filter((point) => point.requests > 0)).toHaveLength(1);
    expect(result.series[0]).toEqual({ t: T0, requests: 0, errors: 0, fallbacks: 0, ttftMs: null, tokensPerS: null });
    expect(result.totals.requests).toBe(2);
  });

  it('counts a completion’s attempts (no routed request) each as a request; a routed request’s attempts not', () => {
    const { usage, perf, request } = open();
    const call = { model: 'm', ttftMs: 50, totalMs: 60, tokensIn: 3, tokensOut: 2 };
    perf.record({ ...call, at: T0 + 10, providerId: 'fim', task: 'completion', outcome: 'ok' });
    perf.record({ ...call, at: T0 + 20, providerId: 'fim', task: 'completion', outcome: 'ttft-timeout' });
    request({ id: 'routed', at: T0 + 30 });
    perf.record({ ...call, at: T0 + 30, providerId: 'alpha', task: 'chat', outcome: 'server', requestId: 'routed' });
    const result = usage.usage(range(T0, T0 + DAY_MS));
    expect(result.totals).toMatchObject({ requests: 3, errors: 1 });
    expect(result.daily.find((row) => row.providerId === 'fim')).toMatchObject({ requests: 2, errors: 1 });
    expect(result.daily.find((row) => row.providerId === 'alpha')).toMatchObject({ requests: 1, errors: 0 });
  });

  it(`names the ${USAGE_MAX_PROVIDERS} busiest providers and sums the rest as "other"`, () => {
    const { usage, request } = open();
    for (let p = 0; p < USAGE_MAX_PROVIDERS + 3; p++) {
      for (let i = 0; i <= p; i++) request({ at: T0 + i, providerId: `p${String(p).padStart(2, '0')}` });
    }
    const result = usage.usage(range(T0, T0 + DAY_MS, { bucket: 'day' }));
    expect(result.providers).toHaveLength(USAGE_MAX_PROVIDERS + 1);
    expect(result.providers[0]).toBe(`p${USAGE_MAX_PROVIDERS + 2}`);
    expect(result.providers.at(-1)).toBe(USAGE_OTHER_PROVIDER);
    // p00, p01, p02 (1 + 2 + 3 requests) are the other
    expect(result.daily.find((row) => row.providerId === USAGE_OTHER_PROVIDER)?.requests).toBe(6);
    const total = result.daily.reduce((sum, row) => sum + row.requests, 0);
    expect(total).toBe(result.totals.requests);
  });

  it('answers an empty range with zeros and gaps, not errors', () => {
    const { usage } = open();
    const result = usage.usage(range(T0, T0 + 7 * DAY_MS));
    expect(result.providers).toEqual([]);
    expect(result.daily).toEqual([]);
    expect(result.series).toHaveLength(7);
    expect(result.series.every((point) => point.requests === 0 && point.ttftMs === null)).toBe(true);
    expect(result.totals).toMatchObject({ requests: 0, errorRate: 0, fallbackRate: 0, ttftMs: null, tokensPerS: null });
  });

  it('keeps 90 days and at most MAX_ROWS rows per table', () => {
    const { usage, request, store } = open();
    request({ at: now - RETENTION_MS - 1 });
    request({ at: now - RETENTION_MS + DAY_MS });
    expect(usage.prune(now)).toBe(1);
    const insert = store.db.prepare(
      "INSERT INTO ai_requests (id, at, task, outcome, attempts, fallbacks, total_ms, tokens_in, tokens_out) VALUES (?, ?, 'chat', 'ok', 1, 0, 1, 0, 0)",
    );
    store.db.transaction(() => {
      for (let i = 0; i < MAX_ROWS + 5; i++) insert.run(`bulk${i}`, now - 1_000 + (i % 1_000));
    })();
    usage.prune(now);
    expect(store.db.prepare('SELECT count(*) AS n FROM ai_requests').get()).toEqual({ n: MAX_ROWS });
  });
});
