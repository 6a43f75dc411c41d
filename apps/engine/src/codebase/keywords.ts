// Words for the keyword index (SQLite FTS5, BM25). Code names glue words together (`removeAccount`,
// `user_store`, `HTTPServer`), and people search with the words apart ("remove account"), so each identifier is
// indexed whole and as its parts. Queries go through the same split, and each term is quoted: FTS5's own syntax
// (NEAR, column filters, `*`) never reaches it from user or model text.

/** Identifiers and numbers; everything else separates words. Linear: one pass, no backtracking. */
const WORD = /[\p{L}\p{N}_$]+/gu;
/** Longest word indexed (a minified blob or a hash is not something anyone types). */
const MAX_WORD = 64;
/** Terms one query is cut to. */
const MAX_QUERY_TERMS = 32;

/** `removeAccountHTTP2_id` → remove, account, http2, id (lower-case; letters/digit runs stay together). */
export function identifierParts(word: string): string[] {
  const parts: string[] = [];
  for (const piece of word.split(/[_$]+/)) {
    if (!piece) continue;
    // camel humps: a capital after a lower-case letter or digit, or the last capital of a run before a lower-case
    let start = 0;
    for (let index = 1; index < piece.length; index++) {
      const previous = piece.charAt(index - 1);
      const current = piece.charAt(index);
      const next = piece.charAt(index + 1);
      const upper = isUpper(current);
      if ((upper && (isLower(previous) || isDigit(previous))) || (upper && isUpper(previous) && isLower(next))) {
        parts.push(piece.slice(start, index).toLowerCase());
        start = index;
      }
    }
    parts.push(piece.slice(start).toLowerCase());
  }
  return parts.filter((part) => part.length > 0);
}

const isUpper = (char: string) => char !== char.toLowerCase() && char === char.toUpperCase();
const isLower = (char: string) => char !== char.toUpperCase() && char === char.toLowerCase();
const isDigit = (char: string) => char >= '0' && char <= '9';

/** The text FTS5 indexes for `text`: every word, then the parts of compound ones (space separated, lower-case). */
export function keywordText(text: string): string {
  const out: string[] = [];
  for (const match of text.matchAll(WORD)) {
    const word = match[0];
    if (word.length > MAX_WORD) continue;
    const lower = word.toLowerCase();
    out.push(lower);
    const parts = identifierParts(word);
    if (parts.length > 1) for (const part of parts) out.push(part);
  }
  return out.join(' ');
}

/** The distinct lower-case terms of a query (whole words and their parts), at most MAX_QUERY_TERMS. */
export function queryTerms(query: string): string[] {
  const terms = new Set<string>();
  for (const match of query.matchAll(WORD)) {
    const word = match[0];
    if (word.length > MAX_WORD) continue;
    terms.add(word.toLowerCase());
    for (const part of identifierParts(word)) terms.add(part);
    if (terms.size >= MAX_QUERY_TERMS) break;
  }
  return [...terms].filter((term) => !STOP_WORDS.has(term)).slice(0, MAX_QUERY_TERMS);
}

/** A term as an FTS5 string: quoted (a quote doubled), so nothing in it is FTS5 syntax. */
export function quoteTerm(term: string): string {
  return `"${term.replaceAll('"', '""')}"`;
}

/** Words of a natural-language question that say nothing about code. */
const STOP_WORDS = new Set([
  'a',
  'an',
  'and',
  'are',
  'as',
  'at',
  'be',
  'by',
  'can',
  'do',
  'does',
  'for',
  'from',
  'how',
  'i',
  'in',
  'is',
  'it',
  'me',
  'my',
  'of',
  'on',
  'or',
  'our',
  'show',
  'that',
  'the',
  'this',
  'to',
  'we',
  'what',
  'when',
  'where',
  'which',
  'who',
  'why',
  'with',
  'you',
]);
