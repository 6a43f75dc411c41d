// Find in files (owned by the search capability): `search.text` streams the matches of a query file by file;
// `search.replace` rewrites the matches the user previewed, refusing any file whose text changed since.
// Columns are UTF-16 code units from 0 (as JavaScript strings and Monaco count), lines from 1.
import { z } from 'zod';
import { method, stream } from '../rpc.js';
import { RelPath } from './files.js';

/** Matches one search answers with at most (the user can raise it up to the hard cap). */
export const SEARCH_DEFAULT_MAX_RESULTS = 20_000;
export const SEARCH_MAX_RESULTS_CAP = 200_000;
/** Characters of a line a preview carries around its match. */
export const SEARCH_PREVIEW_CHARS = 250;
/** Characters of matched text an item carries (the rest is known by its columns). */
export const SEARCH_MATCH_TEXT_CHARS = 1_000;

/** A gitignore-style glob (`*.ts`, `src/**`, `node_modules`), relative to the workspace. */
export const SearchGlob = z.string().min(1).max(1_000);

export const SearchQuery = z.strictObject({
  pattern: z.string().min(1).max(10_000),
  /** The pattern is a regular expression (linear-time syntax: no backreferences or lookaround). */
  isRegex: z.boolean().default(false),
  matchCase: z.boolean().default(false),
  wholeWord: z.boolean().default(false),
});
export type SearchQuery = z.infer<typeof SearchQuery>;

export const SearchTextParams = SearchQuery.extend({
  /** Only files matching one of these; none: every file. */
  include: z.array(SearchGlob).max(100).default([]),
  /** Files and folders matching any of these are left out. */
  exclude: z.array(SearchGlob).max(100).default([]),
  /** Leave out what .gitignore files ignore (`.git` is always left out). */
  useIgnoreFiles: z.boolean().default(true),
  maxResults: z.number().int().positive().max(SEARCH_MAX_RESULTS_CAP).default(SEARCH_DEFAULT_MAX_RESULTS),
  /** Which engine searches: ripgrep when it is installed, else the engine's own (tests and benchmarks pick one). */
  engine: z.enum(['auto', 'ripgrep', 'builtin']).default('auto'),
});
export type SearchTextParams = z.infer<typeof SearchTextParams>;

export const SearchMatch = z.object({
  line: z.number().int().positive(),
  column: z.number().int().nonnegative(),
  endColumn: z.number().int().nonnegative(),
  /** The matched text, cut at SEARCH_MATCH_TEXT_CHARS. */
  text: z.string(),
  /** A window of the line around the match; `start`/`end` are the match inside it. */
  preview: z.object({ text: z.string(), start: z.number().int(), end: z.number().int() }),
  /** A regex's capture groups 1…n (null: the group took no part), for the replace preview and buffer edits. */
  groups: z.array(z.string().nullable()).max(99).optional(),
});
export type SearchMatch = z.infer<typeof SearchMatch>;

/** Matches in one file; a file with many matches comes in several items (same path, later lines). */
export const SearchFileMatches = z.object({ path: z.string(), matches: z.array(SearchMatch) });
export type SearchFileMatches = z.infer<typeof SearchFileMatches>;

export const SearchEngineName = z.enum(['ripgrep', 'builtin']);

export const SearchTextResult = z.object({
  files: z.number().int(),
  matches: z.number().int(),
  /** maxResults was reached: more matches exist. */
  limitHit: z.boolean(),
  engine: SearchEngineName,
  elapsedMs: z.number(),
});
export type SearchTextResult = z.infer<typeof SearchTextResult>;

/** A match the user saw and wants replaced, as search.text reported it. */
export const ReplaceMatch = SearchMatch.pick({ line: true, column: true, endColumn: true, text: true });
export type ReplaceMatch = z.infer<typeof ReplaceMatch>;

export const SearchReplaceParams = z.strictObject({
  query: SearchQuery,
  /** Literal text, or for a regex `$1`…`$99`, `$&`, `$$` (expandReplacement). */
  replacement: z.string().max(100_000),
  files: z
    .array(z.strictObject({ path: RelPath.min(1), matches: z.array(ReplaceMatch).min(1).max(SEARCH_MAX_RESULTS_CAP) }))
    .min(1)
    .max(50_000),
});
export type SearchReplaceParams = z.infer<typeof SearchReplaceParams>;

export const SearchReplaceResult = z.object({
  replaced: z.array(z.object({ path: z.string(), count: z.number().int(), mtimeMs: z.number() })),
  /** Files left as they are, with the reason (changed since the search, not found, refused). */
  skipped: z.array(z.object({ path: z.string(), reason: z.string() })),
});
export type SearchReplaceResult = z.infer<typeof SearchReplaceResult>;

export const searchMethods = {
  'search.text': stream(SearchTextParams, SearchFileMatches, SearchTextResult),
  'search.replace': method(SearchReplaceParams, SearchReplaceResult),
} as const;

/**
 * What a regex replacement becomes for one match, the same in the engine (files on disk) and the UI (open buffers):
 * `$$` is "$", `$&` the match, `$1`…`$99` a group (two digits only when they name a group, as in JavaScript); anything
 * else is kept as typed.
 */
export function expandReplacement(
  replacement: string,
  match: string,
  groups: readonly (string | null | undefined)[],
): string {
  return replacement.replace(/\$(\$|&|\d\d?)/g, (all, token: string) => {
    if (token === '$') return '$';
    if (token === '&') return match;
    let index = Number(token);
    let rest = '';
    if (index > groups.length && token.length === 2) {
      index = Number(token[0]);
      rest = token[1] as string;
    }
    if (index === 0 || index > groups.length) return all;
    return (groups[index - 1] ?? '') + rest;
  });
}
