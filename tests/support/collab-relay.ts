// Starts the real, built relay (apps/relay/dist/main.js) on a loopback port with its own token and data dir, for
// the relay's integration tests, collab tests, end-to-end tests and benchmarks. Nothing of the relay is mocked.
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
  dataDir: string;
  process: ChildProcess;
  /** The last 20,000 characters the relay wrote to stderr (warnings, errors). */
  stderr(): string;
  /** The Prometheus text of GET /metrics. */
  metrics(): Promise<string>;
  /** SIGTERM (graceful: flushes storage), then the exit code; a data dir this call created is removed unless kept. */
  stop(): Promise<number | null>;
  /** SIGKILL: no flush, no goodbye; the data dir stays for a restart. */
  kill9(): Promise<void>;
}

export interface StartRelayOptions {
  port?: number;
  /** Reuse a data dir (a restart); by default a fresh temporary one. */
  dataDir?: string;
  /** 'full' (the relay's default) fsyncs before acknowledging; tests use 'normal' to spare the shared disk. */
  syncMode?: 'full' | 'normal';
  /** Defaults to a random one. */
  token?: string;
  /** Keep a temporary data dir after stop() (to inspect the files). */
  keepDataDir?: boolean;
  /** More environment for the relay (limits, timeouts); wins over everything above. */
  env?: Record<string, string>;
}

export async function startRelay(options: StartRelayOptions = {}): Promise<StartedRelay> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'pa-relay-'));
  const token = options.token ?? randomBytes(24).toString('base64url');
  const child = spawn(process.execPath, [relayMain], {
    env: {
      ...process.env,
      PORT: String(options.port ?? 0),
      HOST: '127.0.0.1',
      RELAY_TOKEN: token,
      RELAY_DATA_DIR: dataDir,
      RELAY_SYNC_MODE: options.syncMode ?? 'normal',
      LOG_LEVEL: 'info',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-20_000);
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
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    url: `ws://127.0.0.1:${port}`,
    token,
    port,
    dataDir,
    process: child,
    stderr: () => stderr,
    metrics: async () => (await fetch(`http://127.0.0.1:${port}/metrics`)).text(),
    async stop() {
      if (running()) child.kill('SIGTERM');
      const code = await exited;
      if (!options.dataDir && !options.keepDataDir) rmSync(dataDir, { recursive: true, force: true });
      return code;
    },
    async kill9() {
      if (running()) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Reads one sample of a Prometheus metric (first line whose name and labels match). */
export function metricValue(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : Number.NaN;
}
