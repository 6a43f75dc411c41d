// What the editor's Problems panel holds, published to the engine (issue 17: the agent's `diagnostics` tool). The
// TypeScript worker's markers live in the page; the page publishes them (and whatever else its Problems panel has)
// file by file, and the engine keeps the last list per file, replaced on each publish. Bounded and validated: a
// publish is hostile input like any other call.
import { z } from 'zod';
import { method, Ok } from '../rpc.js';

/** Files one publish carries at most (a bigger change goes in several). */
export const PROBLEMS_PUBLISH_FILES = 500;
/** Problems kept per file (the rest of a file's are cut by the page). */
export const PROBLEMS_PER_FILE = 1_000;
/** Files the engine keeps problems for at once; a publish past it is refused. */
export const PROBLEMS_MAX_FILES = 10_000;

export const ProblemSeverity = z.enum(['error', 'warning', 'info']);
export type ProblemSeverity = z.infer<typeof ProblemSeverity>;

export const PublishedProblem = z.strictObject({
  severity: ProblemSeverity,
  /** 1-based, as the Problems panel shows them. */
  line: z.number().int().min(1).max(10_000_000),
  column: z.number().int().min(1).max(10_000_000),
  message: z.string().max(4_000),
  /** Who reported it: "ts", "lsp.python", "json"… */
  source: z.string().max(100),
});
export type PublishedProblem = z.infer<typeof PublishedProblem>;
/** A problem of a workspace file (workspace-relative path): what the engine keeps and the diagnostics tool reads. */
export type WorkspaceProblem = PublishedProblem & { path: string };

export const ProblemsPublishParams = z.strictObject({
  /** Drop every file published before (a page that loads starts over). */
  reset: z.boolean().default(false),
  files: z
    .array(
      z.strictObject({
        /** Workspace-relative; an empty list clears the file. */
        path: z.string().min(1).max(4096),
        problems: z.array(PublishedProblem).max(PROBLEMS_PER_FILE),
      }),
    )
    .max(PROBLEMS_PUBLISH_FILES),
});
export type ProblemsPublishParams = z.infer<typeof ProblemsPublishParams>;

export const problemsMethods = {
  /** The page's problems for these files now (each file's list replaces the one published before). */
  'problems.publish': method(ProblemsPublishParams, Ok),
} as const;
