// A search query compiled once for both engines: the RE2 (re2js) pattern the built-in engine and every replace
// run (linear time: a pattern like `(a+)+$` cannot hold the engine), and the globs as both engines read them.
import { ErrorCode, errorMessage, PaError, type SearchQuery } from '@pa/shared';
import { RE2JS } from 're2js';

/**
 * The query as RE2 compiles it; `wholeWord` wraps it in word boundaries like ripgrep's `-w`. `multiLine` makes ^ and
 * $ match at every line of a whole file (the built-in engine's scan for lines with a match).
 */
export function compileQuery(query: SearchQuery, multiLine = false): RE2JS {
  const body = query.isRegex ? query.pattern : RE2JS.quote(query.pattern);
  const source = query.wholeWord ? `\\b(?:${body})\\b` : body;
  try {
    return RE2JS.compile(source, (query.matchCase ? 0 : RE2JS.CASE_INSENSITIVE) | (multiLine ? RE2JS.MULTILINE : 0));
  } catch (error) {
    throw new PaError(
      ErrorCode.BAD_REQUEST,
      `The regular expression cannot be used: ${errorMessage(error)} (backreferences and lookaround are not supported).`,
      { reason: 'bad_regex' },
    );
  }
}

/**
 * Checks a user glob and widens a plain name to what it means in the search view: `src` is the folder and what is
 * under it (`src`, `src/**`). A glob is a filter inside the workspace; one that is absolute or climbs out with `..`
 * could never match and is refused so the user knows, as is a leading `!` (exclusion is the exclude field's job).
 */
export function expandGlobs(globs: readonly string[]): string[] {
  const out: string[] = [];
  for (const raw of globs) {
    const glob = raw.trim().replace(/^\.\//, '');
    if (glob === '') continue;
    if (glob.includes('\0') || glob.includes('\\')) throw badGlob(raw, 'contains a NUL byte or a backslash');
    if (glob.startsWith('/') || /^[a-zA-Z]:/.test(glob)) throw badGlob(raw, 'is absolute');
    if (glob.split('/').includes('..')) throw badGlob(raw, 'climbs out with ".."');
    if (glob.startsWith('!')) throw badGlob(raw, 'starts with "!"; put it in "files to exclude"');
    const trimmed = glob.replace(/\/+$/, '');
    out.push(trimmed);
    if (!/[*?[{]/.test(trimmed)) out.push(`${trimmed}/**`);
  }
  return out;
}

function badGlob(glob: string, why: string): PaError {
  return new PaError(ErrorCode.BAD_REQUEST, `The glob "${glob.slice(0, 200)}" ${why}.`, { reason: 'bad_glob' });
}
