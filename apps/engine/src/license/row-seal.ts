// Seals the SQLite rows the license's clock and quota rely on (the clock's high-water mark, the quota counters) with
// an HMAC keyed from a secret in the keychain, so a row edited or deleted with a SQLite tool is detected. A deterrent
// against the machine's owner, not a guarantee: whoever can read the keychain entry (or the file fallback) can
// compute valid MACs, and removing both the key and the rows looks like a fresh install.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Secrets } from '../secrets/index.js';
import type { Store } from '../store/index.js';

export const ROW_SEAL_SECRET = 'license-row-seal';

export type SealedField = string | number;

export interface RowSeal {
  /** The MAC of one row: its table and its fields, in a fixed order. */
  mac(table: string, fields: readonly SealedField[]): string;
  /** Whether `mac` is the MAC of these fields (a missing MAC never is). */
  verify(table: string, fields: readonly SealedField[], mac: string | null): boolean;
  /**
   * True when this installation sealed rows before it was opened: a missing row is then a deleted one. False on a
   * fresh install and on the first start after an upgrade, when rows may exist without a MAC and are sealed as found.
   */
  readonly established: boolean;
}

/** The installation's seal: its key comes from the secrets store, created once (under the database's write lock). */
export function openRowSeal(store: Store, secrets: Pick<Secrets, 'getSync' | 'setSync'>): RowSeal {
  // IMMEDIATE: two processes starting on a fresh data dir must not each create a key and seal with it
  const take = store.db.transaction(() => {
    const existing = secrets.getSync(ROW_SEAL_SECRET);
    if (existing) return { key: Buffer.from(existing, 'base64'), established: true };
    const key = randomBytes(32);
    secrets.setSync(ROW_SEAL_SECRET, key.toString('base64'));
    return { key, established: false };
  });
  const { key, established } = take.immediate();
  return rowSealFromKey(key, established);
}

export function rowSealFromKey(key: Uint8Array, established: boolean): RowSeal {
  const mac = (table: string, fields: readonly SealedField[]) =>
    createHmac('sha256', key)
      .update(JSON.stringify([table, ...fields]))
      .digest('base64url');
  return {
    established,
    mac,
    verify(table, fields, given) {
      if (given === null) return false;
      const expected = Buffer.from(mac(table, fields));
      const actual = Buffer.from(given);
      return actual.length === expected.length && timingSafeEqual(actual, expected);
    },
  };
}
