// The operator console at `/console`: a static page (HTML, its script and styles, uPlot), served by the relay under
// a strict CSP, and the admin-only JSON it polls, `/console/api/metrics`: a ring buffer of one-second samples of the
// relay's own metrics, rejections by reason, the largest rooms in storage and, when relays share a Redis, each
// relay's summary. Without an admin token configured none of it exists (404).
import { existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Log } from '../log.js';
import type { Metrics } from '../metrics.js';
import { adminGuard, crossOriginReason } from './auth.js';
import { type ClusterMetrics, type RelaySummary, redisClusterMetrics, standalone } from './cluster.js';
import { type Reading, Sampler } from './sampler.js';

export interface ConsoleSources {
  metrics: Metrics;
  /** Sync rooms with at least one connection. */
  rooms(): number;
  /** What the whole relay stores. */
  storageUsage(): Promise<{ rooms: number; bytes: number }>;
  /** The rooms storing the most bytes, largest first. */
  topRooms(limit: number): Promise<Array<{ roomId: string; bytes: number }>>;
  limits: { maxTotalBytes: number; maxRooms: number; maxRoomBytes: number };
}

export interface ConsoleOptions {
  adminToken: string | null;
  relayId: string;
  redisUrl: string | null;
  /** RELAY_REDIS_PREFIX: the console's keys go under it. */
  redisPrefix?: string;
  log: Log;
  clock?: () => number;
  sampleIntervalMs?: number;
}

export interface RelayConsole {
  /** Serves the request if it is the console's; false leaves it to the relay's other routes. */
  handle(request: IncomingMessage, response: ServerResponse): boolean;
  close(): Promise<void>;
}

const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

const SECURITY_HEADERS = {
  'content-security-policy': CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

const TOP_ROOMS = 10;
const TOP_ROOMS_REFRESH_MS = 3000;

interface Asset {
  type: string;
  body: Buffer;
}

/** The page's files: dist/console/ beside the bundle (the build copies them there), or the sources beside this. */
function loadAssets(): Map<string, Asset> {
  const here = dirname(fileURLToPath(import.meta.url));
  const folder = [join(here, 'console'), join(here, 'static')].find((dir) => existsSync(join(dir, 'index.html')));
  if (!folder) throw new Error(`console files not found beside ${here} (run the relay build)`);
  const uplotIn = (name: string) => {
    const copied = join(folder, name);
    if (existsSync(copied)) return copied;
    return join(dirname(createRequire(import.meta.url).resolve('uplot')), name);
  };
  const assets = new Map<string, Asset>();
  const add = (route: string, path: string, type: string) => assets.set(route, { type, body: readFileSync(path) });
  add('/console', join(folder, 'index.html'), 'text/html; charset=utf-8');
  add('/console/assets/console.js', join(folder, 'console.js'), 'text/javascript; charset=utf-8');
  add('/console/assets/console.css', join(folder, 'console.css'), 'text/css; charset=utf-8');
  add('/console/assets/uPlot.iife.min.js', uplotIn('uPlot.iife.min.js'), 'text/javascript; charset=utf-8');
  add('/console/assets/uPlot.min.css', uplotIn('uPlot.min.css'), 'text/css; charset=utf-8');
  return assets;
}

export async function createConsole(sources: ConsoleSources, options: ConsoleOptions): Promise<RelayConsole> {
  const adminToken = options.adminToken;
  if (!adminToken) return { handle: () => false, close: async () => {} };
  const clock = options.clock ?? Date.now;
  const assets = loadAssets();
  const guard = adminGuard(adminToken, clock);
  const { metrics } = sources;
  const startedAt = clock();
  // storage answers asynchronously (it may be a database over the network): the samples read the last answer
  let usage = { rooms: 0, bytes: 0 };
  let usageInFlight = false;
  const refreshUsage = () => {
    if (usageInFlight) return;
    usageInFlight = true;
    sources
      .storageUsage()
      .then(
        (value) => {
          usage = value;
        },
        (error: unknown) => options.log.debug('console_usage_failed', { error: String(error) }),
      )
      .finally(() => {
        usageInFlight = false;
      });
  };
  refreshUsage();
  const read = (): Reading => ({
    signal: metrics.connections.signal,
    sync: metrics.connections.sync,
    rooms: sources.rooms(),
    messagesIn: metrics.messagesIn.signal + metrics.messagesIn.sync,
    messagesOut: metrics.messagesOut,
    bytesIn: metrics.bytesIn,
    bytesOut: metrics.bytesOut,
    rejected: [...metrics.rejected.values()].reduce((sum, n) => sum + n, 0),
    storedBytes: usage.bytes,
    rssBytes: process.memoryUsage.rss(),
  });
  const sampler = new Sampler(read, clock);
  const cluster: ClusterMetrics = options.redisUrl
    ? await redisClusterMetrics(options.redisUrl, options.redisPrefix ?? 'pa:relay:', options.relayId, options.log)
    : standalone;

  const summary = (): RelaySummary => {
    const latest = sampler.latest();
    const now = read();
    return {
      relayId: options.relayId,
      at: clock(),
      startedAt,
      connections: now.signal + now.sync,
      signal: now.signal,
      sync: now.sync,
      rooms: now.rooms,
      messagesInPerSecond: latest?.messagesInPerSecond ?? 0,
      bytesInPerSecond: latest?.bytesInPerSecond ?? 0,
      bytesOutPerSecond: latest?.bytesOutPerSecond ?? 0,
      rejectedTotal: now.rejected,
      storedBytes: now.storedBytes,
      rssBytes: now.rssBytes,
    };
  };

  let ticks = 0;
  sampler.tick();
  const timer = setInterval(() => {
    refreshUsage();
    sampler.tick();
    // the breakdown is refreshed every other second; its keys live 10 s
    if (ticks++ % 2 === 0) void cluster.publish(summary());
  }, options.sampleIntervalMs ?? 1000);
  timer.unref();

  // the largest rooms take a read per live room (or a storage scan): at most every 3 s, and only while someone looks
  let topRooms: { at: number; rooms: Array<{ room: string; bytes: number }> } = { at: -Infinity, rooms: [] };
  const largestRooms = async () => {
    const now = clock();
    if (now - topRooms.at > TOP_ROOMS_REFRESH_MS) {
      const largest = await sources.topRooms(TOP_ROOMS);
      topRooms = {
        at: now,
        // room ids are random; a prefix tells rooms apart without handing the whole id to a screen or a screenshot
        rooms: largest.map(({ roomId, bytes }) => ({ room: `${roomId.slice(0, 8)}…`, bytes })),
      };
    }
    return topRooms.rooms;
  };

  const send = (response: ServerResponse, status: number, type: string, body: string | Buffer, extra = {}) => {
    response.writeHead(status, { ...SECURITY_HEADERS, 'content-type': type, ...extra });
    response.end(body);
  };
  const json = (response: ServerResponse, status: number, value: unknown, extra = {}) =>
    send(response, status, 'application/json; charset=utf-8', JSON.stringify(value), {
      'cache-control': 'no-store',
      ...extra,
    });

  const snapshot = async () => {
    const self = summary();
    const [current, largest] = await Promise.all([sources.storageUsage(), largestRooms()]);
    usage = current;
    return {
      relayId: options.relayId,
      now: clock(),
      startedAt,
      intervalMs: options.sampleIntervalMs ?? 1000,
      current: {
        connections: { signal: self.signal, sync: self.sync, total: self.connections },
        connectionsTotal: metrics.connectionsTotal,
        rooms: self.rooms,
        messagesPerSecond: {
          in: sampler.latest()?.messagesInPerSecond ?? 0,
          out: sampler.latest()?.messagesOutPerSecond ?? 0,
        },
        bytesPerSecond: { in: self.bytesInPerSecond, out: self.bytesOutPerSecond },
        messagesTotal: { in: metrics.messagesIn.signal + metrics.messagesIn.sync, out: metrics.messagesOut },
        bytesTotal: { in: metrics.bytesIn, out: metrics.bytesOut },
        rssBytes: self.rssBytes,
      },
      storage: {
        rooms: current.rooms,
        bytes: current.bytes,
        maxTotalBytes: sources.limits.maxTotalBytes,
        maxRooms: sources.limits.maxRooms,
        maxRoomBytes: sources.limits.maxRoomBytes,
        topRooms: largest,
      },
      rejected: [...metrics.rejected]
        .map(([reason, count]) => ({ reason, count }))
        .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason)),
      series: sampler.series(),
      cluster: await cluster.read(self),
    };
  };

  const refuse = (request: IncomingMessage, response: ServerResponse, status: number, reason: string) => {
    options.log.warn('console_refused', { status, reason, ip: request.socket.remoteAddress });
    const extra = status === 401 ? { 'www-authenticate': 'Bearer realm="pa-relay console"' } : {};
    json(response, status, { error: reason }, extra);
  };

  return {
    handle(request, response) {
      const path = (request.url ?? '/').split('?')[0] ?? '/';
      if (path !== '/console' && !path.startsWith('/console/')) return false;
      const route = path === '/console/' ? '/console' : path;
      if (route.startsWith('/console/api/')) {
        const check = guard(request);
        if (!check.ok) {
          refuse(request, response, check.status, check.reason);
          return true;
        }
        if (route === '/console/api/session' && request.method === 'POST') {
          // the login form's check: the token is right; the page keeps it in sessionStorage
          response.writeHead(204, { ...SECURITY_HEADERS, 'cache-control': 'no-store' });
          response.end();
          return true;
        }
        if (route === '/console/api/metrics' && request.method === 'GET') {
          snapshot().then(
            (value) => json(response, 200, value),
            (error: unknown) => {
              options.log.error('console_snapshot_failed', { error: String(error) });
              json(response, 500, { error: 'snapshot failed' });
            },
          );
          return true;
        }
        json(response, 404, { error: 'no such console endpoint' });
        return true;
      }
      const asset = assets.get(route);
      if (!asset) {
        send(response, 404, 'text/plain; charset=utf-8', 'Not found.\n');
        return true;
      }
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        send(response, 405, 'text/plain; charset=utf-8', 'Method not allowed.\n', { allow: 'GET, HEAD' });
        return true;
      }
      // the page is no secret (it holds no data), but another site has no business framing or fetching it
      const crossOrigin = crossOriginReason(request);
      if (crossOrigin && request.headers['sec-fetch-dest'] !== 'document') {
        refuse(request, response, 403, crossOrigin);
        return true;
      }
      send(response, 200, asset.type, request.method === 'HEAD' ? '' : asset.body, {
        'cache-control': route === '/console' ? 'no-store' : 'no-cache',
      });
      return true;
    },
    async close() {
      clearInterval(timer);
      await cluster.close();
    },
  };
}

/**
 * The rooms storing the most bytes: the storage's own ranking when it has one, else the rooms with connections
 * ranked by their heads (cached; no scan).
 */
export async function largestRooms(
  storage: {
    head(roomId: string): Promise<{ bytes: number }>;
    topRooms?(limit: number): Promise<Array<{ roomId: string; bytes: number }>>;
  },
  active: ReadonlySet<string>,
  limit: number,
): Promise<Array<{ roomId: string; bytes: number }>> {
  if (typeof storage.topRooms === 'function') return storage.topRooms(limit);
  const rooms = await Promise.all(
    [...active].slice(0, 1000).map(async (roomId) => ({ roomId, bytes: (await storage.head(roomId)).bytes })),
  );
  return rooms.sort((a, b) => b.bytes - a.bytes).slice(0, limit);
}
