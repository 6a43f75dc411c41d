// The relay's OpenTelemetry traces against the real, built relay and a loopback OTLP/HTTP receiver written here:
// spans for HTTP requests and for WebSocket connections (accepted, refused and why) arrive as OTLP JSON, carry no
// room id, secret or token, and a relay without an endpoint loads no OpenTelemetry code at all.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { cleanupAfterAll, eventually, RELAY_TOKEN, relayPeer, startRelay, testRoom } from './relay-harness.js';

const defer = cleanupAfterAll();

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  doubleValue?: number;
}
interface OtlpSpan {
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: Array<{ key: string; value: OtlpValue }>;
  status?: { code?: number; message?: string };
}
interface Export {
  path: string;
  contentType: string;
  body: string;
  resource: Record<string, unknown>;
  spans: Array<OtlpSpan & { attrs: Record<string, unknown> }>;
}

const otlpValue = (v: OtlpValue) =>
  v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : (v.boolValue ?? v.doubleValue));

/** A loopback OTLP/HTTP traces receiver: decodes each JSON export request into its spans. */
async function otlpReceiver() {
  const exports: Export[] = [];
  const server = createServer((request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const parsed = JSON.parse(body) as {
        resourceSpans: Array<{
          resource: { attributes: Array<{ key: string; value: OtlpValue }> };
          scopeSpans: Array<{ spans: OtlpSpan[] }>;
        }>;
      };
      for (const rs of parsed.resourceSpans) {
        exports.push({
          path: request.url ?? '',
          contentType: request.headers['content-type'] ?? '',
          body,
          resource: Object.fromEntries(rs.resource.attributes.map((a) => [a.key, otlpValue(a.value)])),
          spans: rs.scopeSpans.flatMap((ss) =>
            ss.spans.map((span) => ({
              ...span,
              attrs: Object.fromEntries(span.attributes.map((a) => [a.key, otlpValue(a.value)])),
            })),
          ),
        });
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  defer(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { port, exports, spans: () => exports.flatMap((e) => e.spans) };
}

async function refusedHandshake(url: string): Promise<void> {
  const socket = new WebSocket(url);
  await new Promise<void>((resolve) => {
    socket.on('error', () => resolve());
    socket.on('close', () => resolve());
  });
}

describe('relay traces', () => {
  it('exports a span per HTTP request and per WebSocket connection over OTLP/HTTP', async () => {
    const receiver = await otlpReceiver();
    const relay = await startRelay({
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${receiver.port}`,
        RELAY_ID: 'traced-relay',
        RELAY_ADMIN_TOKEN: 'admin-token-for-traces-0123456789',
      },
    });
    defer(() => relay.stop());
    const room = await testRoom('traced room secret');
    const base = `http://127.0.0.1:${relay.port}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/metrics?x=${room.roomId}`)).status).toBe(200);
    expect((await fetch(`${base}/console/api/metrics`)).status).toBe(401);
    expect((await fetch(`${base}/nothing/${room.roomId}`)).status).toBe(404);
    await refusedHandshake(`${relay.url}/sync/${room.roomId}?token=wrong-token-0123456789`);
    await refusedHandshake(`${relay.url}/sync/not-a-room?token=${RELAY_TOKEN}`);
    const doc = new Y.Doc();
    const { provider } = relayPeer(doc, { url: relay.url, roomId: room.roomId, secret: room.secret });
    await provider.whenSynced();
    doc.getText('t').insert(0, 'a traced edit');
    await provider.whenAcknowledged();
    provider.destroy();
    // SIGTERM: the relay flushes its spans before it exits
    await relay.stop();
    await eventually(async () => receiver.spans().some((s) => s.attrs['relay.result'] === 'accepted'), 10_000, 'spans');

    const [first] = receiver.exports;
    expect(first?.path).toBe('/v1/traces');
    expect(first?.contentType).toContain('application/json');
    expect(first?.resource['service.name']).toBe('pa-relay');
    expect(first?.resource['service.instance.id']).toBe('traced-relay');
    const spans = receiver.spans();
    const named = (name: string) => spans.filter((s) => s.name === name);

    const health = named('HTTP GET /healthz')[0];
    expect(health?.attrs).toMatchObject({ 'http.request.method': 'GET', 'http.route': '/healthz' });
    expect(health?.attrs['http.response.status_code']).toBe(200);
    expect(named('HTTP GET /metrics')[0]?.attrs['http.response.status_code']).toBe(200);
    expect(named('HTTP GET /console/api/metrics')[0]?.attrs['http.response.status_code']).toBe(401);
    expect(named('HTTP GET other')[0]?.attrs['http.response.status_code']).toBe(404);

    const sync = named('relay.connection sync');
    const refused = sync.filter((s) => s.attrs['relay.result'] === 'rejected');
    expect(refused.map((s) => [s.attrs['relay.reject_reason'], s.attrs['http.response.status_code']]).sort()).toEqual([
      ['bad_room', 400],
      ['unauthorized', 401],
    ]);
    const accepted = sync.find((s) => s.attrs['relay.result'] === 'accepted');
    expect(accepted?.attrs).toMatchObject({ 'relay.endpoint': 'sync', 'http.route': '/sync/{roomId}' });
    expect(typeof accepted?.attrs['websocket.close_code']).toBe('number');
    // the span lasts the connection's lifetime, not just the handshake
    const lasted = BigInt(accepted?.endTimeUnixNano ?? '0') - BigInt(accepted?.startTimeUnixNano ?? '0');
    expect(lasted).toBeGreaterThan(5_000_000n);
    for (const span of spans) expect(span.kind).toBe(2); // SERVER

    // nothing secret in any export: not the room id, its secret, nor a token
    const everything = receiver.exports.map((e) => e.body).join('\n');
    for (const secret of [room.roomId, room.secret, RELAY_TOKEN, 'wrong-token-0123456789', 'not-a-room']) {
      expect(everything).not.toContain(secret);
    }
  });

  it('loads no OpenTelemetry code unless an endpoint is configured', async () => {
    // the bundle imports the SDK only dynamically, from startTracing, which returns early without an endpoint
    const bundle = readFileSync(fileURLToPath(new URL('../../apps/relay/dist/main.js', import.meta.url)), 'utf8');
    expect(bundle).not.toMatch(/^import[^;]*from\s*["']@opentelemetry\//m);
    // and at run time: a module-resolution hook records every package the relay process resolves
    const dir = mkdtempSync(join(tmpdir(), 'pa-relay-otel-'));
    defer(() => rmSync(dir, { recursive: true, force: true }));
    const hook = join(dir, 'hook.mjs');
    writeFileSync(
      hook,
      `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  if (!specifier.startsWith('.') && !specifier.startsWith('node:') && !specifier.startsWith('file:')) {
    appendFileSync(process.env.PA_RESOLVED_LOG, specifier + '\\n');
  }
  return next(specifier, context);
}
`,
    );
    const register = join(dir, 'register.mjs');
    writeFileSync(
      register,
      `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hook).href)});\n`,
    );
    const resolved = async (env: Record<string, string>) => {
      const log = join(dir, `resolved-${Object.keys(env).length}.txt`);
      writeFileSync(log, '');
      const relay = await startRelay({
        env: { ...env, NODE_OPTIONS: `--import ${pathToFileURL(register).href}`, PA_RESOLVED_LOG: log },
      });
      expect((await fetch(`http://127.0.0.1:${relay.port}/healthz`)).status).toBe(200);
      await relay.stop();
      return readFileSync(log, 'utf8').split('\n').filter(Boolean);
    };
    const off = await resolved({});
    // the hook works: the relay's ordinary dependencies are seen
    expect(off).toContain('ws');
    expect(off.filter((s) => s.startsWith('@opentelemetry/'))).toEqual([]);
    const receiver = await otlpReceiver();
    const on = await resolved({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${receiver.port}` });
    expect(on).toContain('@opentelemetry/sdk-trace');
    expect(on).toContain('@opentelemetry/exporter-trace-otlp-http');
  });
});
