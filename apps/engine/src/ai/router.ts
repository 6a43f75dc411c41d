// The thin loop around `choose`: ranks the providers for a request, calls them in order under deadlines, falls
// back only before the first token, feeds breakers and latency, charges the quota once and records every call.
import { randomUUID } from 'node:crypto';
import {
  type AiSettingsFile,
  ErrorCode,
  errorMessage,
  type Fallback,
  PaError,
  type ProviderConfig,
  type RouteInfo,
} from '@pa/shared';
import type { Entitlements, QuotaReservation, Quotas } from '../license/api.js';
import type { Secrets } from '../secrets/api.js';
import type { AiRequestTrace, AiTraces, GenerateRequest, GenerateResult, ToolProvider } from './api.js';
import { choose, type ProviderLiveStats, REMOTE_OFF_REASON } from './choose.js';
import { AttemptFailed, Cancelled, runAttempt } from './deadline.js';
import { ProviderLive } from './live.js';
import type { PerfLog } from './perf.js';
import { createProvider, type ModelProvider } from './providers/index.js';
import type { Redactor } from './redact.js';
import { redactingProvider } from './redacting-provider.js';
import { recordingProvider, type SentLog } from './sent-log.js';
import { apiKeySecret } from './settings.js';
import { type Toolbox, toolboxOf, withTools } from './tools.js';
import type { UsageLog } from './usage-log.js';

export const DEFAULT_TTFT_REMOTE_MS = 10_000;
export const DEFAULT_TTFT_LOCAL_MS = 30_000;
export const DEFAULT_IDLE_MS = 20_000;

/** What the user's settings (Settings › AI and Privacy) ask of the router; read for every request. */
export interface RouterPreferences {
  /** `privacy.allowRemoteModels`: false → no request, health check included, goes to a network provider. */
  remoteAllowed: boolean;
  /** `ai.remoteFirstTokenTimeout` in ms: a network provider's deadline when its own config sets none. */
  remoteTtftMs: number;
}

export const DEFAULT_PREFERENCES: RouterPreferences = { remoteAllowed: true, remoteTtftMs: DEFAULT_TTFT_REMOTE_MS };

export interface RouterDeps {
  settings: () => AiSettingsFile;
  /** The user's settings now; absent → DEFAULT_PREFERENCES. */
  preferences?: () => Promise<RouterPreferences>;
  entitlements: Entitlements;
  quotas: Quotas;
  secrets: Secrets;
  perf: PerfLog;
  clock: () => number;
  log: (line: Record<string, unknown>) => void;
  /** Tools for chat models that support tool calls (the MCP servers'); absent → no tools. */
  tools?: ToolProvider;
  /** How long listing the tools may take before the chat goes on without them (default 2 s). */
  toolsTimeoutMs?: number;
  /** Where each request handed to a network provider is recorded (what left the machine); absent → not recorded. */
  sent?: SentLog;
  /** The redactor for requests to network providers, made for the open workspace; absent → nothing redacted. */
  redactor?: () => Redactor;
  /** Where each routed request is recorded for the Usage view (usage-log.ts); absent → not recorded. */
  usage?: UsageLog;
  /** Traces of each request and its attempts (OpenTelemetry when configured); absent → none. */
  traces?: AiTraces;
}

/** What a request came to, kept as it is routed (for its usage record and its trace). */
interface Tally {
  providerId: string | null;
  model: string | null;
  attempts: number;
  fallbacks: number;
  /** The last attempt's failure kind. */
  failure: string | null;
}

export const DEFAULT_TOOLS_TIMEOUT_MS = 2_000;

/** What `AiRouter.admit` decided for one provider of a request. */
export type Admission =
  | { ok: true; probe: boolean; reservation: QuotaReservation | null }
  | { ok: false; fallback: Fallback; quotaError?: PaError };

export class AiRouter {
  private readonly live = new Map<string, ProviderLive>();
  private readonly instances = new Map<string, Promise<ModelProvider>>();
  private healthTimer: NodeJS.Timeout | null = null;

  constructor(private readonly deps: RouterDeps) {}

  /**
   * One provider's admission to an attempt: the circuit breaker's permit (a probe when half open), then, for a network
   * provider, the request's one unit of the daily AI quota (taken once per request, whichever provider answers).
   * A provider that may not be tried comes back as the fallback to report.
   */
  admit(live: ProviderLive, config: ProviderConfig, reservation: QuotaReservation | null, actor: string): Admission {
    const permit = live.breaker.tryAcquire(this.deps.clock());
    if (!permit) return { ok: false, fallback: { providerId: config.id, reason: 'circuit open' } };
    const probe = permit === 'probe';
    if (config.modelClass === 'local' || reservation !== null) return { ok: true, probe, reservation };
    try {
      return { ok: true, probe, reservation: this.deps.quotas.consume('ai_requests', 1, actor) };
    } catch (error) {
      if (probe) live.breaker.releaseProbe();
      if (error instanceof PaError && error.code === ErrorCode.QUOTA) {
        return {
          ok: false,
          fallback: { providerId: config.id, reason: 'daily AI request quota used up' },
          quotaError: error,
        };
      }
      throw error;
    }
  }

  liveOf(providerId: string): ProviderLive {
    let live = this.live.get(providerId);
    if (!live) {
      live = new ProviderLive(this.deps.settings().router.breakerCooldownMs);
      this.live.set(providerId, live);
    }
    return live;
  }

  /** Forgets a provider's instance and live state (after it was replaced or removed). */
  async forget(providerId: string): Promise<void> {
    const instance = this.instances.get(providerId);
    this.instances.delete(providerId);
    this.live.delete(providerId);
    const provider = await instance?.catch(() => null);
    await provider?.dispose?.();
  }

  instance(config: ProviderConfig): Promise<ModelProvider> {
    let instance = this.instances.get(config.id);
    if (!instance) {
      const sent = this.deps.sent;
      const created = this.deps.secrets
        .get(apiKeySecret(config.id))
        .then((key) => createProvider(config, key))
        .then((provider) => (sent ? recordingProvider(provider, sent) : provider))
        .then((provider) => (this.deps.redactor ? redactingProvider(provider, this.deps.redactor) : provider));
      this.instances.set(config.id, created);
      // a failed keychain read or provider set-up is not remembered: the next request tries again
      created.catch(() => {
        if (this.instances.get(config.id) === created) this.instances.delete(config.id);
      });
      instance = created;
    }
    return instance;
  }

  licensed(config: ProviderConfig): boolean {
    return this.deps.entitlements.allows({ kind: 'model', modelClass: config.modelClass });
  }

  /** A pinned provider must exist and be licensed; throws E_NOT_FOUND / E_LICENSE (with an audit row) otherwise. */
  checkPinned(providerId: string, actor: string): void {
    const pinned = this.deps.settings().providers.find((provider) => provider.id === providerId);
    if (!pinned) {
      throw new PaError(
        ErrorCode.NOT_FOUND,
        `No model provider "${providerId}"; pick one from \`pa models list\` or use Auto.`,
      );
    }
    this.deps.entitlements.require({ kind: 'model', modelClass: pinned.modelClass }, actor);
  }

  private async preferences(): Promise<RouterPreferences> {
    if (!this.deps.preferences) return DEFAULT_PREFERENCES;
    try {
      return await this.deps.preferences();
    } catch (error) {
      // the settings cannot be read: nothing leaves the machine until they can
      this.deps.log({ level: 'warn', msg: 'ai: reading the settings failed', error: errorMessage(error) });
      return { ...DEFAULT_PREFERENCES, remoteAllowed: false };
    }
  }

  async generate(request: GenerateRequest): Promise<GenerateResult> {
    const { clock, usage } = this.deps;
    const requestId = usage?.newRequestId() ?? randomUUID();
    const at = clock();
    const started = performance.now();
    const tally: Tally = { providerId: null, model: null, attempts: 0, fallbacks: 0, failure: null };
    const trace = await this.beginTrace(requestId, request);
    const finish = (outcome: string, result: GenerateResult | null, errorCode?: string) => {
      const record = {
        outcome,
        providerId: result?.providerId ?? tally.providerId,
        model: result?.model ?? tally.model,
        attempts: tally.attempts,
        fallbacks: tally.fallbacks,
        ttftMs: result ? result.ttftMs : null,
        tokensIn: result?.tokensIn ?? 0,
        tokensOut: result?.tokensOut ?? 0,
      };
      try {
        usage?.record({
          ...record,
          id: requestId,
          at,
          task: request.task,
          totalMs: performance.now() - started,
        });
      } catch (error) {
        this.deps.log({ level: 'warn', msg: 'ai: recording the request failed', error: errorMessage(error) });
      }
      trace?.end({ ...record, ...(errorCode ? { errorCode } : {}) });
    };
    try {
      const result = await this.route(request, requestId, started, tally, trace);
      finish('ok', result);
      return result;
    } catch (error) {
      const code = error instanceof PaError ? error.code : ErrorCode.INTERNAL;
      finish(outcomeOf(code, tally), null, code);
      throw error;
    }
  }

  /** The request's trace, or null (tracing off, or its set-up failed: a request never fails for its trace). */
  private async beginTrace(requestId: string, request: GenerateRequest): Promise<AiRequestTrace | null> {
    if (!this.deps.traces) return null;
    try {
      return await this.deps.traces.begin({ requestId, task: request.task, pinned: request.provider ?? null });
    } catch (error) {
      this.deps.log({ level: 'warn', msg: 'ai: starting the trace failed', error: errorMessage(error) });
      return null;
    }
  }

  private async route(
    request: GenerateRequest,
    requestId: string,
    started: number,
    tally: Tally,
    trace: AiRequestTrace | null,
  ): Promise<GenerateResult> {
    const { perf, clock } = this.deps;
    const preferences = await this.preferences();
    const providers = this.deps.settings().providers;
    if (request.provider !== undefined) this.checkPinned(request.provider, request.actor);
    const stats = new Map<string, ProviderLiveStats>();
    const now = clock();
    for (const provider of providers) stats.set(provider.id, this.liveOf(provider.id).snapshot(now));
    const choice = choose(providers, stats, {
      task: request.task,
      pinned: request.provider,
      licensed: (provider) => this.licensed(provider),
      now,
      remoteAllowed: preferences.remoteAllowed,
    });
    trace?.choice(
      choice.ranked.map(({ provider, reasons }) => ({ providerId: provider.id, reasons })),
      choice.excluded,
    );
    if (choice.ranked.length === 0) {
      const why = choice.excluded.map((entry) => `${entry.providerId}: ${entry.reason}`).join('; ');
      // the privacy setting is the reason: say so first, and what would answer instead
      const remoteOff = choice.excluded.some((entry) => entry.reason === REMOTE_OFF_REASON);
      throw new PaError(
        ErrorCode.UNAVAILABLE,
        providers.length === 0
          ? 'No model provider is configured; add one in Model settings or with `pa models add`.'
          : remoteOff
            ? `Remote models are off (Settings › Privacy › Allow Remote Models) and no local model can take this ${request.task} request (${why}); turn them on or add a local model in Model settings.`
            : `No model provider can take this ${request.task} request (${why}); add or enable one in Model settings.`,
        { excluded: choice.excluded },
      );
    }

    const fallbacks: Fallback[] = [];
    let reservation: QuotaReservation | null = null;
    let quotaError: PaError | null = null;
    let delivered = false;
    const onToken = (text: string) => {
      delivered = true;
      request.onToken?.(text);
    };
    const providerRequest = {
      messages: request.messages,
      ...(request.onRedacted ? { onRedacted: request.onRedacted } : {}),
      ...(request.sources ? { sources: request.sources } : {}),
      ...(request.maxTokens !== undefined ? { maxTokens: request.maxTokens } : {}),
      ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
    };
    const signal = request.signal ?? new AbortController().signal;
    const toolbox = request.tools ? await this.toolbox() : null;

    for (const { provider: config, reasons } of choice.ranked) {
      const live = this.liveOf(config.id);
      const admission = this.admit(live, config, reservation, request.actor);
      if (!admission.ok) {
        fallbacks.push(admission.fallback);
        tally.fallbacks += 1;
        tally.failure = admission.quotaError ? 'quota' : 'skipped';
        trace?.skipped(admission.fallback);
        quotaError = admission.quotaError ?? quotaError;
        continue;
      }
      const { probe } = admission;
      reservation = admission.reservation;
      const attemptStart = performance.now();
      const at = clock();
      const span = trace?.attempt({
        index: tally.attempts,
        providerId: config.id,
        kind: config.kind,
        model: config.model,
        modelClass: config.modelClass,
      });
      tally.attempts += 1;
      tally.providerId = config.id;
      tally.model = config.model;
      live.inFlight += 1;
      try {
        const instance = await this.instance(config);
        const provider = request.wrap
          ? request.wrap(instance)
          : toolbox && this.deps.tools && instance.supportsTools
            ? withTools(instance, toolbox, this.deps.tools)
            : instance;
        const outcome = await runAttempt(provider, providerRequest, deadlinesOf(config, preferences), signal, onToken);
        const totalMs = performance.now() - attemptStart;
        live.observeTtft(outcome.ttftMs);
        live.breaker.record(clock(), { ok: true, probe });
        const tokensIn = outcome.tokensIn ?? estimateTokens(request.messages);
        perf.record({
          at,
          providerId: config.id,
          model: config.model,
          task: request.task,
          ttftMs: outcome.ttftMs,
          totalMs,
          tokensIn,
          tokensOut: outcome.tokensOut,
          outcome: 'ok',
          requestId,
        });
        span?.end({
          outcome: 'ok',
          latencyMs: totalMs,
          ttftMs: outcome.ttftMs,
          tokensIn,
          tokensOut: outcome.tokensOut,
        });
        return {
          text: outcome.text,
          providerId: config.id,
          model: config.model,
          reasons,
          fallbacks,
          tokensIn,
          tokensOut: outcome.tokensOut,
          ttftMs: outcome.ttftMs + (attemptStart - started),
          totalMs: performance.now() - started,
          toolCalls: outcome.toolCalls,
          ...(outcome.finishReason ? { finishReason: outcome.finishReason } : {}),
        };
      } catch (error) {
        const latencyMs = performance.now() - attemptStart;
        if (error instanceof Cancelled) {
          if (probe) live.breaker.releaseProbe();
          this.recordFailure(config, request.task, at, attemptStart, 'cancelled', requestId);
          span?.end({ outcome: 'cancelled', latencyMs, ttftMs: null, tokensIn: 0, tokensOut: 0 });
          tally.failure = 'cancelled';
          if (!delivered) reservation?.refund();
          throw new PaError(ErrorCode.CANCELLED, 'The request was cancelled.');
        }
        if (!(error instanceof AttemptFailed)) {
          if (probe) live.breaker.releaseProbe();
          span?.end({ outcome: 'error', latencyMs, ttftMs: null, tokensIn: 0, tokensOut: 0 });
          tally.failure = 'error';
          throw error;
        }
        const { failure } = error;
        live.breaker.record(clock(), { ok: false, auth: failure.kind === 'auth', probe });
        if (failure.kind === 'rate-limit' && failure.retryAfterMs !== undefined) {
          live.blockedUntil = clock() + failure.retryAfterMs;
        }
        if (failure.kind === 'ttft-timeout') live.observeTtft(deadlinesOf(config, preferences).ttftMs);
        this.recordFailure(config, request.task, at, attemptStart, failure.kind, requestId);
        span?.end({
          outcome: failure.kind,
          latencyMs,
          ttftMs: null,
          tokensIn: 0,
          tokensOut: 0,
          afterFirstToken: error.afterFirstToken,
        });
        tally.failure = failure.kind;
        this.deps.log({ level: 'warn', msg: 'ai provider failed', provider: config.id, kind: failure.kind });
        if (error.afterFirstToken) {
          const route: RouteInfo = { providerId: config.id, model: config.model, reasons, fallbacks };
          throw new PaError(
            ErrorCode.PROVIDER,
            `${config.id} ${failure.message}; the answer so far is kept — ask again to retry.`,
            { route },
          );
        }
        fallbacks.push({ providerId: config.id, reason: failure.message });
        tally.fallbacks += 1;
      } finally {
        live.inFlight -= 1;
      }
    }

    reservation?.refund();
    if (quotaError && fallbacks.every((entry) => entry.reason === 'daily AI request quota used up')) throw quotaError;
    throw new PaError(
      ErrorCode.PROVIDER,
      `Every model provider failed (${fallbacks.map((entry) => `${entry.providerId} ${entry.reason}`).join('; ')}); check Model settings or try again.`,
      { fallbacks },
    );
  }

  /** The tools to offer now, or null when there are none; a tool server that is down or hangs must not stop the chat. */
  private async toolbox(): Promise<Toolbox | null> {
    if (!this.deps.tools) return null;
    // a server the user just added may still be starting: wait for it as long as its first start may take, once;
    // a server that hangs after starting gets the short limit
    const limit = Math.max(
      this.deps.toolsTimeoutMs ?? DEFAULT_TOOLS_TIMEOUT_MS,
      this.deps.tools.startupGraceMs?.() ?? 0,
    );
    let timer: NodeJS.Timeout | undefined;
    try {
      // An MCP server that hangs must not hold the answer: past the limit the chat goes on without tools.
      const tools = await Promise.race([
        this.deps.tools.tools(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${limit} ms`)), limit);
        }),
      ]);
      return tools.length > 0 ? toolboxOf(tools) : null;
    } catch (error) {
      this.deps.log({
        level: 'warn',
        msg: 'chat goes on without tools: listing the MCP tools failed',
        error: errorMessage(error),
      });
      return null;
    } finally {
      clearTimeout(timer);
    }
  }

  private recordFailure(
    config: ProviderConfig,
    task: GenerateRequest['task'],
    at: number,
    start: number,
    kind: string,
    requestId: string,
  ) {
    this.deps.perf.record({
      at,
      providerId: config.id,
      model: config.model,
      task,
      ttftMs: null,
      totalMs: performance.now() - start,
      tokensIn: 0,
      tokensOut: 0,
      outcome: kind,
      requestId,
    });
  }

  /** Active health checks of remote providers; the check doubles as the half-open probe. */
  startHealthChecks(): void {
    const interval = this.deps.settings().router.healthIntervalMs;
    if (interval <= 0) return;
    this.healthTimer = setInterval(() => void this.checkHealth(), interval);
    this.healthTimer.unref();
  }

  async checkHealth(): Promise<void> {
    const preferences = await this.preferences();
    // remote models off: not even a health check leaves the machine
    if (!preferences.remoteAllowed) return;
    const remote = this.deps.settings().providers.filter((provider) => provider.enabled && provider.kind !== 'local');
    await Promise.all(
      remote.map(async (config) => {
        const live = this.liveOf(config.id);
        const permit = live.breaker.tryAcquire(this.deps.clock());
        if (!permit) return;
        const probe = permit === 'probe';
        const controller = new AbortController();
        const timer = setTimeout(() => controller.abort(), deadlinesOf(config, preferences).ttftMs);
        try {
          const provider = await this.instance(config);
          await provider.health(controller.signal);
          if (probe) live.breaker.record(this.deps.clock(), { ok: true, probe });
        } catch (error) {
          const status = (error as { status?: unknown }).status;
          live.breaker.record(this.deps.clock(), { ok: false, auth: status === 401 || status === 403, probe });
        } finally {
          clearTimeout(timer);
        }
      }),
    );
  }

  async dispose(): Promise<void> {
    if (this.healthTimer) clearInterval(this.healthTimer);
    for (const id of [...this.instances.keys()]) await this.forget(id);
  }
}

export function deadlinesOf(
  config: ProviderConfig,
  preferences: Pick<RouterPreferences, 'remoteTtftMs'> = DEFAULT_PREFERENCES,
): { ttftMs: number; idleMs: number } {
  return {
    ttftMs: config.ttftTimeoutMs ?? (config.kind === 'local' ? DEFAULT_TTFT_LOCAL_MS : preferences.remoteTtftMs),
    idleMs: config.idleTimeoutMs ?? DEFAULT_IDLE_MS,
  };
}

/** A failed request's outcome for its record: cancelled, the last attempt's failure, or what refused it. */
function outcomeOf(code: string, tally: Tally): string {
  if (code === ErrorCode.CANCELLED) return 'cancelled';
  if (code === ErrorCode.QUOTA) return 'quota';
  if (code === ErrorCode.LICENSE) return 'license';
  if (code === ErrorCode.UNAVAILABLE && tally.attempts === 0) return 'unavailable';
  return tally.failure && tally.failure !== 'skipped' ? tally.failure : 'error';
}

/** Rough prompt size when the provider does not report usage (≈4 characters a token). */
function estimateTokens(messages: GenerateRequest['messages']): number {
  return Math.ceil(messages.reduce((sum, turn) => sum + turn.content.length, 0) / 4);
}
