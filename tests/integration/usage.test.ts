// The Usage view's RPC through the real, built engine (the test build, trusting a throwaway vendor key) after real
// requests to loopback OpenAI-compatible providers: requests, tokens, errors and fallbacks per provider per day,
// TTFT and tokens/s over time, the quota against the edition's limit; hostile ranges are typed errors. The audit
// log filters in the engine, and exports (JSON, CSV) only for an edition with `audit.export` — the denial and the
// export are both audited.
import { ErrorCode, generateKeyPair, type RpcClient } from '@pa/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueLicense } from '../../apps/engine/src/license/vendor.js';
import { collectAiStream as collect } from '../support/ai-stream.js';
import { type StartedEngine, startEngine } from '../support/engine.js';
import { errorOf } from '../support/error-of.js';
import { type LoopbackProvider, startLoopbackOpenAI } from '../support/loopback-providers.js';
import { testVendorEnv } from '../support/vendor-key.js';

const vendor = generateKeyPair();
const env = { ...testVendorEnv(Buffer.from(vendor.publicKey).toString('base64')), PA_SECRETS_BACKEND: 'file' };
const DAY = 86_400_000;

describe('usage.summary and the audit log through the engine', () => {
  let engine: StartedEngine;
  let client: RpcClient;
  let flaky: LoopbackProvider;
  let good: LoopbackProvider;
  const startedAt = Date.now();

  beforeAll(async () => {
    flaky = await startLoopbackOpenAI({ kind: 'status', status: 500 });
    good = await startLoopbackOpenAI({ kind: 'ok', tokens: ['one ', 'two ', 'three ', 'four'], gapMs: 5 });
    engine = await startEngine({ env });
    client = await engine.connect();
    for (const [id, server, priority] of [
      ['flaky', flaky, 5],
      ['good', good, 0],
    ] as const) {
      await client.call('ai.providers.add', {
        id,
        kind: 'openai-compatible',
        modelClass: 'own_key',
        model: `${id}-model`,
        baseURL: server.baseURL,
        apiKey: `sk-${id}-key`,
        priority,
      });
    }
    // three answered after falling back from flaky (failed, or skipped once its circuit opens)
    for (let i = 0; i < 3; i++) {
      const end = await collect(client.stream('ai.chat', { messages: [{ role: 'user', content: `question ${i}` }] }));
      expect(end.kind).toBe('done');
    }
    // one that fails: pinned to flaky
    const failed = await collect(
      client.stream('ai.chat', { messages: [{ role: 'user', content: 'pinned' }], provider: 'flaky' }),
    );
    expect(failed.kind).toBe('error');
  });

  afterAll(async () => {
    await engine?.stop();
    await flaky?.close();
    await good?.close();
  });

  it('sums the requests per provider per day with tokens, errors and fallbacks, and rates over the range', async () => {
    const now = Date.now();
    const summary = await client.call('usage.summary', { from: now - 7 * DAY, to: now + 1 });
    expect(summary.bucket).toBe('day');
    expect(summary.edition).toBe('personal');
    expect(summary.providers).toEqual(['good', 'flaky']);
    const today = new Date(now).toISOString().slice(0, 10);
    const good = summary.daily.find((row) => row.providerId === 'good');
    const flaky = summary.daily.find((row) => row.providerId === 'flaky');
    expect(good).toMatchObject({ day: today, requests: 3, errors: 0, fallbacks: 3 });
    expect(good?.tokensOut).toBeGreaterThan(0);
    expect(flaky).toMatchObject({ day: today, requests: 1, errors: 1, fallbacks: 0, tokensOut: 0 });
    expect(summary.totals).toMatchObject({ requests: 4, errors: 1, fallbacks: 3, cancelled: 0 });
    expect(summary.totals.errorRate).toBeCloseTo(0.25);
    expect(summary.totals.fallbackRate).toBeCloseTo(0.75);
    expect(summary.totals.ttftMs).toBeGreaterThan(0);
    // a dense daily series over the 8 days the range touches; today's bucket holds the four
    expect(summary.series.length).toBeGreaterThanOrEqual(7);
    expect(summary.series.at(-1)).toMatchObject({ requests: 4, errors: 1, fallbacks: 3 });
    expect(summary.series.slice(0, -1).every((point) => point.requests === 0 && point.ttftMs === null)).toBe(true);
    // the quota: three remote requests charged (the failed one was refunded), against the personal limit
    const quota = summary.quotas.find((entry) => entry.metric === 'ai_requests');
    expect(quota).toEqual({ metric: 'ai_requests', limit: 100, days: [{ day: today, used: 3 }] });
    expect(summary.workflows).toEqual([]);
  });

  it('gives hourly time to first token and tokens/s for a short range', async () => {
    const now = Date.now();
    const summary = await client.call('usage.summary', { from: startedAt - 3_600_000, to: now + 1 });
    expect(summary.bucket).toBe('hour');
    const busy = summary.series.filter((point) => point.requests > 0);
    expect(busy.reduce((sum, point) => sum + point.requests, 0)).toBe(4);
    expect(busy.some((point) => point.ttftMs !== null && point.ttftMs > 0)).toBe(true);
    expect(busy.some((point) => point.tokensPerS !== null && point.tokensPerS > 0)).toBe(true);
  });

  it('answers an empty range with zeros, and hostile ranges and dates with E_BAD_REQUEST', async () => {
    const empty = await client.call('usage.summary', { from: Date.UTC(2020, 0, 1), to: Date.UTC(2020, 0, 8) });
    expect(empty.totals.requests).toBe(0);
    expect(empty.daily).toEqual([]);
    expect(empty.series).toHaveLength(7);
    const now = Date.now();
    for (const params of [
      { from: now, to: now - DAY },
      { from: 0, to: now },
      { from: now - 30 * DAY, to: now, bucket: 'hour' },
      { from: 'yesterday', to: now },
      { from: Number.NaN, to: now },
      { from: now - DAY, to: 1e300 },
      { from: now - DAY, to: now, utcOffsetMinutes: 10_000 },
    ]) {
      // @ts-expect-error hostile params, as a client may send them
      const error = await errorOf(client.call('usage.summary', params));
      expect(error.code, JSON.stringify(params)).toBe(ErrorCode.BAD_REQUEST);
    }
    // the engine keeps answering
    expect((await client.call('usage.summary', { from: now - DAY, to: now })).bucket).toBe('hour');
  });

  it('filters the audit log, and exports it only for an edition with audit.export', async () => {
    // personal: the export is refused, and the refusal is audited
    const refused = await errorOf(client.call('audit.export', { format: 'csv' }));
    expect(refused.code).toBe(ErrorCode.LICENSE);
    const denied = await client.call('audit.query', { types: ['entitlement.denied'] });
    expect(denied.items).toHaveLength(1);
    expect(denied.items[0]?.detail).toMatchObject({ entitlement: 'feature:audit.export' });

    const key = issueLicense(
      { edition: 'enterprise', licensee: 'Ada', email: 'ada@example.com', days: 30, now: Date.now() },
      vendor.secretKey,
    );
    await client.call('license.activate', { key });
    const all = await client.call('audit.query', {});
    expect(all.types).toEqual(expect.arrayContaining(['entitlement.denied', 'license.installed']));
    expect(all.items.map((entry) => entry.id)).toEqual([...all.items.map((entry) => entry.id)].sort((a, b) => b - a));
    // text matches the detail, case-insensitively; % is plain text, not a wildcard
    expect((await client.call('audit.query', { text: 'ENTERPRISE' })).items.map((entry) => entry.type)).toEqual([
      'license.installed',
    ]);
    expect((await client.call('audit.query', { text: '%' })).total).toBe(0);
    expect((await client.call('audit.query', { from: Date.now() + DAY })).total).toBe(0);
    const byActor = await client.call('audit.query', { actor: all.items[0]?.actor ?? '' });
    expect(byActor.total).toBe(all.total);
    const paged = await client.call('audit.query', { limit: 1 });
    const next = await client.call('audit.query', { limit: 1, before: paged.items[0]?.id ?? 0 });
    expect(next.items[0]?.id).toBeLessThan(paged.items[0]?.id ?? 0);

    const csv = await client.call('audit.export', { format: 'csv', types: ['license.installed'] });
    expect(csv).toMatchObject({ mimeType: 'text/csv', rows: 1, truncated: false });
    expect(csv.fileName).toMatch(/^audit-log-.+\.csv$/);
    const lines = csv.content.trim().split('\r\n');
    expect(lines[0]).toBe('id,time,type,actor,detail');
    expect(lines[1]).toMatch(/^\d+,\d{4}-\d\d-\d\dT[^,]+,license\.installed,[^,]+,"\{""licenseId""/);
    expect(csv.content).not.toContain(key);
    const json = await client.call('audit.export', { format: 'json' });
    const rows = JSON.parse(json.content) as Array<{ type: string; time: string }>;
    expect(rows.map((row) => row.type)).toEqual(expect.arrayContaining(['license.installed', 'audit.exported']));
    expect(rows[0]?.time).toMatch(/^\d{4}-/);
    // each export is itself in the log
    expect((await client.call('audit.query', { types: ['audit.exported'] })).total).toBe(2);
    // a hostile filter is a typed error
    const bad = await errorOf(
      // @ts-expect-error hostile params
      client.call('audit.query', { types: 'license.installed', limit: 100_000 }),
    );
    expect(bad.code).toBe(ErrorCode.BAD_REQUEST);
  });
});
