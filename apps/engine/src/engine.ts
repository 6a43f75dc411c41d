// Composes the engine's capabilities around one store and one router. The same engine serves Electron's

// MessagePort, the browser-mode WebSocket, the CLI and the tests.
import { join } from 'node:path';
import { createAi, type ToolProvider } from './ai/index.js';
import { createBackups } from './backup/index.js';
import type { Capability } from './capability.js';
import { createCollab } from './collab/index.js';
import { createFiles, type FilesCapability } from './files/index.js';
import { createLicensing } from './license/index.js';
import { ensureDataDir } from './paths.js';
import { ConnectionSet } from './rpc/connection.js';
import type { PartialHandlers } from './rpc/handlers.js';
import { Router } from './rpc/router.js';
import { createSecrets } from './secrets/index.js';
import type { HttpRoute } from './server/http.js';
import { openStore, type Store } from './store/index.js';
import { VERSION } from './version.js';
import { createWorkflows, type WorkflowsCapability } from './workflow/index.js';
import { createWorkspace, type Workspace } from './workspace/index.js';

export interface EngineOptions {
  dataDir: string;
  /** Injected for tests that control time. */
  clock?: () => number;
  transport?: 'websocket' | 'port';
  log?: (line: Record<string, unknown>) => void;
  /** The vendor key licenses must be signed with; defaults to the installed resources/license-public-key. */
  licensePublicKey?: Uint8Array | null;
}

/** What a capability gets to build itself: shared services, never another capability's files. */
export interface EngineContext {
  readonly dataDir: string;
  readonly store: Store;
  readonly clock: () => number;
  readonly connections: ConnectionSet;
  readonly workspace: Workspace;
  readonly files: FilesCapability;
  readonly streams: StreamRegistry;
  readonly log: (line: Record<string, unknown>) => void;
}

export interface Engine {
  readonly router: Router;
  readonly context: EngineContext;
  /** Extra HTTP routes a capability serves next to the UI (e.g. /v1 for the OpenAI-compatible API). */
  readonly httpRoutes: HttpRoute[];
  dispose(): Promise<void>;
}

export function createEngine(options: EngineOptions): Engine {
  const dataDir = ensureDataDir(options.dataDir);
  const log =
    options.log ?? ((line) => process.stderr.write(`${JSON.stringify({ t: new Date().toISOString(), ...line })}\n`));
  const router = new Router({
    onInternalError: (method, error) =>
      log({
        level: 'error',
        msg: 'internal error',
        method,
        error: error instanceof Error ? error.stack : String(error),
      }),
  });
  const store = openStore(join(dataDir, 'powerautomation.db'));
  const clock = options.clock ?? Date.now;
  const connections = new ConnectionSet();
  const workspace = createWorkspace(store, clock);
  const files = createFiles(workspace, (changes) => connections.broadcast('files.changed', { changes }));
  workspace.onDidChange((info) => connections.broadcast('workspace.changed', { workspace: info }));

  const streams = new StreamRegistry();
  const context: EngineContext = { dataDir, store, clock, connections, workspace, files, streams, log };
  const disposers: Array<() => Promise<void> | void> = [];
  const httpRoutes: HttpRoute[] = [];

  const engineHandlers: PartialHandlers = {
    'engine.ping': () => ({ pong: true, time: clock() }),
    'engine.info': () => ({
      version: VERSION,
      pid: process.pid,
      platform: process.platform,
      node: process.version,
      dataDir,
      transport: options.transport ?? 'websocket',
    }),
    'stream.cancel': ({ streamId }) => {
      streams.cancel(streamId);
      return { ok: true } as const;
    },
  };
  router.register(engineHandlers);
  router.register(workspace.handlers);
  router.register(files.handlers);

  // Capabilities, in dependency order: secrets → licensing → ai → workflows, collab.
  const add = <C extends Capability>(capability: C): C => {
    router.register(capability.handlers);
    httpRoutes.push(...(capability.httpRoutes ?? []));
    if (capability.dispose) disposers.push(() => capability.dispose?.());
    return capability;
  };
  const secrets = createSecrets(context);
  const licensing = add(createLicensing(context, secrets, { publicKey: options.licensePublicKey }));
  const { entitlements, quotas } = licensing;
  // Chat models may call the configured MCP servers' tools. The MCP clients live in workflows, which needs ai, so
  // ai gets them late, through this door.
  let workflows: WorkflowsCapability | null = null;
  const tools: ToolProvider = {
    tools: async () => (workflows ? workflows.mcp.chatTools() : []),
    startupGraceMs: () => workflows?.mcp.startupGraceMs() ?? 0,
    call: async (server, tool, args, signal) => {
      if (!workflows) throw new Error('MCP servers are not ready yet.');
      return workflows.mcp.call(server, tool, args, signal);
    },
  };
  const ai = add(createAi(context, { entitlements, quotas, secrets, tools }));
  workflows = add(createWorkflows(context, { entitlements, quotas, ai: ai.service }));
  add(createCollab(context, { entitlements, secrets }));
  add(createBackups(context));

  return {
    router,
    context,
    httpRoutes,
    async dispose() {
      for (const dispose of disposers.reverse()) await dispose();
      await files.dispose();
      store.close();
    },
  };
}

/** Open cancellable streams (AI tokens, workflow runs), by id. */
export class StreamRegistry {
  private readonly controllers = new Map<string, AbortController>();

  open(streamId: string): AbortController {
    const controller = new AbortController();
    this.controllers.set(streamId, controller);
    return controller;
  }

  close(streamId: string): void {
    this.controllers.delete(streamId);
  }

  cancel(streamId: string): boolean {
    const controller = this.controllers.get(streamId);
    if (!controller) return false;
    controller.abort();
    this.controllers.delete(streamId);
    return true;
  }
}
