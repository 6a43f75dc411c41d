import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { createGroupLedger } from './group-ledger.js';

const cleanup: Array<() => void> = [];
afterEach(() => {
  for (const step of cleanup.splice(0).reverse()) step();
});

function sleeper(): Promise<{ pid: number; exited: Promise<unknown> }> {
  const child = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
  cleanup.push(() => {
    try {
      process.kill(-(child.pid as number), 'SIGKILL');
    } catch {
      // already ended
    }
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return new Promise((resolve) => child.once('spawn', () => resolve({ pid: child.pid as number, exited })));
}

it.runIf(process.platform === 'linux')(
  "kills a dead engine's groups, leaves a live engine's alone and never kills a reused pid",
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pa-groups-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const [mine, reused] = await Promise.all([sleeper(), sleeper()]);
    const crashed = createGroupLedger(dir, 'crashed');
    crashed.add(mine.pid);
    // a ledger whose pid has since gone to another process (its start time differs)
    writeFileSync(join(dir, 'older.json'), JSON.stringify([{ pid: reused.pid, start: '1' }]));
    const next = createGroupLedger(dir, 'next');
    expect(next.reap((owner) => owner === 'crashed')).toEqual([]);
    expect(next.reap(() => false)).toEqual([mine.pid]);
    expect(await mine.exited).toBeNull(); // exit code null: killed by a signal
    expect(() => process.kill(reused.pid, 0)).not.toThrow();
    expect(next.reap(() => false)).toEqual([]);
  },
);
