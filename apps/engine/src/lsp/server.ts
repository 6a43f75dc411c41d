// One language server for one workspace: the process (its own session, so it and whatever it starts can be ended
// together, and held by the watchdog so it dies with the engine however the engine ends), the JSON-RPC connection,
// the engine's copy of every open document (re-sent to a restarted server), the diagnostics it holds, and the
// readers following it. A crash restarts it a bounded number of times; readers are told either way.
import { type ChildProcess, spawn } from 'node:child_process';
import {
  ErrorCode,
  LSP_LANGUAGE_NAMES,
  type LspDiagnostic,
  type LspDocumentChange,
  type LspFeatures,
  type LspMessage,
  PaError,
} from '@pa/shared';
import type { MessageConnection } from 'vscode-jsonrpc/node';
import jsonrpc from 'vscode-jsonrpc/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { Channel } from '../rpc/channel.js';
import type { SessionWatchdog } from '../terminal/api.js';
import { FrameGuard } from './frame-guard.js';
import type { FoundServer, ServerSpec } from './servers.js';
import { diagnosticsOf, logOf, Paths } from './translate.js';

export interface ServerLimits {
  /** How long initialize may take. */
  startTimeoutMs: number;
  /** How long any other request may take before it is cancelled and answered E_TIMEOUT. */
  requestTimeoutMs: number;
  /** Restarts allowed within `crashWindowMs`; one more crash stops the server for good. */
  maxRestarts: number;
  crashWindowMs: number;
}

export const DEFAULT_LIMITS: ServerLimits = {
  startTimeoutMs: 30_000,
  // a server's first answer waits for its first analysis (pyright: typeshed's builtins), seconds on a busy machine
  requestTimeoutMs: 30_000,
  maxRestarts: 3,
  crashWindowMs: 3 * 60_000,
};

/** Documents one server mirrors at once. */
export const MAX_OPEN_DOCUMENTS = 500;
/** Files whose diagnostics one server holds (a server reporting for more has the rest dropped). */
export const MAX_DIAGNOSED_FILES = 20_000;

export interface ServerOptions {
  root: string;
  spec: ServerSpec;
  found: FoundServer;
  watchdog: SessionWatchdog;
  limits: ServerLimits;
  env: NodeJS.ProcessEnv;
  clock: () => number;
  log: (line: Record<string, unknown>) => void;
}

type Reader = Channel<LspMessage, { reason: string }>;

interface Running {
  child: ChildProcess;
  connection: MessageConnection;
  ready: Promise<LspFeatures>;
}

export class LanguageServer {
  private running: Running | null = null;
  private readonly documents = new Map<string, TextDocument>();
  private readonly diagnostics = new Map<string, LspDiagnostic[]>();
  private readonly readers = new Set<Reader>();
  private readonly crashes: number[] = [];
  private stopped: string | null = null;
  private restartTimer: NodeJS.Timeout | null = null;
  readonly paths: Paths;
  private readonly label: string;

  constructor(private readonly options: ServerOptions) {
    this.paths = new Paths(options.root);
    this.label = `the ${LSP_LANGUAGE_NAMES[options.spec.language]} language server (${options.found.command})`;
  }

  get command(): string {
    return this.options.found.command;
  }

  get isStopped(): boolean {
    return this.stopped !== null;
  }

  /** Resolves with what the server offers once it answered initialize; starts it when it is not running. */
  start(): Promise<LspFeatures> {
    if (this.stopped) return Promise.reject(new PaError(ErrorCode.UNAVAILABLE, this.stopped));
    if (!this.running) this.running = this.launch();
    return this.running.ready;
  }

  /** The diagnostics it holds now, by workspace-relative path (the agent's diagnostics tool reads them). */
  heldDiagnostics(): ReadonlyMap<string, readonly LspDiagnostic[]> {
    return this.diagnostics;
  }

  /** Follows the server: the diagnostics held now, then everything it reports. */
  follow(signal: AbortSignal): Reader {
    const reader: Reader = new Channel<LspMessage, { reason: string }>({ merge: mergeMessage });
    for (const [path, diagnostics] of this.diagnostics) reader.push({ type: 'diagnostics', path, diagnostics });
    if (this.stopped) {
      reader.push({ type: 'state', state: 'stopped', message: this.stopped });
      reader.end({ reason: this.stopped });
      return reader;
    }
    this.readers.add(reader);
    signal.addEventListener('abort', () => {
      this.readers.delete(reader);
      reader.end({ reason: 'The reader left.' });
    });
    return reader;
  }

  async request(method: string, params: unknown, signal?: AbortSignal): Promise<unknown> {
    await this.start();
    const running = this.running;
    if (!running) throw new PaError(ErrorCode.UNAVAILABLE, `${capitalise(this.label)} is not running.`);
    const source = new jsonrpc.CancellationTokenSource();
    let timer: NodeJS.Timeout | undefined;
    const onAbort = () => source.cancel();
    signal?.addEventListener('abort', onAbort);
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        source.cancel();
        reject(
          new PaError(
            ErrorCode.TIMEOUT,
            `${capitalise(this.label)} did not answer ${method} in ${this.options.limits.requestTimeoutMs / 1000} s.`,
          ),
        );
      }, this.options.limits.requestTimeoutMs);
    });
    try {
      return await Promise.race([running.connection.sendRequest(method, params, source.token), timeout]);
    } catch (error) {
      if (error instanceof PaError) throw error;
      if (signal?.aborted) throw new PaError(ErrorCode.CANCELLED, 'The request was cancelled.');
      throw new PaError(ErrorCode.UNAVAILABLE, `${capitalise(this.label)} failed ${method}: ${messageOf(error)}`);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      source.dispose();
    }
  }

  /** didOpen / didChange / didClose: kept in the engine's copy, passed on when the server is up. */
  sync(path: string, change: LspDocumentChange): void {
    const uri = this.paths.uri(path);
    const connection = this.running?.connection;
    if (change.type === 'open') {
      if (!this.documents.has(uri) && this.documents.size >= MAX_OPEN_DOCUMENTS) {
        throw new PaError(
          ErrorCode.TOO_LARGE,
          `${MAX_OPEN_DOCUMENTS} documents are open in ${this.label}; close one first.`,
        );
      }
      const document = TextDocument.create(uri, change.languageId, change.version, change.text);
      this.documents.set(uri, document);
      connection?.sendNotification('textDocument/didOpen', { textDocument: itemOf(document) });
    } else if (change.type === 'change') {
      const document = this.documents.get(uri);
      if (!document) throw new PaError(ErrorCode.NOT_FOUND, `"${path}" is not open in ${this.label}.`);
      const changes = change.changes.map((piece) =>
        piece.range ? { range: piece.range, text: piece.text } : { text: piece.text },
      );
      TextDocument.update(document, changes, change.version);
      connection?.sendNotification('textDocument/didChange', {
        textDocument: { uri, version: change.version },
        contentChanges: changes,
      });
    } else {
      if (!this.documents.delete(uri)) return;
      connection?.sendNotification('textDocument/didClose', { textDocument: { uri } });
    }
  }

  dispose(reason = 'The language server was stopped.'): void {
    this.stopped ??= reason;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const running = this.running;
    this.running = null;
    if (running) this.kill(running);
    for (const reader of this.readers) reader.end({ reason });
    this.readers.clear();
  }

  private launch(): Running {
    const { found, root, env, watchdog } = this.options;
    const child = spawn(found.path, found.args, {
      cwd: root,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
      // its own session and group: the server and its helpers are ended together (and by the watchdog)
      detached: true,
    });
    if (child.pid !== undefined) watchdog.watch(child.pid);
    const guard = new FrameGuard();
    child.stdout?.pipe(guard);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-4_000);
    });
    const connection = jsonrpc.createMessageConnection(
      new jsonrpc.StreamMessageReader(guard),
      new jsonrpc.StreamMessageWriter(child.stdin as NodeJS.WritableStream),
    );
    const running: Running = { child, connection, ready: Promise.resolve(EMPTY_FEATURES) };
    const fail = (why: string) => {
      if (this.running !== running) return;
      this.options.log({
        level: 'warn',
        msg: 'language server failed',
        server: found.command,
        why,
        stderr: stderr.slice(-1_000),
      });
      this.kill(running);
    };
    guard.on('error', (error) => fail(error.message));
    child.stdin?.on('error', () => fail('its input closed'));
    connection.onError(([error]: [Error, unknown, number | undefined]) => fail(messageOf(error)));
    child.once('error', (error) => fail(error.message));
    child.once('exit', (code, signal) => this.onExit(running, code, signal, stderr));

    connection.onNotification('textDocument/publishDiagnostics', (params: unknown) => this.onDiagnostics(params));
    connection.onNotification('window/logMessage', (params: unknown) => this.onLog(params, false));
    connection.onNotification('window/showMessage', (params: unknown) => this.onLog(params, true));
    connection.onNotification(() => undefined);
    // the requests a server makes of its client, answered here: the UI never sees them
    connection.onRequest('workspace/configuration', (params: { items?: unknown[] }) =>
      (params?.items ?? []).map(() => null),
    );
    connection.onRequest('workspace/workspaceFolders', () => [
      { uri: this.paths.uri('').replace(/\/$/, ''), name: 'workspace' },
    ]);
    connection.onRequest('workspace/applyEdit', () => ({
      applied: false,
      failureReason: 'Edits are applied by the editor.',
    }));
    connection.onRequest(() => null);
    connection.listen();

    running.ready = this.initialize(connection).catch((error: unknown) => {
      fail(`initialize failed: ${messageOf(error)}`);
      throw error instanceof PaError
        ? error
        : new PaError(
            ErrorCode.UNAVAILABLE,
            `${capitalise(this.label)} did not start: ${messageOf(error)} ${stderr.slice(-300)}`.trim(),
          );
    });
    running.ready.catch(() => undefined);
    return running;
  }

  private async initialize(connection: MessageConnection): Promise<LspFeatures> {
    const rootUri = pathToRootUri(this.options.root);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new PaError(
              ErrorCode.TIMEOUT,
              `${capitalise(this.label)} did not start in ${this.options.limits.startTimeoutMs / 1000} s.`,
            ),
          ),
        this.options.limits.startTimeoutMs,
      );
    });
    try {
      const answer = (await Promise.race([
        connection.sendRequest('initialize', {
          processId: process.pid,
          clientInfo: { name: 'ClaudeEditor' },
          rootUri,
          workspaceFolders: [{ uri: rootUri, name: 'workspace' }],
          capabilities: CLIENT_CAPABILITIES,
        }),
        timeout,
      ])) as { capabilities?: Record<string, unknown> } | null;
      connection.sendNotification('initialized', {});
      for (const document of this.documents.values()) {
        connection.sendNotification('textDocument/didOpen', { textDocument: itemOf(document) });
      }
      const features = featuresOf(answer?.capabilities ?? {});
      this.broadcast({ type: 'state', state: 'running', message: `${capitalise(this.label)} is running.` });
      return features;
    } finally {
      clearTimeout(timer);
    }
  }

  private onExit(running: Running, code: number | null, signal: NodeJS.Signals | null, stderr: string): void {
    if (running.child.pid !== undefined) this.options.watchdog.forget(running.child.pid);
    running.connection.dispose();
    if (this.running !== running) return; // stopped or replaced on purpose
    this.running = null;
    if (this.stopped) return;
    const now = this.options.clock();
    this.crashes.push(now);
    while (this.crashes.length > 0 && (this.crashes[0] ?? 0) < now - this.options.limits.crashWindowMs)
      this.crashes.shift();
    this.options.log({
      level: 'warn',
      msg: 'language server exited',
      server: this.options.found.command,
      code,
      signal,
      stderr: stderr.slice(-1_000),
    });
    if (this.crashes.length > this.options.limits.maxRestarts) {
      const message = `${capitalise(this.label)} stopped ${this.crashes.length} times; it was not restarted. Reopen the folder to try again.`;
      this.broadcast({ type: 'state', state: 'stopped', message });
      this.dispose(message);
      return;
    }
    this.broadcast({
      type: 'state',
      state: 'restarting',
      message: `${capitalise(this.label)} stopped; restarting it.`,
    });
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (!this.stopped && !this.running) this.start().catch(() => undefined);
    }, 100 * this.crashes.length);
  }

  private kill(running: Running): void {
    const pid = running.child.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, 'SIGKILL'); // the whole group the server leads
    } catch {
      running.child.kill('SIGKILL');
    }
  }

  private onDiagnostics(params: unknown): void {
    const item = diagnosticsOf(params, this.paths);
    if (!item) return;
    if (item.diagnostics.length === 0) this.diagnostics.delete(item.path);
    else if (this.diagnostics.has(item.path) || this.diagnostics.size < MAX_DIAGNOSED_FILES) {
      this.diagnostics.set(item.path, item.diagnostics);
    } else return;
    this.broadcast({ type: 'diagnostics', ...item });
  }

  private onLog(params: unknown, shown: boolean): void {
    const log = logOf(params);
    if (!log || (!shown && log.level !== 'error')) return;
    this.broadcast({ type: 'log', ...log });
  }

  private broadcast(message: LspMessage): void {
    for (const reader of this.readers) reader.push(message);
  }
}

/**
 * Folds a message into a reader's full queue: newer diagnostics of a file replace the queued ones, log lines beyond
 * the queue are dropped; state changes always queue. So a flooding server costs a bounded queue per reader.
 */
export function mergeMessage(queue: LspMessage[], message: LspMessage): boolean {
  if (message.type === 'log') return true;
  if (message.type === 'diagnostics') {
    const index = queue.findIndex((queued) => queued.type === 'diagnostics' && queued.path === message.path);
    if (index >= 0) {
      queue[index] = message;
      return true;
    }
  }
  return false;
}

const EMPTY_FEATURES: LspFeatures = {
  hover: false,
  definition: false,
  references: false,
  rename: false,
  documentSymbol: false,
  formatting: false,
};

function featuresOf(capabilities: Record<string, unknown>): LspFeatures {
  const has = (key: string) => {
    const value = capabilities[key];
    return value !== undefined && value !== null && value !== false;
  };
  return {
    hover: has('hoverProvider'),
    definition: has('definitionProvider'),
    references: has('referencesProvider'),
    rename: has('renameProvider'),
    documentSymbol: has('documentSymbolProvider'),
    formatting: has('documentFormattingProvider'),
  };
}

const CLIENT_CAPABILITIES = {
  general: { positionEncodings: ['utf-16'] },
  workspace: { configuration: true, workspaceFolders: true, applyEdit: false },
  textDocument: {
    synchronization: { didSave: false, willSave: false, dynamicRegistration: false },
    hover: { contentFormat: ['markdown', 'plaintext'] },
    definition: { linkSupport: true },
    references: {},
    rename: { prepareSupport: false },
    documentSymbol: { hierarchicalDocumentSymbolSupport: true },
    formatting: {},
    publishDiagnostics: { relatedInformation: false, versionSupport: false },
  },
  window: { workDoneProgress: false },
};

function itemOf(document: TextDocument) {
  return { uri: document.uri, languageId: document.languageId, version: document.version, text: document.getText() };
}

function pathToRootUri(root: string): string {
  return new Paths(root).uri('').replace(/\/$/, '');
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
