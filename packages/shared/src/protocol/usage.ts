// usage methods (owned by the usage capability): the editor's Usage view asks for aggregated series over a time
// range — AI requests and tokens per provider per day, time to first token and tokens/s over time, error and
// fallback rates, quota used against the edition's limit, workflow runs. The engine aggregates in SQL; no call
// ships the rows themselves.
import { z } from 'zod';
import { Edition, QuotaMetric } from '../editions.js';
import { method } from '../rpc.js';

/** The widest range one call may cover (a year and a day). */
export const USAGE_MAX_RANGE_MS = 367 * 86_400_000;
/** Hour buckets only up to this range (14 days: 336 buckets). */
export const USAGE_MAX_HOURLY_RANGE_MS = 14 * 86_400_000;
/** At most this many providers are listed by name; the rest are summed as "other". */
export const USAGE_MAX_PROVIDERS = 12;
export const USAGE_OTHER_PROVIDER = '(other)';
/** The provider of a request no provider was tried for (none configured, all excluded). */
export const USAGE_NO_PROVIDER = '(none)';

/** Epoch milliseconds; JavaScript's Date range (±8.64e15), integers only. */
const EpochMs = z.number().int().min(0).max(8_640_000_000_000_000);

export const UsageParams = z.strictObject({
  from: EpochMs,
  to: EpochMs,
  /** Bucket of the over-time series; default: hours up to 2 days, else days. */
  bucket: z.enum(['hour', 'day']).optional(),
  /** Minutes east of UTC the days are cut at (the page's time zone); quota days are always UTC. */
  utcOffsetMinutes: z.number().int().min(-840).max(840).default(0),
});
export type UsageParams = z.input<typeof UsageParams>;

export const UsageDay = z.object({
  /** YYYY-MM-DD in the requested offset. */
  day: z.string(),
  providerId: z.string(),
  requests: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
  fallbacks: z.number().int().nonnegative(),
  tokensIn: z.number().int().nonnegative(),
  tokensOut: z.number().int().nonnegative(),
});
export type UsageDay = z.infer<typeof UsageDay>;

export const UsagePoint = z.object({
  /** Start of the bucket, epoch ms. */
  t: z.number(),
  requests: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
  /** Answered after at least one provider was skipped or failed. */
  fallbacks: z.number().int().nonnegative(),
  /** Mean time to first token of the answered requests (null: none answered). */
  ttftMs: z.number().nullable(),
  /** Mean output tokens per second while streaming, of the answered requests that report it. */
  tokensPerS: z.number().nullable(),
});
export type UsagePoint = z.infer<typeof UsagePoint>;

export const UsageTotals = z.object({
  requests: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
  cancelled: z.number().int().nonnegative(),
  fallbacks: z.number().int().nonnegative(),
  tokensIn: z.number().int().nonnegative(),
  tokensOut: z.number().int().nonnegative(),
  /** errors / requests (0 when there are none). */
  errorRate: z.number(),
  fallbackRate: z.number(),
  ttftMs: z.number().nullable(),
  tokensPerS: z.number().nullable(),
});
export type UsageTotals = z.infer<typeof UsageTotals>;

export const UsageQuota = z.object({
  metric: QuotaMetric,
  /** Today's limit of the edition in force (null = unlimited). */
  limit: z.number().int().nonnegative().nullable(),
  /** UTC days with usage, in order. */
  days: z.array(z.object({ day: z.string(), used: z.number().int().nonnegative() })),
});
export type UsageQuota = z.infer<typeof UsageQuota>;

export const UsageWorkflowDay = z.object({
  day: z.string(),
  succeeded: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  cancelled: z.number().int().nonnegative(),
  /** queued, running, waiting, interrupted */
  other: z.number().int().nonnegative(),
});
export type UsageWorkflowDay = z.infer<typeof UsageWorkflowDay>;

export const UsageSummary = z.object({
  from: z.number(),
  to: z.number(),
  bucket: z.enum(['hour', 'day']),
  bucketMs: z.number(),
  utcOffsetMinutes: z.number(),
  edition: Edition,
  /** Providers in the range, most requests first. */
  providers: z.array(z.string()),
  daily: z.array(UsageDay),
  series: z.array(UsagePoint),
  totals: UsageTotals,
  quotas: z.array(UsageQuota),
  workflows: z.array(UsageWorkflowDay),
});
export type UsageSummary = z.infer<typeof UsageSummary>;

export const usageMethods = {
  /**
   * Aggregates over [from, to). E_BAD_REQUEST when to ≤ from, the range is wider than USAGE_MAX_RANGE_MS, or hour
   * buckets are asked for a range wider than USAGE_MAX_HOURLY_RANGE_MS.
   */
  'usage.summary': method(UsageParams, UsageSummary),
} as const;
