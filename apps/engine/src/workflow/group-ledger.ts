// The process groups of `run` steps, recorded per engine in the data dir. The launcher's watchdog ends them when
// the engine dies alone; when the launcher dies with it (both killed at once, the machine out of memory), the
// next engine on the data dir finds the ledger of a dead engine here and ends what is left. A group is killed only
// while its leader is the very process recorded (same pid and start time), so a reused pid is never hit. The
// start time comes from /proc: on systems without it nothing is recorded and only the watchdog stands.
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../files/index.js';

export interface GroupLedger {
  add(pid: number): void;
  /** The leader exited; the group is forgotten once no process is left in it. */
  remove(pid: number): void;
  /** Kills the groups recorded by engines that are gone; answers their leaders' pids. */
  reap(isAlive: (owner: string) => boolean): number[];
  release(): void;
}

const Ledger = z.array(z.object({ pid: z.number().int().positive(), start: z.string() }));

export function createGroupLedger(dir: string, owner: string): GroupLedger {
  const file = join(dir, `${owner}.json`);
  const groups = new Map<number, string>();
  const save = () => {
    mkdirSync(dir, { recursive: true });
    if (groups.size === 0) rmSync(file, { force: true });
    else writeFileAtomic(file, JSON.stringify([...groups].map(([pid, start]) => ({ pid, start }))));
  };
  return {
    add(pid) {
      const start = startTime(pid);
      if (start === null) return;
      groups.set(pid, start);
      save();
    },
    remove(pid) {
      if (!groups.has(pid) || groupAlive(pid)) return;
      groups.delete(pid);
      save();
    },
    reap(isAlive) {
      const killed: number[] = [];
      let names: string[];
      try {
        names = readdirSync(dir).filter((name) => name.endsWith('.json'));
      } catch {
        return killed;
      }
      for (const name of names) {
        const other = name.slice(0, -'.json'.length);
        if (other === owner || isAlive(other)) continue;
        const path = join(dir, name);
        const entries = Ledger.safeParse(readJson(path));
        for (const { pid, start } of entries.success ? entries.data : []) {
          if (startTime(pid) !== start) continue; // gone, or the pid now belongs to someone else
          try {
            process.kill(-pid, 'SIGKILL');
            killed.push(pid);
          } catch {
            // the group ended meanwhile
          }
        }
        rmSync(path, { force: true });
      }
      return killed;
    },
    release() {
      groups.clear();
      rmSync(file, { force: true });
    },
  };
}

/** Field 22 of /proc/PID/stat: when the process started, in clock ticks since boot; null where /proc is absent. */
function startTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) may hold spaces and parentheses; the fields after it are plain
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}
