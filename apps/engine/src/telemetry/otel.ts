// The OpenTelemetry side of the telemetry capability, loaded only when traces are on (index.ts imports it with
// import()). One TracerProvider of our own (never registered globally: no other library's spans are picked up),
// a batch processor and the OTLP/HTTP (JSON) exporter. A request is a span `ai.request` with the router's choice; each
// attempt a child span `ai.attempt` with provider, model, outcome, latency, time to first token and tokens.
// Attributes are ids, names, numbers and fixed reason strings: never prompt or answer text, keys or endpoints.
import { type Attributes, context, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { Fallback, TaskType } from '@pa/shared';
import type { AiAttemptTrace, AiRequestTrace } from '../ai/api.js';

export interface OtelTracing {
  requestTrace(request: { requestId: string; task: TaskType; pinned: string | null }): AiRequestTrace;
  shutdown(): Promise<void>;
}

/** Spans wait at most this long before they are sent. */
const EXPORT_DELAY_MS = 1_000;
/** A reason string is cut to this length (they are the router's fixed phrases; a provider's text never is). */
const MAX_REASON = 120;

const reasonText = (fallback: Fallback) => `${fallback.providerId}: ${fallback.reason}`.slice(0, MAX_REASON);

export async function startOtel(options: { url: string; version: string }): Promise<OtelTracing> {
  const exporter = new OTLPTraceExporter({ url: options.url, timeoutMillis: 10_000 });
  const provider = new TracerProvider({
    resource: resourceFromAttributes({
      'service.name': 'powerautomation-engine',
      'service.version': options.version,
    }),
    spanProcessors: [new BatchSpanProcessor({ exporter, scheduledDelayMillis: EXPORT_DELAY_MS, maxQueueSize: 2_048 })],
    spanLimits: { attributeValueLengthLimit: 512, attributeCountLimit: 64, eventCountLimit: 32 },
  });
  const tracer = provider.getTracer('powerautomation.ai', options.version);

  return {
    requestTrace({ requestId, task, pinned }) {
      const span: Span = tracer.startSpan('ai.request', {
        kind: SpanKind.INTERNAL,
        attributes: {
          'pa.ai.request_id': requestId,
          'pa.ai.task': task,
          'pa.ai.router.pinned': pinned ?? '',
        },
      });
      const parent = trace.setSpan(context.active(), span);
      return {
        choice(ranked, excluded) {
          span.setAttributes({
            'pa.ai.router.candidates': ranked.map((entry) => entry.providerId),
            'pa.ai.router.first_choice': ranked[0]?.providerId ?? '',
            'pa.ai.router.first_reasons': (ranked[0]?.reasons ?? []).map((reason) => reason.slice(0, MAX_REASON)),
            'pa.ai.router.excluded': excluded.map(reasonText),
          });
        },
        skipped(fallback) {
          span.addEvent('ai.provider_skipped', {
            'pa.ai.provider.id': fallback.providerId,
            'pa.ai.reason': fallback.reason.slice(0, MAX_REASON),
          });
        },
        attempt(info): AiAttemptTrace {
          const started = performance.now();
          const child = tracer.startSpan(
            'ai.attempt',
            {
              kind: SpanKind.CLIENT,
              attributes: {
                'pa.ai.attempt': info.index,
                'pa.ai.provider.id': info.providerId,
                'pa.ai.provider.kind': info.kind,
                'pa.ai.model_class': info.modelClass,
                'gen_ai.system': info.kind,
                'gen_ai.request.model': info.model,
              },
            },
            parent,
          );
          return {
            end(outcome) {
              const attributes: Attributes = {
                'pa.ai.outcome': outcome.outcome,
                'pa.ai.latency_ms': round(outcome.latencyMs ?? performance.now() - started),
                'gen_ai.usage.input_tokens': outcome.tokensIn,
                'gen_ai.usage.output_tokens': outcome.tokensOut,
              };
              if (outcome.ttftMs !== null) attributes['pa.ai.ttft_ms'] = round(outcome.ttftMs);
              if (outcome.afterFirstToken !== undefined)
                attributes['pa.ai.after_first_token'] = outcome.afterFirstToken;
              child.setAttributes(attributes);
              child.setStatus(
                outcome.outcome === 'ok' || outcome.outcome === 'cancelled'
                  ? { code: SpanStatusCode.OK }
                  : { code: SpanStatusCode.ERROR, message: outcome.outcome },
              );
              child.end();
            },
          };
        },
        end(outcome) {
          const attributes: Attributes = {
            'pa.ai.outcome': outcome.outcome,
            'pa.ai.router.choice': outcome.providerId ?? '',
            'pa.ai.attempts': outcome.attempts,
            'pa.ai.fallbacks': outcome.fallbacks,
            'gen_ai.usage.input_tokens': outcome.tokensIn,
            'gen_ai.usage.output_tokens': outcome.tokensOut,
          };
          if (outcome.model !== null) attributes['gen_ai.response.model'] = outcome.model;
          if (outcome.ttftMs !== null) attributes['pa.ai.ttft_ms'] = round(outcome.ttftMs);
          if (outcome.errorCode) attributes['pa.error.code'] = outcome.errorCode;
          span.setAttributes(attributes);
          span.setStatus(
            outcome.outcome === 'ok' || outcome.outcome === 'cancelled'
              ? { code: SpanStatusCode.OK }
              : { code: SpanStatusCode.ERROR, message: outcome.errorCode ?? outcome.outcome },
          );
          span.end();
        },
      };
    },
    async shutdown() {
      await provider.forceFlush().catch(() => undefined);
      await provider.shutdown().catch(() => undefined);
    },
  };
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
