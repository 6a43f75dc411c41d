// LSP's answers → the protocol's shapes. Each answer is parsed (never trusted: the server runs the project's code),
// file URIs become workspace-relative paths, and places outside the workspace are left out.
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  ErrorCode,
  LSP_MAX_DIAGNOSTICS_PER_FILE,
  type LspDiagnostic,
  type LspHover,
  type LspLocation,
  type LspSymbol,
  type LspTextEdit,
  type LspWorkspaceEdit,
  PaError,
} from '@pa/shared';
import { z } from 'zod';
import { isWithin, toRelative } from '../files/index.js';

const Position = z.object({ line: z.number().int().min(0), character: z.number().int().min(0) });
const Range = z.object({ start: Position, end: Position });
const TextEdit = z.object({ range: Range, newText: z.string() });
const Location = z.object({ uri: z.string(), range: Range });
const LocationLink = z.object({ targetUri: z.string(), targetRange: Range, targetSelectionRange: Range.optional() });
const MarkedString = z.union([z.string(), z.object({ language: z.string(), value: z.string() })]);
const MarkupContent = z.object({ kind: z.string(), value: z.string() });
const Hover = z.object({
  contents: z.union([MarkupContent, MarkedString, z.array(MarkedString)]),
  range: Range.optional(),
});
const Diagnostic = z.object({
  range: Range,
  severity: z.number().int().min(1).max(4).optional(),
  message: z.string(),
  source: z.string().optional(),
  code: z.union([z.string(), z.number()]).optional(),
});
export const PublishDiagnostics = z.object({ uri: z.string(), diagnostics: z.array(Diagnostic) });
const LogMessage = z.object({ type: z.number().int(), message: z.string() });
interface DocumentSymbol {
  name: string;
  detail?: string | undefined;
  kind: number;
  range: z.infer<typeof Range>;
  selectionRange: z.infer<typeof Range>;
  children?: DocumentSymbol[] | undefined;
}
const DocumentSymbol: z.ZodType<DocumentSymbol> = z.object({
  name: z.string(),
  detail: z.string().optional(),
  kind: z.number().int().min(1).max(26),
  range: Range,
  selectionRange: Range,
  get children() {
    return z.array(DocumentSymbol).optional();
  },
});
const SymbolInformation = z.object({ name: z.string(), kind: z.number().int().min(1).max(26), location: Location });
const TextDocumentEdit = z.object({ textDocument: z.object({ uri: z.string() }), edits: z.array(TextEdit) });
const WorkspaceEdit = z.object({
  changes: z.record(z.string(), z.array(TextEdit)).optional(),
  documentChanges: z.array(z.union([TextDocumentEdit, z.object({ kind: z.string() })])).optional(),
});

/** Translates between one workspace's files and the URIs its server uses. */
export class Paths {
  constructor(private readonly root: string) {}

  uri(path: string): string {
    return pathToFileURL(`${this.root}/${path}`).href;
  }

  /** The workspace-relative path of a file URI, or null for anything outside the workspace (or not a file). */
  path(uri: string): string | null {
    if (!uri.startsWith('file:')) return null;
    let absolute: string;
    try {
      absolute = fileURLToPath(uri);
    } catch {
      return null;
    }
    if (!isWithin(this.root, absolute) || absolute === this.root) return null;
    return toRelative(this.root, absolute);
  }
}

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw new PaError(ErrorCode.UNAVAILABLE, `The language server answered ${what} with something that is not LSP.`);
  return parsed.data;
}

export function hoverOf(value: unknown): LspHover | null {
  if (value === null || value === undefined) return null;
  const hover = parse(Hover, value, 'a hover');
  const pieces = Array.isArray(hover.contents) ? hover.contents : [hover.contents];
  const markdown = pieces
    .map((piece) =>
      typeof piece === 'string'
        ? piece
        : 'kind' in piece
          ? piece.value
          : `\`\`\`${piece.language}\n${piece.value}\n\`\`\``,
    )
    .filter((text) => text.trim() !== '')
    .join('\n\n---\n\n');
  if (markdown === '') return null;
  return hover.range ? { markdown, range: hover.range } : { markdown };
}

export function locationsOf(value: unknown, paths: Paths): LspLocation[] {
  if (value === null || value === undefined) return [];
  const items = parse(
    z.union([Location, z.array(z.union([Location, LocationLink]))]),
    value,
    'a definition or references request',
  );
  const list = Array.isArray(items) ? items : [items];
  const locations: LspLocation[] = [];
  for (const item of list) {
    const [uri, range] =
      'targetUri' in item ? [item.targetUri, item.targetSelectionRange ?? item.targetRange] : [item.uri, item.range];
    const path = paths.path(uri);
    if (path !== null) locations.push({ path, range });
  }
  return locations;
}

export function editsOf(value: unknown): LspTextEdit[] {
  if (value === null || value === undefined) return [];
  return parse(z.array(TextEdit), value, 'a formatting request');
}

export function symbolsOf(value: unknown): LspSymbol[] {
  if (value === null || value === undefined) return [];
  const items = parse(
    z.union([z.array(DocumentSymbol), z.array(SymbolInformation)]),
    value,
    'a document symbols request',
  );
  const toSymbol = (symbol: DocumentSymbol): LspSymbol => ({
    name: symbol.name,
    detail: symbol.detail,
    kind: symbol.kind,
    range: symbol.range,
    selectionRange: symbol.selectionRange,
    children: (symbol.children ?? []).map(toSymbol),
  });
  return items.map((item) =>
    'location' in item
      ? {
          name: item.name,
          kind: item.kind,
          range: item.location.range,
          selectionRange: item.location.range,
          children: [],
        }
      : toSymbol(item),
  );
}

/** A rename's edits by file; refused whole when it would touch a file outside the workspace or create/delete files. */
export function workspaceEditOf(value: unknown, paths: Paths): LspWorkspaceEdit {
  if (value === null || value === undefined) return { changes: [] };
  const edit = parse(WorkspaceEdit, value, 'a rename');
  const byUri = new Map<string, LspTextEdit[]>();
  for (const [uri, edits] of Object.entries(edit.changes ?? {})) byUri.set(uri, [...(byUri.get(uri) ?? []), ...edits]);
  for (const change of edit.documentChanges ?? []) {
    if (!('textDocument' in change)) {
      throw new PaError(ErrorCode.FORBIDDEN, 'The rename would create, rename or delete files; it was not applied.');
    }
    byUri.set(change.textDocument.uri, [...(byUri.get(change.textDocument.uri) ?? []), ...change.edits]);
  }
  const changes: LspWorkspaceEdit['changes'] = [];
  for (const [uri, edits] of byUri) {
    const path = paths.path(uri);
    if (path === null)
      throw new PaError(
        ErrorCode.FORBIDDEN,
        'The rename would change files outside the workspace; it was not applied.',
      );
    changes.push({ path, edits });
  }
  return { changes };
}

/** A publishDiagnostics notification as the protocol's item, or null when it is malformed or outside the workspace. */
export function diagnosticsOf(value: unknown, paths: Paths): { path: string; diagnostics: LspDiagnostic[] } | null {
  const parsed = PublishDiagnostics.safeParse(value);
  if (!parsed.success) return null;
  const path = paths.path(parsed.data.uri);
  if (path === null) return null;
  const diagnostics = parsed.data.diagnostics.slice(0, LSP_MAX_DIAGNOSTICS_PER_FILE).map((diagnostic) => {
    const out: LspDiagnostic = {
      range: diagnostic.range,
      severity: diagnostic.severity ?? 1,
      message: diagnostic.message.slice(0, 10_000),
    };
    if (diagnostic.source !== undefined) out.source = diagnostic.source.slice(0, 200);
    if (diagnostic.code !== undefined) out.code = String(diagnostic.code).slice(0, 200);
    return out;
  });
  return { path, diagnostics };
}

export function logOf(value: unknown): { level: 'error' | 'warning' | 'info'; message: string } | null {
  const parsed = LogMessage.safeParse(value);
  if (!parsed.success) return null;
  const level = parsed.data.type === 1 ? 'error' : parsed.data.type === 2 ? 'warning' : 'info';
  return { level, message: parsed.data.message.slice(0, 10_000) };
}
