// The project-aware language features, on the worker's own answers: diagnostics of the workbench's open documents
// (not of every model Monaco holds: a peeked file's preview has none), go to / peek definition and find references
// into files that are not open (a preview model is made from the project's text, replaced by the document once the
// file opens), rename across files applied as one edit to the workbench's documents, so each changed file is an
// open, dirty document the user sees and saves, and completions with auto-imports (auto-import.ts): the import an
// accepted item brings is an edit of the same document, in the same undo step, never of another file.
import type { Disposable } from '@pa/shared';
import type * as monacoApi from 'monaco-editor';
import { languageForPath } from '../editor/language';
import { monaco } from '../editor/monaco';
import {
  type AutoImportWorkerApi,
  completionOptions,
  type EntryRef,
  formatSettings,
  leftTheWord,
  resolvedParts,
  TRIGGER_CHARACTERS,
  toItemParts,
} from './auto-import';
import { outermostDefinitions } from './definitions';
import type { ProjectWorker } from './project-worker';
import { QuietGate } from './quiet-gate';
import type { TypeScriptApi } from './service';
import { workspacePathOf } from './worker-paths';

type Model = monacoApi.editor.ITextModel;
type Worker = monacoApi.languages.typescript.TypeScriptWorker &
  AutoImportWorkerApi &
  Pick<ProjectWorker, 'getRegionSemanticDiagnostics' | 'loadWholeProject'>;
type CompletionItem = monacoApi.languages.CompletionItem;

/** Where an item was asked for, so resolving it asks TypeScript about the same entry. */
interface CompletionOrigin {
  model: Model;
  offset: number;
  ref: EntryRef;
}

/** What the providers need of the workbench and the project. */
export interface ProviderHost {
  /** The workbench's document of a workspace file, or null when it is not open. */
  documentModel(path: string): Model | null;
  /** Opens a file as a document without showing it (its model then holds the disk text). */
  openDocument(path: string): Promise<Model | null>;
  /** The project's text of a file (what the worker reads when it is not open), or null. */
  projectText(path: string): string | null;
  /** Rename changed these files that had no tab: show them, dirty, without leaving the file being edited. */
  revealEdited(paths: string[], returnTo: { path: string; line: number; column: number }): void;
}

/** Milliseconds after the last keystroke before a document's diagnostics are recomputed. */
export const DIAGNOSTICS_DELAY_MS = 200;
/**
 * Files this long get the statements on screen checked before the whole file: below it the whole check is about as
 * quick, and the region's would only add a request.
 */
const REGION_MIN_LINES = 300;
/** Preview models kept for peek and references; the oldest not shown in an editor goes first. */
const MAX_PREVIEWS = 60;
const OWNER = 'typescript';

interface TsDiagnostic {
  start?: number;
  length?: number;
  messageText: string | { messageText: string; next?: TsDiagnostic['messageText'][] };
  category: number;
  code: number;
  reportsUnnecessary?: unknown;
  reportsDeprecated?: unknown;
}
interface TsSpanEntry {
  fileName: string;
  textSpan: { start: number; length: number };
}
interface TsRenameLocation extends TsSpanEntry {
  prefixText?: string;
  suffixText?: string;
}

export function flattenMessage(message: TsDiagnostic['messageText'], indent = 0): string {
  if (typeof message === 'string') return message;
  const own = `${'  '.repeat(indent)}${message.messageText}`;
  const rest = (message.next ?? []).map((next) => flattenMessage(next, indent + 1));
  return [own, ...rest].join('\n');
}

export class TypeScriptProviders implements Disposable {
  private readonly disposables: Disposable[] = [];
  private readonly previews = new Set<Model>();
  /** A document's next check, waiting (a timer, or the quiet gate); disposing cancels it. */
  private readonly pending = new Map<Model, Disposable>();
  /** The user's requests to the worker, so a long check nobody waits for starts between them, not before one. */
  private readonly quiet = new QuietGate();
  private readonly tracked = new Map<Model, Disposable>();
  /** Each tracked document's semantic markers as last known (kept outside a region check's spans). */
  private readonly semantic = new WeakMap<Model, monacoApi.editor.IMarkerData[]>();
  private readonly origins = new WeakMap<CompletionItem, CompletionOrigin>();

  constructor(
    private readonly ts: TypeScriptApi,
    private readonly host: ProviderHost,
  ) {
    for (const language of ['typescript', 'javascript']) {
      this.disposables.push(
        // Monaco's own hover provider answers; this one only notes that the user is asking (its result adds nothing)
        monaco.languages.registerHoverProvider(language, {
          provideHover: () => {
            this.quiet.note();
            return null;
          },
        }),
        monaco.languages.registerDefinitionProvider(language, {
          provideDefinition: (model, position) =>
            this.spans(model, position, async (w, f, o) =>
              outermostDefinitions((await w.getDefinitionAtPosition(f, o)) ?? []),
            ),
        }),
        monaco.languages.registerReferenceProvider(language, {
          provideReferences: (model, position) =>
            this.spans(model, position, (w, f, o) => w.getReferencesAtPosition(f, o)),
        }),
        monaco.languages.registerRenameProvider(language, {
          provideRenameEdits: (model, position, newName) => this.rename(model, position, newName),
          resolveRenameLocation: (model, position) => this.renameLocation(model, position),
        }),
        monaco.languages.registerCompletionItemProvider(language, {
          triggerCharacters: TRIGGER_CHARACTERS,
          provideCompletionItems: (model, position, context) => this.completions(model, position, context),
          resolveCompletionItem: (item) => this.resolveCompletion(item),
        }),
      );
    }
  }

  // ---- diagnostics ---------------------------------------------------------------------------------------------

  /**
   * Keeps a document's markers current: now, and DIAGNOSTICS_DELAY_MS after each edit. `whenQuiet`: the first check
   * waits until the user has stopped asking the worker things (the first file's check, seconds long, would hold up
   * every hover of the burst that comes once the file opens); an edit before then checks at its usual delay.
   */
  track(model: Model, options: { whenQuiet?: boolean } = {}): void {
    if (this.tracked.has(model)) return;
    const change = model.onDidChangeContent(() => this.schedule(model, DIAGNOSTICS_DELAY_MS));
    const gone = model.onWillDispose(() => this.untrack(model));
    this.tracked.set(model, {
      dispose: () => {
        change.dispose();
        gone.dispose();
      },
    });
    if (options.whenQuiet) this.scheduleQuiet(model);
    else this.schedule(model, 0);
  }

  /**
   * The worker's program grows from what the open files import to the whole project (project-worker.ts) once the user
   * has paused: building it takes seconds on a large project, and the worker answers nothing else meanwhile.
   */
  loadWholeProjectWhenQuiet(model: Model): void {
    const language = model.getLanguageId();
    const waiting = this.quiet.whenQuiet(() => {
      // through another open document of the language when this one has closed meanwhile
      const through = !model.isDisposed()
        ? model
        : [...this.tracked.keys()].find((other) => !other.isDisposed() && other.getLanguageId() === language);
      if (!through) return;
      void this.worker(through)
        .then((worker) => worker?.loadWholeProject())
        .catch(() => {
          // a worker that failed to start: the next request reports nothing either way
        });
    });
    this.disposables.push(waiting);
  }

  /** The project changed (files on disk, a project loaded): every document is checked again. */
  revalidateAll(): void {
    for (const model of this.tracked.keys()) this.schedule(model, 0);
  }

  private untrack(model: Model): void {
    this.tracked.get(model)?.dispose();
    this.tracked.delete(model);
    this.pending.get(model)?.dispose();
    this.pending.delete(model);
    this.semantic.delete(model);
    if (!model.isDisposed()) monaco.editor.setModelMarkers(model, OWNER, []);
  }

  private schedule(model: Model, delay: number): void {
    this.pending.get(model)?.dispose();
    const timer = setTimeout(() => {
      this.pending.delete(model);
      void this.validate(model);
    }, delay);
    this.pending.set(model, { dispose: () => clearTimeout(timer) });
  }

  private scheduleQuiet(model: Model): void {
    this.pending.get(model)?.dispose();
    this.pending.set(
      model,
      this.quiet.whenQuiet(() => {
        this.pending.delete(model);
        void this.validate(model);
      }),
    );
  }

  /** `whole`: the whole file's check only (the one a region check put off). */
  private async validate(model: Model, whole = false): Promise<void> {
    const worker = await this.worker(model);
    if (!worker || model.isDisposed()) return;
    const fileName = model.uri.toString();
    const version = model.getVersionId();
    // an edit since the request: its own validation is on the way
    const current = () => !model.isDisposed() && model.getVersionId() === version && this.tracked.has(model);
    const syntactic = (await worker.getSyntacticDiagnostics(fileName).catch(() => null)) as TsDiagnostic[] | null;
    if (!syntactic || !current()) return;
    const syntax = syntactic.map((diagnostic) => toMarker(model, diagnostic));
    // a long file: the statements on screen first (TypeScript checks just those, milliseconds), with the rest of the
    // last check's markers kept; the whole file's check (seconds in a large one) waits until the user has paused:
    // the worker answers nothing else meanwhile and cannot be interrupted, so the next keystroke's region check (and
    // any hover) would wait behind it
    const ranges = !whole && model.getLineCount() >= REGION_MIN_LINES ? visibleOffsets(model) : [];
    if (ranges.length > 0) {
      const region = await worker.getRegionSemanticDiagnostics(fileName, ranges).catch(() => null);
      if (!current()) return;
      if (region) {
        const checked = region.spans.map((span) => spanRange(model, span));
        const kept = (this.semantic.get(model) ?? []).filter(
          (marker) => !checked.some((range) => monaco.Range.areIntersectingOrTouching(range, marker)),
        );
        const found = (region.diagnostics as TsDiagnostic[]).map((diagnostic) => toMarker(model, diagnostic));
        // what is known now: the next region check keeps these outside its own spans (an edit elsewhere before the
        // whole check must not drop an error this one found)
        this.semantic.set(model, [...kept, ...found]);
        monaco.editor.setModelMarkers(model, OWNER, [...syntax, ...kept, ...found]);
        this.pending.get(model)?.dispose();
        this.pending.set(
          model,
          this.quiet.whenQuiet(() => {
            this.pending.delete(model);
            void this.validate(model, true);
          }),
        );
        return;
      }
    }
    // suggestion diagnostics (hints) are left out: the Problems tab would list every one of them
    const semantic = (await worker.getSemanticDiagnostics(fileName).catch(() => null)) as TsDiagnostic[] | null;
    if (!semantic || !current()) return;
    const markers = semantic.map((diagnostic) => toMarker(model, diagnostic));
    this.semantic.set(model, markers);
    monaco.editor.setModelMarkers(model, OWNER, [...syntax, ...markers]);
  }

  // ---- definitions and references ------------------------------------------------------------------------------

  private async spans(
    model: Model,
    position: monacoApi.Position,
    ask: (worker: Worker, fileName: string, offset: number) => Promise<readonly TsSpanEntry[] | undefined>,
  ): Promise<monacoApi.languages.Location[]> {
    this.quiet.note();
    const worker = await this.worker(model);
    if (!worker || model.isDisposed()) return [];
    const entries = (await ask(worker, model.uri.toString(), model.getOffsetAt(position))) ?? [];
    const locations: monacoApi.languages.Location[] = [];
    for (const entry of entries) {
      const target = this.modelFor(entry.fileName);
      if (target) locations.push({ uri: target.uri, range: spanRange(target, entry.textSpan) });
    }
    return locations;
  }

  /** The document of a file when it is open, else a preview model of its project text (peek, references). */
  private modelFor(fileName: string): Model | null {
    const path = workspacePathOf(fileName);
    if (path === null) return null; // TypeScript's own lib.*.d.ts: nothing in the workspace to open
    const open = this.host.documentModel(path);
    if (open) return open;
    const uri = monaco.Uri.from({ scheme: 'file', path: `/${path}` });
    const existing = monaco.editor.getModel(uri);
    if (existing) return existing;
    const text = this.host.projectText(path);
    if (text === null) return null;
    const model = monaco.editor.createModel(text, languageForPath(path, monaco.languages.getLanguages()), uri);
    this.previews.add(model);
    model.onWillDispose(() => this.previews.delete(model));
    this.trimPreviews();
    return model;
  }

  private trimPreviews(): void {
    for (const model of this.previews) {
      if (this.previews.size <= MAX_PREVIEWS) return;
      if (!model.isAttachedToEditor()) model.dispose();
    }
  }

  // ---- rename --------------------------------------------------------------------------------------------------

  private async renameLocation(
    model: Model,
    position: monacoApi.Position,
  ): Promise<monacoApi.languages.RenameLocation & monacoApi.languages.Rejection> {
    this.quiet.note();
    const worker = await this.worker(model);
    if (!worker) return { range: emptyRange(position), text: '', rejectReason: 'The TypeScript service is not ready.' };
    const info = await worker.getRenameInfo(model.uri.toString(), model.getOffsetAt(position), {
      allowRenameOfImportPath: false,
    });
    if (!info.canRename) return { range: emptyRange(position), text: '', rejectReason: info.localizedErrorMessage };
    return {
      range: spanRange(model, info.triggerSpan),
      text: model.getValueInRange(spanRange(model, info.triggerSpan)),
    };
  }

  private async rename(
    model: Model,
    position: monacoApi.Position,
    newName: string,
  ): Promise<monacoApi.languages.WorkspaceEdit & monacoApi.languages.Rejection> {
    const fileName = model.uri.toString();
    const offset = model.getOffsetAt(position);
    const locate = async () => {
      const worker = await this.worker(model);
      if (!worker) return null;
      return ((await worker.findRenameLocations(fileName, offset, false, false, false)) ?? []) as TsRenameLocation[];
    };
    let locations = await locate();
    if (!locations) return { edits: [], rejectReason: 'The TypeScript service is not ready.' };
    const paths = [...new Set(locations.map((location) => workspacePathOf(location.fileName)))];
    if (paths.includes(null))
      return { edits: [], rejectReason: "A symbol of TypeScript's own libraries cannot be renamed." };
    // files without a document are opened first (disk text, conflict-checked save), then the worker is asked again:
    // its offsets must be into the text the edit will change
    const opened: string[] = [];
    for (const path of paths as string[]) {
      if (this.host.documentModel(path)) continue;
      if (!(await this.host.openDocument(path))) return { edits: [], rejectReason: `"${path}" could not be opened.` };
      opened.push(path);
    }
    if (opened.length > 0) locations = (await locate()) ?? [];
    const edits: monacoApi.languages.IWorkspaceTextEdit[] = [];
    for (const location of locations) {
      const path = workspacePathOf(location.fileName) as string;
      const target = this.host.documentModel(path);
      if (!target) return { edits: [], rejectReason: `"${path}" is not open.` };
      edits.push({
        resource: target.uri,
        versionId: target.getVersionId(),
        textEdit: {
          range: spanRange(target, location.textSpan),
          text: `${location.prefixText ?? ''}${newName}${location.suffixText ?? ''}`,
        },
      });
    }
    if (opened.length > 0) {
      const here = workspacePathOf(fileName);
      if (here) this.host.revealEdited(opened, { path: here, line: position.lineNumber, column: position.column });
    }
    return { edits };
  }

  // ---- completions ---------------------------------------------------------------------------------------------

  private async completions(
    model: Model,
    position: monacoApi.Position,
    context: monacoApi.languages.CompletionContext,
  ): Promise<monacoApi.languages.CompletionList | undefined> {
    this.quiet.note();
    // the text as asked, before any wait (the first call waits for the worker to start)
    const lineBefore = model.getLineContent(position.lineNumber);
    const offset = model.getOffsetAt(position);
    const worker = await this.worker(model);
    if (!worker || model.isDisposed()) return undefined;
    const info = await worker
      .getCompletionsWithAutoImports(
        model.uri.toString(),
        offset,
        completionOptions(context.triggerKind, context.triggerCharacter),
      )
      .catch(() => undefined);
    if (!info || model.isDisposed()) return undefined;
    // typed on into another word meanwhile: nothing, so Monaco asks again there (see leftTheWord)
    const lineNow = position.lineNumber <= model.getLineCount() ? model.getLineContent(position.lineNumber) : '';
    if (leftTheWord(lineBefore, lineNow, position.column)) return { suggestions: [] };
    const word = model.getWordUntilPosition(position);
    const wordRange = {
      startLineNumber: position.lineNumber,
      startColumn: word.startColumn,
      endLineNumber: position.lineNumber,
      endColumn: word.endColumn,
    };
    const positionAt = (at: number) => model.getPositionAt(at);
    const suggestions = info.entries.map((entry) => {
      const parts = toItemParts(entry, position, wordRange, positionAt, workspacePathOf);
      const item: CompletionItem = {
        label: parts.label,
        kind: monaco.languages.CompletionItemKind[parts.kind],
        insertText: parts.insertText,
        sortText: parts.sortText,
        range: parts.range,
      };
      if (parts.snippet) item.insertTextRules = monaco.languages.CompletionItemInsertTextRule.InsertAsSnippet;
      if (parts.filterText !== undefined) item.filterText = parts.filterText;
      if (parts.detail !== undefined) item.detail = parts.detail;
      if (parts.preselect) item.preselect = true;
      if (parts.deprecated) item.tags = [monaco.languages.CompletionItemTag.Deprecated];
      this.origins.set(item, { model, offset, ref: parts.ref });
      return item;
    });
    return { suggestions, incomplete: info.isIncomplete === true };
  }

  /** The signature, docs and the import an item brings, asked for when it is focused or accepted. */
  private async resolveCompletion(item: CompletionItem): Promise<CompletionItem> {
    this.quiet.note();
    const origin = this.origins.get(item);
    if (!origin || origin.model.isDisposed()) return item;
    const { model, offset, ref } = origin;
    const worker = await this.worker(model);
    if (!worker || model.isDisposed()) return item;
    const fileName = model.uri.toString();
    const details = await worker
      .getCompletionDetailsWithAutoImports(fileName, offset, ref, formatSettings(model.getOptions()))
      .catch(() => undefined);
    if (!details || model.isDisposed()) return item;
    const resolved = resolvedParts(details, fileName, (at) => model.getPositionAt(at));
    const result: CompletionItem = { ...item, detail: resolved.detail };
    if (resolved.documentation) result.documentation = { value: resolved.documentation };
    if (resolved.additionalTextEdits.length > 0) result.additionalTextEdits = resolved.additionalTextEdits;
    return result;
  }

  // ---- the worker ----------------------------------------------------------------------------------------------

  private async worker(model: Model): Promise<Worker | null> {
    if (model.isDisposed()) return null;
    const javascript = model.getLanguageId() === 'javascript';
    try {
      const get = await (javascript ? this.ts.getJavaScriptWorker() : this.ts.getTypeScriptWorker());
      // the worker service.ts starts is ts-worker.ts's, which has the auto-import methods
      return (await get(model.uri)) as Worker;
    } catch {
      return null; // the language's mode is not set up (no file of it opened yet)
    }
  }

  dispose(): void {
    this.quiet.dispose();
    for (const disposable of this.disposables) disposable.dispose();
    for (const model of [...this.tracked.keys()]) this.untrack(model);
    for (const model of [...this.previews]) model.dispose();
  }
}

function spanRange(model: Model, span: { start: number; length: number }): monacoApi.IRange {
  const start = model.getPositionAt(span.start);
  const end = model.getPositionAt(span.start + span.length);
  return {
    startLineNumber: start.lineNumber,
    startColumn: start.column,
    endLineNumber: end.lineNumber,
    endColumn: end.column,
  };
}

/** The document's lines on screen in every editor showing it, as offsets (what region diagnostics take). */
function visibleOffsets(model: Model): Array<{ pos: number; end: number }> {
  const ranges: Array<{ pos: number; end: number }> = [];
  for (const editor of monaco.editor.getEditors()) {
    if (editor.getModel() !== model) continue;
    for (const range of editor.getVisibleRanges()) {
      ranges.push({
        pos: model.getOffsetAt({ lineNumber: range.startLineNumber, column: 1 }),
        end: model.getOffsetAt({
          lineNumber: range.endLineNumber,
          column: model.getLineMaxColumn(range.endLineNumber),
        }),
      });
    }
  }
  return ranges;
}

function emptyRange(position: monacoApi.Position): monacoApi.IRange {
  return {
    startLineNumber: position.lineNumber,
    startColumn: position.column,
    endLineNumber: position.lineNumber,
    endColumn: position.column,
  };
}

/** TypeScript's categories: 0 warning, 1 error, 2 suggestion, 3 message. */
function toMarker(model: Model, diagnostic: TsDiagnostic): monacoApi.editor.IMarkerData {
  const range = spanRange(model, { start: diagnostic.start ?? 0, length: diagnostic.length || 1 });
  const severity =
    diagnostic.category === 1
      ? monaco.MarkerSeverity.Error
      : diagnostic.category === 0
        ? monaco.MarkerSeverity.Warning
        : diagnostic.category === 2
          ? monaco.MarkerSeverity.Hint
          : monaco.MarkerSeverity.Info;
  const tags: monacoApi.MarkerTag[] = [];
  if (diagnostic.reportsUnnecessary) tags.push(monaco.MarkerTag.Unnecessary);
  if (diagnostic.reportsDeprecated) tags.push(monaco.MarkerTag.Deprecated);
  return {
    ...range,
    severity,
    message: flattenMessage(diagnostic.messageText),
    code: String(diagnostic.code),
    source: 'ts',
    tags,
  };
}
