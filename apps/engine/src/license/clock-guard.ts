// The clock's high-water mark: the latest time this installation has seen, in SQLite so it survives restarts and
// is shared by every process on the data dir. It only ever moves forward. The row is sealed (row-seal.ts): a mark
// edited or deleted outside the app puts the guard in a tampered state, kept in the sealed row, that refuses licenses
// until the data dir is reset (which, for a device-bound license, also means a new activation from the vendor).
import type { Store } from '../store/index.js';
import type { RowSeal } from './row-seal.js';
import { LICENSE_MIGRATIONS } from './tables.js';

/** Writes are skipped while the mark moved less than this: the rollback tolerance is minutes, not milliseconds. */
const PERSIST_STEP_MS = 30_000;
const TABLE = 'license_clock';

export interface ClockGuard {
  /** The mark before this observation (null on a fresh install); then records `now` if it is later. */
  observe(now: number): number | null;
  highWaterMark(): number | null;
  /** True once the stored mark was found edited or deleted outside the app. */
  tampered(): boolean;
}

interface ClockRow {
  high_water: number;
  tampered: number;
  mac: string | null;
}

export function createClockGuard(store: Store, seal: RowSeal): ClockGuard {
  store.migrate('license', LICENSE_MIGRATIONS);
  const read = store.db.prepare<[], ClockRow>('SELECT high_water, tampered, mac FROM license_clock WHERE id = 1');
  const write = store.db.prepare<[number, number, string]>(
    `INSERT INTO license_clock (id, high_water, tampered, mac) VALUES (1, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET high_water = excluded.high_water, tampered = excluded.tampered, mac = excluded.mac`,
  );
  const fields = (highWater: number, tampered: boolean) => [highWater, tampered ? 1 : 0];

  /** Reads the stored mark, judges its seal and writes back max(stored, candidate), sealed; one write lock. */
  const settle = store.db.transaction((candidate: number | null) => {
    const row = read.get();
    if (!row) {
      // a missing row after this installation sealed one was deleted
      const tampered = seal.established;
      if (candidate !== null) write.run(candidate, tampered ? 1 : 0, seal.mac(TABLE, fields(candidate, tampered)));
      return { highWater: candidate, tampered };
    }
    const sealed = seal.verify(TABLE, fields(row.high_water, row.tampered === 1), row.mac);
    // an unsealed row before this installation ever sealed one is a pre-seal database: adopt it as found
    const tampered = row.tampered === 1 || !(sealed || (row.mac === null && !seal.established));
    const highWater = candidate === null ? row.high_water : Math.max(row.high_water, candidate);
    if (!sealed || highWater !== row.high_water || tampered !== (row.tampered === 1)) {
      write.run(highWater, tampered ? 1 : 0, seal.mac(TABLE, fields(highWater, tampered)));
    }
    return { highWater, tampered };
  });

  let { highWater: persisted, tampered } = settle.immediate(null);
  let seen = persisted;
  return {
    observe(now) {
      const before = seen;
      if (seen === null || now > seen) seen = now;
      if (persisted === null || seen - persisted >= PERSIST_STEP_MS) {
        // another process may have seen a later time; adopt it so both guard the same mark
        const settled = settle.immediate(seen);
        persisted = settled.highWater;
        tampered ||= settled.tampered;
        seen = Math.max(seen, persisted ?? seen);
      }
      return before;
    },
    highWaterMark: () => seen,
    tampered: () => tampered,
  };
}
