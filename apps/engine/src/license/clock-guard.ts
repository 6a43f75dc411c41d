// The clock's high-water mark: the latest time this installation has seen, in SQLite so it survives restarts and
// is shared by every process on the data dir. It only ever moves forward.
import type { Store } from '../store/index.js';
import { LICENSE_MIGRATIONS } from './tables.js';

/** Writes are skipped while the mark moved less than this: the rollback tolerance is minutes, not milliseconds. */
const PERSIST_STEP_MS = 30_000;

export interface ClockGuard {
  /** The mark before this observation (null on a fresh install); then records `now` if it is later. */
  observe(now: number): number | null;
  highWaterMark(): number | null;
}

export function createClockGuard(store: Store): ClockGuard {
  store.migrate('license', LICENSE_MIGRATIONS);
  const read = store.db.prepare<[], { high_water: number }>('SELECT high_water FROM license_clock WHERE id = 1');
  const raise = store.db.prepare(
    `INSERT INTO license_clock (id, high_water) VALUES (1, ?)
     ON CONFLICT (id) DO UPDATE SET high_water = max(high_water, excluded.high_water)`,
  );
  let persisted: number | null = read.get()?.high_water ?? null;
  let seen = persisted;
  return {
    observe(now) {
      const before = seen;
      if (seen === null || now > seen) seen = now;
      if (persisted === null || seen - persisted >= PERSIST_STEP_MS) {
        raise.run(seen);
        // another process may have seen a later time; adopt it so both guard the same mark
        persisted = read.get()?.high_water ?? seen;
        seen = Math.max(seen, persisted);
      }
      return before;
    },
    highWaterMark: () => seen,
  };
}
