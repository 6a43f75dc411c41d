import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.js';
import { routeOf } from '../tracing.js';
import { adminGuard, crossOriginReason } from './auth.js';
import { parseSummary } from './cluster.js';
import { largestRooms } from './index.js';
import { type Reading, RingBuffer, Sampler } from './sampler.js';

const base = { RELAY_TOKEN: 'client-token-0123456789', RELAY_DATA_DIR: '/tmp/relay-test' };

function request(headers: Record<string, string>, url = '/console/api/metrics', ip = '10.0.0.1'): IncomingMessage {
  return { headers, url, socket: { remoteAddress: ip } } as unknown as IncomingMessage;
}

describe('console settings', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('reads the admin token from RELAY_ADMIN_TOKEN or its file, and none disables the console', () => {
    expect(loadConfig(base).adminToken).toBeNull();
    expect(loadConfig({ ...base, RELAY_ADMIN_TOKEN: 'admin-token-0123456789' }).adminToken).toBe(
      'admin-token-0123456789',
    );
    const dir = mkdtempSync(join(tmpdir(), 'pa-relay-admin-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'admin'), '  admin-token-from-a-file-0123\n');
    expect(loadConfig({ ...base, RELAY_ADMIN_TOKEN_FILE: join(dir, 'admin') }).adminToken).toBe(
      'admin-token-from-a-file-0123',
    );
    expect(() => loadConfig({ ...base, RELAY_ADMIN_TOKEN: 'short' })).toThrow(/RELAY_ADMIN_TOKEN/);
    expect(() => loadConfig({ ...base, RELAY_ADMIN_TOKEN_FILE: join(dir, 'missing') })).toThrow(
      /Cannot read RELAY_ADMIN_TOKEN_FILE/,
    );
  });

  it('refuses an admin token equal to the client token', () => {
    expect(() => loadConfig({ ...base, RELAY_ADMIN_TOKEN: base.RELAY_TOKEN })).toThrow(ConfigError);
  });

  it('derives the OTLP traces URL: off by default, base + /v1/traces, or the traces URL as given', () => {
    expect(loadConfig(base).otlpTracesUrl).toBeNull();
    expect(loadConfig({ ...base, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).otlpTracesUrl).toBe(
      'http://collector:4318/v1/traces',
    );
    expect(loadConfig({ ...base, RELAY_OTLP_ENDPOINT: 'http://relay-collector:4318' }).otlpTracesUrl).toBe(
      'http://relay-collector:4318/v1/traces',
    );
    expect(
      loadConfig({ ...base, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/custom/traces' }).otlpTracesUrl,
    ).toBe('http://c:4318/custom/traces');
    expect(() => loadConfig({ ...base, OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' })).toThrow(ConfigError);
  });

  it('names the relay by RELAY_ID, else by host and pid', () => {
    expect(loadConfig({ ...base, RELAY_ID: 'relay-7' }).relayId).toBe('relay-7');
    expect(loadConfig(base).relayId).toMatch(/^[A-Za-z0-9_.-]+-\d+$/);
    expect(() => loadConfig({ ...base, RELAY_ID: 'has space' })).toThrow(/RELAY_ID/);
  });
});

describe('admin guard', () => {
  const ADMIN = 'the-admin-token-0123456789';

  it('accepts only the bearer header with the admin token', () => {
    const guard = adminGuard(ADMIN, () => 0);
    expect(guard(request({ authorization: `Bearer ${ADMIN}` }))).toEqual({ ok: true });
    expect(guard(request({}))).toMatchObject({ ok: false, status: 401 });
    expect(guard(request({ authorization: `Basic ${ADMIN}` }))).toMatchObject({ ok: false, status: 401 });
    expect(guard(request({ authorization: `Bearer ${ADMIN.slice(0, -1)}` }))).toMatchObject({ status: 401 });
    expect(guard(request({ authorization: `Bearer ${ADMIN}` }, `/console/api/metrics?token=${ADMIN}`))).toMatchObject({
      status: 400,
    });
  });

  it('blocks an address after 20 failures, for a while, and not other addresses', () => {
    let now = 0;
    const guard = adminGuard(ADMIN, () => now);
    const wrong = request({ authorization: 'Bearer wrong-token-000000000' });
    for (let i = 0; i < 20; i += 1) expect(guard(wrong)).toMatchObject({ status: 401 });
    expect(guard(wrong)).toMatchObject({ status: 429 });
    expect(guard(request({ authorization: `Bearer ${ADMIN}` }))).toMatchObject({ status: 429 });
    expect(guard(request({ authorization: `Bearer ${ADMIN}` }, '/console/api/metrics', '10.0.0.2'))).toEqual({
      ok: true,
    });
    now += 6000;
    expect(guard(request({ authorization: `Bearer ${ADMIN}` }))).toEqual({ ok: true });
  });

  it('tells cross-origin requests from same-origin ones', () => {
    const host = { host: 'relay.example:4444' };
    expect(crossOriginReason(request(host))).toBeNull();
    expect(crossOriginReason(request({ ...host, origin: 'http://relay.example:4444' }))).toBeNull();
    expect(crossOriginReason(request({ ...host, 'sec-fetch-site': 'same-origin' }))).toBeNull();
    expect(crossOriginReason(request({ ...host, 'sec-fetch-site': 'none' }))).toBeNull();
    expect(crossOriginReason(request({ ...host, origin: 'https://evil.example' }))).not.toBeNull();
    expect(crossOriginReason(request({ ...host, origin: 'http://relay.example:4445' }))).not.toBeNull();
    expect(crossOriginReason(request({ ...host, origin: 'null' }))).not.toBeNull();
    expect(crossOriginReason(request({ ...host, 'sec-fetch-site': 'same-site' }))).not.toBeNull();
    expect(crossOriginReason(request({ ...host, 'sec-fetch-site': 'cross-site' }))).not.toBeNull();
  });
});

describe('sampler', () => {
  it('keeps the last N items in order', () => {
    const ring = new RingBuffer<number>(3);
    expect(ring.toArray()).toEqual([]);
    for (let i = 1; i <= 5; i += 1) ring.push(i);
    expect(ring.toArray()).toEqual([3, 4, 5]);
    expect(ring.last()).toBe(5);
    expect(ring.size).toBe(3);
  });

  it('turns counters into per-second rates and keeps gauges, column-wise', () => {
    let now = 10_000;
    const reading: Reading = {
      signal: 1,
      sync: 2,
      rooms: 1,
      messagesIn: 0,
      messagesOut: 0,
      bytesIn: 0,
      bytesOut: 0,
      rejected: 0,
      storedBytes: 100,
      rssBytes: 1e6,
    };
    const sampler = new Sampler(
      () => ({ ...reading }),
      () => now,
      2,
    );
    expect(sampler.tick()).toBeNull(); // the baseline
    now += 2000;
    reading.messagesIn = 40;
    reading.bytesIn = 4000;
    reading.rejected = 3;
    reading.sync = 5;
    expect(sampler.tick()).toMatchObject({
      t: 12,
      sync: 5,
      messagesInPerSecond: 20,
      bytesInPerSecond: 2000,
      rejectedPerSecond: 1.5,
    });
    now += 1000;
    sampler.tick();
    now += 1000;
    reading.messagesIn = 50;
    sampler.tick();
    const series = sampler.series();
    expect(series.t).toEqual([13, 14]);
    expect(series.messagesInPerSecond).toEqual([0, 10]);
    expect(series.sync).toEqual([5, 5]);
  });
});

describe('cluster summaries', () => {
  const good = {
    relayId: 'relay-1',
    at: 1,
    startedAt: 0,
    connections: 3,
    signal: 1,
    sync: 2,
    rooms: 1,
    messagesInPerSecond: 1.5,
    bytesInPerSecond: 10,
    bytesOutPerSecond: 20,
    rejectedTotal: 0,
    storedBytes: 100,
    rssBytes: 1e6,
  };

  it('takes well-formed summaries only', () => {
    expect(parseSummary(JSON.stringify(good))).toEqual(good);
    expect(parseSummary(JSON.stringify({ ...good, extra: '<script>' }))).toEqual(good);
    expect(parseSummary(null)).toBeNull();
    expect(parseSummary('not json')).toBeNull();
    expect(parseSummary(JSON.stringify({ ...good, relayId: '<img onerror=x>' }))).toBeNull();
    expect(parseSummary(JSON.stringify({ ...good, connections: '3' }))).toBeNull();
    expect(parseSummary(JSON.stringify({ ...good, rooms: undefined }))).toBeNull();
  });
});

describe('largest rooms', () => {
  it('ranks the active rooms by stored bytes, or asks the storage when it can rank all rooms', async () => {
    const bytes: Record<string, number> = { a: 10, b: 300, c: 20 };
    const storage = { head: async (roomId: string) => ({ bytes: bytes[roomId] ?? 0 }) };
    expect(await largestRooms(storage, new Set(['a', 'b', 'c']), 2)).toEqual([
      { roomId: 'b', bytes: 300 },
      { roomId: 'c', bytes: 20 },
    ]);
    const ranked = { ...storage, topRooms: async () => [{ roomId: 'idle', bytes: 999 }] };
    expect(await largestRooms(ranked, new Set(['a']), 2)).toEqual([{ roomId: 'idle', bytes: 999 }]);
  });
});

describe('span routes', () => {
  it('never carries a room id or an arbitrary path', () => {
    expect(routeOf('/sync/0123456789abcdef0123456789abcdef')).toBe('/sync/{roomId}');
    expect(routeOf('/healthz')).toBe('/healthz');
    expect(routeOf('/console/api/metrics')).toBe('/console/api/metrics');
    expect(routeOf('/console/api/secret-thing')).toBe('/console/api/other');
    expect(routeOf('/console/assets/console.js')).toBe('/console/static');
    expect(routeOf('/anything/else')).toBe('other');
  });
});
