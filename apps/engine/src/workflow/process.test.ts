import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { helperLauncher } from './launcher.js';
import { runProcess, truncationMarker } from './process.js';

const base = { cwd: process.cwd(), env: { PATH: process.env.PATH ?? '' }, timeoutMs: 10_000 };

function alive(pid: number): boolean {
  // A killed process whose parent is gone stays a zombie until init reaps it; a zombie runs nothing.
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe('runProcess', () => {
  it('captures exit code, stdout and stderr', async () => {
    const result = await runProcess({ ...base, command: 'sh', args: ['-c', 'echo out; echo err >&2; exit 3'] });
    expect(result).toMatchObject({ exitCode: 3, stdout: 'out\n', stderr: 'err\n', truncated: false, timedOut: false });
  });

  it('keeps at most the limit per stream and marks the cut', async () => {
    const result = await runProcess({
      ...base,
      command: 'sh',
      args: ['-c', 'head -c 300000 /dev/zero | tr "\\0" a'],
      outputLimit: 100_000,
    });
    expect(result.truncated).toBe(true);
    expect(result.stdout).toBe('a'.repeat(100_000) + truncationMarker(200_000));
  });

  it('kills the whole process group on timeout, grandchildren included', async () => {
    let grandchild = 0;
    const result = await runProcess({
      ...base,
      command: 'sh',
      args: ['-c', 'sleep 30 & echo $!; wait'],
      timeoutMs: 300,
      onOutput: (_stream, text) => {
        grandchild ||= Number.parseInt(text, 10);
      },
    });
    expect(result.timedOut).toBe(true);
    expect(grandchild).toBeGreaterThan(0);
    await expect.poll(() => alive(grandchild), { timeout: 3_000 }).toBe(false);
  });

  it('stops when its signal aborts', async () => {
    const controller = new AbortController();
    const running = runProcess({
      ...base,
      command: 'sh',
      args: ['-c', 'echo started; sleep 30'],
      signal: controller.signal,
      onOutput: () => controller.abort(),
    });
    const result = await running;
    expect(result.cancelled).toBe(true);
    expect(result.durationMs).toBeLessThan(5_000);
  });
});

describe('runProcess through the helper launcher', () => {
  it('reports output and exit the same way, and its process group can be killed', async () => {
    const launcher = helperLauncher();
    try {
      const result = await runProcess({
        ...base,
        command: 'sh',
        args: ['-c', 'echo out; echo err >&2; exit 4'],
        launcher,
      });
      expect(result).toMatchObject({ exitCode: 4, stdout: 'out\n', stderr: 'err\n' });
      let grandchild = 0;
      const timed = await runProcess({
        ...base,
        command: 'sh',
        args: ['-c', 'sleep 30 & echo $!; wait'],
        timeoutMs: 300,
        launcher,
        onOutput: (_stream, text) => {
          grandchild ||= Number.parseInt(text, 10);
        },
      });
      expect(timed.timedOut).toBe(true);
      await expect.poll(() => alive(grandchild), { timeout: 3_000 }).toBe(false);
      await expect(runProcess({ ...base, command: 'no-such-command-pa', args: [], launcher })).rejects.toMatchObject({
        code: 'ENOENT',
      });
    } finally {
      launcher.dispose();
    }
  });
});
