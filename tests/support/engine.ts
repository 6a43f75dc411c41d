// Starts the real, built engine as a child process on a random port and connects a typed client over WebSocket.
// Integration tests, end-to-end tests and benchmarks all use this; nothing here mocks the engine.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { RpcClient, webSocketTransport } from '@pa/shared';
import WebSocket from 'ws';
import { engineMainFor } from './vendor-key.js';

export interface StartedEngine {
  process: ChildProcess;
  port: number;
  token: string;
  dataDir: string;
  url: string;
  /** Opens a new authenticated client connection. */
  connect(): Promise<RpcClient>;
  stop(): Promise<void>;
}

export interface StartEngineOptions {
  dataDir?: string;
  workspace?: string;
  /** Extra environment; testVendorEnv(key) in it runs the test build, which trusts that vendor key. */
  env?: Record<string, string>;
  uiDir?: string;
  /** Extra command-line arguments for the engine. */
  args?: string[];
  /** Node's own options, before the engine's script (`--cpu-prof` to profile a bench's engine). */
  nodeArgs?: string[];
  /** Keep the data dir after stop (for restart tests). */
  keepDataDir?: boolean;
}

export async function startEngine(options: StartEngineOptions = {}): Promise<StartedEngine> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'pa-data-'));
  const args = [...(options.nodeArgs ?? []), engineMainFor(options.env), '--port', '0'];
  if (options.workspace) args.push('--workspace', options.workspace);
  if (options.uiDir) args.push('--ui-dir', options.uiDir);
  if (options.args) args.push(...options.args);
  const child = spawn(process.execPath, args, {
    env: { ...process.env, PA_DATA_DIR: dataDir, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-20_000);
  });
  const ready = await new Promise<{ port: number; token: string }>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on('line', (line) => {
      try {
        const message = JSON.parse(line) as { ready?: boolean; port?: number; token?: string };
        if (message.ready && message.port && message.token) resolve({ port: message.port, token: message.token });
      } catch {
        // not the ready line
      }
    });
    child.once('exit', (code) => reject(new Error(`engine exited with ${code} before it was ready:\n${stderr}`)));
  });
  const url = `ws://127.0.0.1:${ready.port}/rpc`;
  const clients: RpcClient[] = [];
  return {
    process: child,
    port: ready.port,
    token: ready.token,
    dataDir,
    url,
    async connect() {
      const client = await connectClient(url, ready.token);
      clients.push(client);
      return client;
    },
    async stop() {
      for (const client of clients) client.close();
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      if (!options.keepDataDir && !options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Connects with the token in the query string and waits for the socket to open. */
export async function connectClient(url: string, token: string): Promise<RpcClient> {
  const socket = new WebSocket(`${url}?token=${encodeURIComponent(token)}`);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return new RpcClient(webSocketTransport(socket));
}
