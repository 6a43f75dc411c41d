// WebSocket transport on 127.0.0.1 (browser mode and CLI). The per-launch token is required, in the query
// string (?token=…) or as the first message ({"token": "…"}); anything else closes the socket with 4401.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import { MAX_MESSAGE_BYTES } from '@pa/shared';
import { WebSocket, WebSocketServer } from 'ws';
import { type ConnectionSet, OutboundConnection } from './connection.js';
import type { Router } from './router.js';

export const WS_PATH = '/rpc';
const AUTH_TIMEOUT_MS = 5_000;

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

  server.on('upgrade', (request: IncomingMessage, socket, head) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== WS_PATH) {
      socket.destroy();
      return;
    }
    const queryToken = url.searchParams.get('token');
    if (queryToken !== null && !tokensEqual(token, queryToken)) {
      socket.write('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => serve(ws, queryToken !== null));
  });

  function serve(ws: WebSocket, authenticated: boolean): void {
    const connection = new OutboundConnection((frame) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(frame);
    });
    const remove = connections.add(connection);
    const ctx = { connection, actor: options.actor ?? 'ui' };
    let authed = authenticated;
    const authTimer = authed ? null : setTimeout(() => ws.close(4401, 'token required'), AUTH_TIMEOUT_MS);

    ws.on('message', (data, isBinary) => {
      const raw = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      if (!authed) {
        if (isBinary || !tokensEqual(token, tokenOf(raw))) {
          ws.close(4401, 'invalid token');
          return;
        }
        authed = true;
        if (authTimer) clearTimeout(authTimer);
        connection.send({ event: 'auth', data: { ok: true } });
        return;
      }
      void router.handleRaw(raw, ctx).then((answer) => connection.send(answer));
    });
    ws.on('close', () => {
      if (authTimer) clearTimeout(authTimer);
      remove();
      connection.close();
    });
    ws.on('error', () => ws.terminate());
  }

  return {
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  };
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
