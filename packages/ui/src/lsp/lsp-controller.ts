// The UI side of the language servers: for each Monaco model of a language a server serves (Python, Go, Rust,
// C/C++), starts that server once (lsp.start), keeps the engine's copy of the document in step (didOpen, incremental
// didChange, didClose), registers Monaco's providers while the server runs and turns what it reports into markers,
// also for files no tab shows (the Problems panel lists them). A missing server or an untrusted folder is a state
// the status item shows, with one hint, never a toast per file.
import {
  type Disposable,
  DisposableStore,
  ErrorCode,
  errorMessage,
  LSP_LANGUAGE_NAMES,
  type LspDiagnostic,
  type LspLanguage,
  PaError,
  toDisposable,
} from '@pa/shared';
import { monaco } from '../editor/monaco';
import type { WorkbenchApi } from '../workbench/contributions';
import { Observable } from '../workbench/observable';
import { registerProviders } from './providers';
import { languagesOfServer, serverForLanguage, toLspChange, toMarker } from './translate';

export type LspPhase = 'starting' | 'running' | 'restarting' | 'missing' | 'untrusted' | 'stopped' | 'failed';

export interface LspServerState {
  language: LspLanguage;
  phase: LspPhase;
  message: string;
  /** Commands that install a server (phase 'missing'). */
  install: string[];
}

export class LspController implements Disposable {
  /** Each language's server as this window knows it. */
  readonly servers = new Observable<ReadonlyMap<LspLanguage, LspServerState>>(new Map());
  /** The server language of the active tab's file, or null. */
  readonly active = new Observable<LspLanguage | null>(null);
  private readonly sessions = new Map<LspLanguage, Promise<LspSession | null>>();
  /** Models of server languages, by path, so a server started later (after trust) picks them up. */
  private readonly models = new Map<string, monaco.editor.ITextModel>();
  private readonly store = new DisposableStore();
  private readonly hinted = new Set<LspLanguage>();

  constructor(private readonly api: WorkbenchApi) {
    this.store.add(api.onDidOpenModel((path, model) => this.onModel(path, model)));
    this.store.add(api.onDidChangeActiveFile((path) => this.onActive(path)));
    this.store.add(api.onDidChangeWorkspace(() => this.reset()));
    this.store.add(toDisposable(() => this.reset()));
  }

  dispose(): void {
    this.store.dispose();
  }

  /** Asks the user to trust the folder (the workflow capability's trust store), then starts the server. */
  async trustAndStart(language: LspLanguage): Promise<void> {
    const choice = await this.api.confirm({
      title: 'Trust this folder?',
      message: `The ${LSP_LANGUAGE_NAMES[language]} language server runs the project's code and configuration. Trust the folder only if you trust its authors.`,
      buttons: [{ id: 'trust', label: 'Trust Folder', variant: 'primary' }],
    });
    if (choice !== 'trust') return;
    try {
      await this.api.client.call('workflow.trust.set', { trusted: true });
    } catch (error) {
      this.api.notify(`The folder could not be trusted: ${errorMessage(error)}`, 'error');
      return;
    }
    this.sessions.delete(language);
    for (const [path, model] of this.models) {
      if (serverForLanguage(model.getLanguageId()) === language) void this.track(language, path, model);
    }
  }

  /** A model opened before this controller existed (the feature loads it with the first such file). */
  adopt(path: string, model: monaco.editor.ITextModel): void {
    if (!this.models.has(path)) this.onModel(path, model);
  }

  /** The active tab's file at the time this controller was created. */
  followActive(path: string | null): void {
    this.onActive(path);
  }

  private onModel(path: string, model: monaco.editor.ITextModel): void {
    const language = serverForLanguage(model.getLanguageId());
    if (!language) return;
    this.models.set(path, model);
    model.onWillDispose(() => {
      if (this.models.get(path) === model) this.models.delete(path);
    });
    void this.track(language, path, model);
  }

  private onActive(path: string | null): void {
    const model = path ? this.api.model(path) : null;
    this.active.set(model ? serverForLanguage(model.getLanguageId()) : null);
  }

  private async track(language: LspLanguage, path: string, model: monaco.editor.ITextModel): Promise<void> {
    const session = await this.session(language);
    if (session && !model.isDisposed()) session.track(path, model);
  }

  private session(language: LspLanguage): Promise<LspSession | null> {
    let session = this.sessions.get(language);
    if (!session) {
      session = this.start(language);
      this.sessions.set(language, session);
    }
    return session;
  }

  private async start(language: LspLanguage): Promise<LspSession | null> {
    const name = LSP_LANGUAGE_NAMES[language];
    this.setState(language, 'starting', `Starting the ${name} language server…`);
    try {
      const started = await this.api.client.call('lsp.start', { language });
      if (started.state === 'missing') {
        this.setState(language, 'missing', started.message, started.install);
        if (!this.hinted.has(language)) {
          this.hinted.add(language);
          this.api.notify(`${started.message} For example: ${started.install[0] ?? ''}`, 'info');
        }
        return null;
      }
      const session = new LspSession(language, this.api, {
        onState: (phase, message) => this.setState(language, phase, message),
        onEnd: () => {
          if (this.sessions.get(language) === sessionPromise) this.sessions.delete(language);
        },
      });
      const sessionPromise = this.sessions.get(language);
      session.providers(started.features);
      this.setState(language, 'running', `${started.name} (${started.command}) is running.`);
      return session;
    } catch (error) {
      if (error instanceof PaError && error.code === ErrorCode.UNAUTHORIZED) {
        this.setState(language, 'untrusted', `Trust this folder to start the ${name} language server.`);
      } else {
        this.setState(language, 'failed', errorMessage(error));
      }
      return null;
    }
  }

  private setState(language: LspLanguage, phase: LspPhase, message: string, install: string[] = []): void {
    this.servers.update((servers) => new Map(servers).set(language, { language, phase, message, install }));
  }

  private reset(): void {
    for (const session of this.sessions.values()) void session.then((s) => s?.dispose());
    this.sessions.clear();
    this.servers.set(new Map());
  }
}

interface SessionEvents {
  onState(phase: LspPhase, message: string): void;
  onEnd(): void;
}

/** One running server as this window uses it: documents in sync, providers, markers, the messages it follows. */
class LspSession implements Disposable {
  private readonly store = new DisposableStore();
  private readonly abort = new AbortController();
  private readonly documents = new Map<string, DisposableStore>();
  /** Paths this session set markers on (cleared when it ends). */
  private readonly marked = new Set<string>();
  private readonly owner: string;

  constructor(
    private readonly language: LspLanguage,
    private readonly api: WorkbenchApi,
    private readonly events: SessionEvents,
  ) {
    this.owner = `lsp.${language}`;
    void this.follow();
  }

  providers(features: Parameters<typeof registerProviders>[2]): void {
    this.store.add(
      registerProviders(this.language, languagesOfServer(this.language), features, {
        client: this.api.client,
        openDocument: (path) => this.api.openDocument(path),
      }),
    );
    // go to definition into another file: the workbench opens it at the position
    this.store.add(
      monaco.editor.registerEditorOpener({
        openCodeEditor: (_source, resource, selection) => {
          if (resource.scheme !== 'file') return false;
          const at = selection
            ? 'startLineNumber' in selection
              ? { line: selection.startLineNumber, column: selection.startColumn }
              : { line: selection.lineNumber, column: selection.column }
            : undefined;
          void this.api.openFile(resource.path.replace(/^\//, ''), at);
          return true;
        },
      }),
    );
  }

  /** didOpen now, then each edit in order as an incremental didChange, and didClose when the model goes. */
  track(path: string, model: monaco.editor.ITextModel): void {
    if (this.documents.has(path)) return;
    const client = this.api.client;
    const language = this.language;
    const document = new DisposableStore();
    this.documents.set(path, document);
    let queue: Promise<unknown> = client.call('lsp.sync', {
      language,
      path,
      change: {
        type: 'open',
        languageId: model.getLanguageId(),
        version: model.getVersionId(),
        text: model.getValue(),
      },
    });
    const send = (change: Parameters<typeof client.call<'lsp.sync'>>[1]['change']) => {
      queue = queue.catch(() => undefined).then(() => client.call('lsp.sync', { language, path, change }));
      queue.catch(() => undefined); // a server restarting or gone: the engine re-sends its copy when it is back
    };
    document.add(
      model.onDidChangeContent((event) =>
        send({ type: 'change', version: event.versionId, changes: event.changes.map(toLspChange) }),
      ),
    );
    document.add(
      model.onWillDispose(() => {
        send({ type: 'close' });
        document.dispose();
        this.documents.delete(path);
      }),
    );
  }

  dispose(): void {
    this.abort.abort();
    for (const document of this.documents.values()) document.dispose();
    this.documents.clear();
    for (const path of this.marked) monaco.editor.setModelMarkers(markerTarget(path), this.owner, []);
    this.marked.clear();
    this.store.dispose();
  }

  private async follow(): Promise<void> {
    const name = LSP_LANGUAGE_NAMES[this.language];
    try {
      for await (const item of this.api.client.stream(
        'lsp.messages',
        { language: this.language },
        { signal: this.abort.signal },
      )) {
        if (item.type === 'diagnostics') this.mark(item.path, item.diagnostics);
        else if (item.type === 'state') {
          this.events.onState(item.state === 'running' ? 'running' : item.state, item.message);
          if (item.state === 'stopped') this.api.notify(item.message, 'warning');
        } else if (item.level === 'error') {
          this.api.notify(`${name} language server: ${item.message}`, 'error');
        }
      }
    } catch (error) {
      if (!this.abort.signal.aborted)
        this.events.onState('stopped', `The ${name} language server is gone: ${errorMessage(error)}`);
    }
    if (!this.abort.signal.aborted) {
      this.events.onEnd();
      this.dispose();
    }
  }

  private mark(path: string, diagnostics: LspDiagnostic[]): void {
    const source = `${LSP_LANGUAGE_NAMES[this.language]} language server`;
    monaco.editor.setModelMarkers(
      markerTarget(path),
      this.owner,
      diagnostics.map((d) => toMarker(d, source)),
    );
    if (diagnostics.length > 0) this.marked.add(path);
    else this.marked.delete(path);
  }
}

/**
 * What setModelMarkers needs of a model: its URI. Monaco's marker service is keyed by resource, so markers of a
 * file no tab shows are held, listed by getModelMarkers (the Problems panel) and drawn once a model for it opens.
 */
function markerTarget(path: string): monaco.editor.ITextModel {
  const uri = monaco.Uri.from({ scheme: 'file', path: `/${path}` });
  return monaco.editor.getModel(uri) ?? ({ uri } as monaco.editor.ITextModel);
}
