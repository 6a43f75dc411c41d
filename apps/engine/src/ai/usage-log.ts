// The record of routed AI requests behind the Usage view: one row per request the router handled (who answered, how
// many providers were tried, whether it fell back, time to first token, tokens), linked to its attempts in ai_calls
// (perf.ts) by request_id. Aggregated in SQL per day and provider and per time bucket; both tables are bounded
// (RETENTION_MS, MAX_ROWS), pruned at start and every PRUNE_EVERY records.
import { randomUUID } from 'node:crypto';
import { type TaskType, USAGE_MAX_PROVIDERS, USAGE_NO_PROVIDER, USAGE_OTHER_PROVIDER } from '@pa/shared';
import type { Store } from '../store/index.js';
import type { AiUsage, AiUsageRange, AiUsageResult } from './api.js';
import { streamingRate } from './perf.js';

/** ai migration 3: the requests, and each attempt's request. */
export const USAGE_MIGRATION = `CREATE TABLE ai_requests (
    id TEXT PRIMARY KEY,
    at INTEGER NOT NULL,
    task TEXT NOT NULL,
    provider_id TEXT,
    model TEXT,
    outcome TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    fallbacks INTEGER NOT NULL,
    ttft_ms REAL,
    total_ms REAL NOT NULL,
    tokens_in INTEGER NOT NULL,
    tokens_out INTEGER NOT NULL,
    tokens_per_s REAL
  );
  CREATE INDEX ai_requests_at ON ai_requests (at);
  ALTER TABLE ai_calls ADD COLUMN request_id TEXT;`;

/** Rows older than this are removed (90 days). */
export const RETENTION_MS = 90 * 86_400_000;
/** At most this many rows per table (the newest are kept). */
export const MAX_ROWS = 100_000;
const PRUNE_EVERY = 500;

export interface RequestRecord {
  id: string;
  at: number;
  task: TaskType;
  /** The provider that answered, or the last one tried; null when none was tried. */
  providerId: string | null;
  model: string | null;
  /** 'ok', 'cancelled', or why it failed: the last failure kind, 'unavailable', 'quota', 'error'. */
  outcome: string;
  attempts: number;
  /** Providers skipped or failed before the one that answered (or before giving up). */
  fallbacks: number;
  ttftMs: number | null;
  totalMs: number;
  tokensIn: number;
  tokensOut: number;
}

export interface UsageLog extends AiUsage {
  newRequestId(): string;
  record(request: RequestRecord): void;
  /** Removes what is past retention; answers how many rows went. */
  prune(now: number): number;
}

interface DayRow {
  d: number;
  provider: string;
  requests: number;
  errors: number;
  fallbacks: number;
  tokens_in: number;
  tokens_out: number;
}

interface BucketRow {
  b: number;
  requests: number;
  errors: number;
  fallbacks: number;
  ttft: number | null;
  rate: number | null;
}

interface TotalsRow {
  requests: number;
  errors: number | null;
  cancelled: number | null;
  fallbacks: number | null;
  tokens_in: number | null;
  tokens_out: number | null;
  ttft: number | null;
  rate: number | null;
}

const DAY_MS = 86_400_000;

/**
 * Every request in [from, to): routed requests, plus the attempts that belong to none (code completion, which has
 * its own router, and rows from before this table) — each of those counts as a request of its own. `fb`: answered
 * after a fallback (a request that failed everywhere is an error, not a fallback).
 */
const REQUESTS = `WITH r AS (
    SELECT at, COALESCE(provider_id, '${USAGE_NO_PROVIDER}') AS provider, outcome,
      (fallbacks > 0 AND outcome = 'ok') AS fb, ttft_ms,
      tokens_per_s, tokens_in, tokens_out
    FROM ai_requests WHERE at >= @from AND at < @to
    UNION ALL
    SELECT at, provider_id, outcome, 0, ttft_ms, tokens_per_s, tokens_in, tokens_out
    FROM ai_calls WHERE request_id IS NULL AND at >= @from AND at < @to
  )`;
const ERROR = `outcome NOT IN ('ok', 'cancelled')`;
// (better-sqlite3 binds JavaScript numbers as REAL: bucket numbers are cast back to integers)

export function createUsageLog(store: Store, clock: () => number): UsageLog {
  const { db } = store;
  const insert = db.prepare(
    `INSERT INTO ai_requests (id, at, task, provider_id, model, outcome, attempts, fallbacks, ttft_ms, total_ms,
       tokens_in, tokens_out, tokens_per_s)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const byDay = db.prepare<{ from: number; to: number; offset: number }, DayRow>(
    `${REQUESTS}
     SELECT CAST((at + @offset) / ${DAY_MS} AS INTEGER) AS d, provider, COUNT(*) AS requests, SUM(${ERROR}) AS errors,
       SUM(fb) AS fallbacks, SUM(tokens_in) AS tokens_in, SUM(tokens_out) AS tokens_out
     FROM r GROUP BY d, provider ORDER BY d, provider`,
  );
  const byBucket = db.prepare<{ from: number; to: number; origin: number; size: number }, BucketRow>(
    `${REQUESTS}
     SELECT CAST((at - @origin) / @size AS INTEGER) AS b, COUNT(*) AS requests, SUM(${ERROR}) AS errors, SUM(fb) AS fallbacks,
       AVG(CASE WHEN outcome = 'ok' THEN ttft_ms END) AS ttft, AVG(CASE WHEN outcome = 'ok' THEN tokens_per_s END) AS rate
     FROM r GROUP BY b ORDER BY b`,
  );
  const totals = db.prepare<{ from: number; to: number }, TotalsRow>(
    `${REQUESTS}
     SELECT COUNT(*) AS requests, SUM(${ERROR}) AS errors, SUM(outcome = 'cancelled') AS cancelled,
       SUM(fb) AS fallbacks, SUM(tokens_in) AS tokens_in, SUM(tokens_out) AS tokens_out,
       AVG(CASE WHEN outcome = 'ok' THEN ttft_ms END) AS ttft, AVG(CASE WHEN outcome = 'ok' THEN tokens_per_s END) AS rate
     FROM r`,
  );
  const pruneOld = [
    db.prepare('DELETE FROM ai_requests WHERE at < ?'),
    db.prepare('DELETE FROM ai_calls WHERE at < ?'),
  ];
  const pruneMany = [
    db.prepare(
      `DELETE FROM ai_requests WHERE rowid <= (SELECT rowid FROM ai_requests ORDER BY rowid DESC LIMIT 1 OFFSET ${MAX_ROWS})`,
    ),
    db.prepare(
      `DELETE FROM ai_calls WHERE id <= (SELECT id FROM ai_calls ORDER BY id DESC LIMIT 1 OFFSET ${MAX_ROWS})`,
    ),
  ];
  const prune = db.transaction((now: number) => {
    let removed = 0;
    for (const statement of pruneOld) removed += statement.run(now - RETENTION_MS).changes;
    for (const statement of pruneMany) removed += statement.run().changes;
    return removed;
  });
  let sincePrune = 0;

  const log: UsageLog = {
    newRequestId: () => randomUUID(),
    record(request) {
      insert.run(
        request.id,
        request.at,
        request.task,
        request.providerId,
        request.model,
        request.outcome,
        request.attempts,
        request.fallbacks,
        request.ttftMs,
        request.totalMs,
        request.tokensIn,
        request.tokensOut,
        streamingRate(request),
      );
      if (++sincePrune >= PRUNE_EVERY) {
        sincePrune = 0;
        prune(clock());
      }
    },
    prune: (now) => prune(now),
    usage(range) {
      return aggregate(range);
    },
  };

  function aggregate(range: AiUsageRange): AiUsageResult {
    const { from, to, bucketMs, origin, offsetMs } = range;
    const days = byDay.all({ from, to, offset: offsetMs });
    // the providers with the most requests keep their names; the rest are summed as one
    const counts = new Map<string, number>();
    for (const row of days) counts.set(row.provider, (counts.get(row.provider) ?? 0) + row.requests);
    const ranked = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([id]) => id);
    const named = new Set(ranked.slice(0, USAGE_MAX_PROVIDERS));
    const providers = ranked.length > USAGE_MAX_PROVIDERS ? [...named, USAGE_OTHER_PROVIDER] : ranked;
    const daily = new Map<string, AiUsageResult['daily'][number]>();
    for (const row of days) {
      const providerId = named.has(row.provider) ? row.provider : USAGE_OTHER_PROVIDER;
      const day = new Date(row.d * DAY_MS).toISOString().slice(0, 10);
      const key = `${day}\u0000${providerId}`;
      const entry = daily.get(key) ?? {
        day,
        providerId,
        requests: 0,
        errors: 0,
        fallbacks: 0,
        tokensIn: 0,
        tokensOut: 0,
      };
      entry.requests += row.requests;
      entry.errors += row.errors ?? 0;
      entry.fallbacks += row.fallbacks ?? 0;
      entry.tokensIn += row.tokens_in ?? 0;
      entry.tokensOut += row.tokens_out ?? 0;
      daily.set(key, entry);
    }
    // a dense series: every bucket of the range, empty ones with no figures (charts draw a gap)
    const buckets = new Map(byBucket.all({ from, to, origin, size: bucketMs }).map((row) => [row.b, row]));
    const count = Math.ceil((to - origin) / bucketMs);
    const series: AiUsageResult['series'] = [];
    for (let b = 0; b < count; b++) {
      const row = buckets.get(b);
      series.push({
        t: origin + b * bucketMs,
        requests: row?.requests ?? 0,
        errors: row?.errors ?? 0,
        fallbacks: row?.fallbacks ?? 0,
        ttftMs: round(row?.ttft ?? null),
        tokensPerS: round(row?.rate ?? null),
      });
    }
    const total = totals.get({ from, to });
    const requests = total?.requests ?? 0;
    const errors = total?.errors ?? 0;
    const fallbacks = total?.fallbacks ?? 0;
    return {
      providers,
      daily: [...daily.values()],
      series,
      totals: {
        requests,
        errors,
        cancelled: total?.cancelled ?? 0,
        fallbacks,
        tokensIn: total?.tokens_in ?? 0,
        tokensOut: total?.tokens_out ?? 0,
        errorRate: requests === 0 ? 0 : errors / requests,
        fallbackRate: requests === 0 ? 0 : fallbacks / requests,
        ttftMs: round(total?.ttft ?? null),
        tokensPerS: round(total?.rate ?? null),
      },
    };
  }

  prune(clock());
  return log;
}

function round(value: number | null): number | null {
  return value === null ? null : Math.round(value * 10) / 10;
}
