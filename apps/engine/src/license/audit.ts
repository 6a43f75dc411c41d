// The audit log: who did what to the license and when (installed, removed, rejected, quota exhausted, gated call
// denied), in SQLite with an index on time. Details are scrubbed so a secret can never land in a row.
import type { AuditEntry } from '@pa/shared';
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
];

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
  tail(limit: number): AuditEntry[];
}

export function createAuditLog(store: Store, clock: () => number): AuditLog {
  store.migrate('audit', AUDIT_MIGRATIONS);
  const insert = store.db.prepare('INSERT INTO audit_log (at, type, actor, detail) VALUES (?, ?, ?, ?)');
  const latest = store.db.prepare<[number], { id: number; at: number; type: string; actor: string; detail: string }>(
    'SELECT id, at, type, actor, detail FROM audit_log ORDER BY at DESC, id DESC LIMIT ?',
  );
  return {
    record({ type, actor, detail = {} }) {
      insert.run(clock(), type, actor, JSON.stringify(scrub(detail)));
    },
    tail(limit) {
      return latest
        .all(limit)
        .reverse()
        .map((row) => ({ ...row, detail: JSON.parse(row.detail) as Record<string, unknown> }));
    },
  };
}
