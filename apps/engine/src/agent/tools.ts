// The agent's built-in tools, engine-side and confined to the workspace: what the model may call in agent and plan
// mode. Every argument object is validated here (a model's arguments are hostile input): a bad one is answered as a
// tool error the model reads, never thrown past the loop. Reads refuse `.aiignore`d files; writes go through the
// confined atomic writer (files/atomic.ts), never into `.git/` or the engine's data folder, and are seen by the
// workspace watcher like any outside change, so open editors reload (or warn when they hold unsaved edits).
import { spawn } from 'node:child_process';
import { lstatSync, mkdirSync, readFileSync, realpathSync, renameSync, rmSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { dirname, sep } from 'node:path';
import { ErrorCode, errorMessage, PaError, type SentSource, type WorkspaceProblem } from '@pa/shared';
import { isGitPath, protectedPath } from '@pa/shared/protected-paths';
import { applyPatch, createTwoFilesPatch } from 'diff';
import { z } from 'zod';
import { checkRelativePath, IgnoreRules, resolveInside, walkFiles, writeInside } from '../files/api.js';
import { globMatch } from './permissions.js';

/** What a tool does, for the permission policy: read-only tools run in plan mode, writes and commands do not. */
export type ToolKind = 'read' | 'write' | 'execute' | 'mcp';

/** A file the tool changed: what the transcript shows as a diff, and what the checkpoint must hold first. */
export interface ToolEdit {
  path: string;
  kind: 'created' | 'modified' | 'deleted' | 'renamed';
  /** For a rename: where the file was. */
  from?: string;
  /** Unified diff (bounded). */
  diff: string;
}

export interface ToolOutcome {
  /** What the model reads. */
  text: string;
  isError: boolean;
  edit?: ToolEdit;
  /** The workspace files (or lines of them) `text` carries to the model, for the record of what was sent. */
  sources?: SentSource[];
}

/** A search's answer for the model, and the files and lines it quotes. */
export interface SourcedText {
  text: string;
  sources: SentSource[];
}

/** What tools reach: the workspace, the engine's other services, and what the policy must see before a write. */
export interface ToolContext {
  root: string;
  /** The engine's own data folder: never written. */
  dataDir: string;
  signal: AbortSignal;
  /** `.aiignore`: paths no model is given. */
  excluded(path: string): boolean;
  /** Called before a write touches `paths` (the checkpoint captures them first). */
  beforeWrite(paths: string[]): void;
  /** find_in_files through the search capability (absent: the tool answers that search is unavailable). */
  findInFiles?(args: FindArgs, signal: AbortSignal): Promise<string | SourcedText>;
  /** search_codebase through the codebase index. */
  searchCodebase?(query: string, limit: number, signal: AbortSignal): Promise<string | SourcedText>;
  /** A command's output as it comes (the transcript's live output card). */
  onOutput?(text: string): void;
  /** The id of the model's call being run (set per call by the loop). */
  callId?: string;
  /** The editor's problems now: the page's published ones and the language servers' (absent: none known). */
  diagnostics?(): WorkspaceProblem[];
  /**
   * Runs run_command's command in a new integrated terminal (the page has one): its output live there, the same
   * result back. Absent: a plain process whose output goes to onOutput.
   */
  runInTerminal?(command: string, cwd: string, timeoutMs: number, call: ToolContext): Promise<CommandResult>;
}

/** How a command ended: its exit code (or signal), its output's tail, whether the timeout killed it. */
export interface CommandResult {
  code: number | null;
  signal: string | null;
  output: string;
  timedOut: boolean;
}

export interface AgentTool<A = unknown> {
  name: string;
  kind: ToolKind;
  description: string;
  /** JSON Schema of the arguments, as offered to the model. */
  parameters: Record<string, unknown>;
  args: z.ZodType<A>;
  /** The paths a call will write (checkpointed before it runs) and, for the policy, read. */
  paths(args: A): string[];
  /** The command a call runs (run_command), for the policy. */
  command?(args: A): string;
  run(args: A, context: ToolContext): Promise<ToolOutcome>;
}

/** What a tool's answer gives the model at most (a whole large file would swamp its context). */
export const RESULT_CHARS = 48_000;
/** A file read_file reads at most. */
const READ_BYTES = 2 * 1024 * 1024;
/** A diff the transcript gets at most. */
const DIFF_CHARS = 64_000;
/** run_command: its default and longest time, and the output it keeps. */
const COMMAND_TIMEOUT_MS = 120_000;
const COMMAND_MAX_TIMEOUT_MS = 600_000;
export const COMMAND_OUTPUT_CHARS = 32_000;
/** diagnostics: problems answered by default and at most, and the characters of one message kept. */
const DIAGNOSTICS_DEFAULT = 200;
const DIAGNOSTICS_MAX = 500;
const DIAGNOSTIC_MESSAGE_CHARS = 500;

const RelPath = z.string().min(1).max(4096);
const FindArgs = z.strictObject({
  query: z.string().min(1).max(10_000),
  regex: z.boolean().optional(),
  matchCase: z.boolean().optional(),
  include: z.array(z.string().min(1).max(1_000)).max(50).optional(),
  exclude: z.array(z.string().min(1).max(1_000)).max(50).optional(),
  limit: z.number().int().min(1).max(1_000).optional(),
});
export type FindArgs = z.infer<typeof FindArgs>;

function cut(text: string, limit = RESULT_CHARS): string {
  return text.length > limit ? `${text.slice(0, limit)}\n… (cut at ${limit} characters)` : text;
}

/** A path the model gave, checked: relative, inside, not `.aiignore`d (for the model), not in `.git`. */
function readable(context: ToolContext, rel: string): { rel: string; absolute: string } {
  const segments = checkRelativePath(rel);
  const normal = segments.join('/');
  if (normal === '') return { rel: '', absolute: realpathSync(context.root) };
  if (isGitPath(normal))
    throw new PaError(ErrorCode.FORBIDDEN, `"${normal}" is inside .git; no tool reads or writes there.`);
  if (context.excluded(normal)) {
    throw new PaError(
      ErrorCode.FORBIDDEN,
      `"${normal}" is excluded from AI by .aiignore; it is not read for the model.`,
    );
  }
  return { rel: normal, absolute: resolveInside(context.root, normal) };
}

/** A path the model wants written: readable's checks, and never the engine's data folder. */
function writable(context: ToolContext, rel: string): { rel: string; segments: string[]; absolute: string } {
  const { rel: normal, absolute } = readable(context, rel);
  if (normal === '') throw new PaError(ErrorCode.BAD_REQUEST, 'The workspace folder itself cannot be written.');
  const data = safeReal(context.dataDir);
  if (data && (absolute === data || absolute.startsWith(data + sep))) {
    throw new PaError(ErrorCode.FORBIDDEN, `"${normal}" is inside the editor's own data folder; no tool writes there.`);
  }
  return { rel: normal, segments: normal.split('/'), absolute };
}

function safeReal(path: string): string | null {
  try {
    return realpathSync(path);
  } catch {
    return null;
  }
}

/** The file's text, or null when it does not exist; refuses binaries, symlinks and files over READ_BYTES. */
function readText(absolute: string, rel: string): string | null {
  let info: ReturnType<typeof lstatSync>;
  try {
    info = lstatSync(absolute);
  } catch {
    return null;
  }
  if (info.isSymbolicLink()) throw new PaError(ErrorCode.FORBIDDEN, `"${rel}" is a symbolic link; it is not followed.`);
  if (!info.isFile()) throw new PaError(ErrorCode.BAD_REQUEST, `"${rel}" is not a file.`);
  if (info.size > READ_BYTES) throw new PaError(ErrorCode.BAD_REQUEST, `"${rel}" is over ${READ_BYTES} bytes.`);
  const bytes = readFileSync(absolute);
  if (bytes.subarray(0, 8000).includes(0)) throw new PaError(ErrorCode.BAD_REQUEST, `"${rel}" is a binary file.`);
  return bytes.toString('utf8');
}

function diffOf(path: string, before: string, after: string): string {
  return cut(createTwoFilesPatch(`a/${path}`, `b/${path}`, before, after, '', '', { context: 3 }), DIFF_CHARS);
}

function ok(text: string, edit?: ToolEdit): ToolOutcome {
  return { text: cut(text), isError: false, ...(edit ? { edit } : {}) };
}

function sourced(answer: string | SourcedText): ToolOutcome {
  if (typeof answer === 'string') return ok(answer);
  return { ...ok(answer.text), ...(answer.sources.length > 0 ? { sources: answer.sources } : {}) };
}

// ---- edit_file: search/replace blocks with a unique-match check, or a unified diff ----------------------------

const EditArgs = z.strictObject({
  path: RelPath,
  edits: z
    .array(z.strictObject({ search: z.string().max(200_000), replace: z.string().max(200_000) }))
    .max(50)
    .optional(),
  /** A unified diff of this one file, when the model writes diffs rather than blocks. */
  patch: z.string().max(400_000).optional(),
});
type EditArgs = z.infer<typeof EditArgs>;

/** The text with each block applied in order; each search must occur exactly once (in the text as it stands). */
export function applyBlocks(text: string, edits: ReadonlyArray<{ search: string; replace: string }>): string {
  let current = text;
  edits.forEach((edit, index) => {
    const which = edits.length > 1 ? `edit ${index + 1}: ` : '';
    if (edit.search === '')
      throw new PaError(ErrorCode.BAD_REQUEST, `${which}search is empty; quote the lines to change.`);
    const at = current.indexOf(edit.search);
    if (at === -1) {
      throw new PaError(
        ErrorCode.BAD_REQUEST,
        `${which}search text not found; read the file again and quote its lines exactly (whitespace included).`,
      );
    }
    if (current.indexOf(edit.search, at + 1) !== -1) {
      throw new PaError(
        ErrorCode.BAD_REQUEST,
        `${which}search text occurs more than once; quote more lines around it.`,
      );
    }
    current = current.slice(0, at) + edit.replace + current.slice(at + edit.search.length);
  });
  return current;
}

function applyPatchText(text: string, patch: string): string {
  const result = applyPatch(text, patch, { fuzzFactor: 0 });
  if (result === false) {
    throw new PaError(ErrorCode.BAD_REQUEST, 'the patch does not apply to the file as it is; read it again.');
  }
  return result;
}

// ---- the tools ------------------------------------------------------------------------------------------------

const listDir: AgentTool<{ path?: string | undefined }> = {
  name: 'list_dir',
  kind: 'read',
  description: 'List a folder of the workspace (path relative to the workspace root; "" or omitted: the root).',
  parameters: { type: 'object', properties: { path: { type: 'string' } } },
  args: z.strictObject({ path: z.string().max(4096).optional() }),
  paths: (args) => [args.path ?? ''],
  async run(args, context) {
    const { rel, absolute } = args.path ? readable(context, args.path) : readable(context, '.');
    const rules = new IgnoreRules(context.root);
    const entries = await readdir(absolute, { withFileTypes: true });
    const lines = entries
      .map((entry) => ({ entry, path: rel ? `${rel}/${entry.name}` : entry.name }))
      .filter(
        ({ entry, path }) =>
          entry.name !== '.git' && !context.excluded(path) && !rules.isIgnored(path, entry.isDirectory()),
      )
      .sort((a, b) => Number(b.entry.isDirectory()) - Number(a.entry.isDirectory()) || a.path.localeCompare(b.path))
      .slice(0, 1_000)
      .map(({ entry, path }) => (entry.isDirectory() ? `${path}/` : path));
    return ok(lines.length > 0 ? lines.join('\n') : '(empty folder)');
  },
};

const readFileTool: AgentTool<{ path: string; startLine?: number | undefined; endLine?: number | undefined }> = {
  name: 'read_file',
  kind: 'read',
  description:
    'Read a text file of the workspace, with line numbers. Give startLine/endLine (1-based, inclusive) to read part of a long file.',
  parameters: {
    type: 'object',
    properties: { path: { type: 'string' }, startLine: { type: 'integer' }, endLine: { type: 'integer' } },
    required: ['path'],
  },
  args: z.strictObject({
    path: RelPath,
    startLine: z.number().int().min(1).optional(),
    endLine: z.number().int().min(1).optional(),
  }),
  paths: (args) => [args.path],
  async run(args, context) {
    const { rel, absolute } = readable(context, args.path);
    const text = readText(absolute, rel);
    if (text === null) throw new PaError(ErrorCode.NOT_FOUND, `"${rel}" does not exist.`);
    const lines = text.split('\n');
    const start = Math.min(args.startLine ?? 1, lines.length);
    const end = Math.min(args.endLine ?? lines.length, lines.length, start + 1_999);
    const numbered = lines.slice(start - 1, end).map((line, index) => `${start + index}\t${line}`);
    const more = end < lines.length ? `\n(lines ${start}-${end} of ${lines.length}; read on with startLine)` : '';
    const bytes = Buffer.byteLength(lines.slice(start - 1, end).join('\n'), 'utf8');
    return { ...ok(numbered.join('\n') + more), sources: [{ path: rel, startLine: start, endLine: end, bytes }] };
  },
};

const findPath: AgentTool<{ pattern: string; limit?: number | undefined }> = {
  name: 'find_path',
  kind: 'read',
  description:
    'Find workspace files whose path matches a glob (e.g. "**/*.test.ts", "src/**/index.*") or contains the text given; .gitignore respected.',
  parameters: {
    type: 'object',
    properties: { pattern: { type: 'string' }, limit: { type: 'integer' } },
    required: ['pattern'],
  },
  args: z.strictObject({ pattern: z.string().min(1).max(1_000), limit: z.number().int().min(1).max(2_000).optional() }),
  paths: () => [],
  async run(args, context) {
    const { files, truncated } = await walkFiles(context.root, new IgnoreRules(context.root), 200_000);
    const glob = /[*?[{]/.test(args.pattern);
    const test = glob
      ? (path: string) => globMatch(args.pattern, path, 'broad') // bounded: a model's glob cannot backtrack
      : (path: string) => path.toLowerCase().includes(args.pattern.toLowerCase());
    const limit = args.limit ?? 200;
    const found = files.filter((path) => !context.excluded(path) && test(path)).slice(0, limit);
    const notes = [
      found.length === limit ? `(cut at ${limit})` : '',
      truncated ? '(the walk stopped at 200,000 files)' : '',
    ]
      .filter(Boolean)
      .join(' ');
    return ok(found.length > 0 ? `${found.join('\n')}${notes ? `\n${notes}` : ''}` : 'no files match');
  },
};

const findInFilesTool: AgentTool<FindArgs> = {
  name: 'find_in_files',
  kind: 'read',
  description:
    'Search the workspace files for a text (or a linear-time regular expression with regex: true); .gitignore respected. Answers path:line:column: line.',
  parameters: {
    type: 'object',
    properties: {
      query: { type: 'string' },
      regex: { type: 'boolean' },
      matchCase: { type: 'boolean' },
      include: { type: 'array', items: { type: 'string' } },
      exclude: { type: 'array', items: { type: 'string' } },
      limit: { type: 'integer' },
    },
    required: ['query'],
  },
  args: FindArgs,
  paths: () => [],
  async run(args, context) {
    if (!context.findInFiles) throw new PaError(ErrorCode.UNAVAILABLE, 'Find in files is not available here.');
    return sourced(await context.findInFiles(args, context.signal));
  },
};

const searchCodebase: AgentTool<{ query: string; limit?: number | undefined }> = {
  name: 'search_codebase',
  kind: 'read',
  description:
    "Search the workspace's local codebase index by meaning and keywords (a question or names); answers the best-matching code chunks with path and lines.",
  parameters: {
    type: 'object',
    properties: { query: { type: 'string' }, limit: { type: 'integer' } },
    required: ['query'],
  },
  args: z.strictObject({ query: z.string().min(1).max(2_000), limit: z.number().int().min(1).max(30).optional() }),
  paths: () => [],
  async run(args, context) {
    if (!context.searchCodebase) throw new PaError(ErrorCode.UNAVAILABLE, 'The codebase index is not available here.');
    return sourced(await context.searchCodebase(args.query, args.limit ?? 8, context.signal));
  },
};

const editFile: AgentTool<EditArgs> = {
  name: 'edit_file',
  kind: 'write',
  description:
    'Edit a workspace file. Give edits: [{search, replace}] where each search quotes lines of the file exactly and occurs once; or a unified diff of this file as patch. The file is written atomically.',
  parameters: {
    type: 'object',
    properties: {
      path: { type: 'string' },
      edits: {
        type: 'array',
        items: {
          type: 'object',
          properties: { search: { type: 'string' }, replace: { type: 'string' } },
          required: ['search', 'replace'],
        },
      },
      patch: { type: 'string' },
    },
    required: ['path'],
  },
  args: EditArgs,
  paths: (args) => [args.path],
  async run(args, context) {
    const { rel, segments, absolute } = writable(context, args.path);
    const before = readText(absolute, rel);
    if (before === null) throw new PaError(ErrorCode.NOT_FOUND, `"${rel}" does not exist; use create_file.`);
    if (!args.edits?.length && !args.patch) throw new PaError(ErrorCode.BAD_REQUEST, 'give edits or a patch.');
    const after = args.edits?.length ? applyBlocks(before, args.edits) : applyPatchText(before, args.patch ?? '');
    if (after === before) return ok(`"${rel}" is unchanged: the edits replace text with the same text.`);
    context.beforeWrite([rel]);
    writeInside(realpathSync(context.root), segments, after);
    const diff = diffOf(rel, before, after);
    return ok(`edited ${rel}`, { path: rel, kind: 'modified', diff });
  },
};

const createFile: AgentTool<{ path: string; content: string }> = {
  name: 'create_file',
  kind: 'write',
  description: 'Create a new text file in the workspace (its folders are made as needed). Fails if the file exists.',
  parameters: {
    type: 'object',
    properties: { path: { type: 'string' }, content: { type: 'string' } },
    required: ['path', 'content'],
  },
  args: z.strictObject({ path: RelPath, content: z.string().max(2_000_000) }),
  paths: (args) => [args.path],
  async run(args, context) {
    const { rel, segments } = writable(context, args.path);
    context.beforeWrite([rel]);
    writeInside(realpathSync(context.root), segments, args.content, { exclusive: true });
    return ok(`created ${rel}`, { path: rel, kind: 'created', diff: diffOf(rel, '', args.content) });
  },
};

const deleteFile: AgentTool<{ path: string }> = {
  name: 'delete_file',
  kind: 'write',
  description: 'Delete a file of the workspace (not a folder).',
  parameters: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
  args: z.strictObject({ path: RelPath }),
  paths: (args) => [args.path],
  async run(args, context) {
    const { rel, absolute } = writable(context, args.path);
    const before = readText(absolute, rel);
    if (before === null) throw new PaError(ErrorCode.NOT_FOUND, `"${rel}" does not exist.`);
    context.beforeWrite([rel]);
    rmSync(absolute);
    return ok(`deleted ${rel}`, { path: rel, kind: 'deleted', diff: diffOf(rel, before, '') });
  },
};

const renameFile: AgentTool<{ from: string; to: string }> = {
  name: 'rename_file',
  kind: 'write',
  description: 'Rename or move a file of the workspace. Fails if the target exists.',
  parameters: {
    type: 'object',
    properties: { from: { type: 'string' }, to: { type: 'string' } },
    required: ['from', 'to'],
  },
  args: z.strictObject({ from: RelPath, to: RelPath }),
  paths: (args) => [args.from, args.to],
  async run(args, context) {
    const from = writable(context, args.from);
    const to = writable(context, args.to);
    const before = readText(from.absolute, from.rel);
    if (before === null) throw new PaError(ErrorCode.NOT_FOUND, `"${from.rel}" does not exist.`);
    if (safeLstat(to.absolute)) throw new PaError(ErrorCode.CONFLICT, `"${to.rel}" already exists.`);
    context.beforeWrite([from.rel, to.rel]);
    mkdirSync(dirname(to.absolute), { recursive: true });
    // the target's folder, now made, must still be inside the workspace
    resolveInside(context.root, to.rel);
    renameSync(from.absolute, to.absolute);
    return ok(`renamed ${from.rel} to ${to.rel}`, {
      path: to.rel,
      from: from.rel,
      kind: 'renamed',
      diff: `rename from ${from.rel}\nrename to ${to.rel}\n`,
    });
  },
};

function safeLstat(path: string) {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
}

const runCommand: AgentTool<{ command: string; cwd?: string | undefined; timeoutMs?: number | undefined }> = {
  name: 'run_command',
  kind: 'execute',
  description:
    'Run a shell command in the workspace (cwd relative to the root), e.g. the tests. Answers its exit code and output (cut). Needs the workspace to be trusted and the permission policy to allow it.',
  parameters: {
    type: 'object',
    properties: { command: { type: 'string' }, cwd: { type: 'string' }, timeoutMs: { type: 'integer' } },
    required: ['command'],
  },
  args: z.strictObject({
    command: z.string().min(1).max(10_000),
    cwd: z.string().max(4096).optional(),
    timeoutMs: z.number().int().min(1_000).max(COMMAND_MAX_TIMEOUT_MS).optional(),
  }),
  paths: (args) => (args.cwd ? [args.cwd] : []),
  command: (args) => args.command,
  async run(args, context) {
    const cwd = args.cwd ? readable(context, args.cwd).absolute : realpathSync(context.root);
    const timeoutMs = args.timeoutMs ?? COMMAND_TIMEOUT_MS;
    const result = context.runInTerminal
      ? await context.runInTerminal(args.command, cwd, timeoutMs, context)
      : await runShell(args.command, cwd, timeoutMs, context);
    const head = result.timedOut
      ? `timed out after ${args.timeoutMs ?? COMMAND_TIMEOUT_MS} ms (killed)`
      : `exit code ${result.code ?? `none (signal ${result.signal})`}`;
    return { text: cut(`${head}\n${result.output}`), isError: result.code !== 0 };
  },
};

/** A command in its own process group (killed whole on Stop, timeout or engine exit), output kept to its tail. */
function runShell(command: string, cwd: string, timeoutMs: number, context: ToolContext): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const shell = process.platform === 'win32' ? 'cmd.exe' : '/bin/sh';
    const args = process.platform === 'win32' ? ['/d', '/s', '/c', command] : ['-c', command];
    const child = spawn(shell, args, {
      cwd,
      detached: process.platform !== 'win32',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CI: process.env.CI ?? '1', FORCE_COLOR: '0', NO_COLOR: '1' },
    });
    let output = '';
    let timedOut = false;
    const take = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      output = (output + text).slice(-COMMAND_OUTPUT_CHARS);
      context.onOutput?.(text);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    const kill = () => {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
      try {
        if (process.platform === 'win32') child.kill('SIGKILL');
        else process.kill(-child.pid, 'SIGKILL');
      } catch {
        // gone already
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, timeoutMs);
    const onAbort = () => kill();
    context.signal.addEventListener('abort', onAbort, { once: true });
    child.once('error', (error) => {
      clearTimeout(timer);
      context.signal.removeEventListener('abort', onAbort);
      reject(new PaError(ErrorCode.UNAVAILABLE, `The command could not start: ${errorMessage(error)}`));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      context.signal.removeEventListener('abort', onAbort);
      kill(); // what the command left running in its group
      resolve({ code, signal, output, timedOut });
    });
  });
}

const SEVERITY_RANK: Record<WorkspaceProblem['severity'], number> = { error: 0, warning: 1, info: 2 };

const diagnosticsTool: AgentTool<{ path?: string | undefined; limit?: number | undefined }> = {
  name: 'diagnostics',
  kind: 'read',
  description:
    "The editor's current problems (errors and warnings from the TypeScript service and the language servers), errors first: path:line:column: severity: message (source). Give path for one file or folder.",
  parameters: { type: 'object', properties: { path: { type: 'string' }, limit: { type: 'integer' } } },
  args: z.strictObject({
    path: z.string().max(4096).optional(),
    limit: z.number().int().min(1).max(DIAGNOSTICS_MAX).optional(),
  }),
  paths: (args) => (args.path ? [args.path] : []),
  async run(args, context) {
    if (!context.diagnostics)
      throw new PaError(ErrorCode.UNAVAILABLE, "The editor's diagnostics are not available here.");
    const scope = args.path ? readable(context, args.path).rel : '';
    const seen = new Set<string>();
    const found = context
      .diagnostics()
      .filter((problem) => {
        if (scope && problem.path !== scope && !problem.path.startsWith(`${scope}/`)) return false;
        // `.aiignore`d files' problems are not the model's to read (a message quotes their code)
        if (isGitPath(problem.path) || context.excluded(problem.path)) return false;
        // the page shows the language servers' diagnostics too: one problem reported twice is one
        const key = `${problem.path}\u0000${problem.line}\u0000${problem.column}\u0000${problem.severity}\u0000${problem.message}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      })
      .sort(
        (a, b) =>
          SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
          a.path.localeCompare(b.path) ||
          a.line - b.line ||
          a.column - b.column,
      );
    if (found.length === 0) return ok(scope ? `no problems in ${scope}` : 'no problems');
    const count = (severity: WorkspaceProblem['severity']) =>
      found.filter((problem) => problem.severity === severity).length;
    const limit = args.limit ?? DIAGNOSTICS_DEFAULT;
    const lines = found.slice(0, limit).map((problem) => {
      const message = problem.message.replace(/\s+/g, ' ').trim().slice(0, DIAGNOSTIC_MESSAGE_CHARS);
      const source = problem.source ? ` (${problem.source.slice(0, 100)})` : '';
      return `${problem.path}:${problem.line}:${problem.column}: ${problem.severity}: ${message}${source}`;
    });
    const head = `${count('error')} errors, ${count('warning')} warnings, ${count('info')} infos`;
    const more = found.length > limit ? `\n(${found.length - limit} more; give path or a larger limit)` : '';
    return ok(`${head}\n${lines.join('\n')}${more}`);
  },
};

export const BUILTIN_TOOLS: readonly AgentTool[] = [
  listDir,
  readFileTool,
  findPath,
  findInFilesTool,
  searchCodebase,
  diagnosticsTool,
  editFile,
  createFile,
  deleteFile,
  renameFile,
  runCommand,
] as AgentTool[];

/** Whether a write to `path` needs the user's approval whatever the policy says (files that make tools run code). */
export function alwaysAsk(path: string): string | null {
  const found = protectedPath(path);
  return found ? found.reason : null;
}
