// Waits until a process has settled after its start: it used under `busyShare` of one core over `windowMs` (read
// from /proc; where there is no /proc it waits `windowMs` once). For benches of steady-state work: the engine's
// start-up (the workspace watcher's first walk of a tree of tens of thousands of files) is not what they measure.
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { progress } from './report.js';

/** utime + stime of `pid` in clock ticks, or null without /proc. */
function cpuTicks(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // fields after the command (in parentheses, which may hold spaces): state is the 3rd; utime and stime the 14th, 15th
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return null;
  }
}

/** Clock ticks per second on Linux (USER_HZ), the unit of /proc's times. */
const TICKS_PER_SECOND = 100;

export async function settled(pid: number, options: { windowMs?: number; busyShare?: number; maxMs?: number } = {}) {
  const windowMs = options.windowMs ?? 1_000;
  const busyShare = options.busyShare ?? 0.05;
  const maxMs = options.maxMs ?? 120_000;
  const started = performance.now();
  let last = cpuTicks(pid);
  if (last === null) {
    await sleep(windowMs);
    return;
  }
  for (;;) {
    await sleep(windowMs);
    const now = cpuTicks(pid);
    if (now === null) return;
    const share = (now - last) / TICKS_PER_SECOND / (windowMs / 1000);
    last = now;
    if (share < busyShare) break;
    if (performance.now() - started > maxMs) {
      progress(
        `process ${pid} still busy (${(share * 100).toFixed(0)}% of a core) after ${maxMs} ms; measuring anyway`,
      );
      break;
    }
  }
  progress(`process ${pid} settled after ${(performance.now() - started).toFixed(0)} ms`);
}
