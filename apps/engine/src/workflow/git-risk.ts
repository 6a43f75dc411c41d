// Whether running `git` in a folder would run code that came with the folder. A fresh `git clone` writes its own
// `.git` (sample hooks, a plain config), but a folder unpacked from an archive may carry a `.git` whose config sets
// `core.fsmonitor`, a diff driver or a filter, or whose hooks run on `git commit`: then the built-ins' git steps
// (review, commit) need the folder's trust like any other command from it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Config keys whose value git runs as a command (or that point git at commands elsewhere). */
const COMMAND_KEYS =
  /^\s*(fsmonitor|hookspath|external|textconv|pager|sshcommand|editor|askpass|clean|smudge|process|command|gpgprogram|program|helper|cmd|tool|uploadpack|receivepack)\s*=/im;
const CONFIG_BYTES = 256 * 1024;

/** A sentence naming what git would run from this folder's own `.git`, or null when it runs nothing of it. */
export function gitRunsFolderCode(root: string): string | null {
  const git = join(root, '.git');
  let isDir: boolean;
  try {
    isDir = statSync(git).isDirectory();
  } catch {
    return null; // no repository (or a worktree's `.git` file pointing elsewhere, which the clone wrote)
  }
  if (!isDir) return null;
  try {
    const config = join(git, 'config');
    if (statSync(config).size > CONFIG_BYTES) return 'its .git/config is unusually large';
    const text = readFileSync(config, 'utf8');
    if (COMMAND_KEYS.test(text) || /^\s*\[\s*(alias|include|includeif)\b/im.test(text))
      return 'its .git/config sets commands for git to run';
  } catch {
    // no config: nothing configured
  }
  try {
    const hooks = readdirSync(join(git, 'hooks')).filter((name) => !name.endsWith('.sample'));
    if (hooks.length > 0) return `its .git/hooks holds ${hooks.slice(0, 3).join(', ')}`;
  } catch {
    // no hooks folder
  }
  return null;
}
