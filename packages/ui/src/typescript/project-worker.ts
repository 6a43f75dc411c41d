// The editor's TypeScript worker, on the TypeScript the project installs (node_modules/typescript) rather than the
// older one Monaco bundles (5.4 in Monaco 0.52): the same language, and the language service's region diagnostics —
// the statements on screen checked on their own, in milliseconds, before the whole file (seconds in a large one),
// which is how an error typed in a long file shows at once (tsserver does the same for VS Code).
//
// It answers every method Monaco's TypeScript adapters (tsMode) call through the worker proxy, by the same names and
// with the same plain-data results (diagnostics without their source files, which do not survive structured clone),
// plus the ones this feature's own providers call (auto-import completions, region diagnostics). Its language
// service host reads open documents from Monaco's mirror models, the project's files and typings from the extra libs
// the controller sends, and TypeScript's own lib files from ts-libs.ts.
//
// The program starts small: its roots are the open files and the project's own declaration files, so TypeScript
// reads just what they import, directly or not (on this repository's UI, 244 of 657 files and 4.5 of 7.3 MB: the
// first program in half the time), which is all a hover, a definition or a file's diagnostics need. The whole project
// (every source file the config includes) becomes the roots once the page says the user paused (loadWholeProject),
// or at once for the requests that must see every file: references, rename and completions (which offer imports
// from every module). Until then, "add import" fixes offer the modules the loaded part has (the lightbulb asks for
// fixes on its own whenever the cursor is on an error: loading every file then would hold up the next diagnostics),
// and a `declare global` in a source file nothing open imports is not seen.
import ts from 'typescript';
import { type AutoImportWorkerApi, COMPLETION_PREFERENCES, directoryEntries, type EntryRef } from './auto-import';
import { stableScriptFileNames } from './script-names';
import { LIB_FILES } from './ts-libs';

/** What Monaco's worker host gives the worker: its mirrors of the page's models. */
export interface MirrorModel {
  readonly uri: { toString(skipEncoding?: boolean): string };
  readonly version: number;
  getValue(): string;
}

export interface WorkerContext {
  getMirrorModels(): readonly MirrorModel[];
}

export type ExtraLibs = Record<string, { content: string; version: number }>;

/** What Monaco's WorkerManager passes when it creates the worker (its language defaults). */
export interface WorkerCreateData {
  compilerOptions: ts.CompilerOptions;
  extraLibs: ExtraLibs;
  inlayHintsOptions?: ts.UserPreferences;
}

/** A diagnostic as it crosses to the page: its file by name only. */
export type PlainDiagnostic = Omit<ts.Diagnostic, 'file' | 'relatedInformation'> & {
  file: { fileName: string } | undefined;
  relatedInformation?: PlainDiagnostic[];
};

/** Diagnostics of part of a file, and the spans TypeScript checked to find them (whole statements around ranges). */
export interface RegionDiagnostics {
  diagnostics: PlainDiagnostic[];
  spans: ts.TextSpan[];
}

/** The part of the language service TypeScript does not declare (tsserver's, since 5.6). */
interface RegionAware {
  getRegionSemanticDiagnostics?(
    fileName: string,
    ranges: ts.TextRange[],
  ): { diagnostics: ts.Diagnostic[]; spans: ts.TextSpan[] } | undefined;
}

const FILE_PREFIX = 'file:///';

/** Whether a worker file name (a URI string, as Monaco passes them) is one of TypeScript's lib files. */
export function isLibFile(fileName: string): boolean {
  return fileName.startsWith(FILE_PREFIX) && fileName.slice(FILE_PREFIX.length) in LIB_FILES;
}

/** The project's own declaration files (not a package's): roots from the start, for what they declare globally. */
function isProjectDeclaration(fileName: string): boolean {
  return /\.d\.[cm]?ts$/.test(fileName) && !fileName.includes('/node_modules/');
}

/**
 * TypeScript 5.9 works out an auto-import's module path against `baseUrl` or the base of `paths` whenever package.json
 * "imports" may resolve (module resolution node16, nodenext, bundler), and throws when there is neither
 * (getNormalizedAbsolutePath of undefined, in getLocalModuleSpecifier); tsserver always has a config file's folder
 * as that base. The worker's root is `file:///`, and the paths it gets are absolute (worker-paths.ts), so that is
 * the base; an empty `paths` maps no module.
 */
function withPathsBase(options: ts.CompilerOptions): ts.CompilerOptions {
  if (options.baseUrl !== undefined) return options;
  return { ...options, paths: options.paths ?? {}, pathsBasePath: options.pathsBasePath ?? FILE_PREFIX };
}

function plain(diagnostics: readonly ts.Diagnostic[]): PlainDiagnostic[] {
  return diagnostics.map(({ file, relatedInformation, ...rest }) => ({
    ...rest,
    file: file ? { fileName: file.fileName } : undefined,
    ...(relatedInformation ? { relatedInformation: plain(relatedInformation) } : {}),
  }));
}

export class ProjectWorker implements ts.LanguageServiceHost, AutoImportWorkerApi {
  private extraLibs: ExtraLibs;
  private readonly compilerOptions: ts.CompilerOptions;
  private readonly inlayHintsOptions: ts.UserPreferences;
  private readonly service: ts.LanguageService;
  /** Whether every project file is a root (see the top); until then the roots are `openRoots` and declarations. */
  private whole = false;
  /** Open files the program did not reach through imports, in the order they came: kept while they exist. */
  private readonly openRoots: string[] = [];

  constructor(
    private readonly ctx: WorkerContext,
    createData: WorkerCreateData,
  ) {
    this.compilerOptions = withPathsBase(createData.compilerOptions);
    this.extraLibs = createData.extraLibs;
    this.inlayHintsOptions = createData.inlayHintsOptions ?? {};
    this.service = ts.createLanguageService(this, ts.createDocumentRegistry());
  }

  // ---- language service host ----------------------------------------------------------------------------------

  getCompilationSettings(): ts.CompilerOptions {
    return this.compilerOptions;
  }

  getLanguageService(): ts.LanguageService {
    return this.service;
  }

  getExtraLibs(): ExtraLibs {
    return this.extraLibs;
  }

  private modelNames(): string[] {
    return this.ctx
      .getMirrorModels()
      .map((model) => model.uri.toString())
      .filter((name) => !isLibFile(name));
  }

  /** Every file the worker knows: the project's, then open models that are not among them. */
  private allFileNames(): string[] {
    const libs = Object.keys(this.extraLibs);
    return stableScriptFileNames(libs, [...this.modelNames(), ...libs]);
  }

  /**
   * The roots. The whole project: its files first, then models that are not among them (a tab opening or closing
   * keeps the list). Before that: the project's declaration files and the open files the program needs as roots
   * (`openRoots`), which likewise stay put while tabs open and close — a changed list costs a program rebuilt with
   * every import resolved again.
   */
  getScriptFileNames(): string[] {
    if (this.whole) return this.allFileNames();
    const declarations = Object.keys(this.extraLibs).filter(isProjectDeclaration);
    return [...declarations, ...this.openRoots.filter((name) => !isProjectDeclaration(name) && this.has(name))];
  }

  private has(fileName: string): boolean {
    return this.model(fileName) !== null || fileName in this.extraLibs;
  }

  /**
   * The language service, with every open file in its program: an open file no root imports becomes a root (a
   * request about a file the program lacks would throw). A file already reached through imports stays out of the
   * roots, so opening it (F12 into an imported file) changes nothing. A method, not a getter: Monaco lists the
   * worker's methods by reading every property of it, which would run a getter (and build the program) at start.
   */
  private ls(): ts.LanguageService {
    if (this.whole) return this.service;
    for (let pass = 0; pass < 2; pass++) {
      const program = pass === 0 && this.openRoots.length === 0 ? null : this.service.getProgram();
      const missing = this.modelNames().filter(
        (name) => !this.openRoots.includes(name) && program?.getSourceFile(name) === undefined,
      );
      if (missing.length === 0) break;
      this.openRoots.push(...missing);
    }
    return this.service;
  }

  /** The language service with every project file in its program (built on the next request). */
  private wholeLs(): ts.LanguageService {
    this.whole = true;
    return this.service;
  }

  private model(fileName: string): MirrorModel | null {
    for (const model of this.ctx.getMirrorModels()) {
      if (model.uri.toString() === fileName || model.uri.toString(true) === fileName) return model;
    }
    return null;
  }

  getScriptVersion(fileName: string): string {
    const model = this.model(fileName);
    if (model) return String(model.version);
    if (fileName in LIB_FILES) return '1';
    const lib = this.extraLibs[fileName];
    return lib ? String(lib.version) : '';
  }

  private text(fileName: string): string | undefined {
    const model = this.model(fileName);
    if (model) return model.getValue();
    // TypeScript names lib files bare ("lib.dom.d.ts"); a `lib` option may name them as "dom"
    return LIB_FILES[fileName] ?? LIB_FILES[`lib.${fileName}.d.ts`] ?? this.extraLibs[fileName]?.content;
  }

  getScriptSnapshot(fileName: string): ts.IScriptSnapshot | undefined {
    const text = this.text(fileName);
    return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
  }

  getScriptKind(fileName: string): ts.ScriptKind {
    const extension = fileName.slice(fileName.lastIndexOf('.') + 1);
    if (extension === 'ts' || extension === 'mts' || extension === 'cts') return ts.ScriptKind.TS;
    if (extension === 'tsx') return ts.ScriptKind.TSX;
    if (extension === 'js' || extension === 'mjs' || extension === 'cjs') return ts.ScriptKind.JS;
    if (extension === 'jsx') return ts.ScriptKind.JSX;
    if (extension === 'json') return ts.ScriptKind.JSON;
    return this.compilerOptions.allowJs ? ts.ScriptKind.JS : ts.ScriptKind.TS;
  }

  getCurrentDirectory(): string {
    return '';
  }

  getDefaultLibFileName(options: ts.CompilerOptions): string {
    // TypeScript's own choice for the target ("lib.es2022.full.d.ts"), bare: lib files live at the root
    const name = ts.getDefaultLibFileName(options);
    return name in LIB_FILES ? name : 'lib.d.ts';
  }

  readFile(path: string): string | undefined {
    return this.text(path);
  }

  fileExists(path: string): boolean {
    return this.text(path) !== undefined;
  }

  /** Directories from the project's files, for module paths in import strings (`from './|'`). */
  readDirectory(
    path: string,
    extensions?: readonly string[],
    _exclude?: readonly string[],
    include?: readonly string[],
    depth?: number,
  ): string[] {
    const shallow = depth === 1 || include?.every((pattern) => pattern === './*') === true;
    return directoryEntries(this.allFileNames(), path, extensions, shallow).files;
  }

  getDirectories(path: string): string[] {
    return directoryEntries(this.allFileNames(), path, undefined, true).directories;
  }

  // ---- what Monaco's adapters ask (tsMode) ----------------------------------------------------------------------

  async getLibFiles(): Promise<Readonly<Record<string, string>>> {
    return LIB_FILES;
  }

  async getScriptText(fileName: string): Promise<string | undefined> {
    return this.text(fileName);
  }

  async updateExtraLibs(extraLibs: ExtraLibs): Promise<void> {
    this.extraLibs = extraLibs;
  }

  /**
   * Makes every project file a root and builds that program now (seconds on a large project; the page asks once the
   * user paused). Returns how many files the program has.
   */
  async loadWholeProject(): Promise<number> {
    return this.wholeLs().getProgram()?.getSourceFiles().length ?? 0;
  }

  async getSyntacticDiagnostics(fileName: string): Promise<PlainDiagnostic[]> {
    return isLibFile(fileName) ? [] : plain(this.ls().getSyntacticDiagnostics(fileName));
  }

  async getSemanticDiagnostics(fileName: string): Promise<PlainDiagnostic[]> {
    return isLibFile(fileName) ? [] : plain(this.ls().getSemanticDiagnostics(fileName));
  }

  async getSuggestionDiagnostics(fileName: string): Promise<PlainDiagnostic[]> {
    return isLibFile(fileName) ? [] : plain(this.ls().getSuggestionDiagnostics(fileName));
  }

  async getCompilerOptionsDiagnostics(fileName: string): Promise<PlainDiagnostic[]> {
    return isLibFile(fileName) ? [] : plain(this.ls().getCompilerOptionsDiagnostics());
  }

  /**
   * The semantic diagnostics of the statements around `ranges` (offsets) only, and the spans checked; null when
   * TypeScript would check the whole file anyway (the ranges cover it, or its full check is cached) — then the
   * caller asks getSemanticDiagnostics.
   */
  async getRegionSemanticDiagnostics(fileName: string, ranges: ts.TextRange[]): Promise<RegionDiagnostics | null> {
    if (isLibFile(fileName) || ranges.length === 0) return null;
    const region = (this.ls() as ts.LanguageService & RegionAware).getRegionSemanticDiagnostics?.(fileName, ranges);
    return region ? { diagnostics: plain(region.diagnostics), spans: region.spans } : null;
  }

  async getCompletionsAtPosition(fileName: string, position: number): Promise<ts.CompletionInfo | undefined> {
    return isLibFile(fileName) ? undefined : this.ls().getCompletionsAtPosition(fileName, position, undefined);
  }

  async getCompletionEntryDetails(
    fileName: string,
    position: number,
    entry: string,
  ): Promise<ts.CompletionEntryDetails | undefined> {
    return this.ls().getCompletionEntryDetails(fileName, position, entry, undefined, undefined, undefined, undefined);
  }

  async getSignatureHelpItems(
    fileName: string,
    position: number,
    options: ts.SignatureHelpItemsOptions | undefined,
  ): Promise<ts.SignatureHelpItems | undefined> {
    return isLibFile(fileName) ? undefined : this.ls().getSignatureHelpItems(fileName, position, options);
  }

  async getQuickInfoAtPosition(fileName: string, position: number): Promise<ts.QuickInfo | undefined> {
    return isLibFile(fileName) ? undefined : this.ls().getQuickInfoAtPosition(fileName, position);
  }

  async getDocumentHighlights(
    fileName: string,
    position: number,
    filesToSearch: string[],
  ): Promise<ts.DocumentHighlights[] | undefined> {
    return isLibFile(fileName) ? undefined : this.ls().getDocumentHighlights(fileName, position, filesToSearch);
  }

  async getDefinitionAtPosition(fileName: string, position: number): Promise<readonly ts.DefinitionInfo[] | undefined> {
    return isLibFile(fileName) ? undefined : this.ls().getDefinitionAtPosition(fileName, position);
  }

  async getReferencesAtPosition(fileName: string, position: number): Promise<ts.ReferenceEntry[] | undefined> {
    return isLibFile(fileName) ? undefined : this.wholeLs().getReferencesAtPosition(fileName, position);
  }

  async getNavigationTree(fileName: string): Promise<ts.NavigationTree | undefined> {
    return isLibFile(fileName) ? undefined : this.ls().getNavigationTree(fileName);
  }

  async getFormattingEditsForDocument(fileName: string, options: ts.FormatCodeSettings): Promise<ts.TextChange[]> {
    return isLibFile(fileName) ? [] : this.ls().getFormattingEditsForDocument(fileName, options);
  }

  async getFormattingEditsForRange(
    fileName: string,
    start: number,
    end: number,
    options: ts.FormatCodeSettings,
  ): Promise<ts.TextChange[]> {
    return isLibFile(fileName) ? [] : this.ls().getFormattingEditsForRange(fileName, start, end, options);
  }

  async getFormattingEditsAfterKeystroke(
    fileName: string,
    position: number,
    character: string,
    options: ts.FormatCodeSettings,
  ): Promise<ts.TextChange[]> {
    return isLibFile(fileName)
      ? []
      : this.ls().getFormattingEditsAfterKeystroke(fileName, position, character, options);
  }

  async findRenameLocations(
    fileName: string,
    position: number,
    findInStrings: boolean,
    findInComments: boolean,
    providePrefixAndSuffixTextForRename: boolean,
  ): Promise<readonly ts.RenameLocation[] | undefined> {
    if (isLibFile(fileName)) return undefined;
    return this.wholeLs().findRenameLocations(fileName, position, findInStrings, findInComments, {
      providePrefixAndSuffixTextForRename,
    });
  }

  async getRenameInfo(fileName: string, position: number, options: ts.UserPreferences): Promise<ts.RenameInfo> {
    if (isLibFile(fileName)) return { canRename: false, localizedErrorMessage: 'Cannot rename in lib file' };
    return this.ls().getRenameInfo(fileName, position, options);
  }

  async getEmitOutput(
    fileName: string,
    emitOnlyDtsFiles?: boolean,
    forceDtsEmit?: boolean,
  ): Promise<Omit<ts.EmitOutput, 'diagnostics'> & { diagnostics?: PlainDiagnostic[] }> {
    if (isLibFile(fileName)) return { outputFiles: [], emitSkipped: true };
    const output = this.ls().getEmitOutput(fileName, emitOnlyDtsFiles, forceDtsEmit);
    return { ...output, diagnostics: plain(output.diagnostics ?? []) };
  }

  async getCodeFixesAtPosition(
    fileName: string,
    start: number,
    end: number,
    errorCodes: number[],
    formatOptions: ts.FormatCodeSettings,
  ): Promise<readonly ts.CodeFixAction[]> {
    if (isLibFile(fileName)) return [];
    try {
      return this.ls().getCodeFixesAtPosition(fileName, start, end, errorCodes, formatOptions, {});
    } catch {
      return []; // a fix TypeScript cannot compute for this error (it throws on some)
    }
  }

  async provideInlayHints(fileName: string, start: number, end: number): Promise<ts.InlayHint[]> {
    if (isLibFile(fileName)) return [];
    try {
      return this.ls().provideInlayHints(fileName, { start, length: end - start }, this.inlayHintsOptions);
    } catch {
      return [];
    }
  }

  // ---- completions with auto-imports (providers.ts; Monaco's own ask with no preferences) -----------------------

  async getCompletionsWithAutoImports(
    fileName: string,
    offset: number,
    options: ts.GetCompletionsAtPositionOptions,
  ): Promise<ts.CompletionInfo | undefined> {
    const info = this.wholeLs().getCompletionsAtPosition(fileName, offset, {
      ...COMPLETION_PREFERENCES,
      triggerKind: options.triggerKind,
      triggerCharacter: options.triggerCharacter,
    });
    // only what the provider reads crosses to the page (no symbols, which do not survive structured clone)
    return info && { ...info, entries: info.entries.map(({ symbol: _symbol, ...entry }) => entry) };
  }

  async getCompletionDetailsWithAutoImports(
    fileName: string,
    offset: number,
    entry: EntryRef,
    formatOptions: ts.FormatCodeSettings,
  ): Promise<ts.CompletionEntryDetails | undefined> {
    return this.wholeLs().getCompletionEntryDetails(
      fileName,
      offset,
      entry.name,
      formatOptions,
      entry.source,
      COMPLETION_PREFERENCES,
      entry.data,
    );
  }
}
