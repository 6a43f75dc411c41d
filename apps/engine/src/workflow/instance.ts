// Which engine owns a run, and whether that engine still lives. Each engine start takes a random instance id and
// holds an exclusive SQLite lock on `<dir>/<id>.lock` for its whole life. The OS drops the lock when the process
// ends, however it ends (kill -9 included), so a free lock means the owner is gone: no pid reuse, no clocks, no
// heartbeat that a stalled event loop or a sleeping laptop could miss, and the same answer for two engines (the
// app and `pa workflow run`) on one data directory.
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

export interface EngineInstance {
  /** Random per start; recorded with every run this engine starts. */
  readonly id: string;
  /** True while the engine that claimed `id` is running (this one included). */
  isAlive(id: string): boolean;
  /** Removes the lock file of an engine that is gone. */
  forget(id: string): void;
  /** Releases this engine's lock (a clean stop). */
  release(): void;
}

/** A free lock file this old is left over from a crash; a starting engine locks its own within milliseconds. */
const STALE_MS = 60_000;
const SUFFIX = '.lock';

export function claimInstance(dir: string, id: string = randomUUID()): EngineInstance {
  mkdirSync(dir, { recursive: true });
  const file = (owner: string) => join(dir, `${owner}${SUFFIX}`);
  // The wait covers another engine probing this file at the same moment.
  const held = new Database(file(id), { timeout: 5000 });
  held.exec('BEGIN EXCLUSIVE');

  const isAlive = (owner: string): boolean => {
    if (owner === id) return held.open;
    let probe: Database.Database;
    try {
      probe = new Database(file(owner), { fileMustExist: true, timeout: 0 });
    } catch {
      return false; // no lock file: the owner stopped cleanly or was forgotten
    }
    try {
      probe.exec('BEGIN IMMEDIATE');
      probe.exec('ROLLBACK');
      return false;
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_BUSY') return true;
      throw error;
    } finally {
      probe.close();
    }
  };

  const forget = (owner: string): void => {
    if (owner === id || isAlive(owner)) return;
    rmSync(file(owner), { force: true });
    rmSync(`${file(owner)}-journal`, { force: true });
  };

  // Lock files of engines that crashed without leaving a run behind are removed here.
  const now = Date.now();
  for (const name of readdirSync(dir)) {
    if (!name.endsWith(SUFFIX)) continue;
    const owner = name.slice(0, -SUFFIX.length);
    try {
      if (owner !== id && now - statSync(join(dir, name)).mtimeMs > STALE_MS) forget(owner);
    } catch {
      // removed by another engine meanwhile
    }
  }

  return {
    id,
    isAlive,
    forget,
    release() {
      if (!held.open) return;
      held.close();
      rmSync(file(id), { force: true });
    },
  };
}
