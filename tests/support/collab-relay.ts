// Starts the real, built relay (apps/relay/dist/main.js) on a loopback port with a fresh token and data dir, for
// collab tests, end-to-end tests and benchmarks.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const relayMain = fileURLToPath(new URL('../../apps/relay/dist/main.js', import.meta.url));

export interface StartedRelay {
  /** ws://127.0.0.1:<port>, the base the clients append /signal and /sync/<room> to. */
  url: string;
  token: string;
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

export interface StartRelayOptions {
  port?: number;
  dataDir?: string;
  /** 'full' (the relay's default) fsyncs before acknowledging; tests use 'normal' to spare the shared disk. */
  syncMode?: 'full' | 'normal';
}

export async function startRelay(options: StartRelayOptions = {}): Promise<StartedRelay> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'pa-relay-'));
  const token = randomBytes(24).toString('base64url');
  const child = spawn(process.execPath, [relayMain], {
    env: {
      ...process.env,
      PORT: String(options.port ?? 0),
      HOST: '127.0.0.1',
      RELAY_TOKEN: token,
      RELAY_DATA_DIR: dataDir,
      RELAY_SYNC_MODE: options.syncMode ?? 'normal',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-10_000);
  });
  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on('line', (line) => {
      try {
        const entry = JSON.parse(line) as { event?: string; port?: number };
        if (entry.event === 'listening' && entry.port) resolve(entry.port);
      } catch {
        // not a log line
      }
    });
    child.once('exit', (code) => reject(new Error(`relay exited with ${code} before listening:\n${stderr}`)));
  });
  return {
    url: `ws://127.0.0.1:${port}`,
    token,
    port,
    process: child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
