// The audit log: who did what to the license and when (installed, removed, rejected, quota exhausted, gated call
// denied), in SQLite with an index on time. Details are scrubbed so a secret can never land in a row. Repeats of one
// event (a UI polling a gated method) are coalesced into one row with a count, so they cannot flood the table.
import type { AuditEntry, AuditFilter } from '@pa/shared';
import type { Store } from '../store/index.js';
import type { Audit } from './api.js';

export const AUDIT_MIGRATIONS = [
  `CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    type TEXT NOT NULL,
    actor TEXT NOT NULL,
    detail TEXT NOT NULL
  );
  CREATE INDEX audit_log_at ON audit_log (at)`,
  // rows that may absorb repeats carry a key (type, actor and what was denied); null for every other row
  `ALTER TABLE audit_log ADD COLUMN coalesce_key TEXT;
  CREATE INDEX audit_log_coalesce ON audit_log (coalesce_key, at) WHERE coalesce_key IS NOT NULL`,
];

/** Identical denials within this window from the first of them share one row. */
export const COALESCE_WINDOW_MS = 60_000;

const SECRET_FIELD = /key|token|secret|password|certificate|license$/i;
/** License and certificate tokens, bearer-style API keys and long opaque strings. */
const SECRET_VALUE = /PAC?1\.[A-Za-z0-9_-]{8,}|\b(sk|pk|rk|xai|AIza)[-_A-Za-z0-9]{12,}|[A-Za-z0-9+/_=-]{40,}/g;

/** Replaces anything that may be a secret; exported so other capabilities' logs can use the same rule. */
export function scrub(value: unknown, field = ''): unknown {
  if (SECRET_FIELD.test(field)) return '[redacted]';
  if (typeof value === 'string') return value.replace(SECRET_VALUE, '[redacted]');
  if (Array.isArray(value)) return value.map((item) => scrub(item));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, scrub(item, key)]));
  }
  return value;
}

export interface AuditLog extends Audit {
  /**
   * Records an event that may repeat: when the same type, actor and key was recorded within the window, that row's
   * detail.count goes up (and detail.lastAt moves) instead of a new row being written.
   */
  recordCoalesced(event: Parameters<Audit['record']>[0], key: string): void;
  tail(limit: number): AuditEntry[];
  /** The rows the filter keeps, newest first (`before`: only rows with a smaller id), at most `limit`. */
  query(filter: AuditFilter, limit: number, before?: number): AuditEntry[];
  /** How many rows the filter keeps. */
  count(filter: AuditFilter): number;
  /** Every type and every actor in the log (at most 500 each), for a filter's choices. */
  choices(): { types: string[]; actors: string[] };
}

/** The filter as SQL conditions with their parameters (every value bound, never spliced). */
function whereOf(filter: AuditFilter, before?: number): { sql: string; params: Array<string | number> } {
  const conditions: string[] = [];
  const params: Array<string | number> = [];
  if (filter.types && filter.types.length > 0) {
    conditions.push(`type IN (${filter.types.map(() => '?').join(', ')})`);
    params.push(...filter.types);
  }
  if (filter.actor !== undefined) {
    conditions.push('actor = ?');
    params.push(filter.actor);
  }
  if (filter.from !== undefined) {
    conditions.push('at >= ?');
    params.push(filter.from);
  }
  if (filter.to !== undefined) {
    conditions.push('at < ?');
    params.push(filter.to);
  }
  if (filter.text !== undefined) {
    // instr, not LIKE: the text is plain, a % or _ in it means itself
    conditions.push('(instr(lower(type), ?) > 0 OR instr(lower(actor), ?) > 0 OR instr(lower(detail), ?) > 0)');
    const text = filter.text.toLowerCase();
    params.push(text, text, text);
  }
  if (before !== undefined) {
    conditions.push('id < ?');
    params.push(before);
  }
  return { sql: conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '', params };
}

type AuditRow = { id: number; at: number; type: string; actor: string; detail: string };

const entryOf = (row: AuditRow): AuditEntry => ({ ...row, detail: JSON.parse(row.detail) as Record<string, unknown> });

export function createAuditLog(store: Store, clock: () => number, windowMs = COALESCE_WINDOW_MS): AuditLog {
  store.migrate('audit', AUDIT_MIGRATIONS);
  const insert = store.db.prepare(
    'INSERT INTO audit_log (at, type, actor, detail, coalesce_key) VALUES (?, ?, ?, ?, ?)',
  );
  const openRow = store.db.prepare<[string, number], { id: number; detail: string }>(
    'SELECT id, detail FROM audit_log WHERE coalesce_key = ? AND at > ? ORDER BY at DESC, id DESC LIMIT 1',
  );
  const updateDetail = store.db.prepare('UPDATE audit_log SET detail = ? WHERE id = ?');
  // IMMEDIATE so an engine and a CLI denying at once still share the row
  const coalesce = store.db.transaction((key: string, now: number, type: string, actor: string, detail: unknown) => {
    const row = openRow.get(key, now - windowMs);
    if (!row) {
      insert.run(now, type, actor, JSON.stringify({ ...(scrub(detail) as object), count: 1, lastAt: now }), key);
      return;
    }
    const previous = JSON.parse(row.detail) as { count?: number };
    updateDetail.run(JSON.stringify({ ...previous, count: (previous.count ?? 1) + 1, lastAt: now }), row.id);
  });
  const latest = store.db.prepare<[number], { id: number; at: number; type: string; actor: string; detail: string }>(
    'SELECT id, at, type, actor, detail FROM audit_log ORDER BY at DESC, id DESC LIMIT ?',
  );
  const distinctTypes = store.db.prepare<[], { value: string }>(
    'SELECT DISTINCT type AS value FROM audit_log ORDER BY type LIMIT 500',
  );
  const distinctActors = store.db.prepare<[], { value: string }>(
    'SELECT DISTINCT actor AS value FROM audit_log ORDER BY actor LIMIT 500',
  );
  return {
    record({ type, actor, detail = {} }) {
      insert.run(clock(), type, actor, JSON.stringify(scrub(detail)), null);
    },
    recordCoalesced({ type, actor, detail = {} }, key) {
      coalesce.immediate(JSON.stringify([type, actor, key]), clock(), type, actor, detail);
    },
    tail(limit) {
      return latest.all(limit).reverse().map(entryOf);
    },
    query(filter, limit, before) {
      const where = whereOf(filter, before);
      return store.db
        .prepare<Array<string | number>, AuditRow>(
          `SELECT id, at, type, actor, detail FROM audit_log ${where.sql} ORDER BY id DESC LIMIT ?`,
        )
        .all(...where.params, limit)
        .map(entryOf);
    },
    count(filter) {
      const where = whereOf(filter);
      return (
        store.db
          .prepare<Array<string | number>, { n: number }>(`SELECT count(*) AS n FROM audit_log ${where.sql}`)
          .get(...where.params)?.n ?? 0
      );
    },
    choices() {
      return {
        types: distinctTypes.all().map((row) => row.value),
        actors: distinctActors.all().map((row) => row.value),
      };
    },
  };
}

/** One CSV field (RFC 4180), with a leading = + - @ tab or CR defused so a spreadsheet never runs it as a formula. */
function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** The rows as a file: JSON (an array, times also as ISO text) or CSV (id, time, type, actor, detail as JSON). */
export function formatAudit(rows: AuditEntry[], format: 'json' | 'csv'): string {
  if (format === 'json') {
    return `${JSON.stringify(
      rows.map((row) => ({ ...row, time: new Date(row.at).toISOString() })),
      null,
      2,
    )}\n`;
  }
  const lines = ['id,time,type,actor,detail'];
  for (const row of rows) {
    lines.push(
      [String(row.id), new Date(row.at).toISOString(), row.type, row.actor, JSON.stringify(row.detail)]
        .map(csvField)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}
