// Hostile uses of the files and workspace methods against the real engine over its WebSocket: a folder swapped for
// a symlink to outside while the engine writes into it, a hard link to a file outside, `.git` however spelled,
// names too long for the filesystem, crash leftovers of atomic writes, and opening the disk's root or home.
import { spawn } from 'node:child_process';
import {
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, type PaError, type RpcClient } from '@pa/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StartedEngine, startEngine } from '../support/engine.js';
import { errorOf } from '../support/error-of.js';
import { copyFixture } from '../support/workspace.js';

let engine: StartedEngine;
let client: RpcClient;
let workspace: ReturnType<typeof copyFixture>;
let outside: string;
// an interrupted atomic write of src/math.js, as writeFileAtomic names its temp file, from before this start
const LEFTOVER = 'src/.math.js.0123456789ab.tmp';

beforeAll(async () => {
  workspace = copyFixture('sample-project');
  outside = mkdtempSync(join(tmpdir(), 'pa-outside-'));
  writeFileSync(join(workspace.root, LEFTOVER), 'half a file');
  const anHourAgo = new Date(Date.now() - 3_600_000);
  utimesSync(join(workspace.root, LEFTOVER), anHourAgo, anHourAgo);
  engine = await startEngine({ workspace: workspace.root });
  client = await engine.connect();
});

afterAll(async () => {
  await engine?.stop();
  workspace?.remove();
  rmSync(outside, { recursive: true, force: true });
});

/** A separate process that swaps `dir` for a symlink to `target` and back, as fast as it can, until killed. */
function startSwapping(dir: string, target: string) {
  const script = `
    const fs = require('node:fs');
    const [dir, target] = process.argv.slice(1);
    const aside = dir + '.aside';
    let swaps = 0;
    const step = (fn) => { try { fn(); } catch {} };
    process.stdout.write('ready\\n');
    for (;;) {
      step(() => fs.renameSync(dir, aside));
      step(() => fs.symlinkSync(target, dir));
      step(() => fs.unlinkSync(dir));
      step(() => fs.renameSync(aside, dir));
      if (++swaps % 1000 === 0) process.stdout.write('s');
    }`;
  const child = spawn(process.execPath, ['-e', script, dir, target], { stdio: ['ignore', 'pipe', 'inherit'] });
  let swaps = 0;
  const ready = new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  child.stdout.on('data', (chunk: Buffer) => {
    swaps += chunk.toString().split('s').length - 1;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = () => {
    child.kill('SIGKILL');
    return exited;
  };
  // the swapper stops at the race's budget even while a call is still in flight: its metadata churn is what makes
  // each fsync slow on a busy disk, and a call that outlives the budget must not keep it going into later tests
  const budget = setTimeout(() => void stop(), RACE_BUDGET_MS);
  return {
    ready,
    swaps: () => swaps * 1000,
    stop: () => {
      clearTimeout(budget);
      return stop();
    },
  };
}

// Each race runs for a count of operations or a time budget, whichever ends first: every write is fsynced, and on a
// slow disk the swapper's churn of metadata makes each journal commit (so each fsync) slow — CI once took over 60 s
// for 1,000 writes that take 2 s here, and a full local run once managed 3 writes in the budget while other test files
// wrote to the same disk. The test still needs operations that met the swapper (at least one, and fewer than the swaps).
const RACE_BUDGET_MS = 25_000;
const RACE_TIMEOUT_MS = RACE_BUDGET_MS + 40_000;

describe('files.write under a racing symlink swap', () => {
  it('lands nothing outside the workspace in up to 1,000 writes while a folder is swapped for a symlink to outside', {
    timeout: RACE_TIMEOUT_MS,
  }, async () => {
    const dir = join(workspace.root, 'race');
    mkdirSync(dir);
    const swapper = startSwapping(dir, outside);
    await swapper.ready;
    const outcomes = new Map<string, number>();
    const deadline = Date.now() + RACE_BUDGET_MS;
    let writes = 0;
    try {
      for (let i = 0; i < 1000 && Date.now() < deadline; i++, writes++) {
        const code = await client.call('files.write', { path: `race/file-${i}.txt`, content: `write ${i}` }).then(
          () => 'ok',
          (error: PaError) => error.code,
        );
        outcomes.set(code, (outcomes.get(code) ?? 0) + 1);
      }
    } finally {
      await swapper.stop();
    }
    expect(readdirSync(outside)).toEqual([]);
    expect(writes).toBeGreaterThanOrEqual(1); // at least one write met the swapper (see RACE_BUDGET_MS)
    expect(swapper.swaps()).toBeGreaterThan(writes);
    // refusals are typed (outside through a symlink, or a folder that vanished mid-write), never E_INTERNAL
    const typed: string[] = ['ok', ErrorCode.BAD_REQUEST, ErrorCode.CONFLICT];
    expect([...outcomes.entries()].filter(([code]) => !typed.includes(code))).toEqual([]);
    expect(outcomes.get('ok') ?? 0).toBeGreaterThan(0);
  });
});

describe('files.create and files.delete under a racing symlink swap', () => {
  it('never creates or deletes a file outside while a folder is swapped for a symlink to outside', {
    timeout: RACE_TIMEOUT_MS,
  }, async () => {
    const dir = join(workspace.root, 'race-delete');
    mkdirSync(dir);
    // every name the editor deletes inside also exists outside: a delete through the symlink would take it
    for (let i = 0; i < 300; i++) writeFileSync(join(outside, `victim-${i}.txt`), 'outside');
    const swapper = startSwapping(dir, outside);
    await swapper.ready;
    const deadline = Date.now() + RACE_BUDGET_MS;
    let rounds = 0;
    try {
      for (let i = 0; i < 300 && Date.now() < deadline; i++, rounds++) {
        const path = `race-delete/victim-${i}.txt`;
        await client.call('files.create', { path, kind: 'file', content: 'inside' }).catch(() => {});
        await client.call('files.delete', { path }).catch(() => {});
      }
    } finally {
      await swapper.stop();
    }
    expect(rounds).toBeGreaterThanOrEqual(1);
    expect(swapper.swaps()).toBeGreaterThan(rounds);
    const left = readdirSync(outside);
    expect(left).toHaveLength(300);
    for (const name of left) expect(readFileSync(join(outside, name), 'utf8')).toBe('outside');
    for (const name of left) rmSync(join(outside, name));
  });
});

describe('files.write and links', () => {
  it('replaces a hard link to a file outside instead of writing through it', async () => {
    const victim = join(outside, 'victim.txt');
    writeFileSync(victim, 'outside content');
    linkSync(victim, join(workspace.root, 'hardlink.txt'));
    await client.call('files.write', { path: 'hardlink.txt', content: 'edited in the editor' });
    expect(readFileSync(victim, 'utf8')).toBe('outside content');
    expect(readFileSync(join(workspace.root, 'hardlink.txt'), 'utf8')).toBe('edited in the editor');
    expect(statSync(victim).nlink).toBe(1);
    rmSync(victim);
  });
});

describe('the git folder', () => {
  const spellings = ['.git/config', '.GIT/config', '.Git/hooks/pre-commit', '.git./config', 'sub/.git/config'];

  it.each(spellings)('refuses files.write, create, rename and delete of %s', async (path) => {
    mkdirSync(join(workspace.root, '.git'), { recursive: true });
    writeFileSync(join(workspace.root, '.git/config'), '[core]\n');
    const refusals = [
      await errorOf(client.call('files.write', { path, content: '[core]\n\tfsmonitor = touch /tmp/pwned\n' })),
      await errorOf(client.call('files.create', { path, kind: 'file', content: 'x' })),
      await errorOf(client.call('files.rename', { from: 'README.md', to: path })),
      await errorOf(client.call('files.rename', { from: '.git/config', to: 'config-copy' })),
      await errorOf(client.call('files.delete', { path })),
    ];
    for (const refusal of refusals) expect(refusal, path).toMatchObject({ code: ErrorCode.FORBIDDEN });
    expect(readFileSync(join(workspace.root, '.git/config'), 'utf8')).toBe('[core]\n');
    expect(readFileSync(join(workspace.root, 'README.md'), 'utf8')).not.toBe('');
  });
});

describe("the engine's data folder inside the workspace", () => {
  it('refuses files.write, create, rename and delete into it, also through a symlink, and still writes next to it', async () => {
    // a home folder opened as the workspace holds the data folder: an AI edit or a workflow there could rewrite
    // settings.json, which names the shells and servers the editor runs
    const own = copyFixture('sample-project');
    const dataDir = join(own.root, '.local-data');
    mkdirSync(dataDir);
    writeFileSync(join(dataDir, 'settings.json'), '{}\n');
    symlinkSync('.local-data', join(own.root, 'data-link'));
    const inner = await startEngine({ workspace: own.root, dataDir });
    try {
      const rpc = await inner.connect();
      const hostile = '{ "terminal.shell": { "program": "/bin/sh", "args": ["-c", "touch /tmp/pwned"] } }';
      const refusals = [
        await errorOf(rpc.call('files.write', { path: '.local-data/settings.json', content: hostile })),
        await errorOf(rpc.call('files.write', { path: 'data-link/settings.json', content: hostile })),
        await errorOf(rpc.call('files.create', { path: '.local-data/keybindings.json', kind: 'file', content: '[]' })),
        await errorOf(rpc.call('files.rename', { from: 'README.md', to: '.local-data/settings.json' })),
        await errorOf(rpc.call('files.rename', { from: '.local-data/settings.json', to: 'moved.json' })),
        await errorOf(rpc.call('files.delete', { path: '.local-data' })),
      ];
      for (const refusal of refusals) {
        expect(refusal).toMatchObject({ code: ErrorCode.FORBIDDEN, data: { reason: 'data_dir' } });
      }
      expect(readFileSync(join(dataDir, 'settings.json'), 'utf8')).toBe('{}\n');
      await rpc.call('files.write', { path: '.local-data-notes.md', content: 'next to it is fine\n' });
      expect(readFileSync(join(own.root, '.local-data-notes.md'), 'utf8')).toBe('next to it is fine\n');
    } finally {
      await inner.stop();
      own.remove();
    }
  });
});

describe('over-long names', () => {
  it.each([
    ['a name of 300 bytes', 'n'.repeat(300)],
    ['a name of 200 characters, 400 bytes', 'é'.repeat(200)],
    ['a path of 4,200 bytes', `${'d/'.repeat(2100)}f.txt`],
    ['a path of 40 names of 120 bytes', Array.from({ length: 40 }, () => 'x'.repeat(120)).join('/')],
  ])('answers E_BAD_REQUEST for %s, never E_INTERNAL', async (_what, path) => {
    const calls = [
      () => client.call('files.write', { path, content: 'x' }),
      () => client.call('files.create', { path, kind: 'file' }),
      () => client.call('files.read', { path }),
      () => client.call('files.rename', { from: 'README.md', to: path }),
    ];
    for (const call of calls) expect((await errorOf(call())).code).toBe(ErrorCode.BAD_REQUEST);
  });

  it('answers E_BAD_REQUEST for workspace.open on a folder name too long', async () => {
    const error = await errorOf(client.call('workspace.open', { path: `/tmp/${'n'.repeat(300)}`, confirm: true }));
    expect(error.code).toBe(ErrorCode.BAD_REQUEST);
  });
});

describe('temp files of interrupted atomic writes', () => {
  it('removes them when the folder opens and never lists them in the tree or the explorer', async () => {
    const { files } = await client.call('files.tree');
    expect(readdirSync(join(workspace.root, 'src'))).not.toContain('.math.js.0123456789ab.tmp');
    // one left by a write in flight (too young to sweep) is still never shown
    writeFileSync(join(workspace.root, 'src/.greet.ts.abcdef012345.tmp'), 'in flight');
    const { entries } = await client.call('files.list', { dir: 'src' });
    const again = await client.call('files.tree');
    for (const listed of [files, again.files, entries.map((entry) => entry.path)]) {
      expect(listed.filter((path) => path.endsWith('.tmp'))).toEqual([]);
    }
    expect(entries.length).toBeGreaterThan(0);
  });
});

describe('workspace.open on sensitive folders', () => {
  it.each([
    ['/', '/'],
    ['the home folder', homedir()],
    ['/etc', '/etc'],
    ['/usr/lib', '/usr/lib'],
  ])('asks before opening %s and opens it once confirmed', async (_name, path) => {
    const asked = await errorOf(client.call('workspace.open', { path }));
    expect(asked).toMatchObject({ code: ErrorCode.FORBIDDEN, data: { reason: 'confirm_required' } });
    expect((await client.call('workspace.current')).workspace?.root).toBe(workspace.root);
    if (path === '/etc') {
      expect(await client.call('workspace.open', { path, confirm: true })).toMatchObject({ root: '/etc' });
      await client.call('workspace.open', { path: workspace.root });
    }
  });

  it('opens an ordinary project folder without asking', async () => {
    expect(await client.call('workspace.open', { path: workspace.root })).toMatchObject({ root: workspace.root });
  });
});
