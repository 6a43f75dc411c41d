// The relay's HTTP + WebSocket front: routes `/signal`, `/sync/<roomId>`, `/healthz`, `/metrics`; admits
// connections (token, per-IP rate, connection cap); watches liveness; shuts down gracefully.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { CloseCode, isValidRoomId, RelayErrorCode, writeError } from '@pa/shared/relay/protocol';
import { type RawData, WebSocketServer } from 'ws';
import { PerIpRateLimit, tokenMatcher } from './admission.js';
import type { RelayConfig } from './config.js';
import { Connection } from './connection.js';
import type { Log } from './log.js';
import { type Endpoint, Metrics, type RejectReason } from './metrics.js';
import { Signaling } from './signaling.js';
import { openStorage } from './storage.js';
import { SyncRooms } from './sync.js';

export interface Relay {
  readonly port: number;
  readonly metrics: Metrics;
  /** Stops accepting, closes every connection, writes what was received, closes storage. */
  close(): Promise<void>;
}

export async function startRelay(config: RelayConfig, log: Log, clock: () => number = Date.now): Promise<Relay> {
  const storage = openStorage(config.dataDir, config.syncMode);
  const metrics = new Metrics(clock);
  const signaling = new Signaling(
    config.maxRoomsPerConnection,
    (roomId) => storage.seats(roomId)?.guests ?? null,
    metrics,
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
  );
  const rateLimit = new PerIpRateLimit(config.connRatePerIp, config.connBurstPerIp, clock);
  const tokenOk = tokenMatcher(config.token);
  const connections = new Set<Connection>();
  let closing = false;
  // counting storage rows on every scrape would be a full scan; refresh at most every 5 s
  let storedStats = { rooms: 0, rows: 0, at: 0 };

  const wss = new WebSocketServer({ noServer: true, maxPayload: config.maxMessageBytes, perMessageDeflate: false });

  const http = createServer((request: IncomingMessage, response: ServerResponse) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method === 'GET' && path === '/healthz') {
      response.writeHead(closing ? 503 : 200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ status: closing ? 'shutting_down' : 'ok', connections: connections.size }));
      return;
    }
    if (request.method === 'GET' && path === '/metrics') {
      const now = clock();
      if (now - storedStats.at > 5000) storedStats = { ...storage.stats(), at: now };
      response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      response.end(
        metrics.render({
          rooms: sync.roomCount,
          storedRooms: storedStats.rooms,
          storedRows: storedStats.rows,
          rssBytes: process.memoryUsage.rss(),
        }),
      );
      return;
    }
    response.writeHead(404, { 'content-type': 'text/plain' });
    response.end('Not found: use /signal, /sync/<roomId>, /healthz or /metrics.\n');
  });

  const refuse = (socket: Duplex, status: number, text: string, reason: RejectReason) => {
    metrics.reject(reason);
    log.debug('connection_refused', { reason });
    socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    socket.destroy();
  };

  http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const url = new URL(request.url ?? '/', 'http://relay');
    const ip = request.socket.remoteAddress ?? 'unknown';
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
      ws.on('close', () => {
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

  const sweep = () => {
    const expired = storage.expire(clock() - config.roomExpiryMs, sync.activeRoomIds());
    metrics.roomsExpired += expired;
    if (expired > 0) log.info('rooms_expired', { count: expired });
  };
  sweep();
  const sweeper = setInterval(sweep, config.sweepIntervalMs);

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
      closing = true;
      clearInterval(liveness);
      clearInterval(sweeper);
      const httpClosed = new Promise<void>((resolve) => http.close(() => resolve()));
      for (const connection of connections) connection.close(CloseCode.shuttingDown, 'relay shutting down');
      sync.flush();
      storage.close();
      // give clients a moment to complete the close handshake, then cut whatever is left
      const deadline = clock() + 2000;
      while (connections.size > 0 && clock() < deadline) await new Promise((r) => setTimeout(r, 20));
      for (const connection of connections) connection.socket.terminate();
      http.closeAllConnections();
      await httpClosed;
    },
  };
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
