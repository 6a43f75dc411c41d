// The engine's own search, for when no ripgrep is installed: a walk of the workspace (symlinks never followed,
// .gitignore as the explorer reads it, `.git` always left out), each text file matched line by line with RE2
// (re2js: linear in the input, whatever the pattern). Slower than rg, the same answers for the same options. Files
// over MAX_EDITABLE_BYTES and files with a NUL byte in their first block (binary, as rg and git decide) are skipped.
import type { Dirent } from 'node:fs';
import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { MAX_EDITABLE_BYTES, type SearchFileMatches, type SearchMatch } from '@pa/shared';
import picomatch from 'picomatch';
import type { RE2JS } from 're2js';
import { IgnoreRules, isAtomicTempName } from '../files/index.js';
import { toMatch } from './matches.js';
import type { SearchPlan } from './plan.js';
import { groupsOf } from './replace.js';
import { ITEM_MATCHES } from './ripgrep.js';
import { Turns } from './turns.js';

const SNIFF_BYTES = 8_192;

type Test = (path: string) => boolean;

/** Globs as ripgrep reads them: one without a slash matches the name at any depth, braces and `**` work. */
function globTest(globs: readonly string[]): Test | null {
  if (globs.length === 0) return null;
  // picomatch's `.` would not match a newline, which a file name may hold (rg's globs match any byte): dotAll
  const tests = globs.map((glob) => {
    const regex = picomatch.makeRe(glob.includes('/') ? glob : `**/${glob}`, { dot: true });
    return new RegExp(regex.source, regex.flags.includes('s') ? regex.flags : `${regex.flags}s`);
  });
  return (path) => tests.some((regex) => regex.test(path));
}

export async function* builtinSearch(
  plan: SearchPlan,
  signal: AbortSignal,
): AsyncGenerator<SearchFileMatches, void, undefined> {
  const rules = plan.useIgnoreFiles ? new IgnoreRules(plan.root) : null;
  const included = globTest(plan.include);
  const excluded = globTest(plan.exclude);
  const folders: string[] = [''];
  const turns = new Turns();
  let produced = 0;
  while (folders.length > 0 && !signal.aborted) {
    const folder = folders.shift() as string;
    let dirents: Dirent[];
    try {
      dirents = await readdir(join(plan.root, folder), { withFileTypes: true });
    } catch {
      continue; // unreadable or gone since it was listed: rg skips it too
    }
    dirents.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const dirent of dirents) {
      if (signal.aborted) return;
      if (dirent.name === '.git') continue;
      const path = folder ? `${folder}/${dirent.name}` : dirent.name;
      // symlinks and special files are not followed or read: a link may lead out of the workspace
      if (dirent.isDirectory()) {
        if (rules?.isIgnored(path, true) || excluded?.(path)) continue;
        folders.push(path);
        continue;
      }
      if (!dirent.isFile() || isAtomicTempName(dirent.name)) continue;
      if (rules?.isIgnored(path, false) || excluded?.(path)) continue;
      if (included && !included(path)) continue;
      const text = await readText(join(plan.root, path));
      if (text === null) continue;
      let batch: SearchMatch[] = [];
      for (const match of matchText(plan.scan, plan.regex, text, plan.captures)) {
        await turns.take(); // a huge file's matches come without any I/O between them
        if (signal.aborted) return;
        produced++;
        batch.push(match);
        if (produced >= plan.maxResults) {
          yield { path, matches: batch };
          return;
        }
        if (batch.length >= ITEM_MATCHES) {
          yield { path, matches: batch };
          batch = [];
        }
      }
      if (batch.length > 0) yield { path, matches: batch };
    }
  }
}

/** The file's text, or null for a file too big, binary, or no longer there. */
async function readText(file: string): Promise<string | null> {
  const handle = await open(file, 'r').catch(() => null);
  if (!handle) return null;
  try {
    const info = await handle.stat();
    if (!info.isFile() || info.size > MAX_EDITABLE_BYTES) return null;
    const bytes = await handle.readFile();
    if (bytes.subarray(0, SNIFF_BYTES).includes(0)) return null;
    return bytes.toString('utf8');
  } finally {
    await handle.close();
  }
}

/**
 * Every match of `regex` in `text`, line by line as rg matches (a match never spans lines). The whole text is
 * scanned with `lines` (the same query in multi-line mode: ^ and $ at each line) to find the next line that has a
 * match at all, so a large file with one match costs one pass.
 */
export function* matchText(lines: RE2JS, regex: RE2JS, text: string, captures = false): Generator<SearchMatch> {
  const scan = lines.matcher(text);
  let lineStart = 0;
  let lineNumber = 1;
  while (lineStart <= text.length && scan.find(lineStart)) {
    const at = scan.start();
    // move to the line the next match starts in, counting lines on the way
    for (let newline = text.indexOf('\n', lineStart); newline !== -1 && newline < at; ) {
      lineNumber++;
      lineStart = newline + 1;
      newline = text.indexOf('\n', lineStart);
    }
    const newline = text.indexOf('\n', lineStart);
    const lineEnd = newline === -1 ? text.length : newline;
    const line = text.slice(lineStart, lineEnd).replace(/\r$/, '');
    yield* matchLine(regex, line, lineNumber, captures);
    if (newline === -1) return;
    lineStart = newline + 1;
    lineNumber++;
  }
}

export function* matchLine(regex: RE2JS, line: string, lineNumber: number, captures = false): Generator<SearchMatch> {
  const matcher = regex.matcher(line);
  let from = 0;
  while (from <= line.length && matcher.find(from)) {
    const start = matcher.start();
    const end = matcher.end();
    if (end > start) yield toMatch(lineNumber, line, start, end, captures ? groupsOf(matcher) : undefined);
    from = end > start ? end : end + 1;
  }
}
