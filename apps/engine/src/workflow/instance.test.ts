import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { claimInstance, type EngineInstance } from './instance.js';

const dirs: string[] = [];
const claimed: EngineInstance[] = [];
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const instance of claimed.splice(0)) instance.release();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pa-instances-'));
  dirs.push(dir);
  return dir;
}

function claim(dir: string, id?: string): EngineInstance {
  const instance = claimInstance(dir, id);
  claimed.push(instance);
  return instance;
}

/** Another process claims `id` and keeps it until killed. */
async function claimElsewhere(dir: string, id: string): Promise<ChildProcess> {
  const module = fileURLToPath(new URL('./instance.ts', import.meta.url));
  const source = `import { claimInstance } from ${JSON.stringify(module)};
claimInstance(${JSON.stringify(dir)}, ${JSON.stringify(id)}); process.stdout.write('claimed\\n'); setInterval(() => {}, 60000);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', source], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('claimed')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the claiming process exited with ${code}`)));
  });
  return child;
}

it('sees an engine in another process as alive until it is killed with SIGKILL, then forgets it', async () => {
  const dir = tempDir();
  const other = await claimElsewhere(dir, 'other-engine');
  const self = claim(dir);
  expect(self.isAlive('other-engine')).toBe(true);
  self.forget('other-engine'); // refused while alive
  expect(existsSync(join(dir, 'other-engine.lock'))).toBe(true);

  const exited = new Promise((resolve) => other.once('exit', resolve));
  other.kill('SIGKILL');
  await exited;
  expect(self.isAlive('other-engine')).toBe(false);
  self.forget('other-engine');
  expect(existsSync(join(dir, 'other-engine.lock'))).toBe(false);
  expect(self.isAlive('other-engine')).toBe(false);
});

it('tells two engines in one process apart, and a released one is gone', () => {
  const dir = tempDir();
  const first = claim(dir);
  const second = claim(dir);
  expect(first.id).not.toBe(second.id);
  expect(first.isAlive(second.id)).toBe(true);
  expect(second.isAlive(first.id)).toBe(true);
  expect(first.isAlive(first.id)).toBe(true);
  second.release();
  expect(first.isAlive(second.id)).toBe(false);
  expect(existsSync(join(dir, `${second.id}.lock`))).toBe(false);
  expect(first.isAlive('never-started')).toBe(false);
});

it('removes stale lock files left by crashed engines at start, keeping fresh and held ones', async () => {
  const dir = tempDir();
  const held = await claimElsewhere(dir, 'held');
  writeFileSync(join(dir, 'crashed.lock'), '');
  writeFileSync(join(dir, 'just-created.lock'), '');
  const old = new Date(Date.now() - 120_000);
  utimesSync(join(dir, 'crashed.lock'), old, old);
  utimesSync(join(dir, 'held.lock'), old, old);
  claim(dir);
  expect(existsSync(join(dir, 'crashed.lock'))).toBe(false);
  expect(existsSync(join(dir, 'just-created.lock'))).toBe(true);
  expect(existsSync(join(dir, 'held.lock'))).toBe(true);
  expect(held.exitCode).toBeNull();
});
