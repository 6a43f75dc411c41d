// `pa relay` starts the built relay with its options passed through, and stops it gracefully on SIGTERM.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { engineCli } from '../../scripts/paths.js';
import { RELAY_TOKEN } from './relay-harness.js';

describe('pa relay', () => {
  it('serves /healthz with the given data dir and exits 0 on SIGTERM', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'pa-relay-cli-')), 'nested');
    const child = spawn(
      process.execPath,
      [engineCli, 'relay', '--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir],
      {
        env: { ...process.env, RELAY_TOKEN },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const listening = await new Promise<{ port: number; dataDir: string }>((resolve) => {
      createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
        const entry = JSON.parse(line) as { event: string; port: number; dataDir: string };
        if (entry.event === 'listening') resolve(entry);
      });
    });
    expect(listening.dataDir).toBe(dataDir);
    const health = await fetch(`http://127.0.0.1:${listening.port}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(existsSync(join(dataDir, 'relay.sqlite'))).toBe(true);
  });

  it('says how to provide a token when none is set', () => {
    const env = { ...process.env };
    delete env.RELAY_TOKEN;
    delete env.RELAY_TOKEN_FILE;
    const run = spawnSync(process.execPath, [engineCli, 'relay', '--port', '0'], { env, encoding: 'utf8' });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('RELAY_TOKEN');
  });
});
