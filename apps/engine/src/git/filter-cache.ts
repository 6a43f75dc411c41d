// The filter driver names of a repository (what hardening() switches off before trust), read with one `git config`
// and kept while nothing git would read its config from has changed. Every status, diff and blob of an untrusted
// workspace needs them, and the `git config` process cost as much as a tenth of a status of 50,000 files.
//
// What the names are kept against, checked (by stat: inode, size, mtime and ctime; ctime cannot be set back) before
// each use:
// - every file the config listing came from (`--show-origin`): the repository's config, the user's global config,
//   and every file an include pulled in;
// - every include directive's target, present or not (an include of a file that does not exist yet adds filters the
//   moment it is created), and its conditions' inputs: HEAD (includeIf "onbranch:") and the `.git` entry itself;
// - the places a global config can appear ($HOME/.gitconfig, $XDG_CONFIG_HOME/git/config), present or not.
// Anything the listing names that is not a file (a blob, standard input) makes the names uncacheable: they are read
// again each time, as before. The system config is never read before trust (GIT_CONFIG_NOSYSTEM).
import { lstatSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { ErrorCode, PaError } from '@pa/shared';

export interface ConfigListing {
  /** `git config --null --show-origin --list` of the repository, as git printed it. */
  stdout: Buffer;
}

interface Entry {
  names: string[];
  /** Path → its stamp when the names were read. */
  watched: Map<string, string>;
}

/** The filter names a `--show-origin --list --null` listing defines, and the files it came from. */
export function readListing(
  root: string,
  stdout: string,
  env: { home: string; xdgConfigHome?: string | undefined },
): {
  names: string[];
  /** null: something in the listing was not a file; the names cannot be kept. */
  files: string[] | null;
} {
  const names = new Set<string>();
  const files = new Set<string>([
    join(env.home, '.gitconfig'),
    join(env.xdgConfigHome || join(env.home, '.config'), 'git', 'config'),
    join(root, '.git'),
  ]);
  let cacheable = true;
  const fields = stdout.split('\0');
  // each entry: `origin-type:origin` NUL `key` LF `value` NUL (a key without a value has no LF)
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const origin = fields[i] as string;
    const entry = fields[i + 1] as string;
    const newline = entry.indexOf('\n');
    const key = (newline === -1 ? entry : entry.slice(0, newline)).trim();
    const value = newline === -1 ? '' : entry.slice(newline + 1);
    let originFile: string | null = null;
    if (origin.startsWith('file:')) {
      originFile = resolve(root, origin.slice('file:'.length));
      files.add(originFile);
    } else if (!origin.startsWith('command line:')) {
      cacheable = false; // a blob, standard input: nothing to stat
    }
    const filter = /^filter\.(.+)\.(clean|smudge|process|required)$/is.exec(key);
    if (filter?.[1]) {
      // a name with '=' or a newline could not be written back as one `-c` pair; refuse it rather than skip it
      if (/[=\n]/.test(filter[1]))
        throw new PaError(
          ErrorCode.FORBIDDEN,
          `This repository defines a filter named "${filter[1]}" git cannot be told to skip.`,
        );
      names.add(filter[1]);
    }
    if (/^include(?:if\..*)?\.path$/is.test(key) && value !== '') {
      if (value.startsWith('~/')) files.add(join(env.home, value.slice(2)));
      else if (isAbsolute(value)) files.add(value);
      else if (originFile) files.add(resolve(dirname(originFile), value));
      else cacheable = false;
    }
  }
  return { names: [...names], files: cacheable ? [...files] : null };
}

/**
 * Changes this close before a listing started (or after) leave the names unkept: git may have read either version,
 * and a filesystem's timestamps can be this coarse (FAT keeps two seconds).
 */
const SETTLE_MS = 2_000;

interface Stamp {
  /**
   * The path's identity and content stamp, or '-' when it is not there. Symlinks: the link and what it leads to. A
   * folder: its identity.
   */
  stamp: string;
  /** The latest change time among the link and its target (0 when missing). */
  changed: number;
}

function stampOf(path: string): Stamp {
  let stamp = '';
  let changed = 0;
  try {
    const link = lstatSync(path);
    // a folder (`.git` itself) by identity only: git changes its entries on every status (index.lock)
    if (link.isDirectory()) return { stamp: `dir:${link.ino}`, changed: 0 };
    stamp = `${link.ino}:${link.size}:${link.mtimeMs}:${link.ctimeMs}`;
    changed = Math.max(link.ctimeMs, link.mtimeMs);
    if (link.isSymbolicLink()) {
      const target = statSync(path);
      stamp += `>${target.ino}:${target.size}:${target.mtimeMs}:${target.ctimeMs}`;
      changed = Math.max(changed, target.ctimeMs, target.mtimeMs);
    }
  } catch {
    return { stamp: stamp === '' ? '-' : `${stamp}>-`, changed };
  }
  return { stamp, changed };
}

/** The HEAD file of the repository at `root` (what an `onbranch:` include depends on), null when there is none. */
function headFile(root: string): string | null {
  const dotGit = join(root, '.git');
  try {
    if (lstatSync(dotGit).isDirectory()) return join(dotGit, 'HEAD');
    const pointer = /^gitdir: (.+)$/m.exec(readFileSync(dotGit, 'utf8'))?.[1]?.trim();
    return pointer ? join(resolve(root, pointer), 'HEAD') : null;
  } catch {
    return null;
  }
}

export class FilterDriverCache {
  private readonly entries = new Map<string, Entry>();
  /** How many times the names were read from git (for tests). */
  reads = 0;

  constructor(
    private readonly list: (root: string) => Promise<ConfigListing>,
    private readonly env = { home: homedir(), xdgConfigHome: process.env.XDG_CONFIG_HOME },
    private readonly now: () => number = Date.now,
  ) {}

  async get(root: string): Promise<string[]> {
    const entry = this.entries.get(root);
    if (entry && this.fresh(entry)) return entry.names;
    this.entries.delete(root);
    const started = this.now();
    const { stdout } = await this.list(root);
    this.reads++;
    const read = readListing(root, stdout.toString('utf8'), this.env);
    if (!read.files) return read.names;
    const head = headFile(root);
    const watched = new Map<string, string>();
    for (const file of head ? [...read.files, head] : read.files) {
      const { stamp, changed } = stampOf(file);
      // changed while git read (or just before): which version it saw is unknown, so the names are not kept
      if (changed >= started - SETTLE_MS) return read.names;
      watched.set(file, stamp);
    }
    this.entries.set(root, { names: read.names, watched });
    return read.names;
  }

  private fresh(entry: Entry): boolean {
    for (const [path, stamp] of entry.watched) if (stampOf(path).stamp !== stamp) return false;
    return true;
  }
}
