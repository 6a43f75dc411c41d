// The lsp capability: language servers for the languages Monaco has no service for (Python, Go, Rust, C/C++, and
// typescript-language-server as the TypeScript alternative), found on PATH, one per (workspace, language), run only
// in a workspace the user trusts. vscode-jsonrpc and the servers load with this module, on the first lsp.* call.
import { ErrorCode, LSP_LANGUAGE_NAMES, type LspLanguage, PaError, type WorkspaceProblem } from '@pa/shared';
import type { Capability, EngineContext } from '../context.js';
import { resolveInside } from '../files/index.js';
import type { PartialHandlers } from '../rpc/handlers.js';
import { startWatchdog } from '../terminal/api.js';
import { DEFAULT_LIMITS, LanguageServer, type ServerLimits } from './server.js';
import { findServer, SERVERS } from './servers.js';
import { editsOf, hoverOf, locationsOf, symbolsOf, workspaceEditOf } from './translate.js';

export interface LspDeps {
  /** Whether the user trusts the workspace at `root` (the workflow capability keeps that answer). */
  isTrusted(root: string): Promise<boolean>;
}

export interface LspOptions {
  env?: NodeJS.ProcessEnv;
  limits?: Partial<ServerLimits>;
}

export interface LspCapability extends Capability {
  /** What the open workspace's running servers hold now (hints left out, as the Problems panel does). */
  diagnostics(): WorkspaceProblem[];
}

const SEVERITY: Record<number, WorkspaceProblem['severity'] | undefined> = { 1: 'error', 2: 'warning', 3: 'info' };

export function createLsp(ctx: EngineContext, deps: LspDeps, options: LspOptions = {}): LspCapability {
  const env = options.env ?? process.env;
  const limits: ServerLimits = { ...DEFAULT_LIMITS, ...limitsFromEnv(env), ...options.limits };
  const watchdog = startWatchdog(ctx.log);
  const servers = new Map<string, LanguageServer>();
  const keyOf = (root: string, language: LspLanguage) => `${language}\0${root}`;

  const rootNow = () => resolveInside(ctx.workspace.requireRoot(), '');
  const running = (language: LspLanguage): LanguageServer => {
    const server = servers.get(keyOf(rootNow(), language));
    if (!server || server.isStopped) {
      throw new PaError(
        ErrorCode.UNAVAILABLE,
        `The ${LSP_LANGUAGE_NAMES[language]} language server is not running in this workspace.`,
      );
    }
    return server;
  };
  // a path the server hears of is first proven to lie inside the workspace (symlinks followed)
  const inside = (path: string) => {
    resolveInside(ctx.workspace.requireRoot(), path);
    return path;
  };
  const at = (server: LanguageServer, path: string, position: { line: number; character: number }) => ({
    textDocument: { uri: server.paths.uri(inside(path)) },
    position,
  });

  // a folder switch stops the servers of the folder left
  const stopWorkspaceWatch = ctx.workspace.onDidChange((info) => {
    const root = info ? resolveInside(info.root, '') : null;
    for (const [key, server] of servers) {
      if (root === null || !key.endsWith(`\0${root}`)) {
        server.dispose('The folder was closed.');
        servers.delete(key);
      }
    }
  });

  const handlers: PartialHandlers = {
    'lsp.start': async ({ language }) => {
      const spec = SERVERS[language];
      if (!(await deps.isTrusted(ctx.workspace.requireRoot()))) {
        throw new PaError(
          ErrorCode.UNAUTHORIZED,
          `Trust this folder to start the ${spec.name}: it runs the project's code and configuration.`,
          { trustNeeded: true },
        );
      }
      const root = rootNow();
      const key = keyOf(root, language);
      let server = servers.get(key);
      if (!server || server.isStopped) {
        const found = findServer(spec, env.PATH);
        if (!found) {
          return {
            state: 'missing',
            name: spec.name,
            message: `No ${spec.name} was found on PATH. Install one to get hover, go to definition and diagnostics for ${LSP_LANGUAGE_NAMES[language]}.`,
            install: spec.install,
          };
        }
        server = new LanguageServer({ root, spec, found, watchdog, limits, env, clock: ctx.clock, log: ctx.log });
        servers.set(key, server);
      }
      const features = await server.start();
      return { state: 'running', name: spec.name, command: server.command, features };
    },
    'lsp.messages': ({ language }, { signal }) => running(language).follow(signal),
    'lsp.sync': ({ language, path, change }) => {
      const server = running(language);
      server.sync(inside(path), change);
      return { ok: true };
    },
    'lsp.hover': async ({ language, path, position }) => {
      const server = running(language);
      return { hover: hoverOf(await server.request('textDocument/hover', at(server, path, position))) };
    },
    'lsp.definition': async ({ language, path, position }) => {
      const server = running(language);
      const answer = await server.request('textDocument/definition', at(server, path, position));
      return { locations: locationsOf(answer, server.paths) };
    },
    'lsp.references': async ({ language, path, position }) => {
      const server = running(language);
      const answer = await server.request('textDocument/references', {
        ...at(server, path, position),
        context: { includeDeclaration: true },
      });
      return { locations: locationsOf(answer, server.paths) };
    },
    'lsp.rename': async ({ language, path, position, newName }) => {
      const server = running(language);
      const answer = await server.request('textDocument/rename', { ...at(server, path, position), newName });
      return { edit: workspaceEditOf(answer, server.paths) };
    },
    'lsp.symbols': async ({ language, path }) => {
      const server = running(language);
      const answer = await server.request('textDocument/documentSymbol', {
        textDocument: { uri: server.paths.uri(inside(path)) },
      });
      return { symbols: symbolsOf(answer) };
    },
    'lsp.format': async ({ language, path, tabSize, insertSpaces }) => {
      const server = running(language);
      const answer = await server.request('textDocument/formatting', {
        textDocument: { uri: server.paths.uri(inside(path)) },
        options: { tabSize, insertSpaces },
      });
      return { edits: editsOf(answer) };
    },
  };

  const diagnostics = (): WorkspaceProblem[] => {
    const root = ctx.workspace.current()?.root;
    if (!root) return [];
    const suffix = `\0${resolveInside(root, '')}`;
    const out: WorkspaceProblem[] = [];
    for (const [key, server] of servers) {
      if (!key.endsWith(suffix) || server.isStopped) continue;
      for (const [path, list] of server.heldDiagnostics()) {
        for (const item of list) {
          const severity = SEVERITY[item.severity];
          if (!severity) continue;
          out.push({
            path,
            severity,
            line: item.range.start.line + 1,
            column: item.range.start.character + 1,
            message: item.message,
            source: item.source ?? `lsp.${key.slice(0, key.indexOf('\0'))}`,
          });
        }
      }
    }
    return out;
  };

  return {
    handlers,
    diagnostics,
    dispose() {
      stopWorkspaceWatch();
      for (const server of servers.values()) server.dispose('The engine stopped.');
      servers.clear();
      watchdog.dispose();
    },
  };
}

/** PA_LSP_TIMEOUT_MS sets every server's request timeout (the tests' never-answering server). */
function limitsFromEnv(env: NodeJS.ProcessEnv): Partial<ServerLimits> {
  const ms = Number(env.PA_LSP_TIMEOUT_MS);
  return Number.isFinite(ms) && ms > 0 ? { requestTimeoutMs: ms } : {};
}
