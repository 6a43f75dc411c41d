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

type SecretsStore = Pick<Secrets, 'getSync' | 'setSync'>;

/**
 * The installation's seal. Its key comes from the secrets stores, in order (the keychain, then the data dir's
 * encrypted file): every process on one data dir must seal with the same key, and one started without the
 * keychain's session (an MCP client's minimal environment) only reaches the file. Created once, in every store,
 * under the database's write lock; a store that lacks it gets a copy.
 */
export function openRowSeal(store: Store, secrets: readonly SecretsStore[]): RowSeal {
  // IMMEDIATE: two processes starting on a fresh data dir must not each create a key and seal with it
  const take = store.db.transaction(() => {
    const found = secrets.map((candidate) => candidate.getSync(ROW_SEAL_SECRET));
    const existing = found.find((value) => value !== null) ?? null;
    const text = existing ?? randomBytes(32).toString('base64');
    secrets.forEach((candidate, index) => {
      if (found[index] !== text) candidate.setSync(ROW_SEAL_SECRET, text);
    });
    return { key: Buffer.from(text, 'base64'), established: existing !== null };
  });
  const { key, established } = take.immediate();
  return rowSealFromKey(key, established);
}

export function rowSealFromKey(key: Uint8Array, established: boolean): RowSeal {
  // the MACs of rows this process sealed or verified lately: a consume re-reads the row it wrote a moment ago
  const recent = new Map<string, string>();
  const mac = (table: string, fields: readonly SealedField[]) => {
    const text = JSON.stringify([table, ...fields]);
    let known = recent.get(text);
    if (known === undefined) {
      known = createHmac('sha256', key).update(text).digest('base64url');
      if (recent.size >= 1024) recent.clear();
      recent.set(text, known);
    }
    return known;
  };
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
