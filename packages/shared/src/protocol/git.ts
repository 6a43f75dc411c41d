// git methods (owned by the git capability): status, diffs and blobs for the diff editor, stage/unstage/discard per
// file and per hunk, commit and amend, branches, and fetch/pull/push as streams of progress. Paths are
// workspace-relative with '/' separators; the engine confines them. Before the workspace is trusted only the reading
// methods run (with the repository's hooks, filters, fsmonitor and external diff tools off); the others answer
// E_UNAUTHORIZED with `{ trustNeeded: true }`.
import { z } from 'zod';
import { Empty, method, Ok, stream } from '../rpc.js';
import { RelPath } from './files.js';

/** One side of porcelain v2's XY: '.' unchanged, M modified, T type changed, A added, D deleted, R renamed, C copied, U unmerged. */
export const GitState = z.enum(['.', 'M', 'T', 'A', 'D', 'R', 'C', 'U']);
export type GitState = z.infer<typeof GitState>;

export const GitChangeKind = z.enum(['tracked', 'renamed', 'conflict', 'untracked', 'ignored']);
export type GitChangeKind = z.infer<typeof GitChangeKind>;

export const GitChange = z.object({
  path: z.string(),
  /** The path before a rename or copy. */
  origPath: z.string().optional(),
  kind: GitChangeKind,
  /** State in the index against HEAD ('.' when unchanged); '.' for untracked and ignored files. */
  index: GitState,
  /** State in the work tree against the index. */
  worktree: GitState,
  /** Set for a submodule: whether its commit changed, it has tracked changes, untracked files. */
  submodule: z.object({ commit: z.boolean(), modified: z.boolean(), untracked: z.boolean() }).optional(),
});
export type GitChange = z.infer<typeof GitChange>;

export const GitBranchInfo = z.object({
  /** The branch name, or null when HEAD is detached. */
  head: z.string().nullable(),
  /** HEAD's commit, or null before the first commit. */
  oid: z.string().nullable(),
  upstream: z.string().nullable(),
  ahead: z.number().int(),
  behind: z.number().int(),
});
export type GitBranchInfo = z.infer<typeof GitBranchInfo>;

export const GitStatus = z.discriminatedUnion('repository', [
  z.object({ repository: z.literal(false) }),
  z.object({
    repository: z.literal(true),
    branch: GitBranchInfo,
    changes: z.array(GitChange),
    /** False: the workspace is not trusted, so git ran with the repository's hooks, filters and fsmonitor off. */
    trusted: z.boolean(),
    /** A merge (or cherry-pick, revert) is in progress. */
    merging: z.boolean(),
  }),
]);
export type GitStatus = z.infer<typeof GitStatus>;

export const GitHunk = z.object({
  /** The `@@ -a,b +c,d @@ …` line; with the path it names the hunk to stage, unstage or discard. */
  header: z.string(),
  oldStart: z.number().int(),
  oldLines: z.number().int(),
  newStart: z.number().int(),
  newLines: z.number().int(),
  /** The hunk's lines, each starting with ' ', '+', '-' or '\\'. */
  lines: z.array(z.string()),
});
export type GitHunk = z.infer<typeof GitHunk>;

/** What a diff compares: the work tree to the index (`worktree`), the index to HEAD (`staged`), the work tree to HEAD (`head`). */
export const GitDiffBase = z.enum(['worktree', 'staged', 'head']);
export type GitDiffBase = z.infer<typeof GitDiffBase>;

export const GitDiff = z.object({ path: z.string(), binary: z.boolean(), hunks: z.array(GitHunk) });
export type GitDiff = z.infer<typeof GitDiff>;

export const GitBranch = z.object({
  name: z.string(),
  remote: z.boolean(),
  current: z.boolean(),
  oid: z.string(),
  upstream: z.string().nullable(),
});
export type GitBranch = z.infer<typeof GitBranch>;

/** One line of git's `--progress` output: `Receiving objects:  45% (9/20)`. */
export const GitProgress = z.object({
  phase: z.string(),
  /** 0..100, or null for a phase without one (`Enumerating objects: 5`). */
  percent: z.number().nullable(),
  text: z.string(),
});
export type GitProgress = z.infer<typeof GitProgress>;

/** A branch or remote name as the client sends it; git checks it further (check-ref-format). */
const RefName = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[^-\s~^:?*[\\][^\s~^:?*[\\]*$/, 'not a valid branch name');

const Paths = z.strictObject({ paths: z.array(RelPath.min(1)).min(1).max(10_000) });
const HunkRef = z.strictObject({ path: RelPath.min(1), header: z.string().min(1).max(10_000) });
const Remote = z.strictObject({ remote: RefName.optional() }).optional();
const RemoteOutcome = z.object({ output: z.string() });

export const gitMethods = {
  'git.status': method(z.strictObject({ ignored: z.boolean().default(false) }).optional(), GitStatus),
  'git.diff': method(z.strictObject({ path: RelPath.min(1), base: GitDiffBase.default('worktree') }), GitDiff),
  /** A file's text at HEAD or in the index, for the diff editor's original side; `exists: false` when it has none. */
  'git.show': method(
    z.strictObject({ path: RelPath.min(1), ref: z.enum(['HEAD', 'index']).default('HEAD') }),
    z.object({ content: z.string(), exists: z.boolean(), binary: z.boolean() }),
  ),
  'git.stage': method(Paths, Ok),
  'git.unstage': method(Paths, Ok),
  /** Restores tracked files from the index and deletes untracked ones: the UI asks the user first. */
  'git.discard': method(Paths, Ok),
  /** Stages one hunk of the work tree's diff against the index; E_CONFLICT when the file changed since. */
  'git.stageHunk': method(HunkRef, Ok),
  /** Unstages one hunk of the index's diff against HEAD. */
  'git.unstageHunk': method(HunkRef, Ok),
  /** Reverts one hunk of the work tree's diff against the index. */
  'git.discardHunk': method(HunkRef, Ok),
  'git.commit': method(
    z.strictObject({ message: z.string().max(100_000).default(''), amend: z.boolean().default(false) }),
    z.object({ oid: z.string(), summary: z.string() }),
  ),
  'git.branches': method(Empty, z.object({ branches: z.array(GitBranch) })),
  'git.checkout': method(z.strictObject({ branch: RefName }), Ok),
  'git.createBranch': method(
    z.strictObject({ name: RefName, checkout: z.boolean().default(true), from: RefName.optional() }),
    Ok,
  ),
  'git.fetch': stream(Remote, GitProgress, RemoteOutcome),
  'git.pull': stream(Remote, GitProgress, RemoteOutcome),
  'git.push': stream(Remote, GitProgress, RemoteOutcome),
} as const;

export const gitEvents = {
  /** The repository changed outside the work tree's files (index, HEAD, refs): read git.status again. */
  'git.changed': z.object({}),
} as const;
