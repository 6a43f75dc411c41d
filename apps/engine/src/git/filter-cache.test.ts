import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FilterDriverCache, readListing } from './filter-cache.js';

let root: string;
let home: string;
/** The clock the cache compares change times with: far after every file was written, unless a test says. */
let now = 0;
const env = () => ({ home, xdgConfigHome: join(home, 'xdg') });
const git = (...args: string[]) =>
  execFileSync('git', args, {
    cwd: root,
    env: { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, 'xdg'), GIT_CONFIG_NOSYSTEM: '1' },
  });
/** The listing as the engine asks it (exec.ts listConfig), with this test's home. */
const cache = () =>
  new FilterDriverCache(
    async () => ({ stdout: git('config', '--null', '--show-origin', '--list') }),
    env(),
    () => now,
  );
/** Sets a file's times an hour back (as if edited long ago), so the cache may keep what it read. */
const age = (path: string) => {
  const past = new Date(Date.now() - 3_600_000);
  utimesSync(path, past, past);
};

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'pa-filter-cache-'));
  home = mkdtempSync(join(tmpdir(), 'pa-filter-home-'));
  git('init', '-q');
  // ctime cannot be set back: the clock the cache is given runs ahead instead
  now = Date.now() + 60_000;
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(home, { recursive: true, force: true });
});

describe('readListing', () => {
  it('finds filter names, origins and include targets, present or not', () => {
    const listing = [
      'file:.git/config',
      'filter.lfs.clean\ngit-lfs clean -- %f',
      'file:.git/config',
      'include.path\n../shared.cfg',
      'file:/abs/other.cfg',
      'includeif.onbranch:main.path\n~/branch.cfg',
      'file:/abs/other.cfg',
      'Filter.Evil.process\nx',
      '',
    ].join('\0');
    const read = readListing('/repo', listing, { home: '/home/u' });
    expect(read.names.sort()).toEqual(['Evil', 'lfs']);
    expect(read.files).toEqual(
      expect.arrayContaining(['/repo/.git/config', '/repo/shared.cfg', '/abs/other.cfg', '/home/u/branch.cfg']),
    );
    expect(read.files).toEqual(expect.arrayContaining(['/home/u/.gitconfig', '/home/u/.config/git/config']));
  });

  it('cannot keep names that came from something other than a file', () => {
    expect(readListing('/repo', 'blob:abc\0filter.x.clean\ny\0', { home: '/h' }).files).toBeNull();
  });

  it('refuses a filter name that could not be switched off as one -c pair', () => {
    expect(() => readListing('/repo', 'file:.git/config\0filter.a=b.clean\nx\0', { home: '/h' })).toThrow(/cannot be/);
  });
});

describe('FilterDriverCache', () => {
  it('reads once while nothing changes', async () => {
    git('config', 'filter.lfs.clean', 'git-lfs clean');
    age(join(root, '.git/config'));
    const filters = cache();
    expect(await filters.get(root)).toEqual(['lfs']);
    expect(await filters.get(root)).toEqual(['lfs']);
    git('status'); // git's own writes inside .git (the index) change nothing the names depend on
    expect(await filters.get(root)).toEqual(['lfs']);
    expect(filters.reads).toBe(1);
  });

  it('reads again when the repository config gains a filter, even with its mtime set back', async () => {
    age(join(root, '.git/config'));
    const filters = cache();
    expect(await filters.get(root)).toEqual([]);
    git('config', 'filter.evil.clean', 'touch /tmp/pwned');
    age(join(root, '.git/config')); // mtime back; ctime and size still differ
    expect(await filters.get(root)).toEqual(['evil']);
    expect(filters.reads).toBe(2);
  });

  it('reads again when an include that did not exist is created', async () => {
    git('config', 'include.path', '../later.cfg');
    age(join(root, '.git/config'));
    const filters = cache();
    expect(await filters.get(root)).toEqual([]);
    writeFileSync(join(root, 'later.cfg'), '[filter "evil"]\n\tsmudge = touch /tmp/pwned\n');
    expect(await filters.get(root)).toEqual(['evil']);
  });

  it('reads again when the branch changes (includeIf onbranch:)', async () => {
    writeFileSync(join(root, 'evil.cfg'), '[filter "evil"]\n\tclean = touch /tmp/pwned\n');
    git('config', 'includeIf.onbranch:other.path', '../evil.cfg');
    age(join(root, '.git/config'));
    age(join(root, 'evil.cfg'));
    age(join(root, '.git/HEAD'));
    const filters = cache();
    expect(await filters.get(root)).toEqual([]);
    git('symbolic-ref', 'HEAD', 'refs/heads/other');
    expect(await filters.get(root)).toEqual(['evil']);
  });

  it('reads again when a global config appears', async () => {
    age(join(root, '.git/config'));
    const filters = cache();
    expect(await filters.get(root)).toEqual([]);
    mkdirSync(join(home, 'xdg', 'git'), { recursive: true });
    writeFileSync(join(home, 'xdg', 'git', 'config'), '[filter "global"]\n\tclean = cat\n');
    expect(await filters.get(root)).toEqual(['global']);
  });

  it('keeps nothing it read while a file it depends on had just changed', async () => {
    now = Date.now(); // the config was written a moment ago
    const filters = cache();
    await filters.get(root);
    await filters.get(root);
    expect(filters.reads).toBe(2);
  });
});
