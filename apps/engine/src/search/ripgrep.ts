// The ripgrep engine: rg in the workspace folder, its matches turned into per-file items as they arrive (rg's own
// one-line-per-match printer with previews read from the files; `--json` where the whole line is needed). How rg is found: a binary the installer bundles (resources/bin/rg beside app.asar, or resources/bin in a
// checkout), else `rg` on PATH (Debian's ripgrep); without either the built-in engine searches. rg runs with no
// config file and no environment of the user's, never follows symlinks (rg's default: no --follow), never with
// --pcre2 (its default regex engine is linear in time), and is killed when the stream is cancelled.
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { ErrorCode, PaError, type SearchFileMatches, type SearchMatch } from '@pa/shared';
import type { Matcher } from 're2js';
import { EscapedLine } from './escaped-line.js';
import { FileLines } from './file-lines.js';
import { byteToColumn, toMatch } from './matches.js';
import type { SearchPlan } from './plan.js';
import { groupsOf } from './replace.js';
import { RgJsonReader, type RgLine } from './rg-json.js';
import { RgMatchReader } from './rg-matches.js';
import { Turns } from './turns.js';

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

/**
 * How rg prints: `matches`, its own printer with one line per match and never the matched line (rg-matches.ts; the
 * preview is read from the file); `json`, the matched lines whole, for a regex whose groups are found on the line
 * and for a file whose bytes are not what rg matched (a UTF-16 file rg transcoded, a file changed since).
 */
export type RipgrepPrinter = 'matches' | 'json';

const PRINTERS: Record<RipgrepPrinter, readonly string[]> = {
  matches: [
    '--only-matching',
    '--null',
    '--line-number',
    '--column',
    '--byte-offset',
    '--no-heading',
    '--with-filename',
    '--color=never',
  ],
  json: ['--json'],
};

/** The printer a plan's search runs with. */
export function printerFor(plan: SearchPlan): RipgrepPrinter {
  return plan.captures ? 'json' : 'matches';
}

/** rg's arguments for a plan; every user value travels as `--flag=value`, never where rg reads options. */
export function ripgrepArgs(plan: SearchPlan, printer = printerFor(plan), paths: readonly string[] = ['.']): string[] {
  const args = [
    ...PRINTERS[printer],
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
  args.push(`--regexp=${plan.query.pattern}`, '--', ...paths);
  return args;
}

/** What one search has produced so far, across rg runs. */
interface Tally {
  produced: number;
  yielded: boolean;
}

export async function* ripgrepSearch(
  rg: string,
  plan: SearchPlan,
  signal: AbortSignal,
): AsyncGenerator<SearchFileMatches, void, undefined> {
  const tally: Tally = { produced: 0, yielded: false };
  if (printerFor(plan) === 'json') {
    yield* jsonSearch(rg, plan, ripgrepArgs(plan, 'json'), signal, tally, new Map());
    return;
  }
  // files whose bytes were not what rg matched, with the matches of each already sent: searched again through
  // --json once the walk is done
  const again = new Map<string, number>();
  yield* matchesSearch(rg, plan, signal, tally, again);
  if (signal.aborted || tally.produced >= plan.maxResults || again.size === 0) return;
  const paths = [...again.keys()].map((path) => `./${path}`);
  yield* jsonSearch(rg, plan, ripgrepArgs(plan, 'json', paths), signal, tally, again);
}

/** rg started for one search: killed when the search is cancelled or ends. */
function startRipgrep(rg: string, args: string[], cwd: string, signal: AbortSignal) {
  const env = { ...process.env };
  delete env.RIPGREP_CONFIG_PATH;
  const child: ChildProcess = spawn(rg, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
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
  exited.catch(() => undefined); // awaited by finish; a spawn failure is reported there
  return {
    stdout: child.stdout as Readable,
    /** After the output is read: rg's exit; a refused search (a bad glob) is an error. */
    async finish(yielded: boolean): Promise<void> {
      const code = await exited; // a failed start rejects: the search's own catch says what it means
      // 1 is "no match"; 2 with results is a file rg could not read (permission), not a failed search
      if (code === 2 && !yielded && stderr.trim() !== '') {
        throw new PaError(ErrorCode.BAD_REQUEST, `ripgrep refused the search: ${stderr.trim().split('\n')[0]}`);
      }
    },
    stop(): void {
      signal.removeEventListener('abort', kill);
      kill();
    },
  };
}

function startError(rg: string, error: unknown): unknown {
  if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
    return new PaError(ErrorCode.UNAVAILABLE, `ripgrep (${rg}) could not be started.`);
  }
  return error;
}

/** The search through rg's own printer: a record per match, each made a protocol match from the file. */
async function* matchesSearch(
  rg: string,
  plan: SearchPlan,
  signal: AbortSignal,
  tally: Tally,
  again: Map<string, number>,
): AsyncGenerator<SearchFileMatches, void, undefined> {
  const run = startRipgrep(rg, ripgrepArgs(plan, 'matches'), plan.root, signal);
  let file: FileLines | null = null;
  const block = FileLines.block();
  try {
    const reader = new RgMatchReader();
    const turns = new Turns();
    let path: string | null = null;
    /** The current file's matches sent so far. */
    let sent = 0;
    let pending: SearchMatch[] = [];
    let skipping = false;
    const flush = (): SearchFileMatches | null => {
      const item = path !== null && pending.length > 0 ? { path, matches: pending } : null;
      sent += pending.length;
      pending = [];
      return item;
    };
    for await (const chunk of run.stdout) {
      await turns.take();
      if (signal.aborted) return;
      for (const record of reader.push(chunk as Buffer)) {
        const rel = relativeOf(record.path);
        if (rel !== path) {
          const item = flush();
          if (item) {
            tally.yielded = true;
            yield item;
          }
          file?.close();
          path = rel;
          sent = 0;
          skipping = rel === null;
          file = rel === null ? null : FileLines.open(join(plan.root, rel), block);
          if (rel !== null && file === null) {
            again.set(rel, 0);
            skipping = true;
          }
        }
        if (skipping || file === null || path === null) continue;
        const match = file.matchAt(record);
        if (match === undefined) {
          // not the bytes rg matched: the file's matches come from rg --json after the walk, less those sent
          again.set(path, sent);
          pending = [];
          skipping = true;
          continue;
        }
        if (match === null) continue;
        pending.push(match);
        tally.produced++;
        if (tally.produced >= plan.maxResults) {
          const item = flush();
          if (item) yield item;
          return; // enough: rg is killed below, before it prints the rest
        }
        // one line can hold many matches (`.` on a minified line): items stay at ITEM_MATCHES
        if (pending.length >= ITEM_MATCHES) {
          const item = flush();
          if (item) {
            tally.yielded = true;
            yield item;
          }
        }
      }
    }
    const item = flush();
    if (item) {
      tally.yielded = true;
      yield item;
    }
    if (signal.aborted) return;
    await run.finish(tally.yielded);
  } catch (error) {
    throw startError(rg, error);
  } finally {
    file?.close();
    run.stop();
  }
}

/** The search through rg --json: each matched line comes whole (decoded, or walked as JSON bytes when long). */
async function* jsonSearch(
  rg: string,
  plan: SearchPlan,
  args: string[],
  signal: AbortSignal,
  tally: Tally,
  /** Matches to pass over at the start of a file (sent already from the other printer). */
  skip: ReadonlyMap<string, number>,
): AsyncGenerator<SearchFileMatches, void, undefined> {
  const run = startRipgrep(rg, args, plan.root, signal);
  try {
    const reader = new RgJsonReader();
    const turns = new Turns();
    let path: string | null = null;
    let line: MatchedLine | null = null;
    let lineNumber = 0;
    let pending: SearchMatch[] = [];
    let passOver = 0;
    for await (const chunk of run.stdout) {
      await turns.take();
      if (signal.aborted) return;
      for (const record of reader.push(chunk as Buffer)) {
        if (record.type === 'begin') {
          path = relativeOf(record.path);
          pending = [];
          passOver = path === null ? 0 : (skip.get(path) ?? 0);
        } else if (record.type === 'line') {
          line = path === null ? null : matchedLine(record.line, plan);
          lineNumber = record.lineNumber;
        } else if (record.type === 'submatch' && path !== null && line !== null) {
          const match = line.matchAt(lineNumber, record.start, record.end);
          if (match === null) continue;
          if (passOver > 0) {
            passOver--;
            continue;
          }
          pending.push(match);
          tally.produced++;
          if (tally.produced >= plan.maxResults) {
            yield { path, matches: pending };
            return; // enough: rg is killed below, before it prints the rest
          }
          // one line can hold many matches (`.` on a minified line): items stay at ITEM_MATCHES
          if (pending.length >= ITEM_MATCHES) {
            tally.yielded = true;
            yield { path, matches: pending };
            pending = [];
          }
        } else if (record.type === 'end' && path !== null) {
          if (pending.length > 0) {
            tally.yielded = true;
            yield { path, matches: pending };
          }
          path = null;
          line = null;
          pending = [];
        }
      }
    }
    if (signal.aborted) return;
    await run.finish(tally.yielded);
  } catch (error) {
    throw startError(rg, error);
  } finally {
    run.stop();
  }
}

function relativeOf(path: string | null): string | null {
  if (path === null) return null; // a name that is not UTF-8: it could not be opened by its path anyway
  return path.startsWith('./') ? path.slice(2) : path;
}

/** A line rg matched, turning rg's byte offsets into protocol matches. */
interface MatchedLine {
  matchAt(lineNumber: number, startByte: number, endByte: number): SearchMatch | null;
}

/** Lines up to this many JSON bytes are decoded whole; longer ones are read where their matches are. */
const DECODE_WHOLE = 16 * 1024;

function matchedLine(line: RgLine, plan: SearchPlan): MatchedLine {
  if ('text' in line) return new DecodedLine(line.text, plan);
  // a regex's groups need the whole line (RE2 runs it from the line's start), so such a line is decoded
  const size = line.json.reduce((sum, piece) => sum + piece.length, 0);
  if (size > DECODE_WHOLE && !plan.captures) return new EscapedLine(line.json);
  return new DecodedLine(JSON.parse(`"${Buffer.concat(line.json, size).toString('utf8')}"`) as string, plan);
}

class DecodedLine implements MatchedLine {
  private readonly text: string;
  private readonly column: (byte: number) => number;
  private readonly groups: Matcher | null;

  constructor(raw: string, plan: SearchPlan) {
    this.text = raw.replace(/\r?\n$/, '');
    this.column = byteToColumn(this.text);
    this.groups = plan.captures ? plan.regex.matcher(this.text) : null;
  }

  matchAt(lineNumber: number, startByte: number, endByte: number): SearchMatch | null {
    const start = this.column(startByte);
    const end = Math.min(this.column(endByte), this.text.length);
    if (start >= end) return null;
    // rg does not report groups: RE2 finds them at the same place (linear time, only for a regex that has groups)
    const groups = this.groups;
    const captured = groups?.find(start) && groups.start() === start ? groupsOf(groups) : undefined;
    return toMatch(lineNumber, this.text, start, end, captured);
  }
}
