// Secret redaction before a request leaves the machine (issue 17, "Privacy and egress"): what goes to a non-local
// provider has its secrets replaced by `[REDACTED:<kind>]` — private keys, the common API-key and token formats,
// credentials in URLs and Authorization headers, secret-named assignments in code and config, and the literal values
// of the workspace's `.env` files — and the count is reported so it can be shown. Nothing of a secret is kept (not its
// length, not a prefix). Every pattern runs in linear time on hostile input: each starts at a literal prefix or at the
// start of a run (a lookbehind), its runs are bounded and separated by characters they cannot contain, so a failed
// attempt costs a bounded number of steps and attempts do not pile up on the same characters. The `.env` values are
// found with one Aho-Corasick pass, never with a regex built from them.
import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import type { ProviderRequest, ToolRound } from './providers/provider.js';

export const REDACTION_KINDS = [
  'private-key',
  'aws-access-key',
  'aws-secret-key',
  'github-token',
  'gitlab-token',
  'slack-token',
  'slack-webhook',
  'stripe-key',
  'google-api-key',
  'anthropic-key',
  'openai-key',
  'huggingface-token',
  'npm-token',
  'jwt',
  'url-password',
  'auth-header',
  'secret-assignment',
  'env-value',
] as const;
export type RedactionKind = (typeof REDACTION_KINDS)[number];

export interface Redaction {
  text: string;
  /** Secrets replaced (overlapping finds count once). */
  count: number;
  /** The count by kind; kinds with none are absent. */
  kinds: Record<string, number>;
}

/** What a secret of this kind is replaced with. */
export function placeholderOf(kind: RedactionKind): string {
  return `[REDACTED:${kind}]`;
}

/** `.env` values shorter than this are not treated as secrets (they would match ordinary text). */
export const MIN_LITERAL_CHARS = 8;
/** Longer `.env` values are left to the patterns (a PEM key) rather than matched literally. */
export const MAX_LITERAL_CHARS = 4096;
/** All literal values together; beyond this the rest are dropped (the matcher's trie stays small). */
const MAX_LITERALS_TOTAL_CHARS = 512 * 1024;
/** A `.env` file larger than this is not read. */
export const MAX_ENV_FILE_BYTES = 256 * 1024;
const MAX_ENV_FILES = 32;
/** A BEGIN … END private key block longer than this is treated as unterminated. */
const MAX_PEM_CHARS = 64 * 1024;

type Found = (start: number, end: number) => void;

interface Detector {
  kind: RedactionKind;
  find(text: string, found: Found): void;
}

/** Runs a global regex over the text; zero-length matches (none of ours) cannot loop; `onMatch` may return where to go on. */
function eachMatch(re: RegExp, text: string, onMatch: (match: RegExpExecArray) => unknown): void {
  re.lastIndex = 0;
  for (let match = re.exec(text); match; match = re.exec(text)) {
    if (match[0].length === 0) re.lastIndex++;
    else {
      const resume = onMatch(match);
      // a refused match may hold another inside it (`conn = "AccountKey=…"`): search again from there
      if (typeof resume === 'number' && resume > match.index) re.lastIndex = resume;
    }
  }
}

/**
 * A detector from one pattern: the secret is the whole match, or capture group `group` (the pattern then has the `d`
 * flag); `accept` may refuse a match (by its secret's text, or by another group's).
 */
function pattern(
  kind: RedactionKind,
  re: RegExp,
  options: { group?: number; accept?: (secret: string, match: RegExpExecArray) => boolean } = {},
): Detector {
  const group = options.group ?? 0;
  return {
    kind,
    find(text, found) {
      eachMatch(re, text, (match) => {
        const secret = match[group];
        if (secret === undefined) return;
        if (options.accept && !options.accept(secret, match)) return;
        if (group === 0) found(match.index, match.index + secret.length);
        else {
          const span = match.indices?.[group];
          if (span) found(span[0], span[1]);
        }
      });
    },
  };
}

// --- value heuristics -------------------------------------------------------------------------------------------

const PLACEHOLDER_WORDS =
  /changeme|change[_-]me|placeholder|your|example|redacted|dummy|sample|replace[_-]?me|xxxx|\*\*\*\*|todo|fixme|insert[_-]/i;

/** `changeme`, `xxxxxxxx`, `<token>`, `${VAR}`, `$VAR`, `process.env.X`, `your-api-key`, … */
export function isPlaceholder(value: string): boolean {
  if (/^(.)\1*$/s.test(value)) return true;
  if (/^[$%]|^\{\{/.test(value)) return true;
  if (value.startsWith('<') && value.endsWith('>')) return true;
  if (/\$\{|\{\{|%\(|process\.env|import\.meta\.env|os\.environ|getenv/i.test(value)) return true;
  return PLACEHOLDER_WORDS.test(value);
}

function entropyOf(value: string): number {
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / value.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/** A value that reads like generated key material rather than a word, a name or a date. */
export function looksRandom(value: string): boolean {
  return (
    value.length >= 16 &&
    value.length <= 4096 &&
    !/\s/.test(value) &&
    /[A-Za-z]/.test(value) &&
    /\d/.test(value) &&
    entropyOf(value) >= 3
  );
}

/** At least two of upper case, lower case and digits (real tokens; not `sk-loading-spinner-container`). */
function mixed(value: string): boolean {
  return [/[A-Z]/, /[a-z]/, /\d/].filter((re) => re.test(value)).length >= 2;
}

/** Upper case, lower case and digits all present. */
function fullyMixed(value: string): boolean {
  return /[A-Z]/.test(value) && /[a-z]/.test(value) && /\d/.test(value);
}

/**
 * Letters only, in words joined by `.`, `_` or `-`, perhaps after one sigil: `keyword.control`, `same-origin`,
 * `access_token`, `?InterpolationInTemplate`. Generated tokens and keys hold digits; such a value is a name in code.
 */
const LETTERS_ONLY = /^[^A-Za-z0-9\s]?[A-Za-z]+(?:[._-][A-Za-z]+)*$/;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
/** `a.b.c`, `opts?.secret`, `this!.token`. */
const MEMBER_CHAIN = /^[A-Za-z_$][\w$]*(?:[?!]?\.[A-Za-z_$][\w$]*)+$/;
const NUMBER = /^[+-]?\d+(?:\.\d+)?$/;
const URL_WITH_CREDENTIALS = /^[a-z][a-z0-9+.-]{0,20}:\/\/[^\s/?#@]{0,512}@/i;
const URL_LIKE = /^[a-z][a-z0-9+.-]{0,20}:\/\//i;
const PATH_LIKE = /^(?:~|\.{1,2})?\/|^[A-Za-z]:\\/;
/** Type names and keywords that follow `password:` in code, never secrets. */
const CODE_WORDS = new Set([
  'string',
  'String',
  'number',
  'boolean',
  'unknown',
  'undefined',
  'Uint8Array',
  'ArrayBuffer',
  'Buffer',
  'Optional',
  'SecretStr',
  'SecretString',
  'nullptr',
]);

/** Names that hold secrets, compared with separators removed and lower-cased: `DB_PASSWORD`, `x-api-key`, `clientSecret`. */
const SECRET_NAME =
  /(?:password|passwd|passphrase|secret|token|apikey|accesskey|secretkey|privatekey|authkey|accountkey|signingkey|encryptionkey|masterkey|sharedkey)$/;

/** Names whose values people choose (and may be plain words), unlike generated tokens and keys. */
const PASSWORD_NAME = /(?:password|passwd|passphrase)$/;

const normalName = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, '');

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(normalName(name));
}

/** A literal assigned to the secret-named `name`. */
function acceptQuoted(value: string, name: string): boolean {
  return (
    value.length >= MIN_LITERAL_CHARS &&
    !value.includes('[REDACTED:') &&
    !isPlaceholder(value) &&
    (!LETTERS_ONLY.test(value) || PASSWORD_NAME.test(normalName(name))) &&
    !NUMBER.test(value) &&
    (!URL_LIKE.test(value) || URL_WITH_CREDENTIALS.test(value))
  );
}

/**
 * An unquoted value, by what follows it: `lineEnd` — the end of the line or a comment; `spaced` — that or a space;
 * `padded` — base64 `=` padding. One shaped like an identifier is code (`userInput`, `previousToken2`) unless it ends
 * its line with a digit inside it (`Tr0ub4dor3`), or reads like key material with three digits or padding (base64
 * without `+/`); any other must end its line, be followed by a space (`--password=s3cr3t! --host`) or read like key
 * material (`AccountKey=…;`).
 */
function acceptBare(
  value: string,
  name: string,
  follows: { lineEnd: boolean; spaced: boolean; padded: boolean },
): boolean {
  if (!acceptQuoted(value, name) || CODE_WORDS.has(value) || MEMBER_CHAIN.test(value)) return false;
  if (IDENTIFIER.test(value)) {
    const digits = value.replace(/\D/g, '').length;
    return (follows.lineEnd && /\d[A-Za-z_$]/.test(value)) || ((digits >= 3 || follows.padded) && looksRandom(value));
  }
  return follows.spaced || looksRandom(value);
}

// --- detectors --------------------------------------------------------------------------------------------------

const PEM_MARKER = /-----(BEGIN|END) (?:[A-Z0-9]{1,20} ){0,3}PRIVATE KEY(?: BLOCK)?-----/g;

function isBase64Code(code: number): boolean {
  return (
    (code >= 65 && code <= 90) ||
    (code >= 97 && code <= 122) ||
    (code >= 48 && code <= 57) ||
    code === 43 ||
    code === 47 ||
    code === 61
  );
}

/**
 * Where the body of a key with no END marker stops: whole lines of base64 (split by raw or `\n`-escaped line breaks,
 * indented or not) — a line that holds anything else ends it before that line, so the prose after a truncated key is
 * kept. The text on the header's own line is taken up to its first other character.
 */
function pemBodyEnd(text: string, from: number): number {
  const limit = Math.min(text.length, from + MAX_PEM_CHARS);
  let at = from;
  let kept = from;
  for (let first = true; ; first = false) {
    if (!first) while (at < limit && at - kept < 64 + 2 && (text[at] === ' ' || text[at] === '\t')) at++;
    while (at < limit && isBase64Code(text.charCodeAt(at))) at++;
    const code = text.charCodeAt(at);
    const escaped = code === 92 && (text[at + 1] === 'n' || text[at + 1] === 'r');
    if (at >= limit || code === 10 || code === 13 || escaped) kept = at;
    else return first ? at : kept;
    if (at >= limit) return kept;
    at += escaped || (code === 13 && text.charCodeAt(at + 1) === 10) ? 2 : 1;
  }
}

/**
 * PEM and OpenSSH/PGP private keys: a BEGIN marker paired with the next END marker (one pass over the markers, so
 * many BEGINs without an END stay linear); a BEGIN with no END in reach takes the base64 after it.
 */
const privateKeys: Detector = {
  kind: 'private-key',
  find(text, found) {
    let open = -1;
    let headerEnd = -1;
    const unterminated = () => found(open, pemBodyEnd(text, headerEnd));
    eachMatch(PEM_MARKER, text, (match) => {
      const end = match.index + match[0].length;
      if (match[1] === 'BEGIN') {
        if (open >= 0 && match.index - open <= MAX_PEM_CHARS) return; // inside the open block
        if (open >= 0) unterminated();
        open = match.index;
        headerEnd = end;
      } else if (open >= 0) {
        if (end - open <= MAX_PEM_CHARS) found(open, end);
        else unterminated();
        open = -1;
      }
    });
    if (open >= 0) unterminated();
  },
};

/**
 * `name = value` / `name: value` / `"name": "value"` / `--name=value` where the name holds secrets: only the value is
 * replaced. A quoted value is a literal; an unquoted one must not read as code (`getToken()`, `string`,
 * `process.env.X`, `this.token`). The unquoted run stops at `=` and `:` so attempts never share a run.
 */
const ASSIGNMENT =
  /(?<![\w$.=:-])(-{0,2}[A-Za-z_][\w.-]{0,80})["']?[ \t]{0,16}(?:=>|:=|[:=])(?!=)[ \t]{0,16}(?:(["'`])([^"'`\\\s]{8,512})\2|([^\s"'`,;()[\]{}<>\\=:]{8,512})(?![^\s"'`,;()[\]{}<>\\=:]))/dg;
/** What may follow an unquoted value at the end of its line: spaces, then a comment or the line's end (raw or `\n`). */
const LINE_END = /[ \t]{0,64}(?:#|\/\/|[\r\n]|\\[nr]|$)/y;

const assignments: Detector = {
  kind: 'secret-assignment',
  find(text, found) {
    eachMatch(ASSIGNMENT, text, (match) => {
      const name = match[1];
      const quoted = match[3];
      const bare = match[4];
      const span = match.indices?.[quoted !== undefined ? 3 : 4];
      if (name === undefined || !span) return;
      // refused: the value may hold an assignment of its own, so the search goes on inside it
      const refused = span[0];
      if (!isSecretName(name)) return refused;
      if (quoted !== undefined) {
        if (!acceptQuoted(quoted, name)) return refused;
        found(span[0], span[1]);
        return;
      }
      if (bare === undefined) return refused;
      let end = span[1];
      let padding = 0;
      while (padding < 2 && text.charCodeAt(end) === 61) {
        end++;
        padding++;
      }
      LINE_END.lastIndex = end;
      const lineEnd = LINE_END.test(text);
      const next = text[end];
      const spaced = lineEnd || next === ' ' || next === '\t' || (next === '\\' && text[end + 1] === 't');
      if (!acceptBare(bare, name, { lineEnd, spaced, padded: padding > 0 })) return refused;
      found(span[0], end);
    });
  },
};

const urlPassword = (secret: string) => !isPlaceholder(secret) && !secret.includes('[REDACTED');

const DETECTORS: readonly Detector[] = [
  privateKeys,
  pattern('aws-access-key', /(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9])/g),
  pattern(
    'aws-secret-key',
    /(?<![A-Za-z0-9])(?:aws_?)?secret_?access_?key["']?[ \t]{0,8}(?:=>|[:=])[ \t]{0,8}["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/dgi,
    { group: 1 },
  ),
  pattern(
    'github-token',
    /(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{22,255})(?![A-Za-z0-9_])/g,
  ),
  pattern(
    'gitlab-token',
    /(?<![A-Za-z0-9_-])gl(?:pat|ptt|rt|dt|soat|cbt)-[A-Za-z0-9_-]{20,128}(?:\.[A-Za-z0-9_-]{1,64}){0,3}(?![A-Za-z0-9_-])/g,
  ),
  pattern('slack-token', /(?<![A-Za-z0-9-])xox[abposr]-[A-Za-z0-9-]{10,250}(?![A-Za-z0-9-])/g),
  pattern(
    'slack-webhook',
    /hooks\.slack\.com\/services\/(T[A-Z0-9]{6,12}\/B[A-Z0-9]{6,12}\/[A-Za-z0-9]{16,48})(?![A-Za-z0-9])/dg,
    { group: 1 },
  ),
  pattern('stripe-key', /(?<![A-Za-z0-9_])[sr]k_(?:live|test)_[A-Za-z0-9]{16,247}(?![A-Za-z0-9_])/g),
  pattern('google-api-key', /(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])/g),
  pattern('anthropic-key', /(?<![A-Za-z0-9_-])sk-ant-[A-Za-z0-9_-]{20,250}(?![A-Za-z0-9_-])/g),
  pattern(
    'openai-key',
    /(?<![A-Za-z0-9_-])sk-(?!ant-)(?:(?:proj|svcacct|admin)-)?([A-Za-z0-9_-]{20,250})(?![A-Za-z0-9_-])/g,
    { accept: (_secret, match) => fullyMixed(match[1] ?? '') },
  ),
  pattern('huggingface-token', /(?<![A-Za-z0-9_])hf_[A-Za-z0-9]{30,40}(?![A-Za-z0-9_])/g, {
    accept: (secret) => mixed(secret.slice(3)),
  }),
  pattern('npm-token', /(?<![A-Za-z0-9_])npm_[A-Za-z0-9]{36}(?![A-Za-z0-9_])/g, {
    accept: (secret) => mixed(secret.slice(4)),
  }),
  pattern(
    'jwt',
    /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,1024}\.eyJ[A-Za-z0-9_-]{8,16384}\.[A-Za-z0-9_-]{8,2048}(?![A-Za-z0-9_-])/g,
  ),
  pattern(
    'url-password',
    /(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{1,20}:\/\/[^\s:/?#@"'<>[\]\\]{0,256}:([^\s/?#@"'<>[\]\\]{1,256})@/dg,
    { group: 1, accept: urlPassword },
  ),
  pattern(
    'auth-header',
    /(?<![A-Za-z0-9_-])(?:proxy-)?authorization["']?[ \t]{0,8}[:=][ \t]{0,8}["']?(?:bearer|basic|token)[ \t]{1,8}([A-Za-z0-9_~+/=-](?:[A-Za-z0-9_~+/=.-]{6,4094}[A-Za-z0-9_~+/=-])?)(?![A-Za-z0-9_~+/=-])/dgi,
    { group: 1, accept: (secret) => secret.length >= MIN_LITERAL_CHARS && !isPlaceholder(secret) },
  ),
  assignments,
];

// --- literal values (Aho-Corasick) ------------------------------------------------------------------------------

interface TrieNode {
  next: Map<number, TrieNode>;
  fail: TrieNode | null;
  /** The longest literal that ends here (this node's own, or one of its suffixes'); 0: none. */
  longest: number;
}

const newNode = (): TrieNode => ({ next: new Map(), fail: null, longest: 0 });

/** Finds every occurrence of many literals in one pass; reports merged, non-overlapping spans in order. */
class LiteralMatcher {
  private readonly root = newNode();

  constructor(literals: readonly string[]) {
    for (const literal of literals) {
      let node = this.root;
      for (let i = 0; i < literal.length; i++) {
        const code = literal.charCodeAt(i);
        let child = node.next.get(code);
        if (!child) {
          child = newNode();
          node.next.set(code, child);
        }
        node = child;
      }
      node.longest = literal.length;
    }
    const queue: TrieNode[] = [];
    for (const child of this.root.next.values()) {
      child.fail = this.root;
      queue.push(child);
    }
    for (let at = 0; at < queue.length; at++) {
      const node = queue[at] as TrieNode;
      if (node.longest === 0) node.longest = node.fail?.longest ?? 0;
      for (const [code, child] of node.next) {
        let fail = node.fail;
        while (fail && !fail.next.has(code)) fail = fail.fail;
        child.fail = fail?.next.get(code) ?? this.root;
        queue.push(child);
      }
    }
  }

  find(text: string, found: Found): void {
    const spans: Array<[number, number]> = [];
    let state = this.root;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      let next = state.next.get(code);
      while (!next && state !== this.root) {
        state = state.fail ?? this.root;
        next = state.next.get(code);
      }
      state = next ?? this.root;
      if (state.longest === 0) continue;
      // ends only grow: merge with the spans this one overlaps (amortised linear)
      let start = i + 1 - state.longest;
      const end = i + 1;
      let last = spans[spans.length - 1];
      while (last && last[1] > start) {
        start = Math.min(start, last[0]);
        spans.pop();
        last = spans[spans.length - 1];
      }
      spans.push([start, end]);
    }
    for (const [start, end] of spans) found(start, end);
  }
}

// --- the redactor -----------------------------------------------------------------------------------------------

interface Span {
  start: number;
  end: number;
  rank: number;
}

const PLACEHOLDERS = REDACTION_KINDS.map(placeholderOf);

export interface RedactorOptions {
  /** Literal secret values (from `envSecretsOf`) replaced wherever they occur. */
  literals?: Iterable<string>;
}

export class Redactor {
  private readonly literals: LiteralMatcher | null;
  /** How many literal values it matches (after dropping short, duplicate and over-budget ones). */
  readonly literalCount: number;

  constructor(options: RedactorOptions = {}) {
    const kept = new Set<string>();
    let total = 0;
    for (const value of options.literals ?? []) {
      if (value.length < MIN_LITERAL_CHARS || value.length > MAX_LITERAL_CHARS || kept.has(value)) continue;
      // a value inside a placeholder would be found again in redacted text
      if (value.includes('[REDACTED') || PLACEHOLDERS.some((placeholder) => placeholder.includes(value))) continue;
      if (total + value.length > MAX_LITERALS_TOTAL_CHARS) continue;
      kept.add(value);
      total += value.length;
    }
    this.literalCount = kept.size;
    this.literals = kept.size > 0 ? new LiteralMatcher([...kept]) : null;
  }

  /** A redactor with the literal values of the workspace's `.env` files (none without a workspace). */
  static forWorkspace(root: string | null): Redactor {
    return new Redactor({ literals: root ? envSecretsOf(root) : [] });
  }

  redact(text: string): Redaction {
    if (text.length === 0) return { text, count: 0, kinds: {} };
    const spans: Span[] = [];
    DETECTORS.forEach((detector, rank) => {
      detector.find(text, (start, end) => spans.push({ start, end, rank }));
    });
    this.literals?.find(text, (start, end) => spans.push({ start, end, rank: DETECTORS.length }));
    if (spans.length === 0) return { text, count: 0, kinds: {} };
    // earliest first, then longest, then the more specific detector; overlapping finds become one replacement
    spans.sort((a, b) => a.start - b.start || b.end - a.end || a.rank - b.rank);
    const parts: string[] = [];
    const kinds: Record<string, number> = {};
    let count = 0;
    let at = 0;
    for (let i = 0; i < spans.length; ) {
      const first = spans[i] as Span;
      let end = first.end;
      for (i++; i < spans.length && (spans[i] as Span).start < end; i++) end = Math.max(end, (spans[i] as Span).end);
      const kind: RedactionKind =
        first.rank < DETECTORS.length ? (DETECTORS[first.rank] as Detector).kind : 'env-value';
      parts.push(text.slice(at, first.start), placeholderOf(kind));
      kinds[kind] = (kinds[kind] ?? 0) + 1;
      count++;
      at = end;
    }
    parts.push(text.slice(at));
    return { text: parts.join(''), count, kinds };
  }
}

// --- requests ---------------------------------------------------------------------------------------------------

class Tally {
  count = 0;
  readonly kinds: Record<string, number> = {};

  add(redaction: Redaction): string {
    this.count += redaction.count;
    for (const [kind, count] of Object.entries(redaction.kinds)) this.kinds[kind] = (this.kinds[kind] ?? 0) + count;
    return redaction.text;
  }
}

/** Chat messages with their contents redacted: new objects, the inputs untouched, and the total count. */
export function redactMessages<T extends { content: string }>(
  messages: readonly T[],
  redactor: Redactor,
): { messages: T[]; count: number; kinds: Record<string, number> } {
  const tally = new Tally();
  const redacted = messages.map((message) => ({ ...message, content: tally.add(redactor.redact(message.content)) }));
  return { messages: redacted, count: tally.count, kinds: tally.kinds };
}

function parsesAsJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Each string in a parsed JSON value redacted; a string under a secret-named key replaced whole. */
function redactJsonValue(value: unknown, redactor: Redactor, tally: Tally, key?: string): unknown {
  if (typeof value === 'string') {
    if (key !== undefined && isSecretName(key) && acceptQuoted(value, key)) {
      tally.add({ text: '', count: 1, kinds: { 'secret-assignment': 1 } });
      return placeholderOf('secret-assignment');
    }
    return tally.add(redactor.redact(value));
  }
  if (Array.isArray(value)) return value.map((item) => redactJsonValue(item, redactor, tally));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([name, item]) => [name, redactJsonValue(item, redactor, tally, name)]),
    );
  }
  return value;
}

/**
 * A tool call's argument text redacted; when it was JSON and replacing spans broke it (a span ending inside an
 * escape), its strings are redacted one by one and the JSON written again.
 */
export function redactArguments(text: string, redactor: Redactor): Redaction {
  const plain = redactor.redact(text);
  if (plain.count === 0 || parsesAsJson(plain.text) || !parsesAsJson(text)) return plain;
  const tally = new Tally();
  const value = redactJsonValue(JSON.parse(text), redactor, tally);
  return { text: JSON.stringify(value), count: tally.count, kinds: tally.kinds };
}

/**
 * A provider request with every string the model will read redacted: the messages, and the tool rounds' text, call
 * arguments and results. The tools offered are the engine's own and are left as they are. Inputs are not mutated.
 */
export function redactRequest(
  request: ProviderRequest,
  redactor: Redactor,
): { request: ProviderRequest; count: number; kinds: Record<string, number> } {
  const tally = new Tally();
  const messages = redactMessages(request.messages, redactor);
  tally.add({ text: '', count: messages.count, kinds: messages.kinds });
  const toolRounds = request.toolRounds?.map(
    (round): ToolRound => ({
      ...round,
      text: tally.add(redactor.redact(round.text)),
      calls: round.calls.map((call) => ({
        ...call,
        arguments: tally.add(redactArguments(call.arguments, redactor)),
        result: tally.add(redactor.redact(call.result)),
      })),
    }),
  );
  return {
    request: { ...request, messages: messages.messages, ...(toolRounds ? { toolRounds } : {}) },
    count: tally.count,
    kinds: tally.kinds,
  };
}

// --- .env files -------------------------------------------------------------------------------------------------

const ENV_FILE = /^\.env(?:\.[\w.-]{1,64})?$/;
const ENV_TEMPLATE = /\.(?:example|sample|template|dist)(?:\.|$)/i;
const ENV_LINE = /^[ \t]*(?:export[ \t]+)?([A-Za-z_][\w.-]{0,255})[ \t]*(?:=|:[ \t])[ \t]*/;
const SECRETISH_WORDS = new Set([
  'SECRET',
  'SECRETS',
  'TOKEN',
  'PASSWORD',
  'PASSWD',
  'PASS',
  'PWD',
  'KEY',
  'APIKEY',
  'AUTH',
  'CREDENTIAL',
  'CREDENTIALS',
  'PRIVATE',
  'SALT',
  'DSN',
  'SIGNING',
  'WEBHOOK',
  'COOKIE',
  'PAT',
]);
/** A last word that names something about a secret rather than the secret: `KEY_PATH`, `TOKEN_URL`. */
const NOT_SECRET_LAST = new Set(['PATH', 'FILE', 'DIR', 'URL', 'HOST', 'PORT', 'NAME', 'ID', 'REGION', 'USER']);

function secretishEnvName(name: string): boolean {
  const words = name
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter(Boolean);
  if (words.length === 0 || NOT_SECRET_LAST.has(words[words.length - 1] as string)) return false;
  return words.some((word) => SECRETISH_WORDS.has(word)) || isSecretName(name);
}

/** Whether a `.env` value is worth replacing wherever it occurs. */
function envValueIsSecret(name: string, value: string): boolean {
  if (value.length < MIN_LITERAL_CHARS || value.length > MAX_LITERAL_CHARS) return false;
  if (isPlaceholder(value) || NUMBER.test(value) || /^(?:true|false|yes|no|on|off|null)$/i.test(value)) return false;
  if (URL_WITH_CREDENTIALS.test(value)) return true;
  if (URL_LIKE.test(value)) return false;
  if (secretishEnvName(name)) return true;
  return looksRandom(value) && !PATH_LIKE.test(value);
}

/**
 * The assignments of a `.env` file in order (dotenv's syntax: `export`, comments, single, double and backtick quotes,
 * multi-line quoted values, `\n` in double quotes). An unquoted value ends at a ` #` comment; where it holds a `#`
 * without a space (dotenv cuts there, other readers do not) both readings are given. Linear in the file's length.
 */
export function parseEnv(source: string): Array<{ key: string; value: string }> {
  const text = source.replace(/\r\n?/g, '\n');
  const out: Array<{ key: string; value: string }> = [];
  // the first unescaped quote of each kind at or after a position, remembered so no part is searched twice
  const memo = new Map<string, { from: number; at: number }>();
  const closing = (quote: string, from: number): number => {
    const known = memo.get(quote);
    if (known && known.from <= from && (known.at < 0 || known.at >= from)) return known.at;
    let at = text.indexOf(quote, from);
    while (at > 0 && text[at - 1] === '\\') at = text.indexOf(quote, at + 1);
    memo.set(quote, { from, at });
    return at;
  };
  let lineStart = 0;
  while (lineStart < text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    const line = text.slice(lineStart, lineEnd);
    const match = ENV_LINE.exec(line);
    const key = match?.[1];
    if (!match || key === undefined) {
      lineStart = lineEnd + 1;
      continue;
    }
    const rest = line.slice(match[0].length);
    const quote = rest[0];
    if (quote === '"' || quote === "'" || quote === '`') {
      const from = lineStart + match[0].length + 1;
      const close = closing(quote, from);
      if (close >= 0) {
        const raw = text.slice(from, close);
        const value = quote === '"' ? raw.replace(/\\n/g, '\n').replace(/\\r/g, '\r') : raw;
        out.push({ key, value });
        if (value !== raw) out.push({ key, value: raw });
        // a value running over lines: the lines it covered are read as assignments too (a stray quote must not hide
        // the secrets after it), so go on with the next line
        lineStart = lineEnd + 1;
        continue;
      }
    }
    const value = rest.replace(/(?:^|[ \t])#.*$/, '').trim();
    if (value) out.push({ key, value: quote === '"' || quote === "'" || quote === '`' ? value.slice(1) : value });
    const hash = value.indexOf('#');
    if (hash > 0) out.push({ key, value: value.slice(0, hash).trim() });
    lineStart = lineEnd + 1;
  }
  return out;
}

/** A regular file's text, read without following a symlink, or null (missing, a link, not a file, too large). */
function readEnvFile(path: string): string | null {
  let stats: Stats;
  try {
    stats = lstatSync(path);
  } catch {
    return null;
  }
  if (!stats.isFile() || stats.size > MAX_ENV_FILE_BYTES) return null;
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch {
    return null;
  }
  try {
    const opened = fstatSync(fd);
    if (!opened.isFile() || opened.ino !== stats.ino || opened.dev !== stats.dev) return null;
    const buffer = Buffer.alloc(MAX_ENV_FILE_BYTES + 1);
    let length = 0;
    while (length < buffer.length) {
      const read = readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
    }
    return length > MAX_ENV_FILE_BYTES ? null : buffer.toString('utf8', 0, length);
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

/**
 * The secret values of the workspace root's `.env`, `.env.local` and `.env.*` files (not `.env.example`,
 * `.env.sample`, `.env.template`, `.env.dist`): symlinks are refused, files over 256 KB skipped. A value counts when
 * its name says secret (`*_KEY`, `*_TOKEN`, `*PASSWORD*`, …) or it reads like key material, and it is not a
 * placeholder, a number, a boolean, a URL without credentials or a short word.
 */
export function envSecretsOf(root: string): string[] {
  let names: string[];
  try {
    names = readdirSync(root).filter((name) => ENV_FILE.test(name) && !ENV_TEMPLATE.test(name));
  } catch {
    return [];
  }
  const values = new Set<string>();
  for (const name of names.sort().slice(0, MAX_ENV_FILES)) {
    const text = readEnvFile(join(root, name));
    if (text === null) continue;
    for (const { key, value } of parseEnv(text)) if (envValueIsSecret(key, value)) values.add(value);
  }
  return [...values];
}
