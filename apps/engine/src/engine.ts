// Composes the engine's capabilities around one store and one router, in dependency order: secrets → licensing →
// mcp → ai → workflow, collab, backup. The same engine serves Electron's MessagePort, the browser-mode WebSocket,
// the CLI and the tests. Workflow and collab load on first use (lazy-capability.ts): a cold start loads only what
// the first request needs.
import { join } from 'node:path';
import { AsyncDisposableStore, errorStack, type Settings } from '@pa/shared';
import { createAi } from './ai/index.js';
import { createBackups } from './backup/index.js';
import { createCodebase } from './codebase/index.js';
import type { Capability, EngineContext } from './context.js';
import { createFiles } from './files/index.js';
import { lazyCapability } from './lazy-capability.js';
import { createLicensing } from './license/index.js';
import type { LspCapability } from './lsp/index.js';
import { createMcp, mcpAskHandlers } from './mcp/index.js';
import { ensureDataDir } from './paths.js';
import { createProblems } from './problems/index.js';
import { ConnectionSet } from './rpc/connection.js';
import type { PartialHandlers } from './rpc/handlers.js';
import { Router } from './rpc/router.js';
import { createSecrets } from './secrets/index.js';
import type { HttpRoute } from './server/http.js';
import type { SettingsCapability } from './settings/index.js';
import { openStore } from './store/index.js';
import { createTelemetry } from './telemetry/index.js';
import type { TerminalsCapability } from './terminal/index.js';
import { createUsage } from './usage/index.js';
import { VERSION } from './version.js';
import type { WorkflowsCapability } from './workflow/index.js';
import { createWorkspace } from './workspace/index.js';

export interface EngineOptions {
  dataDir: string;
  /** Injected for tests that control time. */
  clock?: () => number;
  transport?: 'websocket' | 'port';
  log?: (line: Record<string, unknown>) => void;
  /** The vendor key licenses must be signed with; defaults to the installed resources/license-public-key. */
  licensePublicKey?: Uint8Array | null;
}

export interface Engine {
  readonly router: Router;
  readonly context: EngineContext;
  /** Extra HTTP routes a capability serves next to the UI (e.g. /v1 for the OpenAI-compatible API). */
  readonly httpRoutes: HttpRoute[];
  dispose(): Promise<void>;
}

/** When the capabilities that load on first use load anyway, once start-up has settled. */
const EVENTUALLY_MS = 1_500;

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
        error: errorStack(error),
      }),
  });
  // Torn down in reverse: connections first (their streams stop), the store last.
  const disposables = new AsyncDisposableStore();
  const store = openStore(join(dataDir, 'powerautomation.db'));
  disposables.defer(() => store.close());
  const clock = options.clock ?? Date.now;
  const connections = new ConnectionSet();
  const workspace = createWorkspace(store, clock);
  const files = disposables.add(
    createFiles(workspace, (changes) => connections.broadcast('files.changed', { changes }), { dataDir }),
  );
  disposables.defer(workspace.onDidChange((info) => connections.broadcast('workspace.changed', { workspace: info })));

  const context: EngineContext = { dataDir, store, clock, connections, workspace, files, log };
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
  };
  router.register(engineHandlers);
  router.register(workspace.handlers);
  router.register(files.handlers);

  const add = <C extends Capability>(capability: C): C => {
    router.register(capability.handlers);
    httpRoutes.push(...(capability.httpRoutes ?? []));
    disposables.defer(() => capability.dispose?.());
    return capability;
  };
  const secrets = createSecrets(context);
  const licensing = add(createLicensing(context, secrets, { publicKey: options.licensePublicKey }));
  const { entitlements, quotas } = licensing;
  // MCP first: chat models borrow its tool catalog, workflow `mcp` steps its clients.
  const mcp = add(createMcp(context));
  // the codebase index: its worker starts when a folder opens; chat's @codebase asks it
  const codebase = add(createCodebase(context));
  // the user's settings as the capabilities that follow them read them (the settings capability loads on first use)
  const effectiveSettings = async (): Promise<Settings> =>
    ((await settings.load()) as SettingsCapability).service.effective();
  // traces of AI requests: off unless an OTLP endpoint is configured (the SDK loads only then)
  const telemetry = add(
    createTelemetry(context, {
      endpoint: async () => (await effectiveSettings())['telemetry.otlpEndpoint'],
      env: process.env,
      version: VERSION,
    }),
  );
  const ai = add(
    createAi(context, {
      traces: telemetry.aiTraces,
      entitlements,
      quotas,
      secrets,
      tools: mcp.catalog,
      codebase: codebase.service,
      preferences: async () => {
        const effective = await effectiveSettings();
        return {
          remoteAllowed: effective['privacy.allowRemoteModels'],
          remoteTtftMs: effective['ai.remoteFirstTokenTimeout'] * 1000,
        };
      },
      completion: async () => {
        const effective = await effectiveSettings();
        return {
          enabled: effective['completion.enabled'],
          ttftMs: effective['completion.ttftDeadlineMs'],
          totalMs: effective['completion.totalDeadlineMs'],
          remoteAllowed: effective['privacy.allowRemoteModels'],
        };
      },
    }),
  );
  router.register(mcpAskHandlers(ai.service));
  add(
    createUsage({
      ai: ai.usage,
      quotas: (first, last) => licensing.quotaHistory(first, last),
      workflowRuns: async (from, to, offsetMs) =>
        ((await workflows.load()) as WorkflowsCapability).store.runsPerDay(from, to, offsetMs),
    }),
  );
  const workflows = add(
    lazyCapability('workflow', async () => {
      const { createWorkflows } = await import('./workflow/index.js');
      return createWorkflows(context, {
        entitlements,
        quotas,
        ai: ai.service,
        mcp: mcp.clients,
        maxConcurrentRuns: async () => (await effectiveSettings())['workflows.maxConcurrentRuns'],
      });
    }),
  );
  const collab = add(
    lazyCapability('collab', async () => {
      const { createCollab } = await import('./collab/index.js');
      return createCollab(context, { entitlements, secrets });
    }),
  );
  add(createBackups(context));
  add(
    lazyCapability('search', async () => {
      const { createSearch } = await import('./search/index.js');
      return createSearch(context);
    }),
  );
  // the TypeScript project model loads on first use (the typescript package is 9 MB)
  add(
    lazyCapability('language', async () => {
      const { createLanguage } = await import('./language/index.js');
      return createLanguage(context);
    }),
  );
  // git loads on first use; it asks the workflow capability's trust store (one store) before running anything
  add(
    lazyCapability('git', async () => {
      const { createGit } = await import('./git/index.js');
      const isTrusted = async (root: string) => ((await workflows.load()) as WorkflowsCapability).store.isTrusted(root);
      return createGit(context, { isTrusted });
    }),
  );
  // what the page's Problems panel holds (problems.publish), for the agent's diagnostics tool
  const problems = add(createProblems(context));
  /** The lsp capability once it loaded (its servers' diagnostics); null before: no server runs. */
  let lspLoaded: LspCapability | null = null;
  // the agent loads on its first turn; it routes through ai, and runs commands only in a trusted workspace
  add(
    lazyCapability('agent', async () => {
      const [{ createAgent }, { AiIgnore }] = await Promise.all([import('./agent/index.js'), import('./ai/api.js')]);
      const aiIgnore = new AiIgnore(() => context.workspace.current()?.root ?? null);
      const isTrusted = async (root: string) => ((await workflows.load()) as WorkflowsCapability).store.isTrusted(root);
      return createAgent(context, {
        ai: ai.service,
        codebase: codebase.service,
        mcp: mcp.clients,
        excluded: (path) => aiIgnore.excludes(path),
        isTrusted,
        diagnostics: () => [...problems.store.all(), ...(lspLoaded?.diagnostics() ?? [])],
        terminals: async () => (await terminals.load()) as TerminalsCapability,
      });
    }),
  );
  // terminals load on first use (node-pty, the headless xterm); a workflow or the agent needs the workspace's trust
  const terminals = add(
    lazyCapability('terminal', async () => {
      const { createTerminals } = await import('./terminal/index.js');
      const isTrusted = async (root: string) => ((await workflows.load()) as WorkflowsCapability).store.isTrusted(root);
      const configuredShell = async () => {
        const { service } = (await settings.load()) as SettingsCapability;
        const effective = await service.effective();
        const file = effective['terminal.integrated.shell'];
        return file ? { file, args: effective['terminal.integrated.shellArgs'] } : null;
      };
      return createTerminals(context, { isTrusted, configuredShell });
    }),
  );

  // settings load on first use; restricted workspace settings apply only in a workspace the trust store trusts
  const settings = add(
    lazyCapability('settings', async () => {
      const { createSettings } = await import('./settings/index.js');
      const isTrusted = async (root: string) => ((await workflows.load()) as WorkflowsCapability).store.isTrusted(root);
      // trusting the workspace applies its restricted values at once: every settings.watch reader hears of it
      const onDidChangeTrust = (listener: () => void) => {
        let stop: (() => void) | null = null;
        let gone = false;
        workflows.load().then(
          (capability) => {
            if (!gone) stop = (capability as WorkflowsCapability).store.onDidChangeTrust(listener);
          },
          () => {}, // the workflow capability did not load: there is no trust to change either
        );
        return () => {
          gone = true;
          stop?.();
        };
      };
      return createSettings(context, { isTrusted, onDidChangeTrust });
    }),
  );

  // language servers load on first use (vscode-jsonrpc, the servers themselves); they run only in a trusted workspace
  add(
    lazyCapability('lsp', async () => {
      const { createLsp } = await import('./lsp/index.js');
      const isTrusted = async (root: string) => ((await workflows.load()) as WorkflowsCapability).store.isTrusted(root);
      lspLoaded = createLsp(context, { isTrusted });
      return lspLoaded;
    }),
  );

  // the project's own Prettier/Biome load on first use; they run only in a trusted workspace
  add(
    lazyCapability('format', async () => {
      const { createFormat, defaultFormatterFor } = await import('./format/index.js');
      const isTrusted = async (root: string) => ((await workflows.load()) as WorkflowsCapability).store.isTrusted(root);
      const defaultFormatter = async (path: string) => defaultFormatterFor(path, await effectiveSettings());
      return createFormat(context, { isTrusted, defaultFormatter });
    }),
  );

  // the model manager loads on first use (node-llama-cpp's downloader and GGUF reader)
  add(
    lazyCapability('models', async () => {
      const { createModels } = await import('./models/index.js');
      return createModels(context);
    }),
  );

  const eventually = setTimeout(() => {
    for (const lazy of [workflows, collab]) {
      lazy.load().catch((error: unknown) =>
        log({
          level: 'error',
          msg: 'a capability failed to load',
          error: errorStack(error),
        }),
      );
    }
  }, EVENTUALLY_MS);
  eventually.unref();
  disposables.defer(() => clearTimeout(eventually));
  disposables.defer(() => connections.closeAll()); // every stream stops first: model generations, followed runs

  return { router, context, httpRoutes, dispose: () => disposables.dispose() };
}
