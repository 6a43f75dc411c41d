// The quota ledger: usage per account (license) per metric per UTC day in SQLite. Check-and-consume is one
// synchronous BEGIN IMMEDIATE transaction (read, check the limit, write), so several processes on one database
// never grant more than the limit, and a crash loses no committed consumption. Every counter row, and a head row that
// counts them, carries a MAC (license/row-seal.ts): a counter lowered or deleted outside the app is detected, and
// then the whole day counts as used up (a deterrent against the machine's owner, not a guarantee).
import type { QuotaMetric } from '@pa/shared';
import type { RowSeal } from '../license/api.js';
import type { Store } from '../store/index.js';

export const QUOTA_MIGRATIONS = [
  `CREATE TABLE quota_usage (
    account TEXT NOT NULL,
    metric TEXT NOT NULL,
    day TEXT NOT NULL,
    used INTEGER NOT NULL CHECK (used >= 0),
    PRIMARY KEY (account, metric, day)
  ) WITHOUT ROWID`,
  // the seal: a MAC per counter row, and one head row holding how many counter rows exist (so a deleted row shows)
  // and the day tampering was last found on
  `ALTER TABLE quota_usage ADD COLUMN mac TEXT;
  CREATE TABLE quota_seal (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    rows INTEGER NOT NULL,
    tampered_day TEXT NOT NULL,
    mac TEXT NOT NULL
  )`,
];

export type ConsumeOutcome =
  | { granted: true; day: string; used: number }
  | { granted: false; day: string; used: number; limit: number; tampered: boolean };

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
  /** An account's usage per metric per day from `first` to `last` (UTC days, inclusive), in day order. */
  history(account: string, first: string, last: string): QuotaRow[];
  /** Whether the counters (of this account on that day) were found altered outside the app: the day is used up. */
  tampered(account: string, day?: string): boolean;
  /** The UTC day a time falls on, YYYY-MM-DD. */
  dayOf(time: number): string;
}

export interface QuotaLedgerOptions {
  seal: RowSeal;
  /** Called when tampering is found (once per day it is found on, unless the rows are altered again). */
  onDidFindTampering?: (day: string) => void;
}

export function utcDay(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}

const ROW = 'quota_usage';
const HEAD = 'quota_seal';

interface StoredRow {
  account: string;
  metric: string;
  day: string;
  used: number;
  mac: string | null;
}

export function createQuotaLedger(store: Store, clock: () => number, options: QuotaLedgerOptions): QuotaLedger {
  const { seal } = options;
  store.migrate('quota', QUOTA_MIGRATIONS);
  const { db } = store;
  const readRow = db.prepare<[string, string, string], StoredRow>(
    'SELECT account, metric, day, used, mac FROM quota_usage WHERE account = ? AND metric = ? AND day = ?',
  );
  const setUsed = db.prepare<[number, string, string, string, string]>(
    'UPDATE quota_usage SET used = ?, mac = ? WHERE account = ? AND metric = ? AND day = ?',
  );
  const insertRow = db.prepare<[string, string, string, number, string]>(
    'INSERT INTO quota_usage (account, metric, day, used, mac) VALUES (?, ?, ?, ?, ?)',
  );
  const setMac = db.prepare('UPDATE quota_usage SET mac = ? WHERE account = ? AND metric = ? AND day = ?');
  const readDay = db.prepare<[string, string], StoredRow>(
    'SELECT account, metric, day, used, mac FROM quota_usage WHERE account = ? AND day = ? ORDER BY metric',
  );
  const readHistory = db.prepare<[string, string, string], { metric: string; day: string; used: number }>(
    'SELECT metric, day, used FROM quota_usage WHERE account = ? AND day >= ? AND day <= ? ORDER BY day, metric',
  );
  const readAll = db.prepare<[], StoredRow>('SELECT account, metric, day, used, mac FROM quota_usage');
  const countRows = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM quota_usage');
  const readHead = db.prepare<[], { rows: number; tampered_day: string; mac: string }>(
    'SELECT rows, tampered_day, mac FROM quota_seal WHERE id = 1',
  );
  const writeHead = db.prepare(
    `INSERT INTO quota_seal (id, rows, tampered_day, mac) VALUES (1, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET rows = excluded.rows, tampered_day = excluded.tampered_day, mac = excluded.mac`,
  );

  const rowFields = (row: Pick<StoredRow, 'account' | 'metric' | 'day' | 'used'>) => [
    row.account,
    row.metric,
    row.day,
    row.used,
  ];
  const sealRow = (account: string, metric: string, day: string, used: number) =>
    setMac.run(seal.mac(ROW, rowFields({ account, metric, day, used })), account, metric, day);
  const putHead = (rows: number, tamperedDay: string) =>
    writeHead.run(rows, tamperedDay, seal.mac(HEAD, [rows, tamperedDay]));

  /** Marks the day as tampered, reseals every row as found (so the next day starts clean) and says so. */
  function markTampered(day: string): void {
    for (const row of readAll.all()) sealRow(row.account, row.metric, row.day, row.used);
    putHead(countRows.get()?.n ?? 0, day);
    options.onDidFindTampering?.(day);
  }

  /**
   * The head's verdict for a day (inside the caller's transaction): 'tampered' when the head was altered or deleted
   * or marks this day, else the head itself. A fresh install or a pre-seal database gets its first head here.
   */
  function judgeHead(day: string): { rows: number; tampered_day: string } | 'tampered' {
    const head = readHead.get();
    if (!head && !seal.established) {
      markSealed();
      return readHead.get() ?? 'tampered';
    }
    if (!head || !seal.verify(HEAD, [head.rows, head.tampered_day], head.mac)) {
      markTampered(day);
      return 'tampered';
    }
    return head.tampered_day === day ? 'tampered' : head;
  }

  /** Seals what a fresh install or a pre-seal database holds, as found. */
  function markSealed(): void {
    for (const row of readAll.all()) sealRow(row.account, row.metric, row.day, row.used);
    putHead(countRows.get()?.n ?? 0, '');
  }

  /** Full check for a status: the head, the number of rows (a deleted one shows) and the account's rows today. */
  function check(account: string, day: string): boolean {
    const head = judgeHead(day);
    if (head === 'tampered') return true;
    const forged = readDay.all(account, day).some((row) => !seal.verify(ROW, rowFields(row), row.mac));
    if (forged || head.rows !== (countRows.get()?.n ?? 0)) {
      markTampered(day);
      return true;
    }
    return false;
  }

  const consumeTx = db.transaction(
    (account: string, metric: QuotaMetric, n: number, limit: number | null, day: string): ConsumeOutcome => {
      const head = judgeHead(day);
      const row = readRow.get(account, metric, day);
      const used = row?.used ?? 0;
      const refused = (tampered: boolean): ConsumeOutcome => ({
        granted: false,
        day,
        used,
        limit: limit ?? 0,
        tampered,
      });
      if (head === 'tampered') return refused(true);
      if (row && !seal.verify(ROW, rowFields(row), row.mac)) {
        markTampered(day);
        return refused(true);
      }
      if (limit !== null && used + n > limit) return refused(false);
      const mac = seal.mac(ROW, rowFields({ account, metric, day, used: used + n }));
      if (row) {
        setUsed.run(used + n, mac, account, metric, day);
        return { granted: true, day, used: used + n };
      }
      // a new row: the count must grow by exactly one, or a row was deleted (today's usage reset by hand)
      insertRow.run(account, metric, day, n, mac);
      if ((countRows.get()?.n ?? 0) !== head.rows + 1) {
        markTampered(day);
        return refused(true);
      }
      putHead(head.rows + 1, head.tampered_day);
      return { granted: true, day, used: n };
    },
  );

  const refundTx = db.transaction((account: string, metric: QuotaMetric, day: string, n: number) => {
    if (judgeHead(day) === 'tampered') return;
    const row = readRow.get(account, metric, day);
    if (!row) return;
    if (!seal.verify(ROW, rowFields(row), row.mac)) {
      markTampered(day);
      return;
    }
    const used = Math.max(0, row.used - n);
    setUsed.run(used, seal.mac(ROW, rowFields({ account, metric, day, used })), account, metric, day);
  });

  const tamperedTx = db.transaction((account: string, day: string) => check(account, day));
  db.transaction(() => judgeHead(utcDay(clock()))).immediate();

  return {
    consume(account, metric, n, limit) {
      if (!Number.isInteger(n) || n < 1) throw new RangeError(`quota units must be a positive integer, got ${n}`);
      // IMMEDIATE takes the write lock before reading, so no other process can slip in between check and update.
      return consumeTx.immediate(account, metric, n, limit, utcDay(clock()));
    },
    refund(account, metric, day, n) {
      refundTx.immediate(account, metric, day, n);
    },
    usage(account, day = utcDay(clock())) {
      return readDay.all(account, day).map(({ metric, day, used }) => ({ metric: metric as QuotaMetric, day, used }));
    },
    history: (account, first, last) =>
      readHistory
        .all(account, first, last)
        .map(({ metric, day, used }) => ({ metric: metric as QuotaMetric, day, used })),
    tampered: (account, day = utcDay(clock())) => tamperedTx.immediate(account, day),
    dayOf: utcDay,
  };
}
