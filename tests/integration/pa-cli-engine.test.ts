// How `pa` commands open the engine (apps/engine/src/cli/local-engine.ts), seen from outside the built CLI: a
// command that needs no engine loads none of it, and one that opens it closes it and exits by itself.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VERSION } from '../../apps/engine/src/version.js';
import { engineCli } from '../../scripts/paths.js';

const recorder = fileURLToPath(new URL('../support/record-module-loads.mjs', import.meta.url));
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pa-cli-engine-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the built `pa` with a fresh data dir; returns its output and what it loaded. */
function pa(...args: string[]) {
  const log = join(dir, 'loads.txt');
  const started = performance.now();
  const run = spawnSync(process.execPath, ['--import', recorder, engineCli, ...args], {
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, PA_DATA_DIR: join(dir, 'data'), PA_SECRETS_BACKEND: 'file', PA_RECORD_LOADS: log },
  });
  const loads = readFileSync(log, 'utf8').split('\n').filter(Boolean);
  // a loaded module of the engine's bundle that defines createEngine: the engine itself was loaded
  const engineLoaded = loads.some(
    (line) => line.startsWith('file:') && readFileSync(fileURLToPath(line), 'utf8').includes('function createEngine('),
  );
  return { ...run, ms: performance.now() - started, loads, engineLoaded };
}

describe('pa and the engine', () => {
  it('prints its version without loading the engine, its store or its transports', () => {
    const run = pa('--version');
    expect(run.stdout.trim()).toBe(VERSION);
    expect(run.status).toBe(0);
    expect(run.engineLoaded).toBe(false);
    expect(run.loads.filter((line) => /better-sqlite3|require:ws$|chokidar/.test(line))).toEqual([]);
  });

  it('opens the engine for a command that needs it, answers, and exits by itself once it is disposed', () => {
    const run = pa('license', 'status', '--json');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.signal).toBeNull(); // not killed by the timeout: nothing kept the process alive
    expect(JSON.parse(run.stdout)).toMatchObject({ edition: 'personal' });
    expect(run.engineLoaded).toBe(true);
    expect(run.loads).toContain('require:better-sqlite3');
  });
});
