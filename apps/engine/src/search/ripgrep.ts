// The ripgrep engine: `rg --json` in the workspace folder, its match lines turned into per-file items as they
// arrive. How rg is found: a binary the installer bundles (resources/bin/rg beside app.asar, or resources/bin in a
// checkout), else `rg` on PATH (Debian's ripgrep); without either the built-in engine searches. rg runs with no
// config file and no environment of the user's, never follows symlinks (rg's default: no --follow), never with
// --pcre2 (its default regex engine is linear in time), and is killed when the stream is cancelled.
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { ErrorCode, PaError, type SearchFileMatches, type SearchMatch } from '@pa/shared';
import { byteToColumn, toMatch } from './matches.js';
import type { SearchPlan } from './plan.js';
import { groupsOf } from './replace.js';

/** Matches one item carries at most; a file with more comes in several items. */
export const ITEM_MATCHES = 200;

const RG = process.platform === 'win32' ? 'rg.exe' : 'rg';

let located: string | null | undefined;

/** The rg binary to run, or null when there is none; looked up once. */
export function findRipgrep(): string | null {
  if (located !== undefined) return located;
  const here = dirname(fileURLToPath(import.meta.url));
  const packaged = (process as { resourcesPath?: string }).resourcesPath;
  const bundled = [
    ...(packaged ? [join(packaged, 'resources', 'bin', RG), join(packaged, 'bin', RG)] : []),
    join(here, '../../../resources/bin', RG), // apps/engine/dist → repo root
    join(here, '../../../../resources/bin', RG), // apps/engine/src/search → repo root (tsx, tests)
  ];
  const onPath = (process.env.PATH ?? '')
    .split(delimiter)
    .filter(Boolean)
    .map((dir) => join(dir, RG));
  located = [...bundled, ...onPath].find(isExecutable) ?? null;
  return located;
}

function isExecutable(file: string): boolean {
  if (!existsSync(file)) return false;
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** rg's arguments for a plan; every user value travels as `--flag=value`, never where rg reads options. */
export function ripgrepArgs(plan: SearchPlan): string[] {
  const args = [
    '--json',
    '--no-config',
    '--hidden',
    '--no-ignore-global',
    '--no-ignore-parent',
    '--no-ignore-dot',
    '--no-ignore-exclude',
    '--no-require-git',
    plan.query.matchCase ? '--case-sensitive' : '--ignore-case',
  ];
  if (!plan.query.isRegex) args.push('--fixed-strings');
  if (plan.query.wholeWord) args.push('--word-regexp');
  if (!plan.useIgnoreFiles) args.push('--no-ignore');
  args.push('--glob=!.git');
  for (const glob of plan.include) args.push(`--glob=${glob}`);
  for (const glob of plan.exclude) args.push(`--glob=!${glob}`);
  args.push(`--regexp=${plan.query.pattern}`, '--', '.');
  return args;
}

interface RgText {
  text?: string;
}
interface RgEvent {
  type: string;
  data: {
    path?: RgText;
    lines?: RgText;
    line_number?: number;
    submatches?: Array<{ start: number; end: number }>;
  };
}

export async function* ripgrepSearch(
  rg: string,
  plan: SearchPlan,
  signal: AbortSignal,
): AsyncGenerator<SearchFileMatches, void, undefined> {
  const env = { ...process.env };
  delete env.RIPGREP_CONFIG_PATH;
  const child: ChildProcess = spawn(rg, ripgrepArgs(plan), {
    cwd: plan.root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  signal.addEventListener('abort', kill, { once: true });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000);
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code));
  });
  exited.catch(() => undefined); // awaited below; a spawn failure is reported there
  let yielded = false;
  try {
    let path: string | null = null;
    let pending: SearchMatch[] = [];
    let produced = 0;
    for await (const line of linesOf(child.stdout as Readable)) {
      if (signal.aborted) break;
      const event = JSON.parse(line) as RgEvent;
      if (event.type === 'begin') {
        path = relativeOf(event.data.path);
        pending = [];
      } else if (event.type === 'match' && path !== null) {
        const found = matchesOf(event, plan, plan.maxResults - produced);
        produced += found.length;
        pending = pending.concat(found);
        // one line can hold many matches (`.` on a minified line): items stay at ITEM_MATCHES
        while (pending.length >= ITEM_MATCHES) {
          yielded = true;
          yield { path, matches: pending.slice(0, ITEM_MATCHES) };
          pending = pending.slice(ITEM_MATCHES);
        }
        if (produced >= plan.maxResults) {
          if (pending.length > 0) yield { path, matches: pending };
          return; // enough: rg is killed below
        }
      } else if (event.type === 'end' && path !== null) {
        if (pending.length > 0) {
          yielded = true;
          yield { path, matches: pending };
        }
        path = null;
        pending = [];
      }
    }
    if (signal.aborted) return;
    const code = await exited;
    // 1 is "no match"; 2 with results is a file rg could not read (permission), not a failed search
    if (code === 2 && !yielded && stderr.trim() !== '') {
      throw new PaError(ErrorCode.BAD_REQUEST, `ripgrep refused the search: ${stderr.trim().split('\n')[0]}`);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new PaError(ErrorCode.UNAVAILABLE, `ripgrep (${rg}) could not be started.`);
    }
    throw error;
  } finally {
    signal.removeEventListener('abort', kill);
    kill();
  }
}

/**
 * rg's output line by line, read only as fast as the stream is pulled: an unread search fills the pipe and rg waits
 * (readline would buffer every line rg prints).
 */
async function* linesOf(output: Readable): AsyncGenerator<string, void, undefined> {
  // bytes until a line is complete, then decoded once: a minified file's line (rg prints it whole, 15 MB for a
  // source map) arrives in many chunks, and only each new chunk is scanned for the newline (natively)
  const pieces: Buffer[] = [];
  for await (const chunk of output) {
    const bytes = chunk as Buffer;
    let from = 0;
    for (let newline = bytes.indexOf(10); newline !== -1; newline = bytes.indexOf(10, from)) {
      pieces.push(bytes.subarray(from, newline));
      yield (pieces.length === 1 ? (pieces[0] as Buffer) : Buffer.concat(pieces)).toString('utf8');
      pieces.length = 0;
      from = newline + 1;
    }
    if (from < bytes.length) pieces.push(bytes.subarray(from));
  }
  if (pieces.length > 0) yield Buffer.concat(pieces).toString('utf8');
}

function relativeOf(path: RgText | undefined): string | null {
  if (path?.text === undefined) return null; // a name that is not UTF-8: it could not be opened by its path anyway
  return path.text.startsWith('./') ? path.text.slice(2) : path.text;
}

function matchesOf(event: RgEvent, plan: SearchPlan, room: number): SearchMatch[] {
  const raw = event.data.lines?.text;
  const number = event.data.line_number;
  if (raw === undefined || number === undefined) return [];
  const text = raw.replace(/\r?\n$/, '');
  const column = byteToColumn(text);
  const out: SearchMatch[] = [];
  const groups = plan.captures ? plan.regex.matcher(text) : null;
  for (const sub of event.data.submatches ?? []) {
    if (out.length >= room) break;
    const start = column(sub.start);
    const end = Math.min(column(sub.end), text.length);
    if (start >= end) continue;
    // rg does not report groups: RE2 finds them at the same place (linear time, only for a regex that has groups)
    const captured = groups?.find(start) && groups.start() === start ? groupsOf(groups) : undefined;
    out.push(toMatch(number, text, start, end, captured));
  }
  return out;
}
