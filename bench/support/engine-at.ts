// Starts an engine build at a given path (another commit's apps/engine/dist/main.js, built in a worktree), so a
// bench can compare this tree's engine with an earlier one in the same run. Same ready line as startEngine.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { RpcClient } from '@pa/shared';
import { connectClient } from '../../tests/support/engine.js';

export interface EngineAt {
  client: RpcClient;
  stop(): Promise<void>;
}

export async function startEngineAt(main: string): Promise<EngineAt> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pa-bench-base-'));
  const child = spawn(process.execPath, [main, '--port', '0'], {
    env: { ...process.env, PA_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const ready = await new Promise<{ port: number; token: string }>((resolve, reject) => {
    lines.on('line', (line) => {
      if (!line.startsWith('{"ready"')) return;
      const message = JSON.parse(line) as { port?: number; token?: string };
      if (message.port && message.token) resolve({ port: message.port, token: message.token });
    });
    child.once('exit', (code) => reject(new Error(`${main} exited with ${code} before it was ready`)));
  });
  const client = await connectClient(`ws://127.0.0.1:${ready.port}/rpc`, ready.token);
  return {
    client,
    async stop() {
      client.close();
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
