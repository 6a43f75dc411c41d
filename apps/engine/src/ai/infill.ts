// Code completion through the router (task `completion`): the providers that serve completions ranked as for any
// request, each called under the completion deadlines (first token, total) from the settings. Before the first
// token a slow or failed provider gives way to the next while total time is left; after it, or once the caller
// cancelled (the user typed on) or a newer completion replaced it, nothing is retried anywhere. The suggestion is
// cut as it streams — at a template/control token, at the end of the line or block — and the provider stopped
// there; the result's text is also trimmed of what the suffix already has. A file the workspace's .aiignore excludes
// is refused, and excluded context chunks are dropped, before any provider is asked.
import {
  type AiSettingsFile,
  ErrorCode,
  type Fallback,
  type InfillFinish,
  type InfillParams,
  type InfillResult,
  PaError,
  type ProviderConfig,
  type RouteInfo,
} from '@pa/shared';
import { StopScanner, stopIndex, trimOverlap } from '@pa/shared/completion/index';
import type { QuotaReservation } from '../license/api.js';
import { choose, type ProviderLiveStats } from './choose.js';
import { ALL_STOPS, budgetOf, clipByChars, contextText, holeFillingTurns } from './fim.js';
import type { PerfLog } from './perf.js';
import {
  classifyFailure,
  type InfillProviderChunk,
  type InfillRequest,
  type InfillStats,
  type ModelProvider,
  ProviderFailure,
  Superseded,
} from './providers/provider.js';
import { REMOTE_WINDOW_TOKENS } from './providers/remote-infill.js';
import type { AiRouter } from './router.js';
import { infillSources } from './sent-log.js';

/** What the user's settings say about completions, read for every request. */
export interface CompletionPreferences {
  enabled: boolean;
  ttftMs: number;
  totalMs: number;
  /** `privacy.allowRemoteModels`: false → only the local model completes. */
  remoteAllowed: boolean;
}

export const DEFAULT_COMPLETION_PREFERENCES: CompletionPreferences = {
  enabled: true,
  ttftMs: 300,
  totalMs: 1500,
  remoteAllowed: true,
};

export interface InfillDeps {
  router: AiRouter;
  settings: () => AiSettingsFile;
  perf: PerfLog;
  clock: () => number;
  log: (line: Record<string, unknown>) => void;
  preferences?: () => Promise<CompletionPreferences>;
  /** Whether the workspace's .aiignore excludes a path (absent: nothing is excluded). */
  excluded?: (path: string) => boolean;
}

export interface InfillCall {
  params: InfillParams;
  actor: string;
  signal: AbortSignal;
  /** A piece of the suggestion (its concatenation is a prefix of the result's text before overlap trimming). */
  onText: (text: string) => void;
}

/** Why one provider's attempt ended without a suggestion. */
class AttemptEnded extends Error {
  constructor(
    readonly failure: ProviderFailure,
    readonly afterFirstToken: boolean,
    readonly partial: string,
  ) {
    super(failure.message);
  }
}

class CancelledByCaller extends Error {}

/** A provider without its own FIM: the hole-filling chat prompt, its opening Markdown fence dropped. */
async function* holeFilling(
  provider: ModelProvider,
  request: InfillRequest,
  signal: AbortSignal,
): AsyncIterable<InfillProviderChunk> {
  const fitted = clipByChars(
    request.prefix,
    request.suffix,
    request.context,
    budgetOf(REMOTE_WINDOW_TOKENS, request.maxTokens),
  );
  const messages = holeFillingTurns({
    prefix: fitted.prefix,
    suffix: fitted.suffix,
    context: contextText(fitted.chunks),
    ...(request.path !== undefined ? { path: request.path } : {}),
    ...(request.language !== undefined ? { language: request.language } : {}),
  });
  yield { stats: { template: 'hole-filling', promptTokens: null, evaluatedTokens: null, reusedTokens: null } };
  let head = '';
  let passing = false;
  // the record of what was sent names the file and the context chunks the prompt carries (as clipped)
  const sources = infillSources({ ...request, prefix: fitted.prefix, suffix: fitted.suffix, context: fitted.chunks });
  for await (const chunk of provider.stream(
    { messages, maxTokens: request.maxTokens, temperature: request.temperature, sources },
    signal,
  )) {
    if ('usage' in chunk) {
      yield {
        stats: {
          template: 'hole-filling',
          promptTokens: chunk.usage.tokensIn,
          evaluatedTokens: null,
          reusedTokens: null,
        },
      };
      continue;
    }
    if (!('text' in chunk) || !chunk.text) continue;
    if (passing) {
      yield { text: chunk.text };
      continue;
    }
    head += chunk.text;
    const trimmed = head.trimStart();
    if (trimmed.length < 3 && !trimmed.includes('\n')) continue;
    if (!trimmed.startsWith('```')) {
      passing = true;
      yield { text: head };
      continue;
    }
    const lineEnd = trimmed.indexOf('\n');
    if (lineEnd < 0) continue;
    passing = true;
    const body = trimmed.slice(lineEnd + 1);
    if (body) yield { text: body };
  }
}

export class InfillRouter {
  constructor(private readonly deps: InfillDeps) {}

  async preferences(): Promise<CompletionPreferences> {
    if (!this.deps.preferences) return DEFAULT_COMPLETION_PREFERENCES;
    try {
      return await this.deps.preferences();
    } catch (error) {
      this.deps.log({ level: 'warn', msg: 'ai.infill: reading the settings failed', error: String(error) });
      return { ...DEFAULT_COMPLETION_PREFERENCES, remoteAllowed: false };
    }
  }

  /** Loads the local model that would answer a completion now (nothing is sent to a remote provider). */
  async warm(actor: string, pinned?: string): Promise<{ providerId: string | null; loaded: boolean }> {
    const { router, clock } = this.deps;
    if (pinned !== undefined) router.checkPinned(pinned, actor);
    const preferences = await this.preferences();
    if (!preferences.enabled) return { providerId: null, loaded: false };
    const providers = this.deps.settings().providers;
    const now = clock();
    const stats = new Map<string, ProviderLiveStats>();
    for (const provider of providers) stats.set(provider.id, router.liveOf(provider.id).snapshot(now));
    const first = choose(providers, stats, {
      task: 'completion',
      pinned,
      licensed: (provider) => router.licensed(provider),
      now,
      remoteAllowed: preferences.remoteAllowed,
    }).ranked[0]?.provider;
    if (!first) return { providerId: null, loaded: false };
    if (first.kind !== 'local') return { providerId: first.id, loaded: false };
    const instance = await router.instance(first);
    await instance.health(new AbortController().signal);
    return { providerId: first.id, loaded: true };
  }

  async infill(asked: InfillCall): Promise<InfillResult> {
    const { router, perf, clock } = this.deps;
    // .aiignore: an excluded file is not completed (below), an excluded chunk is not sent
    const excluded = this.deps.excluded;
    const call: InfillCall = excluded
      ? {
          ...asked,
          params: {
            ...asked.params,
            context: asked.params.context.filter((chunk) => chunk.path === undefined || !excluded(chunk.path)),
          },
        }
      : asked;
    const { params } = call;
    const started = performance.now();
    const preferences = await this.preferences();
    if (!preferences.enabled) {
      throw new PaError(ErrorCode.UNAVAILABLE, 'Code completion is off (Settings › Code Completion).');
    }
    if (params.provider !== undefined) router.checkPinned(params.provider, call.actor);
    if (excluded && params.path !== undefined && excluded(params.path)) {
      throw new PaError(ErrorCode.FORBIDDEN, `${params.path} is excluded from AI by the workspace's .aiignore.`, {
        partial: '',
      });
    }
    const totalAt = started + preferences.totalMs;
    const providers = this.deps.settings().providers;
    const now = clock();
    const stats = new Map<string, ProviderLiveStats>();
    for (const provider of providers) stats.set(provider.id, router.liveOf(provider.id).snapshot(now));
    const choice = choose(providers, stats, {
      task: 'completion',
      pinned: params.provider,
      licensed: (provider) => router.licensed(provider),
      now,
      remoteAllowed: preferences.remoteAllowed,
    });
    if (choice.ranked.length === 0) {
      const why = choice.excluded.map((entry) => `${entry.providerId}: ${entry.reason}`).join('; ');
      throw new PaError(
        ErrorCode.UNAVAILABLE,
        providers.length === 0
          ? 'No model provider is configured; add one in Model settings or with `pa models add`.'
          : `No model provider can complete code (${why}); add or enable one that serves "completion".`,
        { partial: '' },
      );
    }

    const fallbacks: Fallback[] = [];
    let reservation: QuotaReservation | null = null;
    let timedOut = 0;
    for (const { provider: config, reasons } of choice.ranked) {
      if (call.signal.aborted) throw cancelled();
      if (performance.now() >= totalAt) break;
      const live = router.liveOf(config.id);
      const admission = router.admit(live, config, reservation, call.actor);
      if (!admission.ok) {
        fallbacks.push(admission.fallback);
        continue;
      }
      const { probe } = admission;
      reservation = admission.reservation;
      const at = clock();
      const attemptStart = performance.now();
      live.inFlight += 1;
      try {
        const instance = await router.instance(config);
        const outcome = await this.attempt(instance, config, call, preferences.ttftMs, totalAt);
        live.observeTtft(outcome.ttftMs);
        live.breaker.record(clock(), { ok: true, probe });
        perf.record({
          at,
          providerId: config.id,
          model: config.model,
          task: 'completion',
          ttftMs: outcome.ttftMs,
          totalMs: performance.now() - attemptStart,
          tokensIn: outcome.stats?.promptTokens ?? Math.ceil((params.prefix.length + params.suffix.length) / 4),
          tokensOut: outcome.tokensOut,
          outcome: 'ok',
        });
        return {
          requestId: params.requestId,
          text: trimOverlap(outcome.text, params.suffix),
          finishReason: outcome.finish,
          route: { providerId: config.id, model: config.model, reasons, fallbacks },
          template: outcome.stats?.template ?? (instance.infill ? 'model-tokens' : 'hole-filling'),
          ttftMs: outcome.ttftMs + (attemptStart - started),
          totalMs: performance.now() - started,
          promptTokens: outcome.stats?.promptTokens ?? null,
          evaluatedTokens: outcome.stats?.evaluatedTokens ?? null,
          reusedTokens: outcome.stats?.reusedTokens ?? null,
          tokensOut: outcome.tokensOut,
        };
      } catch (error) {
        if (probe && !(error instanceof AttemptEnded && !isDeadline(error.failure))) live.breaker.releaseProbe();
        if (error instanceof CancelledByCaller || error instanceof Superseded) {
          this.record(config, at, attemptStart, 'cancelled');
          reservation?.refund(); // nothing reached the user
          throw cancelled(error instanceof Superseded);
        }
        if (!(error instanceof AttemptEnded)) throw error;
        const { failure } = error;
        // a completion deadline is strict on purpose: missing it says nothing about the provider's health
        if (!isDeadline(failure)) {
          live.breaker.record(clock(), { ok: false, auth: failure.kind === 'auth', probe });
          if (failure.kind === 'rate-limit' && failure.retryAfterMs !== undefined) {
            live.blockedUntil = clock() + failure.retryAfterMs;
          }
        } else timedOut += 1;
        this.record(config, at, attemptStart, failure.kind);
        if (error.afterFirstToken) {
          const route: RouteInfo = { providerId: config.id, model: config.model, reasons, fallbacks };
          throw new PaError(ErrorCode.PROVIDER, `${config.id} ${failure.message} mid-suggestion.`, {
            partial: error.partial,
            route,
          });
        }
        fallbacks.push({ providerId: config.id, reason: failure.message });
      } finally {
        live.inFlight -= 1;
      }
    }
    reservation?.refund();
    const summary = fallbacks.map((entry) => `${entry.providerId} ${entry.reason}`).join('; ');
    if (performance.now() >= totalAt || (timedOut > 0 && timedOut === fallbacks.length)) {
      throw new PaError(
        ErrorCode.TIMEOUT,
        `No suggestion within the completion deadlines (${preferences.ttftMs} ms to the first token, ${preferences.totalMs} ms in all)${summary ? `: ${summary}` : ''}.`,
        { partial: '', fallbacks },
      );
    }
    throw new PaError(ErrorCode.PROVIDER, `Every completion provider failed (${summary}).`, { partial: '', fallbacks });
  }

  /** One provider's suggestion, streamed into call.onText, cut at stops, under both deadlines. */
  private async attempt(
    provider: ModelProvider,
    config: ProviderConfig,
    call: InfillCall,
    ttftDeadlineMs: number,
    totalAt: number,
  ): Promise<{ text: string; finish: InfillFinish; ttftMs: number; tokensOut: number; stats: InfillStats | null }> {
    const { params } = call;
    const start = performance.now();
    const controller = new AbortController();
    let ended: 'cancel' | 'ttft' | 'total' | 'stop' | null = null;
    let wake: (() => void) | null = null;
    const woken = new Promise<'woken'>((resolve) => {
      wake = () => resolve('woken');
    });
    const end = (why: NonNullable<typeof ended>) => {
      ended ??= why;
      controller.abort();
      wake?.();
    };
    const onCancel = () => end('cancel');
    if (call.signal.aborted) throw new CancelledByCaller();
    call.signal.addEventListener('abort', onCancel, { once: true });
    const remaining = Math.max(0, totalAt - start);
    const ttftTimer = setTimeout(() => end('ttft'), Math.min(ttftDeadlineMs, remaining));
    const totalTimer = setTimeout(() => end('total'), remaining);

    const request: InfillRequest = {
      prefix: params.prefix,
      suffix: params.suffix,
      context: params.context,
      maxTokens: params.maxTokens,
      temperature: params.temperature,
      ...(params.path !== undefined ? { path: params.path } : {}),
      ...(params.language !== undefined ? { language: params.language } : {}),
    };
    const holeFilled = !provider.infill || config.fimTemplate === 'hole-filling';
    const source = holeFilled
      ? holeFilling(provider, request, controller.signal)
      : (provider.infill as NonNullable<ModelProvider['infill']>)(request, controller.signal);
    const scanner = new StopScanner(holeFilled ? [...ALL_STOPS, '```'] : ALL_STOPS);
    const iterator = source[Symbol.asyncIterator]();

    let ttftMs = -1;
    let raw = '';
    let emitted = 0;
    let tokensOut = 0;
    let stats: InfillStats | null = null;
    let finish: InfillFinish | null = null;
    const emit = (upTo: number) => {
      if (upTo > emitted) {
        call.onText(raw.slice(emitted, upTo));
        emitted = upTo;
      }
    };
    /** Takes clean text (`final`: nothing follows it); true when the end of the line or block cut the suggestion. */
    const take = (clean: string, final: boolean): boolean => {
      raw += clean;
      const cut = stopIndex(params.prefix, raw, { multiline: params.multiline, final });
      if (cut !== null) {
        raw = raw.slice(0, cut);
        return true;
      }
      // a line after the first may still be cut before its line break: hold it until it is judged
      const held = params.multiline && !final ? raw.lastIndexOf('\n') : -1;
      emit(held >= 0 ? held : raw.length);
      return false;
    };

    try {
      for (;;) {
        const next = await Promise.race([iterator.next(), woken]);
        if (next === 'woken' || next.done) break;
        const chunk = next.value;
        if ('stats' in chunk) {
          stats = chunk.stats;
          continue;
        }
        if ('finish' in chunk) {
          finish = chunk.finish;
          continue;
        }
        if (!chunk.text) continue;
        if (ttftMs < 0) {
          ttftMs = performance.now() - start;
          clearTimeout(ttftTimer);
        }
        tokensOut += 1;
        const { text, stopped } = scanner.push(chunk.text);
        if (take(text, stopped) || stopped) {
          finish = 'stop';
          end('stop');
          break;
        }
      }
    } catch (error) {
      if (error instanceof Superseded) throw error;
      if (call.signal.aborted || ended === 'cancel') throw new CancelledByCaller();
      if (ended === null) {
        throw new AttemptEnded(classifyFailure(error), ttftMs >= 0, raw);
      }
      // ended by a deadline or a stop: the provider's abort error is expected
    } finally {
      clearTimeout(ttftTimer);
      clearTimeout(totalTimer);
      call.signal.removeEventListener('abort', onCancel);
      if (controller.signal.aborted) void iterator.return?.()?.catch(() => undefined);
    }
    if (ended === 'cancel' || call.signal.aborted) throw new CancelledByCaller();
    if (ended === 'ttft' || (ended === 'total' && ttftMs < 0)) {
      const kind = ended === 'ttft' ? 'ttft-timeout' : 'idle-timeout';
      const failure = new ProviderFailure(
        kind,
        ended === 'ttft'
          ? `sent no first token within ${ttftDeadlineMs} ms`
          : 'sent nothing before the total completion deadline',
      );
      throw new AttemptEnded(failure, false, '');
    }
    if (ended === 'total') {
      // the deadline cut it: keep what was written, its last line judged as it stands
      finish = 'deadline';
      take('', true);
    } else if (ended !== 'stop') {
      // the provider ended it: what the scanner held back is text, and the last line is judged too
      if (take(scanner.end(), true)) finish = 'stop';
    }
    emit(raw.length);
    if (ttftMs < 0) ttftMs = performance.now() - start;
    return { text: raw, finish: finish ?? 'eos', ttftMs, tokensOut, stats };
  }

  private record(config: ProviderConfig, at: number, start: number, outcome: string): void {
    this.deps.perf.record({
      at,
      providerId: config.id,
      model: config.model,
      task: 'completion',
      ttftMs: null,
      totalMs: performance.now() - start,
      tokensIn: 0,
      tokensOut: 0,
      outcome,
    });
  }
}

function isDeadline(failure: ProviderFailure): boolean {
  return failure.kind === 'ttft-timeout' || failure.kind === 'idle-timeout';
}

function cancelled(superseded = false): PaError {
  return new PaError(
    ErrorCode.CANCELLED,
    superseded ? 'A newer completion replaced this one.' : 'The completion was cancelled.',
    { partial: '' },
  );
}
