// The quota ledger: usage per account (license) per metric per UTC day in SQLite. Check-and-consume is one
// synchronous BEGIN IMMEDIATE transaction with a guarded UPDATE, so several processes on one database never
// grant more than the limit, and a crash loses no committed consumption. Every counter row, and a head row that
// counts them, carries a MAC (license/row-seal.ts): a counter lowered or deleted outside the app is detected, and
// then the whole day counts as used up (a deterrent against the machine's owner, not a guarantee).
import type { QuotaMetric } from '@pa/shared';
import type { RowSeal } from '../license/row-seal.js';
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
  const ensureRow = db.prepare(
    'INSERT INTO quota_usage (account, metric, day, used) VALUES (?, ?, ?, 0) ON CONFLICT DO NOTHING',
  );
  const addWithin = db.prepare<[number, string, string, string, number, number], { used: number }>(
    'UPDATE quota_usage SET used = used + ? WHERE account = ? AND metric = ? AND day = ? AND used + ? <= ? RETURNING used',
  );
  const addUnlimited = db.prepare<[number, string, string, string], { used: number }>(
    'UPDATE quota_usage SET used = used + ? WHERE account = ? AND metric = ? AND day = ? RETURNING used',
  );
  const subtract = db.prepare<[number, string, string, string], { used: number }>(
    'UPDATE quota_usage SET used = max(0, used - ?) WHERE account = ? AND metric = ? AND day = ? RETURNING used',
  );
  const setMac = db.prepare('UPDATE quota_usage SET mac = ? WHERE account = ? AND metric = ? AND day = ?');
  const readDay = db.prepare<[string, string], StoredRow>(
    'SELECT account, metric, day, used, mac FROM quota_usage WHERE account = ? AND day = ? ORDER BY metric',
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

  /**
   * Judges the seal of the head and of the day's rows of an account (inside the caller's transaction). On tampering
   * it marks the day, reseals every row as found and calls onDidFindTampering; answers whether the day is marked.
   */
  function check(account: string, day: string): boolean {
    const head = readHead.get();
    const rows = countRows.get()?.n ?? 0;
    const legacy = !head && !seal.established; // a fresh install, or the first start of a pre-seal database
    let tampered: boolean;
    if (legacy) tampered = false;
    else if (!head || !seal.verify(HEAD, [head.rows, head.tampered_day], head.mac) || head.rows !== rows) {
      tampered = true;
    } else {
      tampered = readDay.all(account, day).some((row) => !seal.verify(ROW, rowFields(row), row.mac));
    }
    if (legacy || tampered) {
      for (const row of readAll.all()) sealRow(row.account, row.metric, row.day, row.used);
      putHead(rows, tampered ? day : (head?.tampered_day ?? ''));
      if (tampered) options.onDidFindTampering?.(day);
      return tampered;
    }
    return head?.tampered_day === day;
  }

  const add = (account: string, metric: QuotaMetric, n: number, limit: number | null, day: string) =>
    limit === null ? addUnlimited.get(n, account, metric, day) : addWithin.get(n, account, metric, day, n, limit);

  const consumeTx = db.transaction(
    (account: string, metric: QuotaMetric, n: number, limit: number | null, day: string): ConsumeOutcome => {
      const usedNow = () => readDay.all(account, day).find((row) => row.metric === metric)?.used ?? 0;
      if (check(account, day)) return { granted: false, day, used: usedNow(), limit: limit ?? 0, tampered: true };
      // the day's row usually exists: try the guarded UPDATE first, create the row only when it is missing
      let row = add(account, metric, n, limit, day);
      if (!row && ensureRow.run(account, metric, day).changes === 1) {
        const head = readHead.get();
        putHead((head?.rows ?? 0) + 1, head?.tampered_day ?? '');
        row = add(account, metric, n, limit, day);
        if (!row) sealRow(account, metric, day, 0);
      }
      if (row) {
        sealRow(account, metric, day, row.used);
        return { granted: true, day, used: row.used };
      }
      return { granted: false, day, used: usedNow(), limit: limit ?? 0, tampered: false };
    },
  );

  const refundTx = db.transaction((account: string, metric: QuotaMetric, day: string, n: number) => {
    if (check(account, day)) return;
    const row = subtract.get(n, account, metric, day);
    if (row) sealRow(account, metric, day, row.used);
  });

  const tamperedTx = db.transaction((account: string, day: string) => check(account, day));
  db.transaction(() => check('', utcDay(clock()))).immediate();

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
    tampered: (account, day = utcDay(clock())) => tamperedTx.immediate(account, day),
    dayOf: utcDay,
  };
}
