// The `@` mentions of the chat input: `@codebase`, `@file:src/a.ts`, `@folder:src/`, `@search:"some words"`. The
// typed text keeps its tokens (the conversation shows them as chips); the model gets the question with each token
// turned back into plain words, and the engine gets the mentions to resolve into context. Pure: no DOM, no client.
import type { ContextMention } from '@pa/shared';
import { rankByFuzzy } from '../workbench/fuzzy';

/** The protocol's limit on mentions per question (ChatParams.mentions). */
export const MAX_MENTIONS = 20;

export type MentionSegment =
  | { kind: 'text'; text: string }
  | { kind: 'mention'; text: string; mention: ContextMention };

/**
 * A token starts a word (start of the text, after white space or an opening bracket), so `me@example.com` is not
 * one. `@codebase` stands alone; the others take an argument, quoted when it holds spaces.
 */
const TOKEN = /(?<=^|[\s([{])@(?:(codebase)(?![\w:-])|(file|folder|search):(?:"([^"\n]+)"|([^\s"]+)))/g;
/** Punctuation that ends the sentence rather than the path (`see @file:a.ts.`). */
const TRAILING = /[.,;:!?)\]}]+$/;

/** The text cut into plain runs and mentions, in order (an unknown `@word` stays text). */
export function mentionSegments(text: string): MentionSegment[] {
  const segments: MentionSegment[] = [];
  let at = 0;
  for (const match of text.matchAll(TOKEN)) {
    const [whole, codebase, kind, quoted, bare] = match;
    let token = whole;
    let argument = quoted;
    if (bare !== undefined) {
      const trimmed = bare.replace(TRAILING, '');
      if (trimmed === '') continue;
      token = whole.slice(0, whole.length - (bare.length - trimmed.length));
      argument = trimmed;
    }
    const mention = codebase ? ({ kind: 'codebase' } as const) : mentionOf(kind, argument ?? '');
    if (!mention) continue;
    if (match.index > at) segments.push({ kind: 'text', text: text.slice(at, match.index) });
    segments.push({ kind: 'mention', text: token, mention });
    at = match.index + token.length;
  }
  if (at < text.length) segments.push({ kind: 'text', text: text.slice(at) });
  return segments;
}

function mentionOf(kind: string | undefined, argument: string): ContextMention | null {
  const value = argument.trim();
  if (kind === 'search') return value ? { kind: 'search', query: value.slice(0, 500) } : null;
  if (kind === 'file') {
    const path = stripSlashes(value);
    return path ? { kind: 'file', path } : null;
  }
  if (kind === 'folder') return { kind: 'folder', path: value === '.' || value === '/' ? '' : stripSlashes(value) };
  return null;
}

/** Workspace paths are relative: `./src/` and `src` name the same folder. */
function stripSlashes(path: string): string {
  return path.replace(/^\.\//, '').replace(/^\/+|\/+$/g, '');
}

export interface ParsedQuestion {
  /** The question as the model reads it: tokens turned into plain words. */
  question: string;
  /** What the engine adds as context, each once, at most MAX_MENTIONS. */
  mentions: ContextMention[];
}

/** Splits typed text into the model's question and the mentions the engine resolves. */
export function parseMentions(text: string): ParsedQuestion {
  const segments = mentionSegments(text);
  const mentions: ContextMention[] = [];
  const seen = new Set<string>();
  for (const segment of segments) {
    if (segment.kind !== 'mention') continue;
    const key = JSON.stringify(segment.mention);
    if (seen.has(key) || mentions.length >= MAX_MENTIONS) continue;
    seen.add(key);
    mentions.push(segment.mention);
  }
  return { question: plainQuestion(segments), mentions };
}

/**
 * The words a token stands for in the sentence: a file or folder its path, search words themselves in quotes, and
 * `@codebase` nothing at the start or end of the question ("@codebase where is X?") or "the codebase" inside it
 * ("how does @codebase log in?").
 */
function plainQuestion(segments: readonly MentionSegment[]): string {
  let out = '';
  segments.forEach((segment, index) => {
    if (segment.kind === 'text') {
      out += segment.text;
      return;
    }
    const { mention } = segment;
    if (mention.kind === 'file') out += mention.path;
    else if (mention.kind === 'folder') out += mention.path ? `${mention.path}/` : 'the workspace';
    else if (mention.kind === 'search') out += `"${mention.query}"`;
    else {
      const before = out.trim();
      const after = segments
        .slice(index + 1)
        .map((next) => (next.kind === 'text' ? next.text : 'x'))
        .join('')
        .trim();
      const inside = before !== '' && !/[.!?:]$/.test(before) && after !== '' && !/^[.!?,;:]/.test(after);
      if (inside) out += 'the codebase';
    }
  });
  // a token taken out leaves its spaces behind: fold runs of them (never line breaks) and trim the ends
  return out
    .replace(/[ \t]{2,}/g, ' ')
    .replace(/ +([,.;:!?])/g, '$1')
    .trim();
}

// ---- completion --------------------------------------------------------------------------------------------------

/** The `@…` being typed: from its `@` to the cursor; `text` is what follows the `@`. */
export interface MentionQuery {
  start: number;
  end: number;
  text: string;
}

/** The mention the cursor is in the middle of typing, or null (no `@`, an email address, a finished token). */
export function mentionQueryAt(text: string, cursor: number): MentionQuery | null {
  const before = text.slice(0, cursor);
  const at = before.lastIndexOf('@');
  if (at === -1) return null;
  if (at > 0 && !/[\s([{]/.test(before[at - 1] ?? '')) return null;
  const typed = before.slice(at + 1);
  // inside `@search:"…` spaces belong to the words until the closing quote; elsewhere a space ends the token
  const openQuote = /^(?:search|file|folder):"[^"\n]*$/.test(typed);
  if (!openQuote && /[\s"]/.test(typed)) return null;
  return { start: at, end: cursor, text: typed };
}

export type MentionItem =
  | { kind: 'codebase' }
  /** `@file:`, `@folder:` or `@search:` typed out, waiting for its argument. */
  | { kind: 'prefix'; prefix: 'file' | 'folder' | 'search' }
  | { kind: 'file'; path: string }
  | { kind: 'folder'; path: string }
  | { kind: 'search'; query: string };

const KEYWORDS = ['codebase', 'file', 'folder', 'search'] as const;

/** What each keyword does, for the popup's detail column. */
export const KEYWORD_DETAIL: Record<(typeof KEYWORDS)[number], string> = {
  codebase: 'The code that best matches the question',
  file: 'A file of the workspace',
  folder: 'The best-matching code in a folder',
  search: 'Code that matches some words',
};

/** Every folder above a file of the list, each once, in path order. */
export function foldersOf(files: readonly string[]): string[] {
  const folders = new Set<string>();
  for (const file of files) {
    let slash = file.lastIndexOf('/');
    while (slash > 0) {
      const folder = file.slice(0, slash);
      if (folders.has(folder)) break;
      folders.add(folder);
      slash = folder.lastIndexOf('/');
    }
  }
  return [...folders].sort();
}

/** What the popup offers for a query: keywords first, then the workspace's files and folders it matches. */
export function mentionItems(
  query: string,
  files: readonly string[],
  folders: readonly string[],
  limit = 10,
): MentionItem[] {
  const colon = query.indexOf(':');
  if (colon !== -1) {
    const keyword = query.slice(0, colon);
    const argument = query.slice(colon + 1).replace(/^"/, '');
    if (keyword === 'file') return rankByFuzzy(argument, files, identity, limit).map(({ item }) => fileItem(item));
    if (keyword === 'folder') {
      return rankByFuzzy(argument, folders, identity, limit).map(({ item }) => ({ kind: 'folder', path: item }));
    }
    if (keyword === 'search') return argument.trim() ? [{ kind: 'search', query: argument }] : [];
    return [];
  }
  const lower = query.toLowerCase();
  const items: MentionItem[] = KEYWORDS.filter((keyword) => keyword.startsWith(lower)).map((keyword) =>
    keyword === 'codebase' ? { kind: 'codebase' } : { kind: 'prefix', prefix: keyword },
  );
  if (query === '') return items;
  const paths = rankByFuzzy(
    query,
    [...folders.map((path) => ({ path, folder: true })), ...files.map((path) => ({ path, folder: false }))],
    (entry) => entry.path,
    limit,
  );
  for (const { item } of paths) {
    if (items.length >= limit) break;
    items.push(item.folder ? { kind: 'folder', path: item.path } : fileItem(item.path));
  }
  return items;
}

const identity = (text: string) => text;
const fileItem = (path: string): MentionItem => ({ kind: 'file', path });

/** An argument as a token carries it: quoted when it holds a space or a quote-free form would be misread. */
function argumentText(value: string): string {
  return /[\s"]/.test(value) || TRAILING.test(value) ? `"${value.replace(/"/g, '')}"` : value;
}

/** The token an item stands for, as it goes into the text. */
export function mentionToken(item: MentionItem): string {
  switch (item.kind) {
    case 'codebase':
      return '@codebase';
    case 'prefix':
      return item.prefix === 'search' ? '@search:""' : `@${item.prefix}:`;
    case 'file':
      return `@file:${argumentText(item.path)}`;
    case 'folder':
      return `@folder:${argumentText(`${item.path}/`)}`;
    case 'search':
      return `@search:"${item.query.replace(/"/g, '')}"`;
  }
}

/**
 * The text with the query replaced by the chosen item, and where the cursor goes: after a finished token and a
 * space, or where the argument is typed (`@file:|`, `@search:"|"`) so the popup goes on with the files.
 */
export function applyMention(text: string, query: MentionQuery, item: MentionItem): { text: string; cursor: number } {
  const token = mentionToken(item);
  const rest = text.slice(query.end);
  if (item.kind === 'prefix') {
    const cursor = query.start + token.length - (item.prefix === 'search' ? 1 : 0);
    return { text: text.slice(0, query.start) + token + rest, cursor };
  }
  // a closing quote the prefix put after the cursor is part of the token now
  const after = item.kind === 'search' && rest.startsWith('"') ? rest.slice(1) : rest;
  const spaced = after.startsWith(' ') ? after : ` ${after}`;
  return { text: text.slice(0, query.start) + token + spaced, cursor: query.start + token.length + 1 };
}
