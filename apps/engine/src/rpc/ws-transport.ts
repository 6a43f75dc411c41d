// WebSocket transport on 127.0.0.1 (browser mode and CLI). The upgrade is refused unless `Host` names this server
// (421) and a browser's `Origin` is the engine's own page or the desktop app (403). The token (in browser mode the
// data dir's, server/token.ts) is required, in the query string (?token=…) or as the first message ({"token": "…"});
// a socket joins the engine's connections (and so hears broadcasts) only once it has presented the token, and is
// closed with CloseCode.unauthorized (4401) otherwise.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { CloseCode, MAX_MESSAGE_BYTES } from '@pa/shared';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import { isAllowedOrigin, isLoopbackHost } from '../server/loopback-guard.js';
import type { ConnectionSet, OutboundConnection } from './connection.js';
import type { Router } from './router.js';
import { serveConnection } from './serve.js';

export const WS_PATH = '/rpc';
/** How long a socket without the token in its query may take to send it; it hears nothing meanwhile. */
export const AUTH_TIMEOUT_MS = 750;

export interface WsTransportOptions {
  server: Server;
  router: Router;
  connections: ConnectionSet;
  token: string;
  actor?: string;
}

export function tokensEqual(expected: string, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function attachWebSocketTransport(options: WsTransportOptions): { close(): Promise<void> } {
  const { server, router, connections, token } = options;
  // maxPayload at twice the protocol limit so a somewhat oversize request gets a typed E_TOO_LARGE answer rather
  // than a dropped socket; beyond that ws closes with 1009 before buffering more.
  const wss = new WebSocketServer({ noServer: true, maxPayload: 2 * MAX_MESSAGE_BYTES });

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const port = request.socket.localPort ?? 0;
    if (!isLoopbackHost(request.headers.host, port)) {
      refuse(socket, '421 Misdirected Request');
      return;
    }
    if (!isAllowedOrigin(request.headers.origin, port)) {
      refuse(socket, '403 Forbidden');
      return;
    }
    let url: URL;
    try {
      url = new URL(request.url ?? '/', 'http://127.0.0.1');
    } catch {
      refuse(socket, '400 Bad Request');
      return;
    }
    if (url.pathname !== WS_PATH) {
      socket.destroy();
      return;
    }
    const queryToken = url.searchParams.get('token');
    if (queryToken !== null && !tokensEqual(token, queryToken)) {
      refuse(socket, '401 Unauthorized');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => (queryToken !== null ? open(ws) : awaitToken(ws)));
  });

  /** A socket that has not shown the token yet: its first message must carry it; it is not a connection. */
  function awaitToken(ws: WebSocket): void {
    const timer = setTimeout(() => ws.close(CloseCode.unauthorized, 'token required'), AUTH_TIMEOUT_MS);
    const onFirstMessage = (data: RawData, isBinary: boolean) => {
      clearTimeout(timer);
      if (isBinary || !tokensEqual(token, tokenOf(rawOf(data)))) {
        ws.close(CloseCode.unauthorized, 'invalid token');
        return;
      }
      open(ws).send({ event: 'auth', data: { ok: true } });
    };
    ws.once('message', onFirstMessage);
    ws.once('close', () => clearTimeout(timer));
    ws.on('error', () => ws.terminate());
  }

  /** An authenticated socket: a connection that hears broadcasts and whose messages reach the router. */
  function open(ws: WebSocket): OutboundConnection {
    const served = serveConnection({
      router,
      connections,
      actor: options.actor ?? 'ui',
      send: (frame) => {
        if (ws.readyState === WebSocket.OPEN) ws.send(frame);
      },
    });
    ws.on('message', (data) => served.receive(rawOf(data)));
    ws.on('close', () => served.close());
    if (ws.listenerCount('error') === 0) ws.on('error', () => ws.terminate());
    return served.connection;
  }

  return {
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  };
}

function refuse(socket: Duplex, status: string): void {
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`, () => socket.destroy());
}

function rawOf(data: RawData): Buffer {
  return Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
}

function tokenOf(raw: Buffer): unknown {
  if (raw.length > 1024) return undefined;
  try {
    const message: unknown = JSON.parse(raw.toString('utf8'));
    return typeof message === 'object' && message !== null && 'token' in message
      ? (message as { token: unknown }).token
      : undefined;
  } catch {
    return undefined;
  }
}
