// TypeScript / JavaScript projects (owned by the language capability): `language.project` streams what the editor's
// TypeScript service needs to see a file the way `tsc` does — the compiler options of the file's tsconfig.json or
// jsconfig.json (first, before any file is read), the project's source files and the typings it uses from
// node_modules — in bounded items, as they are read. `language.prepare` reads the workspace's projects ahead (at
// workspace open), so the first file's request finds them read.
// Paths are workspace-relative with '/' separators; path-valued compiler options are workspace-relative too.
import { z } from 'zod';
import { method, stream } from '../rpc.js';
import { RelPath } from './files.js';

/** A file bigger than this is left out (a generated bundle is no source anyone hovers in). */
export const LANGUAGE_MAX_FILE_BYTES = 2 * 1024 * 1024;
/** Files one project sends at most (sources and typings together). */
export const LANGUAGE_MAX_FILES = 20_000;
/** Bytes of text one project sends at most. */
export const LANGUAGE_MAX_TOTAL_BYTES = 96 * 1024 * 1024;
/** Text one item carries at most (a bigger file travels alone). */
export const LANGUAGE_ITEM_BYTES = 512 * 1024;
/** Skipped paths the result names at most (the count is always complete). */
export const LANGUAGE_MAX_SKIPPED_LISTED = 100;

export const LanguageProjectParams = z.strictObject({
  /** The file the editor opened; its nearest tsconfig.json / jsconfig.json that includes it is the project. */
  path: RelPath.min(1),
});
export type LanguageProjectParams = z.infer<typeof LanguageProjectParams>;

/** A compiler option's value as TypeScript's own config parser produced it (enums are numbers). */
export type CompilerOptionValue =
  | string
  | number
  | boolean
  | null
  | CompilerOptionValue[]
  | { [key: string]: CompilerOptionValue };
export const CompilerOptionValue: z.ZodType<CompilerOptionValue> = z.lazy(() =>
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(CompilerOptionValue),
    z.record(z.string(), CompilerOptionValue),
  ]),
);

export const LanguageConfig = z.object({
  kind: z.literal('config'),
  /** The tsconfig.json / jsconfig.json the options come from; null: none includes the file (defaults). */
  configPath: z.string().nullable(),
  compilerOptions: z.record(z.string(), CompilerOptionValue),
});
export type LanguageConfig = z.infer<typeof LanguageConfig>;

export const LanguageFile = z.object({
  path: z.string(),
  text: z.string(),
  /** `source`: the project's own file; `typings`: a declaration or package.json under node_modules. */
  role: z.enum(['source', 'typings']),
});
export type LanguageFile = z.infer<typeof LanguageFile>;

export const LanguageFiles = z.object({ kind: z.literal('files'), files: z.array(LanguageFile) });
export type LanguageFiles = z.infer<typeof LanguageFiles>;

export const LanguageProjectItem = z.discriminatedUnion('kind', [LanguageConfig, LanguageFiles]);
export type LanguageProjectItem = z.infer<typeof LanguageProjectItem>;

export const LanguageSkipReason = z.enum(['outside_workspace', 'too_large', 'over_limit', 'unreadable']);

export const LanguageProjectResult = z.object({
  configPath: z.string().nullable(),
  sources: z.number().int(),
  typings: z.number().int(),
  bytes: z.number().int(),
  /** How many files were left out, and the first of them with why. */
  skippedCount: z.number().int(),
  skipped: z.array(z.object({ path: z.string(), reason: LanguageSkipReason })),
  /** What TypeScript said about the config (an `extends` it could not read, a bad option), as its own text. */
  configErrors: z.array(z.string()),
  /**
   * Bare module names (`@scope/pkg`, `pkg/sub`) TypeScript resolved to a workspace source file through a symlink
   * (a monorepo's own packages): the editor maps each to that file, as the engine's resolution did. Known only once
   * every import was followed, so they come with the result, not with the options.
   */
  workspaceModules: z.record(z.string(), z.string()),
  elapsedMs: z.number(),
});
export type LanguageProjectResult = z.infer<typeof LanguageProjectResult>;

export const LanguagePrepareResult = z.object({
  /** Configs parsed (the root's and those it references) and files read into the engine's cache. */
  configs: z.number().int(),
  files: z.number().int(),
  elapsedMs: z.number(),
});
export type LanguagePrepareResult = z.infer<typeof LanguagePrepareResult>;

export const languageMethods = {
  'language.project': stream(LanguageProjectParams, LanguageProjectItem, LanguageProjectResult),
  /** Reads the open workspace's TypeScript projects ahead; a `language.project` arriving meanwhile goes first. */
  'language.prepare': method(z.strictObject({}), LanguagePrepareResult),
} as const;
