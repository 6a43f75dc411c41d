// Where traces go (the setting, then the standard variables; the off switches win), and that the SDK side loads only
// when there is somewhere to send to, once per endpoint, shut down when the endpoint changes or goes.
import { describe, expect, it } from 'vitest';
import type { AiRequestTrace } from '../ai/api.js';
import { createTelemetry, tracesUrl } from './index.js';
import type { OtelTracing } from './otel.js';

describe('tracesUrl', () => {
  it('uses the setting as a base URL, then the traces variable as is, then the general one with /v1/traces', () => {
    expect(tracesUrl('http://collector:4318', {})).toBe('http://collector:4318/v1/traces');
    expect(tracesUrl('https://collector/otlp/', {})).toBe('https://collector/otlp/v1/traces');
    expect(tracesUrl('http://c:4318/v1/traces', {})).toBe('http://c:4318/v1/traces');
    expect(tracesUrl('', { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://t:1/custom' })).toBe('http://t:1/custom');
    expect(tracesUrl('', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://g:4318' })).toBe('http://g:4318/v1/traces');
    expect(tracesUrl('http://s:1', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://g:4318' })).toBe('http://s:1/v1/traces');
  });

  it('is off by default, for OTEL_SDK_DISABLED / OTEL_TRACES_EXPORTER=none, and for what is not an http(s) URL', () => {
    expect(tracesUrl('', {})).toBeNull();
    expect(tracesUrl('http://s:1', { OTEL_SDK_DISABLED: 'true' })).toBeNull();
    expect(tracesUrl('', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://g:1', OTEL_TRACES_EXPORTER: 'none' })).toBeNull();
    expect(tracesUrl('file:///etc/passwd', {})).toBeNull();
    expect(tracesUrl('', { OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' })).toBeNull();
  });
});

describe('createTelemetry', () => {
  function setup(env: NodeJS.ProcessEnv = {}) {
    let endpoint = '';
    const loads: string[] = [];
    const shutdowns: string[] = [];
    const trace = {} as AiRequestTrace;
    const telemetry = createTelemetry(
      { log: () => {} },
      { endpoint: async () => endpoint, env, version: '0.0.0' },
      async ({ url }): Promise<OtelTracing> => {
        loads.push(url);
        return {
          requestTrace: () => trace,
          shutdown: async () => {
            shutdowns.push(url);
          },
        };
      },
    );
    const begin = () => telemetry.aiTraces.begin({ requestId: 'r', task: 'chat', pinned: null });
    return { telemetry, loads, shutdowns, trace, begin, setEndpoint: (value: string) => (endpoint = value) };
  }

  it('loads nothing while off, and once per endpoint while on; a change shuts the old one down', async () => {
    const { telemetry, loads, shutdowns, trace, begin, setEndpoint } = setup();
    expect(await begin()).toBeNull();
    expect(loads).toEqual([]);
    setEndpoint('http://a:4318');
    expect(await begin()).toBe(trace);
    expect(await begin()).toBe(trace);
    expect(loads).toEqual(['http://a:4318/v1/traces']);
    setEndpoint('http://b:4318');
    await begin();
    expect(loads).toEqual(['http://a:4318/v1/traces', 'http://b:4318/v1/traces']);
    await expect.poll(() => shutdowns).toEqual(['http://a:4318/v1/traces']);
    setEndpoint('');
    expect(await begin()).toBeNull();
    await expect.poll(() => shutdowns).toEqual(['http://a:4318/v1/traces', 'http://b:4318/v1/traces']);
    expect(telemetry.activeUrl()).toBeNull();
    await telemetry.dispose?.();
  });

  it('flushes on dispose and traces nothing after', async () => {
    const { telemetry, shutdowns, begin } = setup({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://env:4318' });
    await begin();
    await telemetry.dispose?.();
    expect(shutdowns).toEqual(['http://env:4318/v1/traces']);
    expect(await begin()).toBeNull();
  });
});
