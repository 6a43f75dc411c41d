// The ai capability's RPC handlers: streams (chat, complete, edit) of answer text that end with the answer and its
// route; code completion (infill) deltas ending with the suggestion; provider settings, stats, conversations.
import {
  AddProviderParams,
  type AiAnswer,
  type AiSettingsFile,
  type AiStreamFailure,
  type AiToken,
  type ChatParams,
  type ChatTurn,
  ErrorCode,
  type InfillDelta,
  type InfillResult,
  PaError,
  ProviderConfig,
  type ProviderView,
  type RouteInfo,
  toWireError,
  type UsedContext,
} from '@pa/shared';
import type { EngineContext } from '../context.js';
import { Channel } from '../rpc/channel.js';
import type { PartialHandlers, StreamContext } from '../rpc/handlers.js';
import type { Secrets } from '../secrets/api.js';
import type { GenerateRequest, GenerateResult } from './api.js';
import type { Conversations } from './conversations.js';
import type { InfillRouter } from './infill.js';
import { type MentionDoors, resolveMentions } from './mentions.js';
import type { PerfLog } from './perf.js';
import { completionTurns, editTurns, stripCodeFence } from './prompts.js';
import { modelFileProblem } from './providers/local.js';
import type { AiRouter } from './router.js';
import type { SentLog } from './sent-log.js';
import { apiKeySecret } from './settings.js';

export interface AiHandlerDeps {
  ctx: EngineContext;
  router: AiRouter;
  /** Code completion (ai.infill) through the router's providers. */
  infill: InfillRouter;
  perf: PerfLog;
  /** What left the machine (sent-log.ts). */
  sent: SentLog;
  secrets: Secrets;
  conversations: Conversations;
  settings: () => AiSettingsFile;
  updateSettings: (change: (settings: AiSettingsFile) => AiSettingsFile) => void;
  serverToken: () => Promise<string>;
  /** What `@` mentions read and retrieve through (absent: a chat with mentions is refused). */
  mentions?: MentionDoors;
}

/**
 * A model's token callback cannot wait for a slow reader: once the queue is full, a token joins the last queued one
 * (the reader gets the same text in fewer pieces), so the queue never grows past its high-water mark.
 */
export function joinText(queue: AiToken[], token: AiToken): boolean {
  const last = queue.at(-1);
  if (!last) return false;
  // the used-context item keeps its context when text joins it
  queue[queue.length - 1] = { ...last, text: last.text + token.text };
  return true;
}

function answerOf(result: GenerateResult, finish: (text: string) => string): AiAnswer {
  return {
    text: finish(result.text),
    route: { providerId: result.providerId, model: result.model, reasons: result.reasons, fallbacks: result.fallbacks },
    ttftMs: result.ttftMs,
    totalMs: result.totalMs,
    tokensIn: result.tokensIn,
    tokensOut: result.tokensOut,
    ...(result.toolCalls.length > 0 ? { toolCalls: result.toolCalls } : {}),
  };
}

/**
 * The error that ends a failed stream: the router's code and message, with what was received before it and the
 * route when one was chosen. An unexpected error stays as it is, so the engine logs it (the caller gets E_INTERNAL).
 */
function failureOf(error: unknown, partial: string): unknown {
  if (!(error instanceof PaError)) return error;
  const route = (error.data as { route?: RouteInfo } | undefined)?.route;
  const data: AiStreamFailure = { partial, ...(route ? { route } : {}) };
  return new PaError(error.code, error.message, data);
}

export function aiHandlers(deps: AiHandlerDeps): PartialHandlers {
  const { ctx, router, secrets } = deps;

  /** One routed generation as a stream; the caller going away (ctx.signal) stops the provider. */
  const generation = (
    request: Omit<GenerateRequest, 'actor' | 'signal' | 'onToken'>,
    call: StreamContext,
    finish: (text: string) => string = (text) => text,
    mentions: ChatParams['mentions'] = [],
    mentionOptions: { query?: string; label: string } = { label: 'Question: ' },
  ): Channel<AiToken, AiAnswer> => {
    // Refusals that need no provider (unknown or unlicensed pinned provider) fail the stream before it starts.
    if (request.provider !== undefined) router.checkPinned(request.provider, call.actor);
    const tokens = new Channel<AiToken, AiAnswer>({ merge: joinText });
    let partial = '';
    let used: UsedContext[] = [];
    void withMentions(request, mentions, mentionOptions)
      .then((resolved) => {
        used = resolved.used;
        if (used.length > 0) tokens.push({ text: '', context: used });
        return router.generate({
          ...resolved.request,
          actor: call.actor,
          signal: call.signal,
          onToken: (text) => {
            partial += text;
            tokens.push({ text });
          },
        });
      })
      .then(
        (result) => tokens.end({ ...answerOf(result, finish), ...(used.length > 0 ? { context: used } : {}) }),
        (error: unknown) => tokens.fail(failureOf(error, partial)),
      );
    return tokens;
  };

  /** The request with the mentions' context put before the question of its last user message. */
  /**
   * The request with the mentions' context put before its last user message. `@codebase` and `@folder` retrieve by
   * `query` (an edit's instruction and code), else by that message (a chat's question, which `label` introduces).
   */
  async function withMentions<R extends { messages: ChatTurn[] }>(
    request: R,
    mentions: ChatParams['mentions'],
    options: { query?: string; label: string },
  ): Promise<{ request: R; used: UsedContext[] }> {
    if (mentions.length === 0) return { request, used: [] };
    if (!deps.mentions) throw new PaError(ErrorCode.UNAVAILABLE, 'Mentions are not available in this engine.');
    let last = request.messages.length - 1;
    while (last >= 0 && request.messages[last]?.role !== 'user') last--;
    const question = options.query ?? (last >= 0 ? (request.messages[last] as ChatTurn).content : '');
    const { block, used, sources } = await resolveMentions(mentions, question, deps.mentions);
    if (!block) return { request, used };
    const messages = request.messages.map((turn, index) =>
      index === last ? { ...turn, content: `${block}\n\n${options.label}${turn.content}` } : turn,
    );
    // the files the block quotes go with the request to the record of what was sent (never to the provider)
    return { request: { ...request, messages, sources }, used };
  }

  const view = async (config: ProviderConfig): Promise<ProviderView> => ({
    ...config,
    hasApiKey: (await secrets.get(apiKeySecret(config.id))) !== null,
    circuit: router.liveOf(config.id).breaker.state(ctx.clock()),
    licensed: router.licensed(config),
  });

  const find = (id: string): ProviderConfig => {
    const config = deps.settings().providers.find((provider) => provider.id === id);
    if (!config) throw new PaError(ErrorCode.NOT_FOUND, `No model provider "${id}"; see \`pa models list\`.`);
    return config;
  };

  const workspaceKey = () => ctx.workspace.current()?.root ?? '';

  return {
    'ai.chat': ({ mentions, ...params }, call) => generation(params, call, undefined, mentions),
    'ai.complete': ({ prompt, ...options }, call) =>
      generation({ ...options, messages: completionTurns(prompt) }, call),
    'ai.edit': ({ instruction, code, path, language, mentions, ...options }, call) =>
      generation(
        {
          ...options,
          task: 'code-edit',
          messages: editTurns({
            instruction,
            code,
            ...(path !== undefined ? { path } : {}),
            ...(language !== undefined ? { language } : {}),
          }),
        },
        call,
        stripCodeFence,
        mentions,
        // related code is found by what is asked and the code it is asked of
        { query: `${instruction}\n${code.slice(0, 1_000)}`, label: '' },
      ),
    'ai.infill': (params, call) => {
      if (params.provider !== undefined) router.checkPinned(params.provider, call.actor);
      const deltas = new Channel<InfillDelta, InfillResult>({ merge: joinText });
      let partial = '';
      void deps.infill
        .infill({
          params,
          actor: call.actor,
          signal: call.signal,
          onText: (text) => {
            partial += text;
            deltas.push({ text });
          },
        })
        .then(
          (result) => deltas.end(result),
          (error: unknown) => deltas.fail(failureOf(error, partial)),
        );
      return deltas;
    },
    'ai.infill.warm': (params, call) => deps.infill.warm(call.actor, params?.provider),
    'ai.providers.list': async () => ({ providers: await Promise.all(deps.settings().providers.map(view)) }),
    'ai.providers.add': async (params) => {
      const { apiKey, ...rest } = AddProviderParams.parse(params);
      const config = ProviderConfig.parse(rest);
      if (config.kind === 'local' && !config.modelPath) {
        throw new PaError(ErrorCode.BAD_REQUEST, 'A local provider needs modelPath: the absolute path of a GGUF file.');
      }
      const missing = config.kind === 'local' && config.modelPath ? modelFileProblem(config.modelPath) : null;
      if (missing) throw new PaError(ErrorCode.NOT_FOUND, missing, { path: config.modelPath });
      if (config.kind !== 'local' && config.modelClass === 'local') {
        throw new PaError(ErrorCode.BAD_REQUEST, `A ${config.kind} provider cannot have the model class "local".`);
      }
      if (apiKey !== undefined) await secrets.set(apiKeySecret(config.id), apiKey);
      deps.updateSettings((settings) => {
        const others = settings.providers.filter((provider) => provider.id !== config.id);
        const index = settings.providers.findIndex((provider) => provider.id === config.id);
        const providers = [...others];
        providers.splice(index < 0 ? providers.length : index, 0, config);
        return { ...settings, providers };
      });
      await router.forget(config.id);
      return { provider: await view(config) };
    },
    'ai.providers.remove': async ({ id }) => {
      find(id);
      deps.updateSettings((settings) => ({
        ...settings,
        providers: settings.providers.filter((provider) => provider.id !== id),
      }));
      await secrets.delete(apiKeySecret(id));
      await router.forget(id);
      return { ok: true } as const;
    },
    'ai.providers.test': async ({ id }, call) => {
      find(id);
      const start = performance.now();
      try {
        const result = await router.generate({
          task: 'chat',
          provider: id,
          messages: [{ role: 'user', content: 'Reply with the word: ok' }],
          maxTokens: 8,
          actor: call.actor,
        });
        return { ok: true, ttftMs: result.ttftMs, totalMs: result.totalMs, sample: result.text.slice(0, 200) };
      } catch (error) {
        return {
          ok: false,
          ttftMs: null,
          totalMs: performance.now() - start,
          sample: '',
          error: toWireError(error).message,
        };
      }
    },
    'ai.stats': (params) => {
      const windowMs = params?.windowMs ?? 24 * 3_600_000;
      const now = ctx.clock();
      const rows = deps.perf.stats(now - windowMs);
      return {
        windowMs,
        providers: rows.map((row) => ({ ...row, circuit: router.liveOf(row.providerId).breaker.state(now) })),
      };
    },
    'ai.sent.list': (params) => ({ items: deps.sent.list(params?.limit ?? 50, params?.before) }),
    'ai.sent.get': ({ id }) => ({ request: deps.sent.get(id) }),
    'ai.sent.clear': () => ({ cleared: deps.sent.clear() }),
    'ai.server.info': async () => ({ path: '/v1', token: await deps.serverToken() }),
    'ai.conversations.list': () => ({ items: deps.conversations.list(workspaceKey()) }),
    'ai.conversations.get': ({ id }) => ({ conversation: deps.conversations.get(workspaceKey(), id) }),
    'ai.conversations.save': (params) => ({ id: deps.conversations.save(workspaceKey(), params) }),
    'ai.conversations.delete': ({ id }) => {
      deps.conversations.delete(workspaceKey(), id);
      return { ok: true } as const;
    },
  };
}
