// The quota ledger: usage per account (license) per metric per UTC day in SQLite. Check-and-consume is one
// synchronous BEGIN IMMEDIATE transaction with a guarded UPDATE, so several processes on one database never
// grant more than the limit, and a crash loses no committed consumption.
import type { QuotaMetric } from '@pa/shared';
import type { Store } from '../store/index.js';

export const QUOTA_MIGRATIONS = [
  `CREATE TABLE quota_usage (
    account TEXT NOT NULL,
    metric TEXT NOT NULL,
    day TEXT NOT NULL,
    used INTEGER NOT NULL CHECK (used >= 0),
    PRIMARY KEY (account, metric, day)
  ) WITHOUT ROWID`,
];

export type ConsumeOutcome =
  | { granted: true; day: string; used: number }
  | { granted: false; day: string; used: number; limit: number };

export interface QuotaRow {
  metric: QuotaMetric;
  day: string;
  used: number;
}

export interface QuotaLedger {
  /** Grants n units when used + n stays within limit (null = unlimited: always granted, still counted). */
  consume(account: string, metric: QuotaMetric, n: number, limit: number | null): ConsumeOutcome;
  /** Gives n units back on the day they were taken (never below zero). */
  refund(account: string, metric: QuotaMetric, day: string, n: number): void;
  /** Today's usage of an account (metrics never consumed today are absent). */
  usage(account: string, day?: string): QuotaRow[];
  /** The UTC day a time falls on, YYYY-MM-DD. */
  dayOf(time: number): string;
}

export function utcDay(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}

export function createQuotaLedger(store: Store, clock: () => number): QuotaLedger {
  store.migrate('quota', QUOTA_MIGRATIONS);
  const { db } = store;
  const ensureRow = db.prepare(
    'INSERT INTO quota_usage (account, metric, day, used) VALUES (?, ?, ?, 0) ON CONFLICT DO NOTHING',
  );
  const addWithin = db.prepare<[number, string, string, string, number, number], { used: number }>(
    'UPDATE quota_usage SET used = used + ? WHERE account = ? AND metric = ? AND day = ? AND used + ? <= ? RETURNING used',
  );
  const addUnlimited = db.prepare<[number, string, string, string], { used: number }>(
    'UPDATE quota_usage SET used = used + ? WHERE account = ? AND metric = ? AND day = ? RETURNING used',
  );
  const readUsed = db.prepare<[string, string, string], { used: number }>(
    'SELECT used FROM quota_usage WHERE account = ? AND metric = ? AND day = ?',
  );
  const subtract = db.prepare(
    'UPDATE quota_usage SET used = max(0, used - ?) WHERE account = ? AND metric = ? AND day = ?',
  );
  const readDay = db.prepare<[string, string], QuotaRow>(
    'SELECT metric, day, used FROM quota_usage WHERE account = ? AND day = ? ORDER BY metric',
  );

  const add = (account: string, metric: QuotaMetric, n: number, limit: number | null, day: string) =>
    limit === null ? addUnlimited.get(n, account, metric, day) : addWithin.get(n, account, metric, day, n, limit);

  const consumeTx = db.transaction(
    (account: string, metric: QuotaMetric, n: number, limit: number | null, day: string): ConsumeOutcome => {
      // the day's row usually exists: try the guarded UPDATE first, create the row only when it is missing
      let row = add(account, metric, n, limit, day);
      if (!row && ensureRow.run(account, metric, day).changes === 1) row = add(account, metric, n, limit, day);
      if (row) return { granted: true, day, used: row.used };
      return { granted: false, day, used: readUsed.get(account, metric, day)?.used ?? 0, limit: limit ?? 0 };
    },
  );

  return {
    consume(account, metric, n, limit) {
      if (!Number.isInteger(n) || n < 1) throw new RangeError(`quota units must be a positive integer, got ${n}`);
      // IMMEDIATE takes the write lock before reading, so no other process can slip in between check and update.
      return consumeTx.immediate(account, metric, n, limit, utcDay(clock()));
    },
    refund(account, metric, day, n) {
      subtract.run(n, account, metric, day);
    },
    usage(account, day = utcDay(clock())) {
      return readDay.all(account, day);
    },
    dayOf: utcDay,
  };
}
