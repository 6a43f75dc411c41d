// LSP ⇄ Monaco, as pure functions: LSP counts lines and characters from 0, Monaco lines and columns from 1; LSP's
// severities and symbol kinds are numbered differently from Monaco's. Only types come from Monaco here, so this is
// tested without an editor.
import type { LspDiagnostic, LspLanguage, LspPosition, LspRange, LspSymbol, LspTextEdit } from '@pa/shared';
import type * as monaco from 'monaco-editor';

/** Which server serves a Monaco language id (TypeScript stays with Monaco's own worker: see packages/ui/src/typescript). */
const SERVER_OF_LANGUAGE: Record<string, LspLanguage> = {
  python: 'python',
  go: 'go',
  rust: 'rust',
  c: 'cpp',
  cpp: 'cpp',
};

export function serverForLanguage(languageId: string): LspLanguage | null {
  return SERVER_OF_LANGUAGE[languageId] ?? null;
}

/** The Monaco language ids a server's providers are registered for. */
export function languagesOfServer(server: LspLanguage): string[] {
  return Object.keys(SERVER_OF_LANGUAGE).filter((id) => SERVER_OF_LANGUAGE[id] === server);
}

export function toLspPosition(position: { lineNumber: number; column: number }): LspPosition {
  return { line: position.lineNumber - 1, character: position.column - 1 };
}

export function toMonacoRange(range: LspRange): monaco.IRange {
  return {
    startLineNumber: range.start.line + 1,
    startColumn: range.start.character + 1,
    endLineNumber: range.end.line + 1,
    endColumn: range.end.character + 1,
  };
}

export function toLspRange(range: monaco.IRange): LspRange {
  return {
    start: { line: range.startLineNumber - 1, character: range.startColumn - 1 },
    end: { line: range.endLineNumber - 1, character: range.endColumn - 1 },
  };
}

/** Monaco's MarkerSeverity values (Hint 1, Info 2, Warning 4, Error 8) for LSP's (Error 1 … Hint 4). */
const MARKER_SEVERITY: Record<number, monaco.MarkerSeverity> = { 1: 8, 2: 4, 3: 2, 4: 1 };

export function toMarker(diagnostic: LspDiagnostic, fallbackSource: string): monaco.editor.IMarkerData {
  const marker: monaco.editor.IMarkerData = {
    ...toMonacoRange(diagnostic.range),
    severity: MARKER_SEVERITY[diagnostic.severity] ?? 8,
    message: diagnostic.message,
    source: diagnostic.source ?? fallbackSource,
  };
  if (diagnostic.code !== undefined) marker.code = diagnostic.code;
  return marker;
}

/** LSP's SymbolKind starts at File = 1, Monaco's at File = 0; the order is the same. */
export function toDocumentSymbol(symbol: LspSymbol): monaco.languages.DocumentSymbol {
  return {
    name: symbol.name,
    detail: symbol.detail ?? '',
    kind: (symbol.kind - 1) as monaco.languages.SymbolKind,
    tags: [],
    range: toMonacoRange(symbol.range),
    selectionRange: toMonacoRange(symbol.selectionRange),
    children: symbol.children.map(toDocumentSymbol),
  };
}

export function toMonacoEdit(edit: LspTextEdit): monaco.languages.TextEdit {
  return { range: toMonacoRange(edit.range), text: edit.newText };
}

/** A Monaco content change as an incremental LSP change (Monaco reports ranges in the text before the edit). */
export function toLspChange(change: monaco.editor.IModelContentChange): { range: LspRange; text: string } {
  return { range: toLspRange(change.range), text: change.text };
}
