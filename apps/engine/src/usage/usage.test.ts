// `usage.summary`'s ranges (hour or day buckets aligned in the caller's offset; reversed, huge and too-fine ranges
// refused) and the method through the RPC router: the parts composed from the doors, hostile ranges and bad dates
// answered with E_BAD_REQUEST. The SQL aggregation itself is tested in ai/usage-log.test.ts.
import { ErrorCode } from '@pa/shared';
import { describe, expect, it } from 'vitest';
import type { AiUsageRange } from '../ai/api.js';
import { OutboundConnection } from '../rpc/connection.js';
import { Router } from '../rpc/router.js';
import { createUsage } from './index.js';
import { DAY_MS, HOUR_MS, usageRange } from './range.js';

const T0 = Date.UTC(2026, 10, 10); // 2026-11-10T00:00Z

const range = (from: number, to: number, extra: { bucket?: 'hour' | 'day'; utcOffsetMinutes?: number } = {}) =>
  usageRange({ from, to, utcOffsetMinutes: 0, ...extra });

describe('usage ranges', () => {
  it('picks hours up to two days and days beyond, aligned to the hour or the local day', () => {
    expect(range(T0 + 90 * 60_000, T0 + DAY_MS)).toMatchObject({ bucket: 'hour', origin: T0 + HOUR_MS });
    expect(range(T0 + 5 * HOUR_MS, T0 + 30 * DAY_MS)).toMatchObject({ bucket: 'day', origin: T0 });
    expect(range(T0 + 3 * HOUR_MS, T0 + 30 * DAY_MS, { utcOffsetMinutes: -300 })).toMatchObject({
      origin: T0 - DAY_MS + 5 * HOUR_MS,
    });
  });

  it('refuses reversed, empty, huge and hourly-too-wide ranges with E_BAD_REQUEST', () => {
    const code = (run: () => unknown) => {
      try {
        run();
        return 'no error';
      } catch (error) {
        return (error as { code?: string }).code;
      }
    };
    expect(code(() => range(T0, T0))).toBe(ErrorCode.BAD_REQUEST);
    expect(code(() => range(T0 + 1, T0))).toBe(ErrorCode.BAD_REQUEST);
    expect(code(() => range(0, 8_640_000_000_000_000))).toBe(ErrorCode.BAD_REQUEST);
    expect(code(() => range(T0, T0 + 15 * DAY_MS, { bucket: 'hour' }))).toBe(ErrorCode.BAD_REQUEST);
    expect(code(() => range(T0, T0 + 367 * DAY_MS, { bucket: 'day' }))).toBe('no error');
  });
});

describe('usage.summary over RPC', () => {
  const ctx = { connection: new OutboundConnection(() => {}), actor: 'test' };

  function rpc() {
    const asked: AiUsageRange[] = [];
    const router = new Router();
    router.register(
      createUsage({
        ai: {
          usage: (range) => {
            asked.push(range);
            return {
              providers: ['alpha'],
              daily: [],
              series: [],
              totals: {
                requests: 1,
                errors: 0,
                cancelled: 0,
                fallbacks: 0,
                tokensIn: 1,
                tokensOut: 1,
                errorRate: 0,
                fallbackRate: 0,
                ttftMs: null,
                tokensPerS: null,
              },
            };
          },
        },
        quotas: () => ({
          edition: 'personal',
          quotas: [{ metric: 'ai_requests', limit: 100, days: [{ day: '2026-11-10', used: 3 }] }],
        }),
        workflowRuns: async () => [{ day: '2026-11-10', succeeded: 2, failed: 1, cancelled: 0, other: 0 }],
      }).handlers,
    );
    const call = (params: unknown) => router.handle({ id: 1, method: 'usage.summary', params }, ctx);
    return { call, asked };
  }

  it('answers the summary with every part', async () => {
    const { call, asked } = rpc();
    const answer = (await call({ from: T0 + HOUR_MS, to: T0 + 7 * DAY_MS, utcOffsetMinutes: 60 })) as {
      result: Record<string, unknown>;
    };
    // the aggregation is asked for the checked range: day buckets from the local midnight
    expect(asked).toEqual([
      {
        from: T0 + HOUR_MS,
        to: T0 + 7 * DAY_MS,
        bucket: 'day',
        bucketMs: DAY_MS,
        origin: T0 - HOUR_MS,
        offsetMs: HOUR_MS,
      },
    ]);
    expect(answer.result).toMatchObject({
      bucket: 'day',
      bucketMs: DAY_MS,
      edition: 'personal',
      providers: ['alpha'],
      quotas: [{ metric: 'ai_requests', limit: 100 }],
      workflows: [{ day: '2026-11-10', succeeded: 2 }],
    });
  });

  it.each([
    ['a date string', { from: '2026-11-10', to: T0 }],
    ['a fractional time', { from: T0 + 0.5, to: T0 + DAY_MS }],
    ['a negative time', { from: -1, to: T0 }],
    ['NaN-like null', { from: null, to: T0 }],
    ['a time past Date’s range', { from: T0, to: 8.64e15 + 1 }],
    ['an unknown field', { from: T0, to: T0 + DAY_MS, rows: true }],
    ['a bad bucket', { from: T0, to: T0 + DAY_MS, bucket: 'minute' }],
    ['an offset past 14 hours', { from: T0, to: T0 + DAY_MS, utcOffsetMinutes: 900 }],
    ['a reversed range', { from: T0 + DAY_MS, to: T0 }],
    ['a huge range', { from: 0, to: T0 }],
    ['hours over a month', { from: T0, to: T0 + 30 * DAY_MS, bucket: 'hour' }],
  ])('refuses %s with E_BAD_REQUEST', async (_name, params) => {
    const { call, asked } = rpc();
    expect(await call(params)).toMatchObject({ id: 1, error: { code: ErrorCode.BAD_REQUEST } });
    expect(asked).toEqual([]);
  });
});
