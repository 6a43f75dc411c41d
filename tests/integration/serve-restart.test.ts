// `pa serve` across restarts of the same data dir, through the built CLI: the same token (so the open page is
// accepted), the last folder reopened when none is named, `--new-token` locking the old URL out, and `pa workflow
// list` (an in-process engine on the current folder) leaving the editor's Recent list alone.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { connectClient } from '../support/engine.js';
import { engineCliFor } from '../support/vendor-key.js';
import { copyFixture } from '../support/workspace.js';

const workspace = copyFixture('sample-project');
const other = copyFixture('sample-project');
const dataDir = mkdtempSync(join(tmpdir(), 'pa-serve-data-'));
const env = { ...process.env, PA_DATA_DIR: dataDir };
const running: ChildProcess[] = [];

afterAll(async () => {
  for (const child of running) await stop(child);
  workspace.remove();
  other.remove();
  rmSync(dataDir, { recursive: true, force: true });
});

async function serve(...args: string[]): Promise<{ child: ChildProcess; port: string; token: string }> {
  const child = spawn(process.execPath, [engineCliFor(), 'serve', '--no-open', '--port', '0', ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  let output = '';
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /127\.0\.0\.1:(\d+)\/#token=([\w-]+)/.exec(output);
      if (match?.[1] && match[2]) resolve({ child, port: match[1], token: match[2] });
    });
    child.once('exit', (code) => reject(new Error(`pa serve exited (${code}):\n${output}`)));
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

it('keeps the token, reopens the last folder, ignores the CLI in Recent, and refuses the old token after --new-token', async () => {
  const first = await serve(workspace.root);
  await stop(first.child);

  // the CLI works on another folder meanwhile: it is not "the last folder" and not in Recent
  execFileSync(process.execPath, [engineCliFor(), 'workflow', 'list', '--json', '--workspace', other.root], { env });

  const second = await serve();
  expect(second.token).toBe(first.token);
  const client = await connectClient(`ws://127.0.0.1:${second.port}/rpc`, second.token);
  expect((await client.call('workspace.current')).workspace?.root).toBe(workspace.root);
  expect((await client.call('workspace.recent')).items.map((item) => item.path)).toEqual([workspace.root]);
  client.close();
  await stop(second.child);

  const third = await serve('--new-token');
  expect(third.token).not.toBe(first.token);
  await expect(connectClient(`ws://127.0.0.1:${third.port}/rpc`, first.token)).rejects.toThrow(/401/);
  const fresh = await connectClient(`ws://127.0.0.1:${third.port}/rpc`, third.token);
  expect((await fresh.call('engine.ping')).pong).toBe(true);
  fresh.close();
});
