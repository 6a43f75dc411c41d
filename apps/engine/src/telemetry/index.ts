// The telemetry capability: OpenTelemetry traces of the engine's AI requests, exported over OTLP/HTTP when an
// endpoint is configured (Settings › Privacy › Trace Export, else OTEL_EXPORTER_OTLP_TRACES_ENDPOINT /
// OTEL_EXPORTER_OTLP_ENDPOINT). Off by default; while off nothing of the SDK is loaded: otel.ts (which imports it)
// loads with the first AI request that finds an endpoint, so the engine's start is unchanged.
import { errorMessage } from '@pa/shared';
import type { AiRequestTrace, AiTraces } from '../ai/api.js';
import type { Capability, EngineContext } from '../context.js';
import type { OtelTracing } from './otel.js';

export interface TelemetryDeps {
  /** The setting `telemetry.otlpEndpoint` now ('' when unset), read at each request. */
  endpoint: () => Promise<string>;
  env: NodeJS.ProcessEnv;
  version: string;
}

export interface Telemetry extends Capability {
  aiTraces: AiTraces;
  /** The OTLP/HTTP traces URL in use, or null while off (after the first request asked). */
  activeUrl(): string | null;
}

/**
 * Where traces go: the setting (a base URL, /v1/traces added unless it is there), else the standard variables
 * (the traces one as is, the general one with /v1/traces); null → off. OTEL_SDK_DISABLED=true or
 * OTEL_TRACES_EXPORTER=none turn it off whatever is set.
 */
export function tracesUrl(setting: string, env: NodeJS.ProcessEnv): string | null {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return null;
  if (env.OTEL_TRACES_EXPORTER?.trim().toLowerCase() === 'none') return null;
  const withPath = (base: string) => {
    const trimmed = base.trim().replace(/\/+$/, '');
    return /\/v1\/traces$/.test(trimmed) ? trimmed : `${trimmed}/v1/traces`;
  };
  const valid = (url: string) => /^https?:\/\/[^\s/?#]+/.test(url) && URL.canParse(url);
  if (setting.trim() && valid(setting.trim())) return withPath(setting);
  const traces = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  if (traces && valid(traces)) return traces;
  const general = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  if (general && valid(general)) return withPath(general);
  return null;
}

type Loader = (options: { url: string; version: string }) => Promise<OtelTracing>;

export function createTelemetry(
  ctx: Pick<EngineContext, 'log'>,
  deps: TelemetryDeps,
  load: Loader = async (options) => (await import('./otel.js')).startOtel(options),
): Telemetry {
  let current: { url: string; tracing: Promise<OtelTracing> } | null = null;
  let disposed = false;

  const stop = (entry: { tracing: Promise<OtelTracing> } | null) =>
    entry?.tracing.then(
      (tracing) => tracing.shutdown(),
      () => undefined,
    );

  async function tracing(): Promise<OtelTracing | null> {
    if (disposed) return null;
    let setting = '';
    try {
      setting = await deps.endpoint();
    } catch {
      // settings unreadable: the environment alone decides
    }
    const url = tracesUrl(setting, deps.env);
    if (url === null) {
      if (current) {
        void stop(current);
        current = null;
      }
      return null;
    }
    if (current?.url !== url) {
      void stop(current);
      const entry = { url, tracing: load({ url, version: deps.version }) };
      current = entry;
      entry.tracing.catch((error: unknown) => {
        ctx.log({ level: 'warn', msg: 'telemetry: the OpenTelemetry SDK did not start', error: errorMessage(error) });
        if (current === entry) current = null;
      });
    }
    return current.tracing;
  }

  return {
    handlers: {},
    aiTraces: {
      async begin(request): Promise<AiRequestTrace | null> {
        const active = await tracing();
        return active ? active.requestTrace(request) : null;
      },
    },
    activeUrl: () => current?.url ?? null,
    async dispose() {
      disposed = true;
      const last = current;
      current = null;
      await stop(last);
    },
  };
}
