// Completions of the TypeScript worker (ts-worker.ts) as Monaco items, auto-imports among them: a symbol exported
// by another project file or a package's typings is offered with its module ("./tabs") beside the name, and accepting
// it also inserts the import (TypeScript's code action, merged into an existing import of the same module). The
// import is resolved lazily (resolveCompletionItem), when the item is focused or accepted. Pure: no Monaco values,
// only its types, so the mapping is unit-tested without a browser.
import type * as monacoApi from 'monaco-editor';
import type * as ts from 'typescript';

type Range = monacoApi.IRange;
type PositionLike = Pick<monacoApi.IPosition, 'lineNumber' | 'column'>;
/** The name of a Monaco `CompletionItemKind` (the provider turns it into the enum's value). */
export type KindName = keyof typeof monacoApi.languages.CompletionItemKind;

/** What the worker is asked with: every completion source VS Code asks TypeScript for. */
export const COMPLETION_PREFERENCES: ts.UserPreferences = {
  includeCompletionsForModuleExports: true,
  includeCompletionsForImportStatements: true,
  includeCompletionsWithInsertText: true,
  includeCompletionsWithSnippetText: true,
  includeAutomaticOptionalChainCompletions: true,
  includeCompletionsWithClassMemberSnippets: true,
  includeCompletionsWithObjectLiteralMethodSnippets: true,
  allowIncompleteCompletions: true,
  importModuleSpecifierPreference: 'shortest',
  includePackageJsonAutoImports: 'auto',
  quotePreference: 'auto',
  // a completion's code action may only change the file being edited (see resolvedParts)
  allowTextChangesInNewFiles: false,
};

/**
 * The characters after which Monaco asks without Ctrl+Space; TypeScript answers nothing where one means nothing.
 * Not VS Code's ' ' and '<' (import statements, JSX tags): Monaco drops its session on that empty answer, and a word
 * typed right after it (`= tabsRed`, `Array<str`) would get no suggestions until the next word.
 */
export const TRIGGER_CHARACTERS = ['.', '"', "'", '`', '/', '@', '#'];

/** The methods ts-worker.ts adds to Monaco's TypeScript worker (called through Monaco's worker proxy). */
export interface AutoImportWorkerApi {
  getCompletionsWithAutoImports(
    fileName: string,
    offset: number,
    options: ts.GetCompletionsAtPositionOptions,
  ): Promise<ts.CompletionInfo | undefined>;
  getCompletionDetailsWithAutoImports(
    fileName: string,
    offset: number,
    entry: EntryRef,
    formatOptions: ts.FormatCodeSettings,
  ): Promise<ts.CompletionEntryDetails | undefined>;
}

/** What resolving an entry needs of it (TypeScript finds the entry again by name, source and data). */
export interface EntryRef {
  name: string;
  source?: string;
  data?: ts.CompletionEntryData;
}

/** A Monaco completion item without the Monaco values (kind by name, tags as a flag). */
export interface ItemParts {
  label: monacoApi.languages.CompletionItemLabel;
  kind: KindName;
  insertText: string;
  snippet: boolean;
  filterText?: string;
  sortText: string;
  range: Range | { insert: Range; replace: Range };
  detail?: string;
  preselect?: boolean;
  deprecated: boolean;
  ref: EntryRef;
}

/** TypeScript's trigger kinds are Monaco's plus one (Invoke, TriggerCharacter, TriggerForIncompleteCompletions). */
export function completionOptions(
  triggerKind: monacoApi.languages.CompletionTriggerKind,
  triggerCharacter: string | undefined,
): ts.GetCompletionsAtPositionOptions {
  const options: ts.GetCompletionsAtPositionOptions = { triggerKind: (triggerKind + 1) as ts.CompletionTriggerKind };
  if (triggerCharacter !== undefined && TRIGGER_CHARACTERS.includes(triggerCharacter)) {
    options.triggerCharacter = triggerCharacter as ts.CompletionsTriggerCharacter;
  }
  return options;
}

/**
 * One TypeScript entry as a Monaco item. `wordRange` is the word before the cursor (what Monaco would replace);
 * an entry's own replacement span wins when it lies on the cursor's line and starts before it.
 */
export function toItemParts(
  entry: ts.CompletionEntry,
  position: PositionLike,
  wordRange: Range,
  positionAt: (offset: number) => PositionLike,
  workspacePathOf: (fileName: string) => string | null,
): ItemParts {
  const source = moduleOf(entry, workspacePathOf);
  const label: monacoApi.languages.CompletionItemLabel = { label: entry.name };
  const description = entry.labelDetails?.description ?? source;
  if (entry.labelDetails?.detail) label.detail = entry.labelDetails.detail;
  if (description) label.description = description;
  const parts: ItemParts = {
    label,
    kind: kindOf(entry.kind),
    insertText: entry.insertText ?? entry.name,
    snippet: entry.isSnippet === true,
    sortText: entry.sortText,
    range: rangeOf(entry.replacementSpan, position, wordRange, positionAt),
    deprecated: (entry.kindModifiers ?? '').split(',').includes('deprecated'),
    ref: refOf(entry),
  };
  if (entry.filterText !== undefined) parts.filterText = entry.filterText;
  if (entry.hasAction && source) parts.detail = `Auto import from '${source}'`;
  if (entry.isRecommended) parts.preselect = true;
  return parts;
}

function refOf(entry: ts.CompletionEntry): EntryRef {
  const ref: EntryRef = { name: entry.name };
  if (entry.source !== undefined) ref.source = entry.source;
  if (entry.data !== undefined) ref.data = entry.data;
  return ref;
}

/**
 * The module an auto-import entry comes from, as the import will name it: TypeScript's display ("./tabs", "react"),
 * else (its module specifier not resolved yet) the workspace path of the exporting file.
 */
function moduleOf(entry: ts.CompletionEntry, workspacePathOf: (fileName: string) => string | null): string | undefined {
  if (!entry.hasAction && !entry.data) return undefined;
  const display = entry.sourceDisplay?.map((part) => part.text).join('');
  if (display) return display;
  if (entry.data?.moduleSpecifier) return entry.data.moduleSpecifier;
  const file = entry.data?.fileName ?? entry.source;
  if (!file) return undefined;
  return workspacePathOf(file) ?? undefined;
}

function rangeOf(
  span: ts.TextSpan | undefined,
  position: PositionLike,
  wordRange: Range,
  positionAt: (offset: number) => PositionLike,
): Range | { insert: Range; replace: Range } {
  if (!span) return wordRange;
  const start = positionAt(span.start);
  const end = positionAt(span.start + span.length);
  // Monaco takes one line that holds the cursor; anything else falls back to the word
  if (start.lineNumber !== position.lineNumber || end.lineNumber !== position.lineNumber) return wordRange;
  if (start.column > position.column) return wordRange;
  const replace = {
    startLineNumber: start.lineNumber,
    startColumn: start.column,
    endLineNumber: end.lineNumber,
    endColumn: Math.max(end.column, position.column),
  };
  if (replace.endColumn === position.column) return replace;
  return { insert: { ...replace, endColumn: position.column }, replace };
}

const KINDS: Record<string, KindName> = {
  'primitive type': 'Keyword',
  keyword: 'Keyword',
  var: 'Variable',
  'local var': 'Variable',
  let: 'Variable',
  parameter: 'Variable',
  alias: 'Variable',
  const: 'Constant',
  property: 'Field',
  getter: 'Field',
  setter: 'Field',
  accessor: 'Field',
  'JSX attribute': 'Field',
  function: 'Function',
  'local function': 'Function',
  method: 'Method',
  construct: 'Constructor',
  call: 'Method',
  index: 'Method',
  enum: 'Enum',
  'enum member': 'EnumMember',
  module: 'Module',
  'external module name': 'Module',
  class: 'Class',
  'local class': 'Class',
  type: 'Class',
  interface: 'Interface',
  'type parameter': 'TypeParameter',
  string: 'Constant',
  script: 'File',
  directory: 'Folder',
  warning: 'Text',
  label: 'Text',
};

export function kindOf(kind: string): KindName {
  return KINDS[kind] ?? 'Property';
}

/** Formatting of the code action's text (the import line) after the document's indentation. */
export function formatSettings(options: { tabSize: number; insertSpaces: boolean }): ts.FormatCodeSettings {
  return {
    tabSize: options.tabSize,
    indentSize: options.tabSize,
    convertTabsToSpaces: options.insertSpaces,
    insertSpaceAfterCommaDelimiter: true,
    insertSpaceAfterSemicolonInForStatements: true,
    insertSpaceBeforeAndAfterBinaryOperators: true,
    insertSpaceAfterKeywordsInControlFlowStatements: true,
    insertSpaceAfterOpeningAndBeforeClosingNonemptyBraces: true,
    placeOpenBraceOnNewLineForFunctions: false,
    placeOpenBraceOnNewLineForControlBlocks: false,
  };
}

export interface ResolvedParts {
  detail: string;
  documentation: string;
  additionalTextEdits: monacoApi.languages.TextEdit[];
}

/**
 * An entry's details as what the item gains when resolved: its signature, its docs (after "Auto import from …" for
 * an import), and the edits of its code actions. Only actions confined to the file being edited are applied: one that
 * changes another file or makes a new one is left out whole (its description says so in the docs), so accepting a
 * completion never writes a file the user is not looking at.
 */
export function resolvedParts(
  details: ts.CompletionEntryDetails,
  fileName: string,
  positionAt: (offset: number) => PositionLike,
): ResolvedParts {
  // the module goes first in the docs, not the detail: Monaco joins a detail's lines into one
  const source = details.sourceDisplay?.map((part) => part.text).join('');
  const docs = source && details.codeActions?.length ? [`Auto import from '${source}'`] : [];
  docs.push(documentationOf(details));
  const additionalTextEdits: monacoApi.languages.TextEdit[] = [];
  for (const action of details.codeActions ?? []) {
    const foreign = action.changes.filter((change) => change.fileName !== fileName || change.isNewFile);
    if (foreign.length > 0) {
      const files = [...new Set(foreign.map((change) => change.fileName))].join(', ');
      docs.push(`*Not applied:* ${action.description} — it would change other files (${files}).`);
      continue;
    }
    for (const change of action.changes) {
      for (const edit of change.textChanges) {
        const start = positionAt(edit.span.start);
        const end = positionAt(edit.span.start + edit.span.length);
        additionalTextEdits.push({
          range: {
            startLineNumber: start.lineNumber,
            startColumn: start.column,
            endLineNumber: end.lineNumber,
            endColumn: end.column,
          },
          text: edit.newText,
        });
      }
    }
  }
  return {
    detail: partsText(details.displayParts),
    documentation: docs.filter((part) => part !== '').join('\n\n'),
    additionalTextEdits,
  };
}

function partsText(parts: readonly ts.SymbolDisplayPart[] | undefined): string {
  return (parts ?? []).map((part) => part.text).join('');
}

function documentationOf(details: ts.CompletionEntryDetails): string {
  const parts = [partsText(details.documentation)];
  for (const tag of details.tags ?? []) parts.push(tagText(tag));
  return parts.filter((part) => part !== '').join('\n\n');
}

/** A JSDoc tag as Monaco's own adapter shows it: `*@param* \`name\` — text`. */
function tagText(tag: ts.JSDocTagInfo): string {
  let label = `*@${tag.name}*`;
  const text = tag.text ?? [];
  if (tag.name === 'param' && text.length > 0) {
    const [name, ...rest] = text;
    label += `\`${name?.text ?? ''}\``;
    const description = partsText(rest).trim();
    if (description) label += ` — ${description}`;
  } else if (text.length > 0) {
    label += ` — ${partsText(text).trim()}`;
  }
  return label;
}

/**
 * Whether the worker's answer is for a word the user has left: they typed on past a non-identifier character while
 * it was computed (`e` → `export const reduced = tabsRed`). Monaco would filter those items by everything typed
 * since and show none, then keep them for the next word too; answering nothing instead makes it ask again there.
 */
export function leftTheWord(lineBefore: string, lineNow: string, column: number): boolean {
  const prefix = lineBefore.slice(0, column - 1);
  const typed = lineNow.length - lineBefore.length;
  if (typed <= 0 || !lineNow.startsWith(prefix) || !lineNow.endsWith(lineBefore.slice(column - 1))) return false;
  return /[^\p{ID_Continue}$\u200c\u200d]/u.test(lineNow.slice(column - 1, column - 1 + typed));
}

/**
 * A directory of the worker's files (file:/// names), for the module paths TypeScript completes in an import string
 * (the worker has no filesystem: what it lists is what it was fed). Files with one of `extensions` directly in `path`
 * (or anywhere below it unless `shallow`), and the directories directly in it.
 */
export function directoryEntries(
  fileNames: readonly string[],
  path: string,
  extensions: readonly string[] | undefined,
  shallow: boolean,
): { files: string[]; directories: string[] } {
  const dir = path.endsWith('/') ? path : `${path}/`;
  const files: string[] = [];
  const directories = new Set<string>();
  for (const raw of fileNames) {
    const name = decodeName(raw);
    if (!name.startsWith(dir)) continue;
    const rest = name.slice(dir.length);
    const slash = rest.indexOf('/');
    if (slash > 0) directories.add(`${dir}${rest.slice(0, slash)}`);
    if (slash >= 0 && shallow) continue;
    if (!extensions || extensions.length === 0 || extensions.some((extension) => name.endsWith(extension))) {
      files.push(name);
    }
  }
  return { files, directories: [...directories] };
}

/** A model's name is its URI's string, percent-encoded (`%40types`); TypeScript composes paths unencoded. */
function decodeName(name: string): string {
  if (!name.includes('%')) return name;
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}
