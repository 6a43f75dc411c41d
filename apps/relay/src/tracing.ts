// OpenTelemetry traces of the relay's work: one span per HTTP request (route, status) and one per WebSocket
// connection, from the upgrade request to the close (endpoint, admitted or refused and why, close code). Off unless
// an OTLP endpoint is configured; when off, no OpenTelemetry module is even loaded and every span is a no-op.
// Attributes never carry room secrets, tokens, ciphertext or room ids: only what an operator needs to see what the
// relay did.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Log } from './log.js';

export type SpanValue = string | number | boolean;

export interface RelaySpan {
  set(key: string, value: SpanValue): void;
  /** Ends the span; an `error` marks it failed (the message only, never a payload). */
  end(error?: string): void;
}

export interface Tracing {
  readonly enabled: boolean;
  span(name: string, attributes: Record<string, SpanValue>): RelaySpan;
  /** Exports what is still buffered, then stops. */
  shutdown(): Promise<void>;
}

const noopSpan: RelaySpan = { set() {}, end() {} };

export const noTracing: Tracing = {
  enabled: false,
  span: () => noopSpan,
  shutdown: async () => {},
};

export interface TracingOptions {
  /** The OTLP/HTTP traces URL (…/v1/traces), or null for no tracing. */
  url: string | null;
  relayId: string;
  log: Log;
  /** How long spans wait in the batch before export (the SDK's default is 5 s; tests shorten it). */
  scheduledDelayMs?: number;
}

export async function startTracing(options: TracingOptions): Promise<Tracing> {
  if (!options.url) return noTracing;
  // loaded only here: a relay without an endpoint never pays for the SDK
  const [{ SpanKind, SpanStatusCode }, { BatchSpanProcessor, TracerProvider }, { OTLPTraceExporter }, resources] =
    await Promise.all([
      import('@opentelemetry/api'),
      import('@opentelemetry/sdk-trace'),
      import('@opentelemetry/exporter-trace-otlp-http'),
      import('@opentelemetry/resources'),
    ]);
  const provider = new TracerProvider({
    resource: resources.resourceFromAttributes({
      'service.name': process.env.OTEL_SERVICE_NAME ?? 'pa-relay',
      'service.instance.id': options.relayId,
    }),
    spanProcessors: [
      new BatchSpanProcessor({
        exporter: new OTLPTraceExporter({ url: options.url }),
        scheduledDelayMillis: options.scheduledDelayMs ?? 2000,
        maxQueueSize: 4096,
      }),
    ],
  });
  const tracer = provider.getTracer('pa-relay');
  options.log.info('tracing_on', { url: options.url });
  return {
    enabled: true,
    span(name, attributes) {
      const span = tracer.startSpan(name, { kind: SpanKind.SERVER, attributes });
      let ended = false;
      return {
        set: (key, value) => {
          if (!ended) span.setAttribute(key, value);
        },
        end: (error) => {
          if (ended) return;
          ended = true;
          if (error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: error });
          span.end();
        },
      };
    },
    async shutdown() {
      try {
        await provider.shutdown();
      } catch (error) {
        options.log.warn('tracing_shutdown_failed', { error: String(error) });
      }
    },
  };
}

/** The route a request path names, for span names and attributes: never the room id or anything else it carries. */
export function routeOf(path: string): string {
  if (path === '/signal' || path === '/healthz' || path === '/metrics') return path;
  if (path.startsWith('/sync/')) return '/sync/{roomId}';
  if (path === '/console' || path === '/console/') return '/console';
  if (path === '/console/api/metrics' || path === '/console/api/session') return path;
  if (path.startsWith('/console/api/')) return '/console/api/other';
  if (path.startsWith('/console/')) return '/console/static';
  return 'other';
}

/** A span for one HTTP request, ended when the response is done (route and status only: no query, no headers). */
export function traceHttp(tracing: Tracing, request: IncomingMessage, response: ServerResponse, relayId: string): void {
  if (!tracing.enabled) return;
  const route = routeOf((request.url ?? '/').split('?')[0] ?? '/');
  const method = request.method ?? 'GET';
  const span = tracing.span(`HTTP ${method} ${route}`, {
    'http.request.method': method,
    'http.route': route,
    'relay.id': relayId,
  });
  response.once('close', () => {
    span.set('http.response.status_code', response.statusCode);
    span.end(response.statusCode >= 500 ? `HTTP ${response.statusCode}` : undefined);
  });
}

/** The span of one WebSocket connection, from the upgrade request to the close (or the refusal). */
export function traceConnection(tracing: Tracing, path: string, relayId: string): RelaySpan {
  const endpoint = path === '/signal' ? 'signal' : path.startsWith('/sync/') ? 'sync' : 'unknown';
  return tracing.span(`relay.connection ${endpoint}`, {
    'relay.endpoint': endpoint,
    'http.route': routeOf(path),
    'relay.id': relayId,
  });
}

/** Marks a connection span refused (status and reason) and ends it. */
export function refuseSpan(span: RelaySpan | undefined, status: number, reason: string): void {
  if (!span) return;
  span.set('relay.result', 'rejected');
  span.set('relay.reject_reason', reason);
  span.set('http.response.status_code', status);
  span.end(status >= 500 ? reason : undefined);
}
