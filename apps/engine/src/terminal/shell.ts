// Which shell a terminal starts and with what environment: the user's login shell ($SHELL, else the passwd entry,
// else /bin/sh) as a login shell, with the user's own environment minus what belongs to the engine (its PA_*
// settings, Electron's and Node's switches), and a terminal type xterm.js answers to.
import { accessSync, constants } from 'node:fs';
import { userInfo } from 'node:os';
import { basename } from 'node:path';

export interface ShellCommand {
  file: string;
  args: string[];
}

/** Shells that take `-l` to read the login profile (PATH from ~/.profile, nvm, …). */
const LOGIN_SHELLS = new Set(['bash', 'zsh', 'sh', 'dash', 'ksh', 'mksh', 'fish', 'tcsh', 'csh']);

export function loginShell(env: NodeJS.ProcessEnv = process.env, passwdShell = passwdEntryShell()): ShellCommand {
  if (process.platform === 'win32') return { file: env.COMSPEC || 'powershell.exe', args: [] };
  const file = [env.SHELL, passwdShell, '/bin/sh'].find(
    (candidate): candidate is string => !!candidate && candidate.startsWith('/') && executable(candidate),
  );
  const shell = file ?? '/bin/sh';
  return { file: shell, args: LOGIN_SHELLS.has(basename(shell)) ? ['-l'] : [] };
}

/** Names of the engine's own environment that a user's shell must not inherit. */
const ENGINE_ONLY = /^(PA_|ELECTRON_|NODE_OPTIONS$|NODE_CHANNEL_FD$|NODE_UNIQUE_ID$|VITEST|npm_)/;

export function shellEnv(engineEnv: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(engineEnv)) {
    if (value !== undefined && !ENGINE_ONLY.test(name)) env[name] = value;
  }
  env.TERM = 'xterm-256color';
  env.COLORTERM = 'truecolor';
  env.TERM_PROGRAM = 'ClaudeEditor';
  if (!env.LANG) env.LANG = 'C.UTF-8';
  return env;
}

function passwdEntryShell(): string | null {
  try {
    return userInfo().shell;
  } catch {
    return null;
  }
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
