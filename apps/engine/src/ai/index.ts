// The AI capability: the model router and its providers (local llama.cpp, OpenAI-compatible, Anthropic, Gemini),
// its RPC methods, the OpenAI-compatible /v1 routes, and the door other capabilities call (`service.generate`).
import { randomBytes } from 'node:crypto';
import { type AiSettingsFile, errorMessage } from '@pa/shared';
import type { CodebaseService } from '../codebase/api.js';
import type { Capability, EngineContext } from '../context.js';
import type { Entitlements, Quotas } from '../license/api.js';
import type { Secrets } from '../secrets/api.js';
import { AiIgnore } from './aiignore.js';
import type { AiService, AiTraces, AiUsage, ToolProvider } from './api.js';
import { createConversations } from './conversations.js';
import { aiHandlers } from './handlers.js';
import { type CompletionPreferences, InfillRouter } from './infill.js';
import { openAiRoutes } from './openai-server.js';
import { AI_MIGRATIONS, createPerfLog } from './perf.js';
import { Redactor } from './redact.js';
import { AiRouter, type RouterPreferences } from './router.js';
import { createSentLog, SENT_MIGRATION, SENT_SOURCES_MIGRATION } from './sent-log.js';
import { loadSettings, saveSettings } from './settings.js';
import { createUsageLog, USAGE_MIGRATION } from './usage-log.js';

export type {
  AiAttemptTrace,
  AiRequestTrace,
  AiService,
  AiTool,
  AiTraces,
  AiUsage,
  AiUsageRange,
  AiUsageResult,
  ChatTurn,
  GenerateRequest,
  GenerateResult,
  TaskType,
  ToolProvider,
} from './api.js';
export type { CompletionPreferences } from './infill.js';
/** The one llama.cpp binding of the engine (node-llama-cpp loads on the first call): the models capability reads its
 * hardware for recommendations from the same instance the local providers use. */
export { sharedLlama } from './providers/local.js';
export type { RouterPreferences } from './router.js';

/** Secret name of the bearer token that guards /v1 (shown in Model settings). */
export const SERVER_TOKEN_SECRET = 'ai.server.token';

export interface Ai extends Capability {
  service: AiService;
  /** The Usage view's AI figures, aggregated over the recorded requests. */
  usage: AiUsage;
}

export function createAi(
  ctx: EngineContext,
  deps: {
    entitlements: Entitlements;
    quotas: Quotas;
    secrets: Secrets;
    tools?: ToolProvider;
    /** The user's AI and privacy settings now (the settings capability), read for every request. */
    preferences?: () => Promise<RouterPreferences>;
    /** The user's code completion settings now (enabled, deadlines, remote models allowed). */
    completion?: () => Promise<CompletionPreferences>;
    /** The codebase index, for chat's `@codebase`, `@folder` and `@search`. */
    codebase?: CodebaseService;
    /** Traces of routed requests (the telemetry capability); absent → none. */
    traces?: AiTraces;
  },
): Ai {
  ctx.store.migrate('ai', [...AI_MIGRATIONS, SENT_MIGRATION, USAGE_MIGRATION, SENT_SOURCES_MIGRATION]);
  let settings: AiSettingsFile;
  try {
    settings = loadSettings(ctx.dataDir);
  } catch (error) {
    // A broken file must not stop the editor; AI stays off until it is fixed (the file is not overwritten).
    ctx.log({ level: 'error', msg: errorMessage(error) });
    settings = { version: 1, providers: [], router: { breakerCooldownMs: 30_000, healthIntervalMs: 60_000 } };
  }
  const perf = createPerfLog(ctx.store);
  const sent = createSentLog(ctx.store, ctx.clock);
  const usage = createUsageLog(ctx.store, ctx.clock);
  const aiIgnore = new AiIgnore(() => ctx.workspace.current()?.root ?? null);
  const router = new AiRouter({
    settings: () => settings,
    entitlements: deps.entitlements,
    quotas: deps.quotas,
    secrets: deps.secrets,
    perf,
    sent,
    usage,
    ...(deps.traces ? { traces: deps.traces } : {}),
    redactor: () => Redactor.forWorkspace(ctx.workspace.current()?.root ?? null),
    clock: ctx.clock,
    log: ctx.log,
    ...(deps.tools ? { tools: deps.tools } : {}),
    ...(deps.preferences ? { preferences: deps.preferences } : {}),
  });
  router.startHealthChecks();

  let token: Promise<string> | null = null;
  const serverToken = (): Promise<string> => {
    token ??= (async () => {
      const existing = await deps.secrets.get(SERVER_TOKEN_SECRET);
      if (existing) return existing;
      const fresh = `pa-${randomBytes(24).toString('base64url')}`;
      await deps.secrets.set(SERVER_TOKEN_SECRET, fresh);
      return fresh;
    })();
    return token;
  };

  const service: AiService = { generate: (request) => router.generate(request) };
  return {
    service,
    usage,
    handlers: aiHandlers({
      ctx,
      router,
      infill: new InfillRouter({
        router,
        settings: () => settings,
        perf,
        clock: ctx.clock,
        log: ctx.log,
        ...(deps.completion ? { preferences: deps.completion } : {}),
        excluded: (path) => aiIgnore.excludes(path),
      }),
      perf,
      sent,
      secrets: deps.secrets,
      conversations: createConversations(ctx.store, ctx.clock),
      settings: () => settings,
      updateSettings: (change) => {
        const next = change(settings);
        saveSettings(ctx.dataDir, next);
        settings = next;
      },
      serverToken,
      mentions: {
        ...(deps.codebase ? { codebase: deps.codebase } : {}),
        resolve: (rel) => ctx.files.resolve(rel),
        excluded: (path) => aiIgnore.excludes(path),
      },
    }),
    httpRoutes: openAiRoutes({ service, providers: () => settings.providers, token: serverToken }),
    dispose: () => router.dispose(),
  };
}
