// The relay's HTTP + WebSocket front: routes `/signal`, `/sync/<roomId>`, `/healthz`, `/metrics`; admits
// connections (token, per-IP rate, connection cap); watches liveness; shuts down gracefully.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { CloseCode, isValidRoomId, RelayErrorCode, writeError } from '@pa/shared/relay/protocol';
import { type RawData, WebSocketServer } from 'ws';
import { PerIpRateLimit, tokenMatcher } from './admission.js';
import type { RelayConfig } from './config.js';
import { Connection } from './connection.js';
import { createConsole, largestRooms } from './console/index.js';
import { type Fanout, LocalFanout } from './fanout.js';
import { RedisFanout } from './fanout-redis.js';
import type { Log } from './log.js';
import { type Endpoint, Metrics, type RejectReason } from './metrics.js';
import { Signaling } from './signaling.js';
import { openStorage, type Storage } from './storage.js';
import { openPostgresStorage } from './storage-pg.js';
import { SyncRooms } from './sync.js';
import { type RelaySpan, refuseSpan, startTracing, traceConnection, traceHttp } from './tracing.js';

export interface Relay {
  readonly port: number;
  readonly metrics: Metrics;
  /** Stops accepting, closes every connection, writes what was received, closes storage. */
  close(): Promise<void>;
}

export async function startRelay(config: RelayConfig, log: Log, clock: () => number = Date.now): Promise<Relay> {
  const storage: Storage = config.databaseUrl
    ? await openPostgresStorage(config.databaseUrl, { log })
    : openStorage(config.dataDir, config.syncMode);
  const metrics = new Metrics(clock);
  // several relays share rooms and signaling topics through Redis; one alone needs nothing (fanout.ts)
  const fanout: Fanout = config.redisUrl
    ? new RedisFanout({ url: config.redisUrl, prefix: config.redisPrefix, log })
    : new LocalFanout();
  const signaling = new Signaling(
    config.maxRoomsPerConnection,
    async (roomId) => (await storage.seats(roomId))?.guests ?? null,
    metrics,
    fanout,
  );
  const sync = new SyncRooms(
    storage,
    metrics,
    log,
    {
      maxQueuedBytes: config.maxQueuedBytes,
      maxRoomBytes: config.maxRoomBytes,
      maxTotalBytes: config.maxTotalBytes,
      maxRooms: config.maxRooms,
    },
    new PerIpRateLimit(config.roomsPerIpPerHour / 3600, config.roomsPerIpPerHour, clock),
    clock,
    fanout,
  );
  const rateLimit = new PerIpRateLimit(config.connRatePerIp, config.connBurstPerIp, clock);
  const tokenOk = tokenMatcher(config.token);
  const connections = new Set<Connection>();
  let closing = false;
  // counting storage rows on every scrape would be a full scan; refresh at most every 5 s
  let storedStats = { rooms: 0, rows: 0, at: 0 };
  const refreshStats = async (now: number) => {
    storedStats = { ...storedStats, at: now };
    try {
      storedStats = { ...(await storage.stats()), at: now };
    } catch (error) {
      log.error('storage_stats_failed', { error: (error as Error).message });
    }
  };

  // traces (off unless an OTLP endpoint is set) and the operator console (off unless an admin token is set)
  const tracing = await startTracing({ url: config.otlpTracesUrl, relayId: config.relayId, log });
  const connectionSpans = new WeakMap<Duplex, RelaySpan>();
  let storedUsage = { rooms: 0, bytes: 0 };
  const operatorConsole = await createConsole(
    {
      metrics,
      rooms: () => sync.roomCount,
      storageUsage: () => storage.usage(),
      topRooms: (limit) => largestRooms(storage, sync.activeRoomIds(), limit),
      limits: { maxTotalBytes: config.maxTotalBytes, maxRooms: config.maxRooms, maxRoomBytes: config.maxRoomBytes },
    },
    {
      adminToken: config.adminToken,
      relayId: config.relayId,
      redisUrl: config.metricsRedisUrl,
      redisPrefix: config.redisPrefix,
      log,
      clock,
    },
  );

  // pongs are sent by hand: on /sync only once the frames before the ping are handled (they may await storage)
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: config.maxMessageBytes,
    perMessageDeflate: false,
    autoPong: false,
  });

  const http = createServer((request: IncomingMessage, response: ServerResponse) => {
    traceHttp(tracing, request, response, config.relayId);
    const path = (request.url ?? '/').split('?')[0];
    if (request.method === 'GET' && path === '/healthz') {
      void healthz().then((health) => {
        // degraded (a dependency does not answer) is still 200: every relay would be alike, none should be pulled
        response.writeHead(health.status === 'draining' ? 503 : 200, { 'content-type': 'application/json' });
        response.end(JSON.stringify(health));
      });
      return;
    }
    if (request.method === 'GET' && path === '/metrics') {
      const now = clock();
      // refreshed in the background: a scrape never waits for the database
      if (now - storedStats.at > 5000) void refreshStats(now);
      response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      response.end(
        metrics.render({
          rooms: sync.roomCount,
          storedRooms: storedStats.rooms,
          storedRows: storedStats.rows,
          rssBytes: process.memoryUsage.rss(),
          storedBytes: storedUsage.bytes,
          maxTotalBytes: config.maxTotalBytes,
          maxRooms: config.maxRooms,
        }),
      );
      // the next scrape shows it: this one does not wait for storage either
      storage.usage().then(
        (usage) => {
          storedUsage = usage;
        },
        () => {},
      );
      return;
    }
    if (operatorConsole.handle(request, response)) return;
    response.writeHead(404, { 'content-type': 'text/plain' });
    response.end('Not found: use /signal, /sync/<roomId>, /healthz or /metrics.\n');
  });

  /** Whether the database and Redis answer now (each within a second), and whether this relay is draining. */
  const healthz = async () => {
    const started = performance.now();
    const database = await Promise.race([
      storage.ping().then(
        () => ({ ok: true, latencyMs: Math.round((performance.now() - started) * 100) / 100 }),
        (error: Error) => ({ ok: false, error: error.message }),
      ),
      new Promise<{ ok: false; error: string }>((resolve) =>
        setTimeout(() => resolve({ ok: false, error: 'no answer within 1 s' }), 1000).unref(),
      ),
    ]);
    const redis = fanout.kind === 'redis' ? await fanout.health() : null;
    const status = closing ? 'draining' : database.ok && (redis?.ok ?? true) ? 'ok' : 'degraded';
    return { status, connections: connections.size, database: { kind: storage.kind, ...database }, redis };
  };

  const refuse = (socket: Duplex, status: number, text: string, reason: RejectReason) => {
    metrics.reject(reason);
    log.debug('connection_refused', { reason });
    refuseSpan(connectionSpans.get(socket), status, reason);
    socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    socket.destroy();
  };

  http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const url = new URL(request.url ?? '/', 'http://relay');
    const ip = request.socket.remoteAddress ?? 'unknown';
    const span = traceConnection(tracing, url.pathname, config.relayId);
    connectionSpans.set(socket, span);
    if (closing) return refuse(socket, 503, 'Service Unavailable', RelayErrorCode.shuttingDown);
    if (connections.size >= config.maxConnections)
      return refuse(socket, 503, 'Service Unavailable', 'connection_limit');
    if (!rateLimit.allow(ip)) return refuse(socket, 429, 'Too Many Requests', RelayErrorCode.rateLimited);
    if (!tokenOk(request, url)) return refuse(socket, 401, 'Unauthorized', RelayErrorCode.unauthorized);
    let endpoint: Endpoint;
    let roomId = '';
    if (url.pathname === '/signal') endpoint = 'signal';
    else if (url.pathname.startsWith('/sync/')) {
      endpoint = 'sync';
      roomId = url.pathname.slice('/sync/'.length);
      if (!isValidRoomId(roomId)) return refuse(socket, 400, 'Bad Request', RelayErrorCode.badRoom);
    } else return refuse(socket, 404, 'Not Found', RelayErrorCode.badRoom);
    wss.handleUpgrade(request, socket, head, (ws) => {
      const connection = new Connection(
        ws,
        endpoint,
        ip,
        metrics,
        config.maxQueuedBytes,
        config.messageBudget,
        clock(),
      );
      connections.add(connection);
      span.set('relay.result', 'accepted');
      metrics.connections[endpoint] += 1;
      metrics.connectionsTotal += 1;
      if (endpoint === 'signal') signaling.open(connection);
      else sync.open(connection, roomId);
      ws.on('message', (data: RawData, isBinary: boolean) => {
        // frames still arriving on a connection being closed (shutdown, slow consumer) are not served
        if (connection.closed) return;
        connection.lastSeen = clock();
        const bytes = toBuffer(data);
        metrics.received(endpoint, bytes.byteLength);
        if (!connection.budget.spend(bytes.byteLength, clock())) return overBudget(connection);
        if (endpoint === 'signal') {
          if (isBinary) connection.refuse(RelayErrorCode.malformed);
          else signaling.receive(connection, bytes.toString('utf8'));
        } else if (!isBinary) connection.refuse(RelayErrorCode.malformed);
        else sync.receive(connection, new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      });
      ws.on('ping', (data: Buffer) => {
        const pong = () => {
          if (!connection.closed && ws.readyState === ws.OPEN) ws.pong(data);
        };
        if (endpoint === 'sync') void sync.handled(connection).then(pong);
        else pong();
      });
      ws.on('pong', () => {
        connection.lastSeen = clock();
      });
      ws.on('error', (error: Error & { code?: string }) => {
        // ws reports oversize frames here and closes with 1009 itself
        metrics.reject(
          error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' ? RelayErrorCode.tooLarge : RelayErrorCode.malformed,
        );
        log.debug('socket_error', { error: error.message, code: error.code });
      });
      ws.on('close', (code: number) => {
        span.set('websocket.close_code', code);
        span.end();
        connection.closed = true;
        connections.delete(connection);
        metrics.connections[endpoint] -= 1;
        if (endpoint === 'signal') signaling.close(connection);
        else sync.close(connection);
      });
    });
  });

  /** A flooding connection is closed, not slowed: reading and dropping its frames would still cost the relay. */
  const overBudget = (connection: Connection) => {
    metrics.reject(RelayErrorCode.messageRate);
    log.info('connection_over_budget', { endpoint: connection.endpoint, ip: connection.ip });
    if (connection.endpoint === 'sync') {
      connection.send(
        writeError(
          RelayErrorCode.messageRate,
          'Too many messages or bytes per second on this connection; reconnect later (unacknowledged updates are resent).',
        ),
      );
    }
    connection.close(CloseCode.rateLimited, 'message rate limit');
  };

  // liveness: ping connections quiet for half the idle timeout, drop those quiet for all of it
  const liveness = setInterval(
    () => {
      const now = clock();
      for (const connection of connections) {
        const quiet = now - connection.lastSeen;
        if (quiet > config.idleTimeoutMs) {
          connection.closed = true;
          connection.socket.terminate();
        } else if (quiet > config.idleTimeoutMs / 2) connection.socket.ping();
      }
    },
    Math.max(500, Math.min(30_000, config.idleTimeoutMs / 4)),
  );

  const sweep = async () => {
    try {
      const expired = await storage.expire(clock() - config.roomExpiryMs, sync.activeRoomIds());
      metrics.roomsExpired += expired;
      if (expired > 0) log.info('rooms_expired', { count: expired });
    } catch (error) {
      log.error('storage_expire_failed', { error: (error as Error).message });
    }
  };
  await sweep();
  const sweeper = setInterval(() => void sweep(), config.sweepIntervalMs);

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(config.port, config.host, () => resolve());
  });
  const address = http.address();
  const port = typeof address === 'object' && address ? address.port : config.port;

  return {
    port,
    metrics,
    async close() {
      if (closing) return;
      // draining: new connections are refused and /healthz says so (503) while the balancer takes this relay out
      closing = true;
      if (config.drainMs > 0) await new Promise((resolve) => setTimeout(resolve, config.drainMs));
      clearInterval(liveness);
      clearInterval(sweeper);
      const httpClosed = new Promise<void>((resolve) => http.close(() => resolve()));
      // 1001 "going away": clients reconnect at once, through the balancer, to another relay
      for (const connection of connections) connection.close(CloseCode.shuttingDown, 'relay shutting down');
      await sync.flush();
      await fanout.close();
      await storage.close();
      // give clients a moment to complete the close handshake, then cut whatever is left
      const deadline = clock() + 2000;
      while (connections.size > 0 && clock() < deadline) await new Promise((r) => setTimeout(r, 20));
      for (const connection of connections) connection.socket.terminate();
      http.closeAllConnections();
      await httpClosed;
      await operatorConsole.close();
      await tracing.shutdown();
    },
  };
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
