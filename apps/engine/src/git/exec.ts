// Runs the real `git` CLI in the workspace, never through a shell, with the flags that keep a repository's own
// config from running code. Every command gets the always-on set (no pager, no prompts, no askpass, no credential
// helpers from the repository, no `ext::` transport, repository discovery stopped at the workspace); a command in an
// untrusted workspace also gets the repository's hooks, fsmonitor and filter drivers switched off (see hardening()).
import { spawn } from 'node:child_process';
import { dirname } from 'node:path';
import { ErrorCode, PaError } from '@pa/shared';

export interface GitRun {
  /** The workspace root (git's working directory). */
  root: string;
  trusted: boolean;
  /** Filter driver names configured for this repository (filter-cache.ts), switched off before trust. */
  filters?: readonly string[];
  stdin?: string | Buffer;
  signal?: AbortSignal;
  /** Hears stderr as it arrives (progress). */
  onStderr?: (chunk: string) => void;
  /** Exit codes that are answers rather than failures (`git diff --quiet` answers 1). */
  okCodes?: readonly number[];
}

export interface GitOutput {
  stdout: Buffer;
  stderr: string;
  code: number;
}

/** `-c` pairs every git command gets: nothing here depends on trust. */
const ALWAYS = [
  'core.pager=cat',
  'core.askPass=',
  'credential.helper=',
  'protocol.ext.allow=never',
  'color.ui=false',
  'core.quotePath=false',
  'diff.noprefix=false',
  'diff.mnemonicPrefix=false',
  'diff.relative=false',
  'advice.statusHints=false',
];

/**
 * `-c` pairs added before trust: every way a repository's config makes git run a program it names. Hooks go to an
 * empty path, fsmonitor off, no external diff or textconv, and each configured filter driver (clean, smudge, process)
 * emptied, which git reads as "no filter". Includes that pull config from the work tree are covered, since the
 * driver names come from the resolved config.
 */
export function hardening(filters: readonly string[]): string[] {
  const pairs = [
    'core.fsmonitor=false',
    'core.hooksPath=/dev/null',
    'diff.external=',
    'core.sshCommand=',
    'core.gitProxy=',
    'core.editor=true',
    'sequence.editor=true',
    'gpg.program=',
    'commit.gpgSign=false',
    'tag.gpgSign=false',
    'core.attributesFile=/dev/null',
    'submodule.recurse=false',
  ];
  for (const name of filters) {
    pairs.push(`filter.${name}.clean=`, `filter.${name}.smudge=`, `filter.${name}.process=`);
    pairs.push(`filter.${name}.required=false`);
  }
  return pairs;
}

/** The environment git runs with: prompts and askpass off, no system config before trust, no inherited GIT_* set-up. */
export function gitEnv(root: string, trusted: boolean): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    // a GIT_DIR, GIT_CONFIG_PARAMETERS or GIT_EXEC_PATH from our own environment must not redirect the repository
    if (key.startsWith('GIT_') || key === 'SSH_ASKPASS') continue;
    env[key] = value;
  }
  env.GIT_TERMINAL_PROMPT = '0';
  env.GIT_ASKPASS = '';
  env.GIT_EDITOR = 'true';
  env.GIT_PAGER = 'cat';
  env.LC_ALL = 'C';
  env.LANGUAGE = 'C';
  // a workspace that is not a repository must not be read as part of a repository above it
  env.GIT_CEILING_DIRECTORIES = dirname(root);
  if (!trusted) {
    env.GIT_CONFIG_NOSYSTEM = '1';
    env.GIT_PROTOCOL_FROM_USER = '0';
  }
  return env;
}

export function gitArgs(run: Pick<GitRun, 'trusted' | 'filters'>, args: readonly string[]): string[] {
  const pairs = run.trusted ? ALWAYS : [...ALWAYS, ...hardening(run.filters ?? [])];
  return [...pairs.flatMap((pair) => ['-c', pair]), '--literal-pathspecs', ...args];
}

/** Runs git once; a non-zero exit (not in okCodes) is E_BAD_REQUEST carrying git's own text. */
export function git(run: GitRun, args: readonly string[]): Promise<GitOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', gitArgs(run, args), {
      cwd: run.root,
      env: gitEnv(run.root, run.trusted),
      stdio: ['pipe', 'pipe', 'pipe'],
      signal: run.signal,
    });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
      if (stderr.length > 1_000_000) stderr = stderr.slice(-500_000);
      run.onStderr?.(chunk);
    });
    child.stdin.on('error', () => {}); // git may exit before reading its stdin; the exit code says what happened
    child.stdin.end(run.stdin ?? '');
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.name === 'AbortError') reject(new PaError(ErrorCode.CANCELLED, 'The git command was cancelled.'));
      else if (error.code === 'ENOENT')
        reject(
          new PaError(ErrorCode.UNAVAILABLE, 'git is not installed or not on PATH. Install git to use source control.'),
        );
      else reject(error);
    });
    child.on('close', (code) => {
      const exit = code ?? -1;
      if (exit === 0 || run.okCodes?.includes(exit)) {
        resolve({ stdout: Buffer.concat(out), stderr, code: exit });
        return;
      }
      if (run.signal?.aborted) {
        reject(new PaError(ErrorCode.CANCELLED, 'The git command was cancelled.'));
        return;
      }
      reject(gitFailure(args, stderr, exit));
    });
  });
}

export function gitFailure(args: readonly string[], stderr: string, code: number): PaError {
  const text = stderr.trim() || `git ${args[0] ?? ''} exited with code ${code}.`;
  return new PaError(ErrorCode.BAD_REQUEST, text, { gitExitCode: code });
}

/**
 * The repository's resolved config with where each entry came from (`--show-origin`), for the filter driver names
 * hardening() switches off (filter-cache.ts reads and keeps them). Reading config runs nothing.
 */
export async function listConfig(root: string): Promise<GitOutput> {
  return git({ root, trusted: false, okCodes: [1, 128] }, ['config', '--null', '--show-origin', '--list']);
}
