// A search.text request made ready to run: the real workspace root, the query compiled (so a bad regex is refused
// the same way whichever engine runs), the globs checked and widened.
import type { SearchQuery, SearchTextParams } from '@pa/shared';
import type { RE2JS } from 're2js';
import { compileQuery, expandGlobs } from './query.js';

export interface SearchPlan {
  readonly root: string;
  readonly query: SearchQuery;
  /** The query for one line. */
  readonly regex: RE2JS;
  /** The query over a whole file, ^ and $ at each line. */
  readonly scan: RE2JS;
  readonly include: readonly string[];
  readonly exclude: readonly string[];
  readonly useIgnoreFiles: boolean;
  /** A regex with capture groups: each match carries them (the replace preview expands $1 with them). */
  readonly captures: boolean;
  /**
   * Matches an engine produces at most: one more than asked for, whose presence says the result is cut. Neither
   * builds more (`.` on a minified line would make millions).
   */
  readonly maxResults: number;
}

export function planSearch(root: string, params: SearchTextParams): SearchPlan {
  const regex = compileQuery(params);
  return {
    root,
    query: {
      pattern: params.pattern,
      isRegex: params.isRegex,
      matchCase: params.matchCase,
      wholeWord: params.wholeWord,
    },
    regex,
    scan: compileQuery(params, true),
    include: expandGlobs(params.include),
    exclude: expandGlobs(params.exclude),
    useIgnoreFiles: params.useIgnoreFiles,
    captures: params.isRegex && regex.groupCount() > 0,
    maxResults: params.maxResults + 1,
  };
}
