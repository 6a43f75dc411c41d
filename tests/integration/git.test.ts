// Source control on the real engine against real repositories made in temp dirs: status with renames, a merge
// conflict and a submodule; a hunk staged, unstaged and discarded; commit and amend; branches; fetch and push to a
// local bare remote with progress; and a hostile untrusted repository whose config names programs that would write
// a marker file: status, diff and show run none of them, and commit, stage, checkout and fetch are refused.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, type GitChange, type GitProgress, type RpcClient } from '@pa/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StartedEngine, startEngine } from '../support/engine.js';
import { errorOf } from '../support/error-of.js';

const scratch = mkdtempSync(join(tmpdir(), 'pa-git-'));
const ENV = {
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
};
process.env = { ...process.env, ...ENV };

function sh(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'init.defaultBranch=main', '-c', 'protocol.file.allow=always', ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ...ENV },
  });
}

function repo(name: string): string {
  const dir = join(scratch, name);
  mkdirSync(dir, { recursive: true });
  sh(dir, 'init', '-q');
  return dir;
}

function write(root: string, path: string, content: string): void {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), content);
}

async function changes(client: RpcClient): Promise<GitChange[]> {
  const status = await client.call('git.status', {});
  if (!status.repository) throw new Error('not a repository');
  return status.changes;
}

const lines = (count: number, mark = '') =>
  `${Array.from({ length: count }, (_, i) => `line ${i + 1}${i === 1 || i === count - 2 ? mark : ''}`).join('\n')}\n`;

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('a trusted repository', () => {
  let engine: StartedEngine;
  let client: RpcClient;
  let root: string;
  let remote: string;

  beforeAll(async () => {
    remote = join(scratch, 'remote.git');
    execFileSync('git', ['init', '-q', '--bare', '-b', 'main', remote]);
    const sub = repo('sub');
    write(sub, 'lib.txt', 'lib\n');
    sh(sub, 'add', '.');
    sh(sub, 'commit', '-qm', 'sub');

    root = repo('trusted');
    write(root, 'a.txt', lines(20));
    write(root, 'old-name.txt', 'renamed content\nthat stays the same\nfor the rename\n');
    write(root, 'conflict.txt', 'base\n');
    sh(root, 'add', '.');
    sh(root, 'commit', '-qm', 'first');
    sh(root, 'submodule', 'add', '-q', sub, 'vendor/sub');
    sh(root, 'commit', '-qm', 'submodule');
    sh(root, 'remote', 'add', 'origin', remote);

    engine = await startEngine({ workspace: root, env: ENV });
    client = await engine.connect();
    await client.call('workflow.trust.set', { trusted: true });
  });

  afterAll(async () => {
    await engine?.stop();
  });

  it('pushes a new branch to a bare remote with progress and sets its upstream; fetch streams too', async () => {
    const push = client.stream('git.push', {});
    const items: GitProgress[] = [];
    for await (const item of push) items.push(item);
    await push.result;
    expect(items.some((item) => item.phase === 'Writing objects' && item.percent === 100)).toBe(true);
    const status = await client.call('git.status', {});
    expect(status.repository && status.branch).toMatchObject({ head: 'main', upstream: 'origin/main', ahead: 0 });
    const fetch = client.stream('git.fetch', {});
    for await (const _ of fetch) {
      // progress lines, if any
    }
    await fetch.result;
  });

  it('reports a rename, an untracked file and a submodule whose commit changed', async () => {
    sh(root, 'mv', 'old-name.txt', 'new-name.txt');
    write(root, 'untracked.txt', 'new\n');
    sh(join(root, 'vendor/sub'), 'commit', '-q', '--allow-empty', '-m', 'moved on');
    const found = await changes(client);
    expect(found).toContainEqual(
      expect.objectContaining({ kind: 'renamed', path: 'new-name.txt', origPath: 'old-name.txt', index: 'R' }),
    );
    expect(found).toContainEqual(expect.objectContaining({ kind: 'untracked', path: 'untracked.txt' }));
    expect(found.find((change) => change.path === 'vendor/sub')?.submodule).toEqual({
      commit: true,
      modified: false,
      untracked: false,
    });
    sh(root, 'commit', '-qam', 'rename and bump');
    rmSync(join(root, 'untracked.txt'));
  });

  it('stages one hunk of two, unstages it, discards the other, and refuses a hunk that is gone', async () => {
    write(root, 'a.txt', lines(20, ' changed'));
    const diff = await client.call('git.diff', { path: 'a.txt' });
    expect(diff.hunks).toHaveLength(2);
    const [first, second] = diff.hunks;
    if (!first || !second) throw new Error('two hunks');
    await client.call('git.stageHunk', { path: 'a.txt', header: first.header });
    const staged = await client.call('git.diff', { path: 'a.txt', base: 'staged' });
    expect(staged.hunks.map((hunk) => hunk.lines.filter((line) => line.startsWith('+')))).toEqual([
      ['+line 2 changed'],
    ]);
    expect((await client.call('git.diff', { path: 'a.txt' })).hunks).toHaveLength(1);

    await client.call('git.unstageHunk', { path: 'a.txt', header: staged.hunks[0]?.header ?? '' });
    expect((await client.call('git.diff', { path: 'a.txt', base: 'staged' })).hunks).toHaveLength(0);

    await client.call('git.discardHunk', { path: 'a.txt', header: second.header });
    expect(readFileSync(join(root, 'a.txt'), 'utf8')).toBe(lines(20).replace('line 2\n', 'line 2 changed\n'));
    const gone = await errorOf(client.call('git.stageHunk', { path: 'a.txt', header: second.header }));
    expect(gone.code).toBe(ErrorCode.CONFLICT);
  });

  it('commits the staged hunk, amends its message, and shows HEAD for the diff editor', async () => {
    const diff = await client.call('git.diff', { path: 'a.txt' });
    await client.call('git.stageHunk', { path: 'a.txt', header: diff.hunks[0]?.header ?? '' });
    const empty = await errorOf(client.call('git.commit', { message: '  ' }));
    expect(empty.code).toBe(ErrorCode.BAD_REQUEST);
    const first = await client.call('git.commit', { message: 'Change line 2' });
    expect(first.summary).toBe('Change line 2');
    const amended = await client.call('git.commit', { message: 'Change the second line', amend: true });
    expect(amended.oid).not.toBe(first.oid);
    expect(sh(root, 'log', '--format=%s', '-2').trim().split('\n')).toEqual([
      'Change the second line',
      'rename and bump',
    ]);
    const shown = await client.call('git.show', { path: 'a.txt', ref: 'HEAD' });
    expect(shown.content).toContain('line 2 changed');
    expect(await client.call('git.show', { path: 'nope.txt' })).toMatchObject({ exists: false });
    const status = await client.call('git.status', {});
    expect(status.repository && status.branch.ahead).toBe(2);
  });

  it('creates and switches branches, lists them, and answers git own error text', async () => {
    await client.call('git.createBranch', { name: 'feature' });
    let { branches } = await client.call('git.branches', {});
    expect(branches.find((branch) => branch.current)?.name).toBe('feature');
    expect(branches.some((branch) => branch.remote && branch.name === 'origin/main')).toBe(true);
    await client.call('git.checkout', { branch: 'main' });
    ({ branches } = await client.call('git.branches', {}));
    expect(branches.find((branch) => branch.current)?.name).toBe('main');
    const missing = await errorOf(client.call('git.checkout', { branch: 'no-such-branch' }));
    expect(missing.code).toBe(ErrorCode.BAD_REQUEST);
    expect(missing.message).toMatch(/invalid reference: no-such-branch/);
    const bad = await errorOf(client.call('git.createBranch', { name: '--force' }));
    expect(bad.code).toBe(ErrorCode.BAD_REQUEST);
  });

  it('lists a real merge conflict', async () => {
    sh(root, 'switch', '-q', '-c', 'other');
    write(root, 'conflict.txt', 'theirs\n');
    sh(root, 'commit', '-qam', 'theirs');
    sh(root, 'switch', '-q', 'main');
    write(root, 'conflict.txt', 'ours\n');
    sh(root, 'commit', '-qam', 'ours');
    expect(() => sh(root, 'merge', '-q', 'other')).toThrow();
    const status = await client.call('git.status', {});
    expect(status.repository && status.merging).toBe(true);
    expect(status.repository && status.changes).toContainEqual(
      expect.objectContaining({ kind: 'conflict', path: 'conflict.txt', index: 'U', worktree: 'U' }),
    );
    sh(root, 'merge', '--abort');
  });

  it('hears the index change when git runs outside the editor (git.changed)', async () => {
    await client.call('git.status', {}); // the repository is being watched
    const heard = new Promise<void>((resolve) => {
      const subscription = client.on('git.changed', () => {
        subscription.dispose();
        resolve();
      });
    });
    write(root, 'outside.txt', 'staged in a terminal\n');
    sh(root, 'add', 'outside.txt');
    await heard;
    expect(await changes(client)).toContainEqual(expect.objectContaining({ path: 'outside.txt', index: 'A' }));
    sh(root, 'rm', '-q', '--cached', 'outside.txt');
    rmSync(join(root, 'outside.txt'));
  });

  it('refuses paths outside the workspace and inside .git', async () => {
    expect((await errorOf(client.call('git.stage', { paths: ['../outside'] }))).code).toBe(ErrorCode.BAD_REQUEST);
    expect((await errorOf(client.call('git.show', { path: '.git/config' }))).code).toBe(ErrorCode.FORBIDDEN);
  });
});

describe('a hostile untrusted repository', () => {
  let engine: StartedEngine;
  let client: RpcClient;
  let root: string;
  let marker: string;

  beforeAll(async () => {
    root = repo('hostile');
    marker = join(scratch, 'pwned');
    const evil = join(scratch, 'evil.sh');
    writeFileSync(evil, `#!/bin/sh\necho "$0 $*" >> '${marker}'\ncat\n`);
    chmodSync(evil, 0o755);
    write(root, 'a.txt', 'one\ntwo\n');
    write(root, 'pic.bin', 'binary?\n');
    write(root, '.gitattributes', '* filter=evil diff=evil\n');
    sh(root, 'add', '.');
    sh(root, 'commit', '-qm', 'first');
    // what a cloned repository could carry (a clone does not copy .git/config; an archive or a shared folder does)
    for (const [key, value] of [
      ['core.fsmonitor', evil],
      ['core.hooksPath', join(root, '.githooks')],
      ['diff.external', evil],
      ['diff.evil.textconv', evil],
      ['diff.evil.command', evil],
      ['filter.evil.clean', evil],
      ['filter.evil.smudge', evil],
      ['filter.evil.process', evil],
      ['core.pager', evil],
      ['core.askPass', evil],
      ['credential.helper', `!${evil}`],
      ['remote.origin.url', `ext::${evil}`],
      ['remote.origin.uploadpack', evil],
    ]) {
      sh(root, 'config', key as string, value as string);
    }
    // an include of a file that is not there yet: creating it later defines a filter the engine has not seen
    sh(root, 'config', 'include.path', '../late.cfg');
    mkdirSync(join(root, '.githooks'));
    for (const hook of ['pre-commit', 'post-checkout', 'post-index-change', 'reference-transaction']) {
      writeFileSync(join(root, '.githooks', hook), `#!/bin/sh\n'${evil}' ${hook}\n`);
      chmodSync(join(root, '.githooks', hook), 0o755);
    }
    write(root, 'a.txt', 'one\ntwo changed\n');
    rmSync(marker, { force: true });
    engine = await startEngine({ workspace: root, env: ENV });
    client = await engine.connect();
  });

  afterAll(async () => {
    await engine?.stop();
  });

  it('reads status, diffs and blobs with every configured program off', async () => {
    const status = await client.call('git.status', { ignored: true });
    expect(status).toMatchObject({ repository: true, trusted: false });
    expect(status.repository && status.changes).toContainEqual(
      expect.objectContaining({ path: 'a.txt', worktree: 'M' }),
    );
    const diff = await client.call('git.diff', { path: 'a.txt', base: 'head' });
    expect(diff.hunks[0]?.lines).toContain('+two changed');
    await client.call('git.diff', { path: 'a.txt', base: 'staged' });
    expect((await client.call('git.show', { path: 'a.txt' })).content).toBe('one\ntwo\n');
    await client.call('git.show', { path: 'a.txt', ref: 'index' });
    await client.call('git.branches', {});
    expect(existsSync(marker)).toBe(false);
  });

  it('refuses what would run hooks, filters or transports until trusted, and runs nothing', async () => {
    const refusals = await Promise.all([
      errorOf(client.call('git.stage', { paths: ['a.txt'] })),
      errorOf(client.call('git.commit', { message: 'x' })),
      errorOf(client.call('git.checkout', { branch: 'main' })),
      errorOf(client.call('git.createBranch', { name: 'x' })),
      errorOf(client.call('git.discard', { paths: ['a.txt'] })),
      errorOf(client.call('git.stageHunk', { path: 'a.txt', header: '@@ -1,2 +1,2 @@' })),
      errorOf(
        (async () => {
          for await (const _ of client.stream('git.fetch', {})) {
            // nothing comes
          }
        })(),
      ),
    ]);
    for (const refusal of refusals) {
      expect(refusal.code).toBe(ErrorCode.UNAUTHORIZED);
      expect(refusal.data).toEqual({ trustNeeded: true });
    }
    expect(readFileSync(join(root, 'a.txt'), 'utf8')).toBe('one\ntwo changed\n');
    expect(existsSync(marker)).toBe(false);
  });

  it('switches off a filter defined after the engine last read the config (its names are kept between commands)', async () => {
    const evil = join(scratch, 'evil.sh');
    // past the settling time of the config written in beforeAll (filter-cache.ts keeps names read after it)
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    await client.call('git.diff', { path: 'a.txt', base: 'head' });
    await client.call('git.status', {});
    writeFileSync(join(root, 'late.cfg'), `[filter "late"]\n\tclean = ${evil}\n\tsmudge = ${evil}\n`);
    write(root, '.gitattributes', '* filter=late\n');
    try {
      rmSync(marker, { force: true });
      await client.call('git.status', {});
      await client.call('git.diff', { path: 'a.txt', base: 'head' });
      await client.call('git.show', { path: 'a.txt', ref: 'index' });
      expect(existsSync(marker)).toBe(false);
      // plain git does run it
      try {
        execFileSync('git', ['-c', 'core.fsmonitor=false', 'hash-object', '--path=a.txt', 'a.txt'], {
          cwd: root,
          env: { ...process.env, ...ENV },
          stdio: 'ignore',
        });
      } catch {
        // it ran all the same
      }
      expect(existsSync(marker)).toBe(true);
    } finally {
      write(root, '.gitattributes', '* filter=evil diff=evil\n');
      rmSync(join(root, 'late.cfg'));
      rmSync(marker, { force: true });
    }
  });

  it('plain git runs each of those programs (so the tests above would have seen them)', () => {
    const plain = (...args: string[]) => {
      rmSync(marker, { force: true });
      try {
        execFileSync('git', args, { cwd: root, env: { ...process.env, ...ENV }, stdio: 'ignore' });
      } catch {
        // a filter process that does not speak the protocol fails the command; it ran all the same
      }
      return existsSync(marker);
    };
    expect(plain('status')).toBe(true); // core.fsmonitor
    expect(plain('-c', 'core.fsmonitor=false', 'diff')).toBe(true); // diff.external
    expect(plain('-c', 'core.fsmonitor=false', 'diff', '--no-ext-diff', 'HEAD')).toBe(true); // textconv (and the clean filter for the work-tree side)
    expect(plain('-c', 'core.fsmonitor=false', 'hash-object', '--path=a.txt', 'a.txt')).toBe(true); // the clean filter alone
  });
});

describe('a repository whose config points git at a work tree outside the workspace', () => {
  let engine: StartedEngine;
  let client: RpcClient;

  beforeAll(async () => {
    const root = repo('elsewhere');
    const outside = join(scratch, 'outside-tree');
    mkdirSync(outside);
    writeFileSync(join(outside, 'secret.txt'), 'not in the workspace\n');
    sh(root, 'config', 'core.worktree', outside);
    engine = await startEngine({ workspace: root, env: ENV });
    client = await engine.connect();
  });

  afterAll(async () => {
    await engine?.stop();
  });

  it('is not read as the workspace repository: nothing outside is listed', async () => {
    expect(await client.call('git.status', {})).toEqual({ repository: false });
    expect((await errorOf(client.call('git.show', { path: 'secret.txt' }))).code).toBe(ErrorCode.NOT_FOUND);
  });
});
