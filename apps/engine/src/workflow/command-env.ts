// The environment a `run` step's command starts with: a few variables a shell and a toolchain need, never the
// engine's own (API keys, PA_* settings, tokens), plus the workspace's own `.env` once the user trusts the folder.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';

/** Passed through from the engine: what `npm test`, `make` or `pytest` need to find tools, home and locale. */
const PASSED = [
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'TERM',
  'TMPDIR',
  'TZ',
  'LANG',
  'LANGUAGE',
  'LC_ALL',
  'LC_CTYPE',
  'LC_MESSAGES',
  // Windows cannot start most programs without these
  'SYSTEMROOT',
  'WINDIR',
  'COMSPEC',
  'PATHEXT',
  'TEMP',
  'TMP',
  'USERPROFILE',
  'APPDATA',
  'LOCALAPPDATA',
] as const;

/** A `.env` bigger than this is not a list of settings; it is left out. */
const DOTENV_BYTES = 64 * 1024;

export function commandEnv(
  root: string,
  trusted: boolean,
  engineEnv: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of PASSED) {
    const value = engineEnv[name];
    if (value !== undefined) env[name] = value;
  }
  return trusted ? { ...env, ...workspaceDotenv(root) } : env;
}

function workspaceDotenv(root: string): Record<string, string> {
  const file = join(root, '.env');
  try {
    const stat = statSync(file);
    if (!stat.isFile() || stat.size > DOTENV_BYTES) return {};
    return Object.fromEntries(
      Object.entries(parseEnv(readFileSync(file, 'utf8'))).filter(
        (entry): entry is [string, string] => typeof entry[1] === 'string',
      ),
    );
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
}
