// The performance monitor: one SQLite row per provider call (TTFT, latency, tokens, outcome) and the per-provider
// figures `ai.stats` and `pa models stats` show (p50/p95 TTFT, tokens/s, error rate over a window).
import type { ProviderStats, TaskType } from '@pa/shared';
import type { Store } from '../store/index.js';

export const AI_MIGRATIONS = [
  `CREATE TABLE ai_calls (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    provider_id TEXT NOT NULL,
    model TEXT NOT NULL,
    task TEXT NOT NULL,
    ttft_ms REAL,
    total_ms REAL NOT NULL,
    tokens_in INTEGER NOT NULL,
    tokens_out INTEGER NOT NULL,
    tokens_per_s REAL,
    outcome TEXT NOT NULL
  );
  CREATE INDEX ai_calls_at ON ai_calls (at);
  CREATE TABLE ai_conversations (
    id TEXT PRIMARY KEY,
    workspace TEXT NOT NULL,
    title TEXT NOT NULL,
    messages TEXT NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE INDEX ai_conversations_workspace ON ai_conversations (workspace, updated_at);`,
] as const;

export interface CallRecord {
  at: number;
  providerId: string;
  model: string;
  task: TaskType;
  ttftMs: number | null;
  totalMs: number;
  tokensIn: number;
  tokensOut: number;
  /** 'ok', 'cancelled', or the failure kind (e.g. 'server', 'ttft-timeout'). */
  outcome: string;
  /** The routed request this attempt belongs to (usage-log.ts); absent for a completion's attempt. */
  requestId?: string;
}

export interface PerfLog {
  record(call: CallRecord): void;
  stats(since: number): Array<Omit<ProviderStats, 'circuit'>>;
}

export function createPerfLog(store: Store): PerfLog {
  // request_id comes with ai migration 3 (usage-log.ts); a store migrated only this far records calls without it
  const linked =
    store.db.prepare("SELECT 1 FROM pragma_table_info('ai_calls') WHERE name = 'request_id'").get() !== undefined;
  const insert = store.db.prepare(
    `INSERT INTO ai_calls (at, provider_id, model, task, ttft_ms, total_ms, tokens_in, tokens_out, tokens_per_s, outcome
       ${linked ? ', request_id' : ''})
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?${linked ? ', ?' : ''})`,
  );
  const select = store.db.prepare<
    [number],
    { provider_id: string; ttft_ms: number | null; tokens_per_s: number | null; outcome: string }
  >("SELECT provider_id, ttft_ms, tokens_per_s, outcome FROM ai_calls WHERE at >= ? AND outcome != 'cancelled'");
  return {
    record(call) {
      const tokensPerS = streamingRate(call);
      insert.run(
        call.at,
        call.providerId,
        call.model,
        call.task,
        call.ttftMs,
        call.totalMs,
        call.tokensIn,
        call.tokensOut,
        tokensPerS,
        call.outcome,
        ...(linked ? [call.requestId ?? null] : []),
      );
    },
    stats(since) {
      const byProvider = new Map<string, { ttft: number[]; rates: number[]; requests: number; errors: number }>();
      for (const row of select.iterate(since)) {
        let entry = byProvider.get(row.provider_id);
        if (!entry) {
          entry = { ttft: [], rates: [], requests: 0, errors: 0 };
          byProvider.set(row.provider_id, entry);
        }
        entry.requests += 1;
        if (row.outcome !== 'ok') entry.errors += 1;
        else if (row.ttft_ms !== null) entry.ttft.push(row.ttft_ms);
        if (row.tokens_per_s !== null) entry.rates.push(row.tokens_per_s);
      }
      return [...byProvider].map(([providerId, entry]) => ({
        providerId,
        requests: entry.requests,
        errors: entry.errors,
        errorRate: entry.requests === 0 ? 0 : entry.errors / entry.requests,
        p50TtftMs: percentile(entry.ttft, 50),
        p95TtftMs: percentile(entry.ttft, 95),
        tokensPerS: percentile(entry.rates, 50),
      }));
    },
  };
}

/** Output tokens per second after the first token (null: too few tokens or no streaming time to tell). */
export function streamingRate(call: Pick<CallRecord, 'outcome' | 'ttftMs' | 'totalMs' | 'tokensOut'>): number | null {
  const streamingMs = call.ttftMs === null ? 0 : call.totalMs - call.ttftMs;
  return call.outcome === 'ok' && call.tokensOut > 1 && streamingMs > 0
    ? (call.tokensOut - 1) / (streamingMs / 1000)
    : null;
}

export function percentile(samples: readonly number[], p: number): number | null {
  if (samples.length === 0) return null;
  const sorted = [...samples].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round((sorted[index] as number) * 10) / 10;
}
