// TypeScript / JavaScript intelligence for the workbench: when the first TS/JS file opens, streams the file's project
// from the engine (`language.project`: compiler options, sources, typings), then loads Monaco's TypeScript service
// (typescript/service.ts) and gives it the options and every file before its worker's first request — Monaco
// restarts the worker whenever the options change, so they are set once, before it starts, and only again when they
// really change — then asks the diagnostics of the file, which builds the worker's program before the first hover.
// It keeps the project current — files changed on disk (files.changed) or saved from a tab are re-sent; open
// documents are read by the worker directly. A file outside every project loaded so far brings its own project in.
// When a folder opens, the engine reads its projects ahead (`language.prepare`). Definitions open the target file
// through the workbench.
import {
  type Disposable,
  DisposableStore,
  errorMessage,
  type LanguageConfig,
  type LanguageFile,
  toDisposable,
} from '@pa/shared';
import { splitBom } from '@pa/shared/text-file';
import type * as monacoApi from 'monaco-editor';
import { readWholeFile } from '../editor/file-transfer';
import { monaco } from '../editor/monaco';
import type { WorkbenchApi } from '../workbench/contributions';
import { Observable } from '../workbench/observable';
import { ProjectFeed } from './project-feed';
import { TypeScriptProviders } from './providers';
import {
  isServiceLanguage,
  loadTypeScriptService,
  prestartTypeScriptWorker,
  type ServiceLanguage,
  type TypeScriptApi,
} from './service';
import { sameJson, type WorkerCompilerOptions, workerCompilerOptions } from './worker-paths';

export interface TypeScriptState {
  phase: 'idle' | 'loading' | 'ready' | 'error';
  /** The tsconfig.json / jsconfig.json of the first project, null for defaults. */
  configPath: string | null;
  files: number;
  message: string | null;
}

/** Files the engine would never send (they are not TS/JS): a change to one is not the project's business. */
const PROJECT_FILE = /\.(?:[cm]?[jt]sx?|json)$/;
/** Changes on disk are gathered this long before the worker hears of them (a branch switch changes hundreds). */
const CHANGE_BATCH_MS = 100;
/** A document opened after the first gets its diagnostics once it stayed open this long. */
const OPENED_DIAGNOSTICS_DELAY_MS = 500;
/** A folder's projects are read ahead this long after it opened (the workbench's own start first). */
const PREPARE_DELAY_MS = 300;

export class TypeScriptController implements Disposable {
  readonly state = new Observable<TypeScriptState>({ phase: 'idle', configPath: null, files: 0, message: null });
  private readonly disposables = new DisposableStore();
  /** Everything of one workspace: dropped and rebuilt when another folder opens. */
  private session = new DisposableStore();
  private feed = new ProjectFeed();
  private ts: TypeScriptApi | null = null;
  private providers: TypeScriptProviders | null = null;
  private options: WorkerCompilerOptions | null = null;
  private baseOptions: LanguageConfig['compilerOptions'] | null = null;
  private readonly workspaceModules: Record<string, string> = {};
  private readonly projects = new Map<string, Promise<void>>();
  private readonly languages = new Set<ServiceLanguage>();
  /** Whether the worker was asked the first file's diagnostics (its warm start) in this workspace. */
  private warmed = false;
  private changed = new Map<string, 'created' | 'changed' | 'deleted'>();
  private changeTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly api: WorkbenchApi) {
    this.disposables.add(api.onDidOpenModel((path, model) => void this.opened(path, model)));
    this.disposables.add(
      api.onDidChangeWorkspace((workspace) => {
        this.reset();
        if (workspace) this.prepare();
      }),
    );
    if (api.workspace()) this.prepare();
    this.disposables.add(
      api.client.on('files.changed', ({ changes }) => {
        for (const change of changes) if (PROJECT_FILE.test(change.path)) this.changed.set(change.path, change.kind);
        this.changeTimer ??= setTimeout(() => void this.applyChanges(), CHANGE_BATCH_MS);
      }),
    );
    this.disposables.add(
      api.onDidSaveFile((path, content) => {
        if (this.feed.has(path) && this.feed.set(path, splitBom(content).text)) this.providers?.revalidateAll();
      }),
    );
  }

  /** The engine reads the folder's projects ahead, once the page has settled (the first file's request goes first). */
  private prepare(): void {
    const session = this.session;
    const start = () => {
      if (session !== this.session || this.projects.size > 0) return;
      this.api.client.call('language.prepare', {}).catch(() => {
        // only a head start: the file's own request reads whatever this did not
      });
    };
    // after the workbench's own start: a moment later, when the page is idle (or a second after that at most)
    let idle: number | null = null;
    const timer = setTimeout(() => {
      if (typeof requestIdleCallback === 'function') idle = requestIdleCallback(start, { timeout: 1_000 });
      else start();
    }, PREPARE_DELAY_MS);
    session.add(
      toDisposable(() => {
        clearTimeout(timer);
        if (idle !== null) cancelIdleCallback(idle);
      }),
    );
  }

  /** A document opened: TS/JS ones get the project, then the service and live diagnostics. */
  private async opened(path: string, model: monacoApi.editor.ITextModel): Promise<void> {
    const language = model.getLanguageId();
    if (!isServiceLanguage(language)) return;
    try {
      // the project before the service: its worker starts once, with the project's options and files in it
      if (!this.feed.has(path)) {
        // the worker's thread loads meanwhile: its module takes as long to load as the project to arrive
        prestartTypeScriptWorker();
        // a project on its way may bring this file too (tabs restored together): one request, not one per tab
        await Promise.allSettled(this.projects.values());
        if (!this.feed.has(path)) await this.loadProject(path, language);
      }
      await this.service(language);
      if (model.isDisposed()) return;
      // the first file warms the worker: a cheap request builds the program, then its diagnostics are asked — so a
      // hover asked while the program builds is answered before the file's full check, not after it. A later
      // file's diagnostics wait until it stayed open a moment: the worker answers one request at a time, and a file
      // F12 passed through (or a tab closed again at once) would hold up the next hover behind its full check
      if (!this.warmed) {
        this.warmed = true;
        await this.buildProgram(language, model);
        performance.mark('typescript:program-built');
        // its full check (seconds on a large project, not interruptible) once the user's first requests are answered
        if (!model.isDisposed()) this.providers?.track(model, { whenQuiet: true });
        // the program holds what this file imports; the rest of the project joins it in the same quiet moment
        this.providers?.loadWholeProjectWhenQuiet(model);
        return;
      }
      const timer = setTimeout(() => {
        if (!model.isDisposed()) this.providers?.track(model);
      }, OPENED_DIAGNOSTICS_DELAY_MS);
      const gone = model.onWillDispose(() => clearTimeout(timer));
      setTimeout(() => gone.dispose(), OPENED_DIAGNOSTICS_DELAY_MS);
    } catch (error) {
      this.state.set({ ...this.state.value, phase: 'error', message: errorMessage(error) });
    }
  }

  /** Has the worker build its program (a file's syntax errors need it, not the type checker's work). */
  private async buildProgram(language: ServiceLanguage, model: monacoApi.editor.ITextModel): Promise<void> {
    const ts = this.ts;
    if (!ts) return;
    try {
      const get = await (language === 'javascript' ? ts.getJavaScriptWorker() : ts.getTypeScriptWorker());
      const worker = await get(model.uri);
      if (!model.isDisposed()) await worker.getSyntacticDiagnostics(model.uri.toString());
    } catch {
      // a worker that failed to start: the diagnostics' own request reports nothing either way
    }
  }

  private async service(language: ServiceLanguage): Promise<TypeScriptApi> {
    const ts = await loadTypeScriptService(language);
    // nothing between here and the end may wait: the options and files must reach the defaults before any
    // provider's first request creates the worker
    if (!this.ts) {
      this.ts = ts;
      this.startSession(ts);
    }
    if (!this.languages.has(language)) {
      this.languages.add(language);
      const defaults = language === 'typescript' ? ts.typescriptDefaults : ts.javascriptDefaults;
      this.applyOptions(defaults, language);
      this.feed.addTarget(defaults);
    }
    return ts;
  }

  /** Sets the worker's options unless it already has exactly these (a change restarts Monaco's worker). */
  private applyOptions(defaults: monacoApi.languages.typescript.LanguageServiceDefaults, language: ServiceLanguage) {
    if (!this.options) return;
    const options = this.optionsFor(language);
    if (sameJson(defaults.getCompilerOptions(), options)) return;
    defaults.setCompilerOptions(options);
  }

  private startSession(ts: TypeScriptApi): void {
    const api = this.api;
    this.providers = this.session.add(
      new TypeScriptProviders(ts, {
        documentModel: (path) => api.model(path),
        openDocument: (path) => api.openDocument(path),
        projectText: (path) => this.feed.text(path),
        revealEdited: (paths, returnTo) => void this.revealEdited(paths, returnTo),
      }),
    );
    // go to definition into another file: the workbench opens it (a tab, its document) at the position
    this.session.add(
      monaco.editor.registerEditorOpener({
        openCodeEditor: (_source, resource, selectionOrPosition) => {
          if (resource.scheme !== 'file') return false;
          const path = resource.path.replace(/^\//, '');
          const at = selectionOrPosition
            ? 'startLineNumber' in selectionOrPosition
              ? { line: selectionOrPosition.startLineNumber, column: selectionOrPosition.startColumn }
              : { line: selectionOrPosition.lineNumber, column: selectionOrPosition.column }
            : undefined;
          void api.openFile(path, at);
          return true;
        },
      }),
    );
  }

  /** Streams the project of `path` from the engine into the worker. One request per file at a time. */
  private loadProject(path: string, language: ServiceLanguage): Promise<void> {
    const existing = this.projects.get(path);
    if (existing) return existing;
    const loading = this.streamProject(path, language);
    this.projects.set(path, loading);
    return loading;
  }

  private async streamProject(path: string, language: ServiceLanguage): Promise<void> {
    if (this.baseOptions === null) this.state.set({ ...this.state.value, phase: 'loading', message: null });
    performance.mark('typescript:project-requested');
    const stream = this.api.client.stream('language.project', { path });
    this.session.add(toDisposable(() => stream.cancel()));
    let config: LanguageConfig | null = null;
    const files: LanguageFile[] = [];
    for await (const item of stream) {
      if (item.kind === 'config') config = item;
      else files.push(...item.files);
    }
    const result = await stream.result;
    performance.mark('typescript:project-received');
    if (!config) return;
    this.adoptConfig(config, result.workspaceModules);
    // all at once: a running worker gets the project in one update instead of one per item
    for (const file of files) this.feed.set(file.path, file.text);
    // ready means served: the first project's service starts now, with these options and files
    await this.service(language);
    performance.mark('typescript:service-ready');
    this.providers?.revalidateAll();
    this.state.set({
      phase: 'ready',
      configPath: this.state.value.configPath ?? result.configPath,
      files: this.feed.size,
      message: result.configErrors[0] ?? null,
    });
  }

  /** The first project's options rule; later projects add their workspace packages' mappings. */
  private adoptConfig(config: LanguageConfig, workspaceModules: Record<string, string>): void {
    const first = this.baseOptions === null;
    const added = Object.entries(workspaceModules).filter(([name]) => !(name in this.workspaceModules));
    if (!first && added.length === 0) return;
    this.baseOptions ??= config.compilerOptions;
    Object.assign(this.workspaceModules, Object.fromEntries(added));
    this.options = workerCompilerOptions({
      compilerOptions: this.baseOptions,
      workspaceModules: this.workspaceModules,
    });
    const ts = this.ts;
    if (!ts) return;
    for (const language of this.languages) {
      this.applyOptions(language === 'typescript' ? ts.typescriptDefaults : ts.javascriptDefaults, language);
    }
  }

  /** JSON of TypeScript's own parser, the shape Monaco's options take (its type just spells the values out). */
  private optionsFor(language: ServiceLanguage): monacoApi.languages.typescript.CompilerOptions {
    const options: WorkerCompilerOptions = this.options ?? {};
    return (
      language === 'javascript' ? { ...options, allowJs: true } : options
    ) as monacoApi.languages.typescript.CompilerOptions;
  }

  private async applyChanges(): Promise<void> {
    this.changeTimer = null;
    const changes = this.changed;
    this.changed = new Map();
    if (!this.ts) return;
    let any = false;
    for (const [path, kind] of changes) {
      if (kind === 'deleted') {
        any = this.feed.delete(path) || any;
        continue;
      }
      // a new file joins when it is a source outside node_modules; a changed one only when the project has it
      if (!this.feed.has(path) && (kind !== 'created' || path.split('/').includes('node_modules'))) continue;
      try {
        const file = await readWholeFile(this.api.client, path);
        if (!file.binary) any = this.feed.set(path, splitBom(file.content).text) || any;
      } catch {
        any = this.feed.delete(path) || any; // gone again, or unreadable: the worker stops seeing it
      }
    }
    if (any) {
      this.state.set({ ...this.state.value, files: this.feed.size });
      this.providers?.revalidateAll();
    }
  }

  /** Rename changed files that had no tab: each gets one, then the file being edited is active again. */
  private async revealEdited(paths: string[], returnTo: { path: string; line: number; column: number }): Promise<void> {
    // the edit is applied once the provider has answered; the tabs open after it
    await new Promise((resolve) => setTimeout(resolve, 0));
    for (const path of paths) await this.api.openFile(path);
    await this.api.openFile(returnTo.path, { line: returnTo.line, column: returnTo.column });
  }

  private reset(): void {
    this.session.dispose();
    this.session = new DisposableStore();
    this.feed.dispose();
    this.feed = new ProjectFeed();
    this.projects.clear();
    this.options = null;
    this.baseOptions = null;
    for (const key of Object.keys(this.workspaceModules)) delete this.workspaceModules[key];
    this.languages.clear();
    this.warmed = false;
    this.providers = null;
    if (this.ts) this.startSession(this.ts);
    this.state.set({ phase: 'idle', configPath: null, files: 0, message: null });
  }

  dispose(): void {
    if (this.changeTimer) clearTimeout(this.changeTimer);
    this.disposables.dispose();
    this.session.dispose();
    this.feed.dispose();
  }
}
