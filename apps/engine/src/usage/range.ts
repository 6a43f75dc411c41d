// The range of one `usage.summary` call, checked: [from, to) no wider than a year and a day, hour buckets only up to
// 14 days, buckets aligned to the hour or to the day in the caller's offset. Anything else is E_BAD_REQUEST.
import { ErrorCode, PaError, type Params, USAGE_MAX_HOURLY_RANGE_MS, USAGE_MAX_RANGE_MS } from '@pa/shared';
import type { AiUsageRange } from '../ai/api.js';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
/** Up to this range the default bucket is the hour. */
const HOURLY_BY_DEFAULT_MS = 2 * DAY_MS;

export interface UsageRange extends AiUsageRange {
  bucket: 'hour' | 'day';
}

export function usageRange(params: Params<'usage.summary'>): UsageRange {
  const { from, to, utcOffsetMinutes } = params;
  if (to <= from) {
    throw new PaError(ErrorCode.BAD_REQUEST, `The range is empty or reversed (from ${from} is not before to ${to}).`, {
      from,
      to,
    });
  }
  const width = to - from;
  if (width > USAGE_MAX_RANGE_MS) {
    throw new PaError(
      ErrorCode.BAD_REQUEST,
      `The range is ${Math.ceil(width / DAY_MS)} days; at most ${USAGE_MAX_RANGE_MS / DAY_MS} days can be asked for at once.`,
      { maxRangeMs: USAGE_MAX_RANGE_MS },
    );
  }
  const bucket = params.bucket ?? (width <= HOURLY_BY_DEFAULT_MS ? 'hour' : 'day');
  if (bucket === 'hour' && width > USAGE_MAX_HOURLY_RANGE_MS) {
    throw new PaError(
      ErrorCode.BAD_REQUEST,
      `Hourly buckets go up to ${USAGE_MAX_HOURLY_RANGE_MS / DAY_MS} days; ask for daily buckets for a wider range.`,
      { maxHourlyRangeMs: USAGE_MAX_HOURLY_RANGE_MS },
    );
  }
  const offsetMs = utcOffsetMinutes * 60_000;
  const bucketMs = bucket === 'hour' ? HOUR_MS : DAY_MS;
  // the hour, or the day in the caller's offset, that `from` falls in (offsets are whole minutes: an hour start is
  // the same instant in every whole-hour offset, and a 30/45-minute offset's hours start at its own :00)
  const origin = Math.floor((from + offsetMs) / bucketMs) * bucketMs - offsetMs;
  return { from, to, bucket, bucketMs, origin, offsetMs };
}

/** The UTC days (YYYY-MM-DD) the range touches: first and last. */
export function utcDays(range: Pick<UsageRange, 'from' | 'to'>): { first: string; last: string } {
  return {
    first: new Date(range.from).toISOString().slice(0, 10),
    last: new Date(range.to - 1).toISOString().slice(0, 10),
  };
}
