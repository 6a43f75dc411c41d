// OpenTelemetry traces of the engine's AI requests, through the real, built engine: with OTEL_EXPORTER_OTLP_ENDPOINT
// pointing at a loopback OTLP/HTTP receiver, a chat that falls back is exported as one `ai.request` span with the
// router's choice and one child `ai.attempt` span per provider tried (provider, model, outcome, latency, TTFT,
// tokens) — and the export holds no prompt, answer, key or provider endpoint. Without an endpoint (the default)
// the engine never loads the OpenTelemetry SDK, even after an AI request.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectAiStream as collect } from '../support/ai-stream.js';
import { type StartedEngine, startEngine } from '../support/engine.js';
import { type LoopbackProvider, startLoopbackOpenAI } from '../support/loopback-providers.js';

const recorder = fileURLToPath(new URL('../support/record-module-loads.mjs', import.meta.url));
const PROMPT = 'PROMPT-MARKER-7f3a: what is in my private repository?';
const ANSWER = 'ANSWER-MARKER-91c2 ';
const KEY = 'sk-trace-secret-5551212';

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values?: OtlpValue[] };
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: Array<{ key: string; value: OtlpValue }>;
  status?: { code?: number; message?: string };
  events?: Array<{ name: string }>;
}
interface OtlpExport {
  resourceSpans: Array<{
    resource: { attributes: Array<{ key: string; value: OtlpValue }> };
    scopeSpans: Array<{ scope: { name: string }; spans: OtlpSpan[] }>;
  }>;
}

/** A minimal OTLP/HTTP receiver: keeps every body POSTed to /v1/traces, raw and decoded (JSON). */
async function startOtlpReceiver() {
  const bodies: string[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.method === 'POST' && request.url === '/v1/traces') {
        bodies.push(Buffer.concat(chunks).toString('utf8'));
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      } else response.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    bodies,
    spans: () =>
      bodies.flatMap((body) =>
        (JSON.parse(body) as OtlpExport).resourceSpans.flatMap((resource) =>
          resource.scopeSpans.flatMap((scope) => scope.spans.map((span) => ({ span, resource: resource.resource }))),
        ),
      ),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const decoded = (value: OtlpValue | undefined): unknown => {
  if (!value) return undefined;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.arrayValue) return (value.arrayValue.values ?? []).map(decoded);
  return undefined;
};
const attrs = (span: { attributes: OtlpSpan['attributes'] }) =>
  Object.fromEntries(span.attributes.map((entry) => [entry.key, decoded(entry.value)]));

async function addProviders(engine: StartedEngine, flaky: LoopbackProvider, good: LoopbackProvider) {
  const client = await engine.connect();
  for (const [id, server, priority] of [
    ['flaky', flaky, 5],
    ['good', good, 0],
  ] as const) {
    await client.call('ai.providers.add', {
      id,
      kind: 'openai-compatible',
      modelClass: 'own_key',
      model: `${id}-model`,
      baseURL: server.baseURL,
      apiKey: KEY,
      priority,
    });
  }
  return client;
}

describe('OpenTelemetry traces of AI requests', () => {
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
  let flaky: LoopbackProvider;
  let good: LoopbackProvider;
  const engines: StartedEngine[] = [];

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    flaky = await startLoopbackOpenAI({ kind: 'status', status: 500 });
    good = await startLoopbackOpenAI({ kind: 'ok', tokens: [ANSWER, 'more ', 'words'], gapMs: 5 });
  });

  afterAll(async () => {
    for (const engine of engines) await engine.stop();
    await receiver?.close();
    await flaky?.close();
    await good?.close();
  });

  it('exports a request span with the router’s choice and a child span per attempt, without prompts or keys', async () => {
    const engine = await startEngine({
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, PA_SECRETS_BACKEND: 'file' },
    });
    engines.push(engine);
    const client = await addProviders(engine, flaky, good);
    const end = await collect(client.stream('ai.chat', { messages: [{ role: 'user', content: PROMPT }] }));
    expect(end.kind).toBe('done');
    await expect.poll(() => receiver.spans().length, { timeout: 15_000 }).toBeGreaterThanOrEqual(3);

    const spans = receiver.spans();
    const request = spans.find(({ span }) => span.name === 'ai.request');
    if (!request) throw new Error('no ai.request span');
    expect(attrs(request.resource)).toMatchObject({ 'service.name': 'powerautomation-engine' });
    expect(attrs(request.span)).toMatchObject({
      'pa.ai.task': 'chat',
      'pa.ai.outcome': 'ok',
      'pa.ai.router.choice': 'good',
      'pa.ai.router.first_choice': 'flaky',
      'pa.ai.router.candidates': ['flaky', 'good'],
      'pa.ai.attempts': 2,
      'pa.ai.fallbacks': 1,
      'gen_ai.response.model': 'good-model',
    });
    expect(attrs(request.span)['pa.ai.ttft_ms']).toBeGreaterThan(0);
    expect(attrs(request.span)['gen_ai.usage.output_tokens']).toBeGreaterThan(0);
    expect(request.span.status?.code).toBe(1); // OK

    const attempts = spans
      .filter(({ span }) => span.name === 'ai.attempt' && span.traceId === request.span.traceId)
      .map(({ span }) => span)
      .sort((a, b) => Number(attrs(a)['pa.ai.attempt']) - Number(attrs(b)['pa.ai.attempt']));
    expect(attempts).toHaveLength(2);
    for (const attempt of attempts) expect(attempt.parentSpanId).toBe(request.span.spanId);
    const [first, second] = attempts.map(attrs);
    expect(first).toMatchObject({
      'pa.ai.attempt': 0,
      'pa.ai.provider.id': 'flaky',
      'gen_ai.request.model': 'flaky-model',
      'pa.ai.outcome': 'server',
      'gen_ai.usage.output_tokens': 0,
    });
    expect(first?.['pa.ai.ttft_ms']).toBeUndefined();
    expect(attempts[0]?.status?.code).toBe(2); // ERROR
    expect(second).toMatchObject({
      'pa.ai.attempt': 1,
      'pa.ai.provider.id': 'good',
      'pa.ai.provider.kind': 'openai-compatible',
      'gen_ai.request.model': 'good-model',
      'pa.ai.outcome': 'ok',
    });
    expect(second?.['pa.ai.latency_ms']).toBeGreaterThan(0);
    expect(second?.['pa.ai.ttft_ms']).toBeGreaterThan(0);
    expect(second?.['gen_ai.usage.output_tokens']).toBeGreaterThan(0);
    // the attempt spans sit inside the request span
    expect(BigInt(attempts[0]?.startTimeUnixNano ?? 0)).toBeGreaterThanOrEqual(BigInt(request.span.startTimeUnixNano));
    expect(BigInt(attempts[1]?.endTimeUnixNano ?? 0)).toBeLessThanOrEqual(BigInt(request.span.endTimeUnixNano));

    // what left for the collector: no prompt, no answer, no key, no provider endpoint
    const raw = receiver.bodies.join('\n');
    expect(raw).not.toContain('PROMPT-MARKER');
    expect(raw).not.toContain('ANSWER-MARKER');
    expect(raw).not.toContain(KEY);
    expect(raw).not.toContain(`127.0.0.1:${flaky.port}`);
    expect(raw).not.toContain(`127.0.0.1:${good.port}`);
  });

  it('follows the user setting: traces start when it names an endpoint and stop when it is emptied', async () => {
    const engine = await startEngine({ env: { PA_SECRETS_BACKEND: 'file' } });
    engines.push(engine);
    const client = await addProviders(engine, flaky, good);
    const requestSpans = () => receiver.spans().filter(({ span }) => span.name === 'ai.request').length;
    const before = requestSpans();
    await client.call('settings.set', { scope: 'user', key: 'telemetry.otlpEndpoint', value: receiver.url });
    expect((await collect(client.stream('ai.chat', { messages: [{ role: 'user', content: 'a' }] }))).kind).toBe('done');
    await expect.poll(requestSpans, { timeout: 15_000 }).toBe(before + 1);
    await client.call('settings.set', { scope: 'user', key: 'telemetry.otlpEndpoint', value: '' });
    expect((await collect(client.stream('ai.chat', { messages: [{ role: 'user', content: 'b' }] }))).kind).toBe('done');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(requestSpans()).toBe(before + 1);
  });

  it('loads no OpenTelemetry module when no endpoint is configured, even after an AI request', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pa-otel-off-'));
    const log = join(dir, 'loads.txt');
    try {
      const env: Record<string, string> = { PA_RECORD_LOADS: log, PA_SECRETS_BACKEND: 'file' };
      const engine = await startEngine({ env, nodeArgs: ['--import', recorder] });
      engines.push(engine);
      // the variables of the test runner's own environment must not turn it on
      expect(process.env.OTEL_EXPORTER_OTLP_ENDPOINT ?? '').toBe('');
      const before = receiver.bodies.length;
      const client = await addProviders(engine, flaky, good);
      const end = await collect(client.stream('ai.chat', { messages: [{ role: 'user', content: 'hello' }] }));
      expect(end.kind).toBe('done');
      await new Promise((resolve) => setTimeout(resolve, 1_500)); // past the batch delay an exporter would use
      const loads = readFileSync(log, 'utf8');
      // the recorder works: the engine's own modules are in the log
      expect(loads).toMatch(/dist(-test)?\/main\.js/);
      expect(loads).not.toMatch(/opentelemetry|\/otel-[A-Z0-9]+\.js/);
      expect(receiver.bodies.length).toBe(before);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
