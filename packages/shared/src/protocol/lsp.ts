// Language server methods (owned by the lsp capability): one server per (workspace, language), started from PATH
// in a trusted workspace only. The UI speaks to it in these typed calls with workspace-relative paths; the engine
// translates to and from LSP's file URIs and validates every answer, so nothing the server sends reaches the page
// unchecked.
import { z } from 'zod';
import { method, Ok, stream } from '../rpc.js';
import { RelPath } from './files.js';

/** The languages the engine knows a server for (clangd serves C and C++, typescript-language-server TS and JS). */
export const LspLanguage = z.enum(['python', 'go', 'rust', 'cpp', 'typescript']);
export type LspLanguage = z.infer<typeof LspLanguage>;

export const LSP_LANGUAGE_NAMES: Record<LspLanguage, string> = {
  python: 'Python',
  go: 'Go',
  rust: 'Rust',
  cpp: 'C/C++',
  typescript: 'TypeScript',
};

/** Most characters of one open document the engine mirrors for a server. */
export const LSP_MAX_DOCUMENT_CHARS = 8 * 1024 * 1024;
/** Diagnostics kept per file (a server reporting more has the rest cut). */
export const LSP_MAX_DIAGNOSTICS_PER_FILE = 1000;

export const LspPosition = z.object({ line: z.number().int().min(0), character: z.number().int().min(0) });
export type LspPosition = z.infer<typeof LspPosition>;
export const LspRange = z.object({ start: LspPosition, end: LspPosition });
export type LspRange = z.infer<typeof LspRange>;

export const LspDiagnostic = z.object({
  range: LspRange,
  /** 1 error, 2 warning, 3 information, 4 hint (LSP's DiagnosticSeverity). */
  severity: z.number().int().min(1).max(4),
  message: z.string().max(10_000),
  source: z.string().max(200).optional(),
  code: z.string().max(200).optional(),
});
export type LspDiagnostic = z.infer<typeof LspDiagnostic>;

export const LspTextEdit = z.object({ range: LspRange, newText: z.string() });
export type LspTextEdit = z.infer<typeof LspTextEdit>;

/** A place in a workspace file (places outside the workspace, a library's stubs, are left out). */
export const LspLocation = z.object({ path: RelPath, range: LspRange });
export type LspLocation = z.infer<typeof LspLocation>;

/** Hover text as Markdown (LSP's MarkupContent and MarkedString forms are folded into one). */
export const LspHover = z.object({ markdown: z.string(), range: LspRange.optional() });
export type LspHover = z.infer<typeof LspHover>;

export interface LspSymbol {
  name: string;
  detail?: string | undefined;
  /** LSP's SymbolKind (1 File … 26 TypeParameter). */
  kind: number;
  range: LspRange;
  selectionRange: LspRange;
  children: LspSymbol[];
}
export const LspSymbol: z.ZodType<LspSymbol> = z.object({
  name: z.string(),
  detail: z.string().optional(),
  kind: z.number().int().min(1).max(26),
  range: LspRange,
  selectionRange: LspRange,
  get children() {
    return z.array(LspSymbol);
  },
});

/** A rename's edits, file by file (workspace-relative). */
export const LspWorkspaceEdit = z.object({
  changes: z.array(z.object({ path: RelPath, edits: z.array(LspTextEdit) })),
});
export type LspWorkspaceEdit = z.infer<typeof LspWorkspaceEdit>;

/** What the started server offers (from its initialize answer). */
export const LspFeatures = z.object({
  hover: z.boolean(),
  definition: z.boolean(),
  references: z.boolean(),
  rename: z.boolean(),
  documentSymbol: z.boolean(),
  formatting: z.boolean(),
});
export type LspFeatures = z.infer<typeof LspFeatures>;

export const LspStart = z.discriminatedUnion('state', [
  z.object({ state: z.literal('running'), name: z.string(), command: z.string(), features: LspFeatures }),
  /** No server for the language on PATH: a hint, not an error. `install` lists commands that install one. */
  z.object({ state: z.literal('missing'), name: z.string(), message: z.string(), install: z.array(z.string()) }),
]);
export type LspStart = z.infer<typeof LspStart>;

/** One item of `lsp.messages`: what the server reports without being asked, and its life. */
export const LspMessage = z.discriminatedUnion('type', [
  /** The file's diagnostics now (an empty list clears them); also for files no editor has open. */
  z.object({ type: z.literal('diagnostics'), path: RelPath, diagnostics: z.array(LspDiagnostic) }),
  /** running: (re)started, every open document re-sent; restarting: it crashed; stopped: it crashed too often. */
  z.object({
    type: z.literal('state'),
    state: z.enum(['running', 'restarting', 'stopped']),
    message: z.string(),
  }),
  z.object({ type: z.literal('log'), level: z.enum(['error', 'warning', 'info']), message: z.string() }),
]);
export type LspMessage = z.infer<typeof LspMessage>;

export const LspDocumentChange = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('open'),
    languageId: z.string().max(64),
    version: z.number().int(),
    text: z.string().max(LSP_MAX_DOCUMENT_CHARS),
  }),
  /** Incremental changes (a change without a range replaces the whole text). */
  z.object({
    type: z.literal('change'),
    version: z.number().int(),
    changes: z
      .array(z.object({ range: LspRange.optional(), text: z.string().max(LSP_MAX_DOCUMENT_CHARS) }))
      .max(10_000),
  }),
  z.object({ type: z.literal('close') }),
]);
export type LspDocumentChange = z.infer<typeof LspDocumentChange>;

const Language = z.strictObject({ language: LspLanguage });
const At = z.strictObject({ language: LspLanguage, path: RelPath.min(1), position: LspPosition });

export const lspMethods = {
  /**
   * Starts (or joins) the workspace's server for `language`. E_UNAUTHORIZED with data {trustNeeded: true} in a
   * workspace the user has not trusted: a server runs the project's code and configuration.
   */
  'lsp.start': method(Language, LspStart),
  /** Follows the server: diagnostics it holds now, then what it reports; ends when the engine stops it. */
  'lsp.messages': stream(Language, LspMessage, z.object({ reason: z.string() })),
  /** didOpen / didChange / didClose for one workspace file. */
  'lsp.sync': method(z.strictObject({ language: LspLanguage, path: RelPath.min(1), change: LspDocumentChange }), Ok),
  'lsp.hover': method(At, z.object({ hover: LspHover.nullable() })),
  'lsp.definition': method(At, z.object({ locations: z.array(LspLocation) })),
  'lsp.references': method(At, z.object({ locations: z.array(LspLocation) })),
  'lsp.rename': method(At.extend({ newName: z.string().min(1).max(1000) }), z.object({ edit: LspWorkspaceEdit })),
  'lsp.symbols': method(
    z.strictObject({ language: LspLanguage, path: RelPath.min(1) }),
    z.object({ symbols: z.array(LspSymbol) }),
  ),
  'lsp.format': method(
    z.strictObject({
      language: LspLanguage,
      path: RelPath.min(1),
      tabSize: z.number().int().min(1).max(16),
      insertSpaces: z.boolean(),
    }),
    z.object({ edits: z.array(LspTextEdit) }),
  ),
} as const;
