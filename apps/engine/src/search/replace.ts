// search.replace: the matches the user previewed, rewritten file by file. Each file is read again and every match
// must still be where the search saw it (same text at the same line and columns, and the query still matching it
// exactly there); a file that changed since is reported and left alone, never clobbered. Writes go through the
// files capability (confined, atomic, never into .git).
import { lstat, readFile } from 'node:fs/promises';
import {
  errorMessage,
  expandReplacement,
  type ReplaceMatch,
  type SearchReplaceParams,
  type SearchReplaceResult,
} from '@pa/shared';
import type { RE2JS } from 're2js';
import type { FilesCapability } from '../files/index.js';
import { compileQuery } from './query.js';

type Matcher = ReturnType<RE2JS['matcher']>;

export async function replaceMatches(
  files: FilesCapability,
  params: SearchReplaceParams,
): Promise<SearchReplaceResult> {
  const regex = compileQuery(params.query);
  const result: SearchReplaceResult = { replaced: [], skipped: [] };
  for (const file of params.files) {
    try {
      const target = files.resolve(file.path);
      if ((await lstat(target)).isSymbolicLink()) {
        result.skipped.push({ path: file.path, reason: 'It is a symbolic link; open its target to replace there.' });
        continue;
      }
      const before = await readFile(target, 'utf8');
      const after = replaceInText(before, regex, file.matches, params.query.isRegex, params.replacement);
      if (after === null) {
        result.skipped.push({ path: file.path, reason: 'It changed since the search; search again to replace.' });
        continue;
      }
      const written = await files.write(file.path, after);
      result.replaced.push({ path: file.path, count: file.matches.length, mtimeMs: written.mtimeMs });
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'It no longer exists.' : errorMessage(error);
      result.skipped.push({ path: file.path, reason });
    }
  }
  return result;
}

/** `text` with every match replaced, or null when one of them is no longer there exactly as it was seen. */
export function replaceInText(
  text: string,
  regex: RE2JS,
  matches: readonly ReplaceMatch[],
  isRegex: boolean,
  replacement: string,
): string | null {
  const starts = lineStarts(text);
  const ordered = [...matches].sort((a, b) => a.line - b.line || a.column - b.column);
  const edits: Array<{ from: number; to: number; text: string }> = [];
  let lastEnd = -1;
  for (const match of ordered) {
    const lineStart = starts[match.line - 1];
    if (lineStart === undefined) return null;
    const next = starts[match.line];
    const line = text.slice(lineStart, next === undefined ? text.length : next - 1).replace(/\r$/, '');
    if (match.endColumn > line.length || match.column >= match.endColumn) return null;
    if (!line.startsWith(match.text, match.column)) return null;
    const matcher = regex.matcher(line);
    if (!matcher.find(match.column) || matcher.start() !== match.column || matcher.end() !== match.endColumn) {
      return null;
    }
    const from = lineStart + match.column;
    if (from < lastEnd) return null; // overlapping matches cannot have come from one search
    lastEnd = lineStart + match.endColumn;
    edits.push({
      from,
      to: lastEnd,
      text: isRegex ? expandReplacement(replacement, matcher.group(0) ?? '', groupsOf(matcher)) : replacement,
    });
  }
  let out = '';
  let at = 0;
  for (const edit of edits) {
    out += text.slice(at, edit.from) + edit.text;
    at = edit.to;
  }
  return out + text.slice(at);
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) starts.push(at + 1);
  return starts;
}

/** The capture groups 1…n of the matcher's current match. */
export function groupsOf(matcher: Matcher): Array<string | null> {
  const groups: Array<string | null> = [];
  for (let index = 1; index <= matcher.groupCount(); index++) groups.push(matcher.group(index));
  return groups;
}
