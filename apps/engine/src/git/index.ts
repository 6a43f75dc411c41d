// The git capability: the real `git` CLI (exec.ts) in the open workspace. Status is porcelain v2 parsed
// (porcelain.ts); diffs are parsed into hunks (hunks.ts) so one hunk can be staged, unstaged or discarded with
// `git apply`; fetch/pull/push stream git's --progress (progress.ts). Before the workspace is trusted only reading
// methods run, hardened; everything that would run a hook, a filter or a transport program is refused.
import { existsSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode, type GitBranch, type GitDiffBase, type GitProgress, MAX_EDITABLE_BYTES, PaError } from '@pa/shared';
import { isGitPath } from '@pa/shared/protected-paths';
import type { Capability, EngineContext } from '../context.js';
import { checkRelativePath } from '../files/index.js';
import { Channel } from '../rpc/channel.js';
import type { PartialHandlers, StreamContext } from '../rpc/handlers.js';
import { type GitRun, git, listConfig } from './exec.js';
import { FilterDriverCache } from './filter-cache.js';
import { hunkPatch, parseFileDiff } from './hunks.js';
import { parseStatus } from './porcelain.js';
import { ProgressLines } from './progress.js';
import { RepositoryWatcher } from './watch.js';

export interface GitDeps {
  /** The workspace trust the workflow capability keeps (workflow.trust.get/set): one store, not a second one. */
  isTrusted(root: string): Promise<boolean>;
}

/** git's empty tree: the base of a diff against HEAD before the first commit. */
const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';
const DIFF = ['diff', '--no-ext-diff', '--no-textconv', '--no-color', '-U3'];

interface Repo extends GitRun {
  gitDir: string;
}

export function createGit(ctx: EngineContext, deps: GitDeps): Capability {
  const gitDirs = new Map<string, string>();
  const filterCache = new FilterDriverCache(listConfig);
  const watcher = new RepositoryWatcher(() => ctx.connections.broadcast('git.changed', {}));
  const stopWatching = ctx.workspace.onDidChange(() => watcher.close());

  async function context(): Promise<{ root: string; trusted: boolean; filters: string[] }> {
    const root = ctx.workspace.requireRoot();
    const trusted = await deps.isTrusted(root);
    return { root, trusted, filters: trusted ? [] : await filterCache.get(root) };
  }

  /** The repository at the workspace root, or null when the workspace is not one. */
  async function repository(): Promise<Repo | null> {
    const run = await context();
    let gitDir = gitDirs.get(run.root);
    if (!gitDir) {
      const found = await git({ ...run, okCodes: [128] }, ['rev-parse', '--absolute-git-dir', '--show-toplevel']);
      if (found.code !== 0) return null;
      const [dir, top] = found.stdout.toString('utf8').trim().split('\n');
      // a repository above the workspace (GIT_CEILING_DIRECTORIES stops that) or one whose core.worktree points
      // elsewhere is not the workspace's repository
      if (!dir || top === undefined || !sameDir(top, run.root)) return null;
      gitDir = dir;
      gitDirs.set(run.root, gitDir);
    }
    watcher.watch(gitDir);
    return { ...run, gitDir };
  }

  async function requireRepository(): Promise<Repo> {
    const repo = await repository();
    if (!repo) throw new PaError(ErrorCode.NOT_FOUND, 'The open folder is not a git repository.');
    return repo;
  }

  /** Mutations and transports run the repository's hooks, filters and programs: only once the user trusts it. */
  async function trustedRepository(what: string): Promise<Repo> {
    const repo = await requireRepository();
    if (!repo.trusted) {
      throw new PaError(
        ErrorCode.UNAUTHORIZED,
        `Trust this workspace to ${what}: git would run the repository's hooks, filters and configured programs.`,
        { trustNeeded: true },
      );
    }
    return repo;
  }

  function checkPaths(paths: readonly string[]): string[] {
    return paths.map((path) => {
      const clean = checkRelativePath(path).join('/');
      if (clean === '') throw new PaError(ErrorCode.BAD_REQUEST, 'Name a file, not the workspace root.');
      if (isGitPath(clean)) throw new PaError(ErrorCode.FORBIDDEN, `"${path}" is inside .git: git keeps it itself.`);
      ctx.files.resolve(clean); // confined: symlinks out of the workspace are refused
      return clean;
    });
  }

  async function hasHead(repo: Repo): Promise<boolean> {
    const found = await git({ ...repo, okCodes: [1, 128] }, ['rev-parse', '--verify', '--quiet', 'HEAD']);
    return found.code === 0;
  }

  async function isTracked(repo: Repo, path: string): Promise<boolean> {
    const { stdout } = await git(repo, ['ls-files', '-z', '--', path]);
    return stdout.length > 0;
  }

  async function diffText(repo: Repo, path: string, base: GitDiffBase): Promise<string> {
    const args =
      base === 'staged'
        ? [...DIFF, '--cached']
        : base === 'head'
          ? [...DIFF, (await hasHead(repo)) ? 'HEAD' : EMPTY_TREE]
          : DIFF;
    const { stdout } = await git(repo, [...args, '--', path]);
    if (stdout.length > 0 || base === 'staged' || (await isTracked(repo, path))) return stdout.toString('utf8');
    if (!existsSync(ctx.files.resolve(path))) return '';
    // an untracked file: its whole content as added lines (and a patch `git apply --cached` can stage)
    const untracked = await git({ ...repo, okCodes: [1] }, [
      ...DIFF.slice(0, 1),
      '--no-index',
      ...DIFF.slice(1),
      '--',
      '/dev/null',
      path,
    ]);
    return untracked.stdout.toString('utf8');
  }

  async function applyHunk(
    repo: Repo,
    path: string,
    header: string,
    base: GitDiffBase,
    flags: readonly string[],
  ): Promise<{ ok: true }> {
    const diff = parseFileDiff(await diffText(repo, path, base));
    const patch = hunkPatch(diff, header);
    if (!patch) {
      throw new PaError(ErrorCode.CONFLICT, `That change in ${path} is no longer there: the file changed. Look again.`);
    }
    await git({ ...repo, stdin: patch }, ['apply', ...flags, '--whitespace=nowarn', '-']);
    return { ok: true };
  }

  function remoteStream(
    what: string,
    args: (repo: Repo, remote: string | undefined) => Promise<string[]>,
  ): (
    params: { remote?: string } | undefined,
    stream: StreamContext,
  ) => Promise<Channel<GitProgress, { output: string }>> {
    return async (params, stream) => {
      const repo = await trustedRepository(what);
      const channel = new Channel<GitProgress, { output: string }>({
        // a reader behind gets the latest line of a phase instead of every percent
        merge: (queue, item) => {
          const last = queue.at(-1);
          if (last?.phase !== item.phase) return false;
          queue[queue.length - 1] = item;
          return true;
        },
      });
      const lines = new ProgressLines();
      const command = await args(repo, params?.remote);
      git(
        {
          ...repo,
          signal: stream.signal,
          onStderr: (chunk) => {
            for (const item of lines.push(chunk)) channel.push(item);
          },
        },
        command,
      ).then(
        ({ stderr }) => {
          for (const item of lines.end()) channel.push(item);
          channel.end({ output: stderr.trim() });
        },
        (error: unknown) => channel.fail(error),
      );
      return channel;
    };
  }

  const handlers: PartialHandlers = {
    'git.status': async (params) => {
      const repo = await repository();
      if (!repo) return { repository: false };
      // status may write the refreshed index (git itself, hooks off before trust): without that, every later status
      // would hash again each file whose timestamps changed; the watcher's echo of that write reads the status once more
      const args = ['status', '--porcelain=v2', '--branch', '-z', '--untracked-files=all'];
      if (params?.ignored) args.push('--ignored=matching');
      // before trust a submodule's work tree is not examined: that would run git with the submodule's own config
      if (!repo.trusted) args.push('--ignore-submodules=dirty');
      const { stdout } = await git(repo, args);
      const parsed = parseStatus(stdout.toString('utf8'));
      const merging = ['MERGE_HEAD', 'CHERRY_PICK_HEAD', 'REVERT_HEAD'].some((name) =>
        existsSync(join(repo.gitDir, name)),
      );
      return { repository: true, ...parsed, trusted: repo.trusted, merging };
    },
    'git.diff': async ({ path, base }) => {
      const repo = await requireRepository();
      const [clean] = checkPaths([path]);
      const diff = parseFileDiff(await diffText(repo, clean ?? path, base));
      return { path: clean ?? path, binary: diff.binary, hunks: diff.hunks };
    },
    'git.show': async ({ path, ref }) => {
      const repo = await requireRepository();
      const [clean] = checkPaths([path]);
      const object = `${ref === 'HEAD' ? 'HEAD' : ''}:${clean}`;
      const size = await git({ ...repo, okCodes: [128] }, ['cat-file', '-s', object]);
      if (size.code !== 0) return { content: '', exists: false, binary: false };
      if (Number(size.stdout.toString('utf8')) > MAX_EDITABLE_BYTES)
        throw new PaError(ErrorCode.TOO_LARGE, `${clean} at ${ref} is too large to compare in the editor.`);
      const { stdout } = await git(repo, ['cat-file', 'blob', object]);
      const binary = stdout.subarray(0, 8000).includes(0);
      return { content: binary ? '' : stdout.toString('utf8'), exists: true, binary };
    },
    'git.stage': async ({ paths }) => {
      const repo = await trustedRepository('stage changes');
      await git(repo, ['add', '-A', '--', ...checkPaths(paths)]);
      return { ok: true };
    },
    'git.unstage': async ({ paths }) => {
      const repo = await trustedRepository('unstage changes');
      const clean = checkPaths(paths);
      if (await hasHead(repo)) await git(repo, ['restore', '--staged', '--', ...clean]);
      else await git(repo, ['rm', '--cached', '-r', '-q', '--', ...clean]);
      return { ok: true };
    },
    'git.discard': async ({ paths }) => {
      const repo = await trustedRepository('discard changes');
      const clean = checkPaths(paths);
      const { stdout } = await git(repo, ['ls-files', '-z', '--', ...clean]);
      const tracked = new Set(stdout.toString('utf8').split('\0').filter(Boolean));
      const restore = clean.filter((path) => tracked.has(path));
      const remove = clean.filter((path) => !tracked.has(path));
      if (restore.length > 0) await git(repo, ['restore', '--worktree', '--', ...restore]);
      if (remove.length > 0) await git(repo, ['clean', '-f', '-q', '--', ...remove]);
      return { ok: true };
    },
    'git.stageHunk': async ({ path, header }) => {
      const repo = await trustedRepository('stage changes');
      const [clean = path] = checkPaths([path]);
      return applyHunk(repo, clean, header, 'worktree', ['--cached']);
    },
    'git.unstageHunk': async ({ path, header }) => {
      const repo = await trustedRepository('unstage changes');
      const [clean = path] = checkPaths([path]);
      return applyHunk(repo, clean, header, 'staged', ['--cached', '--reverse']);
    },
    'git.discardHunk': async ({ path, header }) => {
      const repo = await trustedRepository('discard changes');
      const [clean = path] = checkPaths([path]);
      return applyHunk(repo, clean, header, 'worktree', ['--reverse']);
    },
    'git.commit': async ({ message, amend }) => {
      const repo = await trustedRepository('commit');
      if (message.trim() === '' && !amend) throw new PaError(ErrorCode.BAD_REQUEST, 'Write a commit message first.');
      const args = ['commit', '--quiet'];
      if (amend) args.push('--amend');
      if (message.trim() === '') args.push('--no-edit');
      else args.push('--file=-');
      await git({ ...repo, stdin: message }, args);
      const { stdout } = await git(repo, ['log', '-1', '--format=%H%x00%s']);
      const [oid = '', summary = ''] = stdout.toString('utf8').trim().split('\0');
      return { oid, summary };
    },
    'git.branches': async () => {
      const repo = await requireRepository();
      const { stdout } = await git(repo, [
        'for-each-ref',
        '--format=%(refname)%00%(objectname)%00%(upstream:short)%00%(HEAD)',
        'refs/heads',
        'refs/remotes',
      ]);
      const branches: GitBranch[] = [];
      for (const line of stdout.toString('utf8').split('\n')) {
        const [ref, oid = '', upstream = '', head = ''] = line.split('\0');
        if (!ref || ref.endsWith('/HEAD')) continue;
        const remote = ref.startsWith('refs/remotes/');
        branches.push({
          name: ref.slice(remote ? 'refs/remotes/'.length : 'refs/heads/'.length),
          remote,
          current: head === '*',
          oid,
          upstream: upstream || null,
        });
      }
      return { branches };
    },
    'git.checkout': async ({ branch }) => {
      const repo = await trustedRepository('switch branches');
      await git(repo, ['switch', branch]);
      return { ok: true };
    },
    'git.createBranch': async ({ name, checkout, from }) => {
      const repo = await trustedRepository('create a branch');
      const start = from ? [from] : [];
      if (checkout) await git(repo, ['switch', '-c', name, ...start]);
      else await git(repo, ['branch', name, ...start]);
      return { ok: true };
    },
    'git.fetch': remoteStream('fetch', async (_repo, remote) => ['fetch', '--progress', ...(remote ? [remote] : [])]),
    'git.pull': remoteStream('pull', async (_repo, remote) => ['pull', '--progress', ...(remote ? [remote] : [])]),
    'git.push': remoteStream('push', async (repo, remote) => {
      const upstream = await git({ ...repo, okCodes: [128] }, [
        'rev-parse',
        '--abbrev-ref',
        '--symbolic-full-name',
        '@{u}',
      ]);
      if (upstream.code === 0) return ['push', '--progress', ...(remote ? [remote] : [])];
      // a branch with no upstream yet is published to the remote (origin unless named) and tracks it
      return ['push', '--progress', '--set-upstream', remote ?? 'origin', 'HEAD'];
    }),
  };

  return {
    handlers,
    dispose() {
      stopWatching();
      watcher.close();
    },
  };
}

function sameDir(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false; // a folder that is gone is not the workspace
  }
}
