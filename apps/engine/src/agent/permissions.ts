// The agent's permission policy: whether one tool call runs (allow), waits for the user's approval card (ask) or is
// refused (deny). Judged in this order:
//   1. hard limits no rule changes: ask mode uses no tool; plan mode never writes or runs a command; a command runs
//      only in a trusted workspace; a path outside the workspace or into a git folder is never touched;
//   2. deny rules, workspace and global alike: any match denies;
//   3. the other rules, workspace ones before global ones, the first that matches decides;
//   4. defaults: reading is allowed, writing, commands and MCP tools ask.
// A command is read the way /bin/sh reads it (a tokenizer of our own, linear in its length: no shell-words package is
// installed): `a; b && c | d` is judged part by part, every part must be allowed for the whole to be, and a part a deny
// rule matches denies the whole. Wrappers are looked through (`sudo`, `env`, `xargs`, `bash -c '…'`, `eval`, `find
// -exec`, …): what they run is judged too. What cannot be read for certain (command substitution, a redirection, a
// script built at run time, a quote left open) is never allowed by a command pattern: at best it asks.
// Allow patterns match as written, by whole words from the start (`npm test` allows `npm test -- --watch`, not
// `/tmp/npm test`); deny and ask patterns match broadly (the program by its base name, any case, `-rf` as the flags r
// and f wherever they stand, the other words in order anywhere after it). User patterns are globs (`*` within a word),
// never regular expressions; path globs are matched by a bounded matcher of picomatch's syntax (see globMatch).
// Rules are kept per workspace and globally, as JSON in the engine's SQLite store (PermissionStore).
import { ErrorCode, PaError } from '@pa/shared';
import { isGitPath } from '@pa/shared/protected-paths';
import type Database from 'better-sqlite3';
import { z } from 'zod';
import type { Store } from '../store/index.js';

// ---------------------------------------------------------------------------------------------------------------
// Types and schemas

export const Decision = z.enum(['allow', 'ask', 'deny']);
export type Decision = z.infer<typeof Decision>;

/** What a tool does: read-only tools run in plan mode, writes and commands do not. */
export type PermissionKind = 'read' | 'write' | 'execute' | 'mcp';
export type AgentModeName = 'ask' | 'plan' | 'agent';

/** A command pattern: one simple command as a shell writes it (no `;`, `|`, `$(…)` or redirections). */
const CommandPatternText = z
  .string()
  .min(1)
  .max(1_000)
  .refine((source) => commandPattern(source) !== null, 'a command pattern is one simple command, e.g. "npm test"');

/** A workspace-relative glob. */
const GlobText = z
  .string()
  .min(1)
  .max(1_000)
  .refine((source) => compileGlob(source, false) !== null, 'a glob with too many alternatives');

export const PermissionRule = z.object({
  /** A tool name (`run_command`, `mcp:github/create_issue`), `*` for every tool, `mcp:*` for every MCP tool; `*` is a wildcard. */
  tool: z.string().min(1).max(200),
  decision: Decision,
  /** Command patterns (run_command): the rule holds for the command parts they match. */
  commands: z.array(CommandPatternText).min(1).max(100).optional(),
  /** Path globs, workspace-relative: the rule holds for the paths they match. */
  paths: z.array(GlobText).min(1).max(100).optional(),
});
export type PermissionRule = z.infer<typeof PermissionRule>;

export const PermissionPolicy = z.object({ rules: z.array(PermissionRule).max(1_000) });
export type PermissionPolicy = z.infer<typeof PermissionPolicy>;

export interface PermissionLayers {
  workspace: PermissionPolicy;
  global: PermissionPolicy;
}

export interface DecideInput {
  tool: string;
  kind: PermissionKind;
  mode: AgentModeName;
  /** Whether the user trusts the workspace (commands run only in a trusted one). */
  trusted: boolean;
  /** run_command's command line. */
  command?: string;
  /** The workspace-relative paths the call reads or writes (an absolute path is taken as outside the workspace). */
  paths?: string[];
  /** Which shell reads the command: `/bin/sh` (posix) or `cmd.exe` (windows); the running platform's by default. */
  platform?: 'posix' | 'windows';
}

export interface Verdict {
  decision: Decision;
  /** Why, in a sentence the transcript and the model can show. */
  reason: string;
  /** The rule that decided, when one did. */
  rule?: PermissionRule;
}

/** The built-in tools and what they do; an MCP tool (`mcp:<server>/<tool>`) is `mcp`. */
export const TOOL_KINDS: Readonly<Record<string, PermissionKind>> = {
  list_dir: 'read',
  read_file: 'read',
  find_in_files: 'read',
  search_codebase: 'read',
  find_path: 'read',
  diagnostics: 'read',
  edit_file: 'write',
  create_file: 'write',
  delete_file: 'write',
  rename_file: 'write',
  run_command: 'execute',
};

const DEFAULTS: Readonly<Record<PermissionKind, Decision>> = {
  read: 'allow',
  write: 'ask',
  execute: 'ask',
  mcp: 'ask',
};
const KIND_RANK: Readonly<Record<PermissionKind, number>> = { read: 0, mcp: 1, write: 2, execute: 3 };

/** A path longer than this (PATH_MAX) or with a name longer than NAME_MAX is no path a tool may touch. */
const MAX_PATH = 4_096;
const MAX_NAME = 255;
const MAX_PATHS = 10_000;
/** Wrappers and `bash -c` scripts looked through at most this deep. */
const MAX_DEPTH = 8;

// ---------------------------------------------------------------------------------------------------------------
// decide

/** Judges one tool call against the hard limits, then the workspace and global rules, then the defaults. */
export function decide(input: DecideInput, layers: PermissionLayers): Verdict {
  const kind = effectiveKind(input.tool, input.kind);
  if (input.mode === 'ask') {
    return {
      decision: 'deny',
      reason: 'Ask mode answers without tools; switch to agent mode to let the agent use them.',
    };
  }
  if (input.mode === 'plan' && (kind === 'write' || kind === 'execute')) {
    return {
      decision: 'deny',
      reason: 'Plan mode only reads: it cannot change files or run commands, whatever the policy says.',
    };
  }
  if (kind === 'execute' && !input.trusted) {
    return {
      decision: 'deny',
      reason: 'Commands run only in a trusted workspace: trust this workspace to let the agent run commands.',
    };
  }
  const given = input.paths ?? [];
  if (given.length > MAX_PATHS) return { decision: 'deny', reason: `More than ${MAX_PATHS} paths in one call.` };
  const paths: string[] = [];
  for (const path of given) {
    const checked = checkPath(path);
    if (!checked.ok) return { decision: 'deny', reason: checked.reason };
    paths.push(checked.path);
  }

  const rules = rulesFor(input.tool, layers);
  const judge: Judge = { input, kind, paths, rules };
  const verdicts: UnitVerdict[] = [];
  let analysis: Analysis | null = null;
  if (input.command !== undefined) {
    analysis = analyse(input.command, windowsOf(input));
    for (const part of analysis.parts) verdicts.push(judgePart(part, judge));
  }
  // a path of a command call only matters to the hard limits and to rules with paths; the command decides
  const pathDefault: Decision = input.command !== undefined ? 'allow' : DEFAULTS[kind];
  for (const path of paths) verdicts.push(judgePath(path, judge, pathDefault));

  let verdict: Verdict;
  if (input.command !== undefined && analysis?.parts.length === 0) {
    const whole = judgeWhole(judge);
    verdict =
      whole.decision === 'deny' ? plain(whole) : { decision: 'ask', reason: 'The command is empty: nothing to judge.' };
  } else if (verdicts.length === 0) {
    verdict = plain(judgeWhole(judge));
  } else {
    verdict = combine(verdicts, analysis, judge);
  }
  if (input.mode === 'plan' && kind === 'mcp' && verdict.decision === 'allow') {
    return { decision: 'ask', reason: 'In plan mode an MCP tool needs approval: it may change things.' };
  }
  return verdict;
}

function windowsOf(input: { platform?: 'posix' | 'windows' }): boolean {
  return (input.platform ?? (process.platform === 'win32' ? 'windows' : 'posix')) === 'windows';
}

/** The stricter of what the caller says and what the tool is known to do. */
function effectiveKind(tool: string, given: PermissionKind): PermissionKind {
  const known = TOOL_KINDS[tool] ?? (tool.startsWith('mcp:') ? 'mcp' : undefined);
  if (!known) return given;
  return KIND_RANK[known] >= KIND_RANK[given] ? known : given;
}

interface Ranked {
  rule: PermissionRule;
  layer: 'workspace' | 'global';
}

interface Judge {
  input: DecideInput;
  kind: PermissionKind;
  paths: string[];
  rules: { deny: Ranked[]; others: Ranked[] };
}

interface UnitVerdict {
  decision: Decision;
  reason: string;
  by?: Ranked;
  /** Allowed by a command pattern (which cannot vouch for substitutions, redirections or denied words in arguments). */
  byPattern?: boolean;
}

function plain(verdict: UnitVerdict): Verdict {
  return { decision: verdict.decision, reason: verdict.reason, ...(verdict.by ? { rule: verdict.by.rule } : {}) };
}

function toolMatches(pattern: string, tool: string): boolean {
  if (pattern === '*') return true;
  if (pattern === 'mcp:*') return tool.startsWith('mcp:');
  return wildcard(pattern, tool);
}

function rulesFor(tool: string, layers: PermissionLayers): Judge['rules'] {
  const deny: Ranked[] = [];
  const others: Ranked[] = [];
  const add = (policy: PermissionPolicy, layer: Ranked['layer']) => {
    for (const rule of policy.rules) {
      if (!toolMatches(rule.tool, tool)) continue;
      (rule.decision === 'deny' ? deny : others).push({ rule, layer });
    }
  };
  add(layers.workspace, 'workspace');
  add(layers.global, 'global');
  return { deny, others };
}

function ruleName(ranked: Ranked): string {
  const what = ranked.rule.commands
    ? `"${ranked.rule.commands.join('", "')}"`
    : ranked.rule.paths
      ? `for ${ranked.rule.paths.join(', ')}`
      : `for ${ranked.rule.tool}`;
  return `the ${ranked.layer} rule ${clip(what, 200)}`;
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function byRule(ranked: Ranked, subject: string): UnitVerdict {
  const verb = { allow: 'Allowed', ask: 'Needs approval', deny: 'Denied' }[ranked.rule.decision];
  return { decision: ranked.rule.decision, reason: `${verb} by ${ruleName(ranked)}${subject}.`, by: ranked };
}

/** Whether a rule that also names paths holds for this call's paths (all of them to allow; any to deny or ask). */
function pathsHold(rule: PermissionRule, paths: string[]): boolean {
  if (!rule.paths) return true;
  if (paths.length === 0) return false;
  const globs = rule.paths;
  if (rule.decision === 'allow') return paths.every((path) => globs.some((glob) => globMatch(glob, path, 'exact')));
  return paths.some((path) => globs.some((glob) => globMatch(glob, path, 'broad')));
}

function judgeWhole(judge: Judge): UnitVerdict {
  const holds = (ranked: Ranked) => !ranked.rule.commands && !ranked.rule.paths;
  const denied = judge.rules.deny.find(holds);
  if (denied) return byRule(denied, '');
  const first = judge.rules.others.find(holds);
  if (first) return byRule(first, '');
  return defaultVerdict(judge.kind, judge.input.tool);
}

function defaultVerdict(kind: PermissionKind, tool: string): UnitVerdict {
  const decision = DEFAULTS[kind];
  const reason = {
    read: 'Reading is allowed by default.',
    write: `${tool} changes files: it needs approval unless a rule allows it.`,
    execute: `${tool} needs approval unless a rule allows the command.`,
    mcp: `${tool} is an MCP tool: it needs approval unless a rule allows it.`,
  }[kind];
  return { decision, reason };
}

function judgePath(path: string, judge: Judge, fallback: Decision): UnitVerdict {
  const subject = ` (${clip(path || '.', 200)})`;
  const holds = (ranked: Ranked) => {
    if (ranked.rule.commands) return false;
    if (!ranked.rule.paths) return true;
    const mode = ranked.rule.decision === 'allow' ? 'exact' : 'broad';
    return ranked.rule.paths.some((glob) => globMatch(glob, path, mode));
  };
  const denied = judge.rules.deny.find(holds);
  if (denied) return byRule(denied, subject);
  const first = judge.rules.others.find(holds);
  if (first) return byRule(first, subject);
  if (fallback === DEFAULTS[judge.kind]) return defaultVerdict(judge.kind, judge.input.tool);
  return { decision: fallback, reason: 'No rule names this path.' };
}

function judgePart(part: Part, judge: Judge): UnitVerdict {
  const subject = ` (\`${clip(partText(part), 200)}\`)`;
  const applies = (ranked: Ranked): boolean => {
    const { rule } = ranked;
    if (!rule.commands) return !rule.paths; // a paths-only rule is about paths, not commands
    if (!pathsHold(rule, judge.paths)) return false;
    return rule.commands.some((source) => {
      const words = commandPattern(source);
      if (!words) return false;
      return rule.decision === 'allow' ? allowMatches(words, part) : broadMatches(denyShape(words), part);
    });
  };
  const denied = judge.rules.deny.find(applies);
  if (denied) return byRule(denied, subject);
  const first = judge.rules.others.find(applies);
  const verdict = first ? byRule(first, subject) : defaultVerdict(judge.kind, judge.input.tool);
  if (verdict.decision !== 'allow') {
    if (!first && judge.kind === 'execute') {
      return { decision: 'ask', reason: `\`${clip(partText(part), 200)}\` is not covered by an allow rule.` };
    }
    return verdict;
  }
  // allowed as written; what it wraps must be allowed too
  if (part.unknown)
    return { decision: 'ask', reason: `\`${clip(partText(part), 200)}\` needs approval: ${part.unknown}.` };
  for (const inner of part.inner) {
    const wrapped = judgePart(inner, judge);
    if (wrapped.decision !== 'allow') return wrapped;
  }
  return { ...verdict, byPattern: Boolean(first?.rule.commands) };
}

function combine(verdicts: UnitVerdict[], analysis: Analysis | null, judge: Judge): Verdict {
  const denied = verdicts.find((verdict) => verdict.decision === 'deny');
  if (denied) return plain(denied);
  if (analysis?.error) {
    return {
      decision: 'ask',
      reason: `The command needs approval: it has ${analysis.error}, which is not read for certain.`,
    };
  }
  const asked = verdicts.find((verdict) => verdict.decision === 'ask');
  if (asked) return plain(asked);
  const first = verdicts[0] as UnitVerdict;
  if (analysis && verdicts.some((verdict) => verdict.byPattern)) {
    if (analysis.substitution) {
      return {
        decision: 'ask',
        reason: 'The command needs approval: it runs a command substitution ($(…), `…` or <(…)).',
      };
    }
    if (analysis.redirect) {
      return { decision: 'ask', reason: 'The command needs approval: it redirects input or output (<, >).' };
    }
    const shapes = judge.rules.deny.flatMap((ranked) =>
      ranked.rule.commands && pathsHold(ranked.rule, judge.paths)
        ? ranked.rule.commands.flatMap((source) => {
            const words = commandPattern(source);
            return words ? [{ source, shape: denyShape(words) }] : [];
          })
        : [],
    );
    for (const part of analysis.parts) {
      const named = mentionsDenied(part, shapes);
      if (named) {
        return {
          decision: 'ask',
          reason: `The command needs approval: \`${clip(partText(part), 200)}\` names "${named}", which a rule denies.`,
        };
      }
    }
  }
  return plain(first);
}

// ---------------------------------------------------------------------------------------------------------------
// Paths

type CheckedPath = { ok: true; path: string } | { ok: false; reason: string };

/** A workspace-relative path normalised (`./a//b` is `a/b`), or why no tool may touch it. */
export function checkPath(path: string): CheckedPath {
  const shown = clip(path, 200);
  if (path.length > MAX_PATH) return { ok: false, reason: 'The path is too long.' };
  if (path.includes('\0')) return { ok: false, reason: 'The path holds a NUL character.' };
  const slashed = path.replaceAll('\\', '/');
  if (slashed.startsWith('/') || /^[A-Za-z]:/.test(slashed)) {
    return { ok: false, reason: `\`${shown}\` is outside the workspace (paths are relative to its root).` };
  }
  const kept: string[] = [];
  for (const segment of slashed.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment.length > MAX_NAME) return { ok: false, reason: 'A name in the path is too long.' };
    if (segment === '..') {
      if (kept.length === 0) return { ok: false, reason: `\`${shown}\` is outside the workspace.` };
      kept.pop();
    } else {
      kept.push(segment);
    }
  }
  if (isGitPath(slashed)) {
    return { ok: false, reason: `\`${shown}\` is inside a git folder (.git): the agent never touches it.` };
  }
  return { ok: true, path: kept.join('/') };
}

// ---------------------------------------------------------------------------------------------------------------
// Shell tokenizer: one pass over the command, a stack of frames for $(…), (…) and `…`

interface Word {
  text: string;
  /** Its value is only known when the shell runs (a $ expansion, a glob, a substitution, ~, %VAR%). */
  dynamic: boolean;
  quoted: boolean;
  /** `NAME=value` before the program. */
  assignment: boolean;
}

export interface ParsedCommand {
  /** The simple commands, substitutions' included, each as its words (redirection targets left out). */
  segments: Word[][];
  substitution: boolean;
  redirect: boolean;
  /** What kept the command from being read for certain; null when it was. */
  error: string | null;
}

interface Frame {
  kind: 'top' | 'paren' | 'subst' | 'backtick';
  words: Word[];
  text: string;
  inWord: boolean;
  dynamic: boolean;
  quoted: boolean;
  assignment: boolean;
  brace: boolean;
  dq: boolean;
  redirectTarget: boolean;
  onlyAssignments: boolean;
}

const UNQUOTED_SPECIAL = new Set(' \t\n\\\'"`$;&|<>()#*?[{}=~%^');
const DQ_SPECIAL = new Set('"\\$`%');
const DQ_ESCAPABLE = new Set('$`"\\\n');
const CMD_META = new Set('&|<>^%"');

function frame(kind: Frame['kind']): Frame {
  return {
    kind,
    words: [],
    text: '',
    inWord: false,
    dynamic: false,
    quoted: false,
    assignment: false,
    brace: false,
    dq: false,
    redirectTarget: false,
    onlyAssignments: true,
  };
}

function isNameStart(c: string | undefined): boolean {
  return c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_');
}

function isNameChar(c: string | undefined): boolean {
  return isNameStart(c) || (c !== undefined && c >= '0' && c <= '9');
}

function isAssignmentWord(text: string): boolean {
  const eq = text.indexOf('=');
  return eq > 0 && isAssignmentName(text.slice(0, eq));
}

function isAssignmentName(text: string): boolean {
  const name = text.endsWith('+') ? text.slice(0, -1) : text;
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name);
}

class ShellParser {
  private i = 0;
  private readonly stack: Frame[] = [frame('top')];
  private readonly out: ParsedCommand = { segments: [], substitution: false, redirect: false, error: null };

  constructor(
    private readonly s: string,
    private readonly windows: boolean,
  ) {}

  parse(): ParsedCommand {
    const n = this.s.length;
    while (this.i < n) {
      const f = this.top();
      if (f.dq) this.quoted(f);
      else this.unquoted(f);
    }
    if (this.stack.some((f) => f.dq)) this.fail('an unterminated double quote');
    while (this.stack.length > 1) {
      const f = this.top();
      this.fail(f.kind === 'backtick' ? 'an unclosed backquote' : 'an unclosed parenthesis');
      this.endSegment(f);
      this.stack.pop();
    }
    this.endSegment(this.top());
    return this.out;
  }

  private top(): Frame {
    return this.stack[this.stack.length - 1] as Frame;
  }

  private fail(reason: string): void {
    this.out.error ??= reason;
  }

  private append(f: Frame, text: string): void {
    f.text += text;
    f.inWord = true;
  }

  private resetWord(f: Frame): void {
    f.text = '';
    f.inWord = false;
    f.dynamic = false;
    f.quoted = false;
    f.assignment = false;
    f.brace = false;
  }

  private endWord(f: Frame): void {
    if (!f.inWord) return;
    if (f.redirectTarget) {
      f.redirectTarget = false;
    } else {
      f.words.push({ text: f.text, dynamic: f.dynamic, quoted: f.quoted, assignment: f.assignment });
      if (!f.assignment) f.onlyAssignments = false;
    }
    this.resetWord(f);
  }

  private endSegment(f: Frame): void {
    this.endWord(f);
    if (f.redirectTarget) {
      this.fail('a redirection without a target');
      f.redirectTarget = false;
    }
    if (f.words.length > 0) this.out.segments.push(f.words);
    f.words = [];
    f.onlyAssignments = true;
  }

  private push(kind: Frame['kind']): void {
    this.stack.push(frame(kind));
  }

  private unquoted(f: Frame): void {
    const s = this.s;
    const c = s[this.i] as string;
    if (!UNQUOTED_SPECIAL.has(c)) {
      let j = this.i + 1;
      while (j < s.length && !UNQUOTED_SPECIAL.has(s[j] as string)) j++;
      this.append(f, s.slice(this.i, j));
      this.i = j;
      return;
    }
    switch (c) {
      case ' ':
      case '\t':
        this.endWord(f);
        this.i++;
        return;
      case '\n':
        this.endSegment(f);
        this.i++;
        return;
      case '\\': {
        const next = s[this.i + 1];
        if (next === undefined) {
          this.append(f, '\\');
          this.i++;
          return;
        }
        if (this.windows) {
          // cmd.exe reads a backslash as itself (a path separator): `\&` is `\` and then `&`
          this.append(f, '\\');
          this.i++;
          return;
        }
        this.i += 2;
        if (next === '\n') return; // a line continuation
        if (next === '`' && f.kind === 'backtick') this.fail('nested backquotes');
        this.append(f, next);
        f.quoted = true;
        return;
      }
      case "'": {
        const end = s.indexOf("'", this.i + 1);
        f.quoted = true;
        if (end < 0) {
          this.fail('an unterminated single quote');
          this.append(f, s.slice(this.i + 1));
          this.i = s.length;
          return;
        }
        const body = s.slice(this.i + 1, end);
        if (this.windows && [...body].some((ch) => CMD_META.has(ch))) {
          this.fail('single quotes, which cmd.exe does not read as quotes');
        }
        this.append(f, body);
        this.i = end + 1;
        return;
      }
      case '"':
        f.dq = true;
        f.quoted = true;
        f.inWord = true;
        this.i++;
        return;
      case '`':
        this.backquote(f);
        return;
      case '$':
        this.dollar(f, false);
        return;
      case ';':
      case '&':
      case '|':
        this.operator(f, c);
        return;
      case '<':
      case '>':
        this.redirection(f, c);
        return;
      case '(':
        this.openParen(f);
        return;
      case ')':
        this.closeParen(f);
        return;
      case '#':
        if (!f.inWord) {
          const end = s.indexOf('\n', this.i);
          this.i = end < 0 ? s.length : end;
          return;
        }
        break;
      case '~':
        if (!f.inWord) f.dynamic = true;
        break;
      case '%':
        this.percent(f);
        break;
      case '*':
      case '?':
      case '[':
      case '^':
        f.dynamic = true;
        break;
      case '{':
        f.brace = true;
        break;
      case '}':
        if (f.brace && f.text !== '{') f.dynamic = true;
        break;
      case '=':
        if (!f.quoted && !f.dynamic && f.onlyAssignments && isAssignmentName(f.text)) f.assignment = true;
        break;
    }
    this.append(f, c);
    this.i++;
  }

  private quoted(f: Frame): void {
    const s = this.s;
    const c = s[this.i] as string;
    if (!DQ_SPECIAL.has(c)) {
      let j = this.i + 1;
      while (j < s.length && !DQ_SPECIAL.has(s[j] as string)) j++;
      this.append(f, s.slice(this.i, j));
      this.i = j;
      return;
    }
    switch (c) {
      case '"':
        f.dq = false;
        this.i++;
        return;
      case '\\': {
        const next = s[this.i + 1];
        if (!this.windows && next !== undefined && DQ_ESCAPABLE.has(next)) {
          if (next !== '\n') this.append(f, next);
          this.i += 2;
        } else {
          this.append(f, '\\');
          this.i++;
        }
        return;
      }
      case '$':
        this.dollar(f, true);
        return;
      case '`':
        if (f.kind === 'backtick') {
          this.fail('a double quote left open inside backquotes');
          f.dq = false;
        }
        this.backquote(f);
        return;
      default: // '%': cmd.exe expands %VAR% inside double quotes too
        this.percent(f);
        this.append(f, c);
        this.i++;
    }
  }

  private percent(f: Frame): void {
    f.dynamic = true;
    // cmd.exe expands %VAR% before it reads the line: the value could hold `&` and another command
    if (this.windows) this.fail('a %variable%, which cmd.exe expands before reading the command');
  }

  private backquote(f: Frame): void {
    this.i++;
    if (f.kind === 'backtick') {
      this.endSegment(f);
      this.stack.pop();
      return;
    }
    this.out.substitution = true;
    f.inWord = true;
    f.dynamic = true;
    this.push('backtick');
  }

  private dollar(f: Frame, inDq: boolean): void {
    const s = this.s;
    const next = s[this.i + 1];
    f.inWord = true;
    if (next === '(') {
      this.out.substitution = true;
      f.dynamic = true;
      this.push('subst');
      this.i += 2;
      return;
    }
    if (next === '{') {
      f.dynamic = true;
      const end = s.indexOf('}', this.i + 2);
      if (end < 0) {
        this.fail('an unterminated ${');
        this.append(f, s.slice(this.i));
        this.i = s.length;
        return;
      }
      const body = s.slice(this.i + 2, end);
      if ([...'$`\'"\\('].some((ch) => body.includes(ch))) this.fail('a parameter expansion too complex to read');
      this.append(f, s.slice(this.i, end + 1));
      this.i = end + 1;
      return;
    }
    if (!inDq && next === "'") {
      // $'…': ANSI-C quoting, escapes that can spell any character
      let j = this.i + 2;
      while (j < s.length && s[j] !== "'") j += s[j] === '\\' ? 2 : 1;
      f.dynamic = true;
      f.quoted = true;
      if (j >= s.length) {
        this.fail("an unterminated $' quote");
        this.append(f, s.slice(this.i + 2));
        this.i = s.length;
        return;
      }
      this.append(f, s.slice(this.i + 2, j));
      this.i = j + 1;
      return;
    }
    if (!inDq && next === '"') {
      f.dynamic = true;
      f.quoted = true;
      f.dq = true;
      this.i += 2;
      return;
    }
    if (isNameStart(next)) {
      let j = this.i + 2;
      while (isNameChar(s[j])) j++;
      f.dynamic = true;
      this.append(f, s.slice(this.i, j));
      this.i = j;
      return;
    }
    if (next !== undefined && '0123456789@*#?$!-'.includes(next)) {
      f.dynamic = true;
      this.append(f, s.slice(this.i, this.i + 2));
      this.i += 2;
      return;
    }
    this.append(f, '$');
    this.i++;
  }

  private operator(f: Frame, c: string): void {
    const next = this.s[this.i + 1];
    if (c === '&' && next === '>') {
      this.redirection(f, '&');
      return;
    }
    this.endSegment(f);
    const double =
      (c === '&' && next === '&') ||
      (c === '|' && (next === '|' || next === '&')) ||
      (c === ';' && (next === ';' || next === '&'));
    this.i += double ? 2 : 1;
  }

  private redirection(f: Frame, c: string): void {
    const s = this.s;
    // a file descriptor written just before it (`2>`) is part of the redirection, not a word
    if (c !== '&' && f.inWord && !f.quoted && !f.dynamic && /^[0-9]+$/.test(f.text)) this.resetWord(f);
    else this.endWord(f);
    if (c !== '&' && s[this.i + 1] === '(') {
      this.out.substitution = true; // <(…) or >(…): process substitution
      f.inWord = true;
      f.dynamic = true;
      this.push('subst');
      this.i += 2;
      return;
    }
    this.out.redirect = true;
    if (f.redirectTarget) this.fail('a redirection without a target');
    let j = this.i + 1;
    if (c === '&') {
      j++;
      if (s[j] === '>') j++;
    } else if (c === '>') {
      if (s[j] === '>' || s[j] === '|') j++;
      if (s[j] === '&') j++;
    } else if (s[j] === '<') {
      j++;
      if (s[j] === '<') j++;
      else {
        this.fail('a here-document');
        if (s[j] === '-') j++;
      }
    } else if (s[j] === '&' || s[j] === '>') {
      j++;
    }
    this.i = j;
    f.redirectTarget = true;
  }

  private openParen(f: Frame): void {
    if (f.inWord || f.words.length > 0) this.fail('a parenthesis where a command was expected');
    // what came before is its own part (`f() { x; }` names f, then runs x as a command of its own)
    this.endSegment(f);
    let j = this.i + 1;
    while (this.s[j] === ' ' || this.s[j] === '\t') j++;
    if (this.s[j] === ')') this.fail('a function definition');
    this.push('paren');
    this.i++;
  }

  private closeParen(f: Frame): void {
    this.i++;
    if (f.kind === 'paren' || f.kind === 'subst') {
      this.endSegment(f);
      this.stack.pop();
      return;
    }
    this.fail('an unmatched )');
    this.endSegment(f);
  }
}

/** Splits a command line into its simple commands the way /bin/sh (or, with `windows`, roughly cmd.exe) would. */
export function parseShell(command: string, windows = false): ParsedCommand {
  return new ShellParser(command, windows).parse();
}

// ---------------------------------------------------------------------------------------------------------------
// Commands: parts, and what wrappers run

interface Part {
  /** The words as written (leading reserved words like `if`, `then`, `!` left out). */
  words: Word[];
  /** Index of the program word (after `NAME=value` assignments); words.length when there is none. */
  program: number;
  /** The commands it runs: a wrapper's (`sudo x`), a script's (`bash -c 'x'`). */
  inner: Part[];
  /** Why what it runs cannot be known, when it cannot. */
  unknown: string | null;
}

interface Analysis {
  parts: Part[];
  substitution: boolean;
  redirect: boolean;
  error: string | null;
}

interface Flags {
  substitution: boolean;
  redirect: boolean;
}

const RESERVED_LEAD = new Set(['!', '{', 'if', 'then', 'else', 'elif', 'do', 'while', 'until']);
const RESERVED_ALONE = new Set(['}', 'fi', 'done', 'esac']);
const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'mksh', 'ash', 'fish', 'csh', 'tcsh']);

interface WrapperSpec {
  /** Short options without a value. */
  flags?: string;
  /** Short options with a value (attached or the next word). */
  values?: string;
  /** Short options whose value, if any, is attached (xargs -i[R]). */
  attached?: string;
  /** A short option whose value is a shell script (env -S). */
  script?: string;
  longFlags?: readonly string[];
  longValues?: readonly string[];
  longScript?: string;
  /** Positional words before the command (timeout's duration). */
  leading?: number;
  /** `NAME=value` words before the command (env). */
  assignments?: boolean;
  /** `-10` (nice). */
  numeric?: boolean;
  /** The command is its words joined and read by sh (watch). */
  joined?: boolean;
}

const WRAPPERS: Readonly<Record<string, WrapperSpec>> = {
  sudo: {
    flags: 'AbEeHiKklnPSsVv',
    values: 'CDghpRrTtUu',
    longFlags: [
      '--askpass',
      '--background',
      '--preserve-env',
      '--edit',
      '--set-home',
      '--login',
      '--remove-timestamp',
      '--reset-timestamp',
      '--non-interactive',
      '--preserve-groups',
      '--stdin',
      '--shell',
    ],
    longValues: ['--close-from', '--chdir', '--group', '--host', '--prompt', '--role', '--type', '--user'],
  },
  doas: { flags: 'Lns', values: 'uC' },
  env: {
    flags: 'i0v',
    values: 'uC',
    script: 'S',
    longFlags: ['--ignore-environment', '--null', '--debug'],
    longValues: ['--unset', '--chdir'],
    longScript: '--split-string',
    assignments: true,
  },
  nice: { values: 'n', longValues: ['--adjustment'], numeric: true },
  nohup: {},
  time: {
    flags: 'pavq',
    values: 'fo',
    longFlags: ['--portability', '--verbose', '--append', '--quiet'],
    longValues: ['--format', '--output'],
  },
  timeout: {
    flags: 'v',
    values: 'sk',
    longFlags: ['--preserve-status', '--foreground', '--verbose'],
    longValues: ['--signal', '--kill-after'],
    leading: 1,
  },
  stdbuf: { values: 'ioe', longValues: ['--input', '--output', '--error'] },
  command: { flags: 'pvV' },
  builtin: {},
  exec: { flags: 'cl', values: 'a' },
  nocorrect: {},
  noglob: {},
  setsid: { flags: 'cfw' },
  xargs: {
    flags: '0oprtx',
    attached: 'eil',
    values: 'EILPadns',
    longFlags: ['--null', '--interactive', '--no-run-if-empty', '--verbose', '--exit', '--open-tty', '--replace'],
    longValues: ['--arg-file', '--delimiter', '--max-args', '--max-procs', '--max-lines', '--max-chars', '--eof'],
  },
  watch: { flags: 'bcdeghtpx', values: 'nq', joined: true },
  busybox: {},
};

function analyse(command: string, windows: boolean): Analysis {
  const parsed = parseShell(command, windows);
  const flags: Flags = { substitution: parsed.substitution, redirect: parsed.redirect };
  const parts = partsOf(parsed.segments, 0, windows, flags);
  return { parts, substitution: flags.substitution, redirect: flags.redirect, error: parsed.error };
}

function partsOf(segments: Word[][], depth: number, windows: boolean, flags: Flags): Part[] {
  const parts: Part[] = [];
  for (const words of segments) {
    const part = toPart(words, depth, windows, flags);
    if (part) parts.push(part);
  }
  return parts;
}

function toPart(all: Word[], depth: number, windows: boolean, flags: Flags): Part | null {
  let start = 0;
  while (start < all.length && isReserved(all[start] as Word, RESERVED_LEAD)) start++;
  const words = start === 0 ? all : all.slice(start);
  if (words.length === 0) return null;
  if (words.length === 1 && isReserved(words[0] as Word, RESERVED_ALONE)) return null;
  let program = 0;
  while (program < words.length && (words[program] as Word).assignment) program++;
  const part: Part = { words, program, inner: [], unknown: null };
  if (program < words.length) unwrap(part, depth, windows, flags);
  return part;
}

function isReserved(word: Word, set: ReadonlySet<string>): boolean {
  return !word.quoted && !word.dynamic && set.has(word.text);
}

/** A program word's name: its base name, lower case, without a Windows executable suffix. */
function programName(text: string): string {
  const base = text.slice(Math.max(text.lastIndexOf('/'), text.lastIndexOf('\\')) + 1).toLowerCase();
  for (const suffix of ['.exe', '.cmd', '.bat', '.com']) {
    if (base.endsWith(suffix) && base.length > suffix.length) return base.slice(0, -suffix.length);
  }
  return base;
}

function unwrap(part: Part, depth: number, windows: boolean, flags: Flags): void {
  const programWord = part.words[part.program] as Word;
  if (programWord.dynamic) return;
  const name = programName(programWord.text);
  if (depth >= MAX_DEPTH) {
    if (SHELLS.has(name) || name === 'eval' || name === 'find' || name === 'cmd' || WRAPPERS[name]) {
      part.unknown = 'its commands are nested too deeply';
    }
    return;
  }
  const args = part.words.slice(part.program + 1);
  if (SHELLS.has(name)) shellInner(part, args, depth, windows, flags);
  else if (name === 'eval') joinedInner(part, args, depth, windows, flags);
  else if (name === 'find') findInner(part, args, depth, windows, flags);
  else if (name === 'su') suInner(part, args, depth, windows, flags);
  else if (name === 'cmd') cmdInner(part, args, depth, flags);
  else if (name === 'powershell' || name === 'pwsh') part.unknown = 'PowerShell commands are not read';
  else {
    const spec = WRAPPERS[name];
    if (spec) wrapperInner(part, name, spec, args, depth, windows, flags);
  }
}

function scriptInner(part: Part, script: Word, depth: number, windows: boolean, flags: Flags): void {
  if (script.dynamic) {
    part.unknown ??= 'the script it runs is built at run time';
    return;
  }
  const parsed = parseShell(script.text, windows);
  flags.substitution ||= parsed.substitution;
  flags.redirect ||= parsed.redirect;
  if (parsed.error) part.unknown ??= `the script it runs has ${parsed.error}`;
  part.inner.push(...partsOf(parsed.segments, depth + 1, windows, flags));
}

function joinedInner(part: Part, args: Word[], depth: number, windows: boolean, flags: Flags): void {
  if (args.length === 0) return;
  const script: Word = {
    text: args.map((word) => word.text).join(' '),
    dynamic: args.some((word) => word.dynamic),
    quoted: false,
    assignment: false,
  };
  scriptInner(part, script, depth, windows, flags);
}

function shellInner(part: Part, args: Word[], depth: number, windows: boolean, flags: Flags): void {
  let i = 0;
  let hasC = false;
  while (i < args.length) {
    const text = (args[i] as Word).text;
    if (text === '--' || text === '-') {
      i++;
      break;
    }
    if (text.startsWith('--')) {
      i += text === '--rcfile' || text === '--init-file' ? 2 : 1;
      continue;
    }
    if ((text.startsWith('-') || text.startsWith('+')) && text.length > 1) {
      const cluster = text.slice(1);
      if (cluster.includes('c')) hasC = true;
      i += 1 + [...cluster].filter((ch) => ch === 'o' || ch === 'O').length;
      continue;
    }
    break;
  }
  const next = args[i];
  if (hasC) {
    if (next) scriptInner(part, next, depth, windows, flags);
  } else if (!next) {
    part.unknown = 'the shell reads its commands from its input';
  }
}

function findInner(part: Part, args: Word[], depth: number, windows: boolean, flags: Flags): void {
  for (let i = 0; i < args.length; i++) {
    const text = (args[i] as Word).text;
    if (text !== '-exec' && text !== '-execdir' && text !== '-ok' && text !== '-okdir') continue;
    let end = i + 1;
    while (end < args.length && (args[end] as Word).text !== ';' && (args[end] as Word).text !== '+') end++;
    const inner = toPart(args.slice(i + 1, end), depth + 1, windows, flags);
    if (inner) part.inner.push(inner);
    i = end;
  }
}

function suInner(part: Part, args: Word[], depth: number, windows: boolean, flags: Flags): void {
  for (let i = 0; i < args.length; i++) {
    const text = (args[i] as Word).text;
    if (text === '-c' || text === '--command') {
      const script = args[i + 1];
      if (script) scriptInner(part, script, depth, windows, flags);
      return;
    }
    if (text.startsWith('--command=')) {
      scriptInner(part, { ...(args[i] as Word), text: text.slice('--command='.length) }, depth, windows, flags);
      return;
    }
  }
  part.unknown = 'it opens a shell';
}

function cmdInner(part: Part, args: Word[], depth: number, flags: Flags): void {
  const at = args.findIndex((word) => /^\/[ck]$/i.test(word.text));
  if (at < 0) {
    part.unknown = 'it opens a shell';
    return;
  }
  joinedInner(part, args.slice(at + 1), depth, true, flags);
}

function wrapperInner(
  part: Part,
  name: string,
  spec: WrapperSpec,
  args: Word[],
  depth: number,
  windows: boolean,
  flags: Flags,
): void {
  let i = 0;
  const unknown = (option: string) => {
    part.unknown = `${name} has the option ${clip(option, 40)}, which is not read`;
  };
  while (i < args.length) {
    const word = args[i] as Word;
    const text = word.text;
    if (text === '--') {
      i++;
      break;
    }
    if (name === 'env' && text === '-') {
      i++;
      continue;
    }
    if (text.startsWith('--') && text.length > 2) {
      const eq = text.indexOf('=');
      const option = eq < 0 ? text : text.slice(0, eq);
      if (option === spec.longScript) {
        const script = eq < 0 ? args[i + 1] : { ...word, text: text.slice(eq + 1) };
        if (script) scriptInner(part, script, depth, windows, flags);
        return;
      }
      if (spec.longFlags?.includes(option)) i++;
      else if (spec.longValues?.includes(option)) i += eq < 0 ? 2 : 1;
      else {
        unknown(option);
        return;
      }
      continue;
    }
    if (text.startsWith('-') && text.length > 1) {
      if (spec.numeric && /^-[0-9]+$/.test(text)) {
        i++;
        continue;
      }
      let step = 1;
      for (let k = 1; k < text.length; k++) {
        const ch = text[k] as string;
        if (spec.flags?.includes(ch)) continue;
        if (spec.attached?.includes(ch)) break;
        if (spec.script === ch) {
          const script = k + 1 < text.length ? { ...word, text: text.slice(k + 1) } : args[i + 1];
          if (script) scriptInner(part, script, depth, windows, flags);
          return;
        }
        if (spec.values?.includes(ch)) {
          if (k + 1 === text.length) step = 2;
          break;
        }
        unknown(`-${ch}`);
        return;
      }
      i += step;
      continue;
    }
    break;
  }
  i += spec.leading ?? 0;
  if (spec.assignments) {
    while (i < args.length && isAssignmentWord((args[i] as Word).text)) i++;
  }
  const rest = args.slice(i);
  if (rest.length === 0) return;
  if (spec.joined) {
    joinedInner(part, rest, depth, windows, flags);
    return;
  }
  const inner = toPart(rest, depth + 1, windows, flags);
  if (inner) part.inner.push(inner);
}

function partText(part: Part): string {
  let text = '';
  for (const word of part.words) {
    if (text.length > 400) break;
    text += (text ? ' ' : '') + word.text;
  }
  return text;
}

// ---------------------------------------------------------------------------------------------------------------
// Command patterns

/** Compiled patterns, by their text (bounded: cleared when full). */
const patternCache = new Map<string, string[] | null>();
const shapeCache = new WeakMap<string[], DenyShape>();

/** A pattern's words, or null when it is not one simple command. */
function commandPattern(source: string): string[] | null {
  const known = patternCache.get(source);
  if (known !== undefined) return known;
  const parsed = parseShell(source);
  const words =
    parsed.segments.length === 1 && !parsed.substitution && !parsed.redirect && !parsed.error
      ? (parsed.segments[0] as Word[]).map((word) => word.text)
      : null;
  if (patternCache.size > 4_096) patternCache.clear();
  patternCache.set(source, words);
  return words;
}

/** `*` matches any run of characters (a slash included); everything else matches itself. Linear-time pieces. */
export function wildcard(pattern: string, text: string): boolean {
  if (!pattern.includes('*')) return pattern === text;
  const pieces = pattern.split('*');
  const first = pieces[0] as string;
  const last = pieces[pieces.length - 1] as string;
  if (text.length < first.length + last.length || !text.startsWith(first) || !text.endsWith(last)) return false;
  let at = first.length;
  const end = text.length - last.length;
  for (let k = 1; k < pieces.length - 1; k++) {
    const piece = pieces[k] as string;
    if (!piece) continue;
    const found = text.indexOf(piece, at);
    if (found < 0 || found + piece.length > end) return false;
    at = found + piece.length;
  }
  return true;
}

/** An allow pattern: the part's words as written, by whole words from the start, the program included. */
function allowMatches(pattern: string[], part: Part): boolean {
  if (pattern.length <= part.program || part.words.length < pattern.length) return false;
  for (let k = 0; k < pattern.length; k++) {
    const word = part.words[k] as Word;
    if (word.dynamic || !wildcard(pattern[k] as string, word.text)) return false;
  }
  return true;
}

interface DenyShape {
  program: string;
  shorts: string[];
  longs: string[];
  positionals: string[];
}

/** Flags that mean the same for a program: `rm -R` is `rm -r`, `--force` is `-f`. */
const FLAG_ALIASES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  rm: { R: 'r', '--recursive': 'r', '--force': 'f' },
};

function denyShape(words: string[]): DenyShape {
  const known = shapeCache.get(words);
  if (known) return known;
  const program = programName(words[0] ?? '');
  const aliases = FLAG_ALIASES[program] ?? {};
  const shape: DenyShape = { program, shorts: [], longs: [], positionals: [] };
  for (const text of words.slice(1)) {
    if (text.startsWith('--') && text.length > 2) {
      const long = text.toLowerCase();
      const alias = aliases[long];
      if (alias) shape.shorts.push(alias);
      else shape.longs.push(long);
    } else if (text.startsWith('-') && text.length > 1) {
      for (const ch of text.slice(1)) shape.shorts.push(aliases[ch] ?? ch);
    } else {
      shape.positionals.push(text.toLowerCase());
    }
  }
  shapeCache.set(words, shape);
  return shape;
}

/** Whether the command at `words[start]` is the one a deny (or ask) pattern names, read broadly. */
function shapeMatchesAt(shape: DenyShape, words: Word[], start: number): boolean {
  const program = programName((words[start] as Word).text);
  if (!wildcard(shape.program, program)) return false;
  if (shape.shorts.length === 0 && shape.longs.length === 0 && shape.positionals.length === 0) return true;
  const aliases = FLAG_ALIASES[program] ?? {};
  const shorts = new Set<string>();
  const longs = new Set<string>();
  let next = 0; // positionals of the pattern matched so far, in order
  let ended = false;
  for (let k = start + 1; k < words.length; k++) {
    const text = (words[k] as Word).text;
    if (!ended && text === '--') {
      ended = true;
    } else if (!ended && text.startsWith('--') && text.length > 2) {
      const eq = text.indexOf('=');
      const long = (eq < 0 ? text : text.slice(0, eq)).toLowerCase();
      const alias = aliases[long];
      if (alias) shorts.add(alias);
      else {
        longs.add(long);
        longs.add(text.toLowerCase());
      }
    } else if (!ended && text.startsWith('-') && text.length > 1) {
      for (let c = 1; c < text.length && c < 64; c++) {
        const ch = text[c] as string;
        shorts.add(aliases[ch] ?? ch);
      }
    } else if (next < shape.positionals.length && wildcard(shape.positionals[next] as string, text.toLowerCase())) {
      next++;
    }
  }
  return (
    next === shape.positionals.length &&
    shape.shorts.every((ch) => shorts.has(ch)) &&
    shape.longs.every((long) => longs.has(long))
  );
}

/** A deny or ask pattern against a part and everything it wraps. */
function broadMatches(shape: DenyShape, part: Part): boolean {
  if (part.program < part.words.length && shapeMatchesAt(shape, part.words, part.program)) return true;
  return part.inner.some((inner) => broadMatches(shape, inner));
}

/** A denied command named among a part's arguments (`npm test -- curl x`): the pattern's source, or null. */
function mentionsDenied(part: Part, shapes: { source: string; shape: DenyShape }[]): string | null {
  for (const { source, shape } of shapes) {
    // the earliest word naming the program leaves the most words after it: checking it alone is enough
    for (let k = part.program + 1; k < part.words.length; k++) {
      if (!wildcard(shape.program, programName((part.words[k] as Word).text))) continue;
      if (shapeMatchesAt(shape, part.words, k)) return source;
      break;
    }
  }
  for (const inner of part.inner) {
    const named = mentionsDenied(inner, shapes);
    if (named) return named;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------------------------
// Path globs: picomatch's syntax (`*`, `?`, `[a-z]`, `[!x]`, `**`, `{a,b}`, `\` escapes) matched segment by segment in
// bounded time. picomatch's own regular expressions backtrack without bound on a hostile path (three `*` in one
// segment against a 4,000-character path: seconds), and the model chooses the paths. As .gitignore and ripgrep read
// them, a glob without a slash matches a name at any depth, one starting with `/` is anchored at the root, one ending
// with `/` matches what is below it. Not supported: extglobs (`+(a|b)`), negation (`!x`), `{1..3}` ranges.

type Token =
  | { kind: 'char'; char: string }
  | { kind: 'any' }
  | { kind: 'star' }
  | { kind: 'class'; negated: boolean; ranges: string[] };
type SegmentPattern = Token[] | 'globstar';

const globCache = new Map<string, SegmentPattern[][] | null>();
const MAX_ALTERNATIVES = 64;
const MAX_EXPANDED = 8_192;

/** `{a,b}` expanded, or null when it expands to too much. */
function expandBraces(glob: string): string[] | null {
  const done: string[] = [];
  const work = [glob];
  let total = 0;
  while (work.length > 0) {
    const current = work.pop() as string;
    const group = braceGroup(current);
    if (!group) {
      done.push(current);
      total += current.length;
      if (done.length > MAX_ALTERNATIVES || total > MAX_EXPANDED) return null;
      continue;
    }
    const [open, close, commas] = group;
    const prefix = current.slice(0, open);
    const suffix = current.slice(close + 1);
    const cuts = [open, ...commas, close];
    for (let k = 0; k < cuts.length - 1; k++) {
      work.push(prefix + current.slice((cuts[k] as number) + 1, cuts[k + 1]) + suffix);
    }
    if (work.length + done.length > MAX_ALTERNATIVES) return null;
  }
  return done.reverse();
}

/** The first `{…}` holding a top-level comma: its open and close indexes and its commas. */
function braceGroup(glob: string): [number, number, number[]] | null {
  for (let open = 0; open < glob.length; open++) {
    if (glob[open] === '\\') {
      open++;
      continue;
    }
    if (glob[open] !== '{') continue;
    let depth = 0;
    const commas: number[] = [];
    for (let j = open; j < glob.length; j++) {
      const c = glob[j];
      if (c === '\\') j++;
      else if (c === '{') depth++;
      else if (c === '}') {
        depth--;
        if (depth === 0) {
          if (commas.length > 0) return [open, j, commas];
          break;
        }
      } else if (c === ',' && depth === 1) commas.push(j);
    }
  }
  return null;
}

function tokenize(segment: string): Token[] {
  const tokens: Token[] = [];
  for (let i = 0; i < segment.length; ) {
    const c = segment[i] as string;
    if (c === '\\' && i + 1 < segment.length) {
      tokens.push({ kind: 'char', char: segment[i + 1] as string });
      i += 2;
    } else if (c === '*') {
      if (tokens[tokens.length - 1]?.kind !== 'star') tokens.push({ kind: 'star' });
      i++;
    } else if (c === '?') {
      tokens.push({ kind: 'any' });
      i++;
    } else if (c === '[') {
      let j = i + 1;
      const negated = segment[j] === '!' || segment[j] === '^';
      if (negated) j++;
      const start = j;
      if (segment[j] === ']') j++;
      while (j < segment.length && segment[j] !== ']') j += segment[j] === '\\' ? 2 : 1;
      if (j >= segment.length) {
        tokens.push({ kind: 'char', char: '[' });
        i++;
        continue;
      }
      const body = segment.slice(start, j);
      const ranges: string[] = [];
      for (let k = 0; k < body.length; ) {
        let from = body[k] as string;
        if (from === '\\' && k + 1 < body.length) from = body[++k] as string;
        if (body[k + 1] === '-' && k + 2 < body.length) {
          ranges.push(from, body[k + 2] as string);
          k += 3;
        } else {
          ranges.push(from, from);
          k++;
        }
      }
      tokens.push({ kind: 'class', negated, ranges });
      i = j + 1;
    } else {
      tokens.push({ kind: 'char', char: c });
      i++;
    }
  }
  return tokens;
}

/** A glob compiled to its alternatives, each a list of segment patterns; null when it expands to too much. */
function compileGlob(glob: string, nocase: boolean): SegmentPattern[][] | null {
  const key = `${nocase ? 'i' : 's'}\0${glob}`;
  const known = globCache.get(key);
  if (known !== undefined) return known;
  const alternatives = expandBraces(nocase ? glob.toLowerCase() : glob);
  const compiled =
    alternatives?.map((alternative) => {
      let text = alternative.replaceAll('\\/', '/');
      while (text.startsWith('./')) text = text.slice(2);
      const anchored = text.startsWith('/');
      if (anchored) text = text.replace(/^\/+/, '');
      if (text.endsWith('/')) text += '**';
      if (!anchored && !text.includes('/')) text = `**/${text}`;
      return text
        .split('/')
        .filter((segment) => segment !== '' && segment !== '.')
        .map((segment): SegmentPattern => (segment === '**' ? 'globstar' : tokenize(segment)));
    }) ?? null;
  if (globCache.size > 4_096) globCache.clear();
  globCache.set(key, compiled);
  return compiled;
}

function tokenMatches(token: Token, c: string): boolean {
  switch (token.kind) {
    case 'char':
      return token.char === c;
    case 'any':
      return true;
    case 'star':
      return true;
    case 'class': {
      let inside = false;
      for (let k = 0; k < token.ranges.length; k += 2) {
        if (c >= (token.ranges[k] as string) && c <= (token.ranges[k + 1] as string)) {
          inside = true;
          break;
        }
      }
      return inside !== token.negated;
    }
  }
}

/** One name against one segment pattern: greedy with one backtrack point, O(name × pattern). */
function segmentMatches(tokens: Token[], name: string, dot: boolean): boolean {
  if (!dot && name.startsWith('.')) {
    const first = tokens[0];
    if (first?.kind !== 'char' || first.char !== '.') return false;
  }
  let ti = 0;
  let si = 0;
  let starAt = -1;
  let starFrom = 0;
  while (si < name.length) {
    const token = tokens[ti];
    if (token?.kind === 'star') {
      starAt = ti++;
      starFrom = si;
    } else if (token && tokenMatches(token, name[si] as string)) {
      ti++;
      si++;
    } else if (starAt >= 0) {
      ti = starAt + 1;
      si = ++starFrom;
    } else {
      return false;
    }
  }
  while (tokens[ti]?.kind === 'star') ti++;
  return ti === tokens.length;
}

/** Segment patterns against a path's names, `**` for any run of names: a table over both, O(patterns × names). */
function pathMatches(patterns: SegmentPattern[], names: string[], dot: boolean): boolean {
  const count = names.length;
  let next = new Uint8Array(count + 1);
  next[count] = 1;
  for (let i = patterns.length - 1; i >= 0; i--) {
    const pattern = patterns[i] as SegmentPattern;
    const current = new Uint8Array(count + 1);
    for (let j = count; j >= 0; j--) {
      if (pattern === 'globstar') {
        current[j] =
          next[j] === 1 || (j < count && current[j + 1] === 1 && (dot || !(names[j] as string).startsWith('.')))
            ? 1
            : 0;
      } else {
        current[j] = j < count && next[j + 1] === 1 && segmentMatches(pattern, names[j] as string, dot) ? 1 : 0;
      }
    }
    next = current;
  }
  return next[0] === 1;
}

/**
 * A workspace-relative, normalised path against a glob. `exact` (allow rules): case-sensitive, and `*`/`**` pass
 * no dot-name (as picomatch without `dot`); `broad` (deny and ask rules): any case, dot-names included.
 */
export function globMatch(glob: string, path: string, mode: 'exact' | 'broad'): boolean {
  const broad = mode === 'broad';
  const compiled = compileGlob(glob, broad);
  if (!compiled) return false;
  const subject = broad ? path.toLowerCase() : path;
  const names = subject === '' ? [] : subject.split('/');
  return compiled.some((patterns) => pathMatches(patterns, names, broad));
}

// ---------------------------------------------------------------------------------------------------------------
// The approval card

export interface ApprovalOption {
  choice: 'once' | 'always' | 'deny';
  label: string;
  /** For `always`: the rule to grant the workspace. */
  rule?: PermissionRule;
}

/** The card's choices for a call that asks: allow once, always for this workspace (when a rule can say it), deny. */
export function approvalOptions(input: DecideInput): ApprovalOption[] {
  const options: ApprovalOption[] = [{ choice: 'once', label: 'Allow once' }];
  const rule = alwaysRule(input);
  if (rule) {
    const what = rule.commands
      ? rule.commands.map((command) => `\`${clip(command, 100)}\``).join(', ')
      : rule.paths
        ? rule.paths.map((path) => clip(path, 100)).join(', ')
        : input.tool;
    options.push({ choice: 'always', label: `Always allow ${what} in this workspace`, rule });
  }
  options.push({ choice: 'deny', label: 'Deny' });
  return options;
}

const SUBCOMMAND = /^[a-z][a-z0-9:_-]*$/i;

/**
 * The rule "always for this workspace" grants: for a command, each part's program and subcommand (`npm test` for
 * `npm test -- --watch`; the whole part when its second word is no subcommand, `ls -la`), wrapped commands included;
 * for paths, exactly those paths; else the tool. Null when no rule could allow the call again (a substitution, a
 * script built at run time, a path no tool may touch).
 */
export function alwaysRule(input: DecideInput): PermissionRule | null {
  if (input.command !== undefined) {
    const analysis = analyse(input.command, windowsOf(input));
    if (analysis.error || analysis.substitution || analysis.parts.length === 0) return null;
    const commands = new Set<string>();
    const collect = (part: Part): boolean => {
      if (part.unknown || part.program >= part.words.length) return false;
      const program = part.words[part.program] as Word;
      if (program.dynamic) return false;
      const next = part.words[part.program + 1];
      const upTo =
        next === undefined
          ? part.program + 1
          : !next.dynamic && next.text.length <= 64 && SUBCOMMAND.test(next.text)
            ? part.program + 2
            : part.words.length;
      const taken = part.words.slice(0, upTo);
      if (taken.some((word) => word.dynamic || word.text.includes('*'))) return false;
      const pattern = taken.map((word) => quoteWord(word.text)).join(' ');
      if (pattern.length > 1_000) return false;
      commands.add(pattern);
      return part.inner.every(collect);
    };
    if (!analysis.parts.every(collect) || commands.size > 100) return null;
    return { tool: input.tool, decision: 'allow', commands: [...commands] };
  }
  const paths = input.paths ?? [];
  if (paths.length > 0) {
    const globs: string[] = [];
    for (const path of paths) {
      const checked = checkPath(path);
      if (!checked.ok) return null;
      globs.push(`/${escapeGlob(checked.path)}`);
    }
    if (globs.length > 100 || globs.some((glob) => glob.length > 1_000)) return null;
    return { tool: input.tool, decision: 'allow', paths: [...new Set(globs)] };
  }
  return { tool: input.tool, decision: 'allow' };
}

function quoteWord(text: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(text)) return text;
  return `'${text.replaceAll("'", "'\\''")}'`;
}

function escapeGlob(path: string): string {
  let out = '';
  for (const c of path) out += '\\*?[]{}()!+@'.includes(c) ? `\\${c}` : c;
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Persistence

export const PERMISSION_MIGRATIONS: string[] = [
  `CREATE TABLE IF NOT EXISTS agent_permissions (
    scope TEXT PRIMARY KEY,
    policy TEXT NOT NULL,
    updated_at INTEGER NOT NULL
  )`,
];

const EMPTY: PermissionPolicy = { rules: [] };

function emptyPolicy(): PermissionPolicy {
  return { rules: [] };
}

/** The rules of the global scope and of each workspace (by its root), as JSON rows in the engine's store. */
export class PermissionStore {
  private readonly select: Database.Statement<[string], { policy: string }>;
  private readonly upsert: Database.Statement<[string, string, number]>;

  constructor(private readonly store: Store) {
    store.migrate('agent.permissions', PERMISSION_MIGRATIONS);
    this.select = store.db.prepare<[string], { policy: string }>(
      'SELECT policy FROM agent_permissions WHERE scope = ?',
    );
    this.upsert = store.db.prepare<[string, string, number]>(
      `INSERT INTO agent_permissions (scope, policy, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (scope) DO UPDATE SET policy = excluded.policy, updated_at = excluded.updated_at`,
    );
  }

  /** The policy of `global` or of the workspace at this root; an empty one when none is kept or the row is malformed. */
  load(scope: 'global' | string): PermissionPolicy {
    let row: { policy: string } | undefined;
    try {
      row = this.select.get(keyOf(scope));
    } catch {
      return emptyPolicy();
    }
    if (!row) return emptyPolicy();
    let data: unknown;
    try {
      data = JSON.parse(row.policy);
    } catch {
      return emptyPolicy();
    }
    const parsed = PermissionPolicy.safeParse(data);
    return parsed.success ? parsed.data : emptyPolicy();
  }

  /** Both layers decide() reads, for the workspace at this root. */
  layers(root: string): PermissionLayers {
    return { workspace: this.load(root), global: this.load('global') };
  }

  /** Replaces a scope's policy; refuses an invalid one. */
  save(scope: 'global' | string, policy: PermissionPolicy): void {
    const parsed = PermissionPolicy.safeParse(policy);
    if (!parsed.success) {
      throw new PaError(ErrorCode.BAD_REQUEST, `Invalid permission policy: ${parsed.error.issues[0]?.message ?? ''}`);
    }
    this.upsert.run(keyOf(scope), JSON.stringify(parsed.data), Date.now());
  }

  /** Adds a rule in front of a scope's others ("always for this workspace"); one already there is not added twice. */
  grant(scope: 'global' | string, rule: PermissionRule): PermissionPolicy {
    const parsed = PermissionRule.safeParse(rule);
    if (!parsed.success) {
      throw new PaError(ErrorCode.BAD_REQUEST, `Invalid permission rule: ${parsed.error.issues[0]?.message ?? ''}`);
    }
    const granted = parsed.data;
    const same = JSON.stringify(normalRule(granted));
    let result: PermissionPolicy = EMPTY;
    this.store.db
      .transaction(() => {
        const current = this.load(scope);
        if (current.rules.some((existing) => JSON.stringify(normalRule(existing)) === same)) {
          result = current;
          return;
        }
        result = { rules: [granted, ...current.rules] };
        this.save(scope, result);
      })
      .immediate();
    return result;
  }
}

function keyOf(scope: string): string {
  return scope === 'global' ? 'global' : `workspace:${scope}`;
}

function normalRule(rule: PermissionRule): PermissionRule {
  return {
    tool: rule.tool,
    decision: rule.decision,
    ...(rule.commands ? { commands: rule.commands } : {}),
    ...(rule.paths ? { paths: rule.paths } : {}),
  };
}
