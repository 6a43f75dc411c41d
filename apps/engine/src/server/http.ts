// The browser-mode HTTP server on 127.0.0.1: the built UI (static files), the /rpc WebSocket, and any routes a
// capability adds. Every request must name this server in `Host` (DNS rebinding); the UI gets a strict CSP and may
// not be framed; nothing is served outside the UI folder.
import { createReadStream, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { isLoopbackHost } from './loopback-guard.js';

/** A route returns true when it handled the request. */
export type HttpRoute = (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
};

export const UI_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "worker-src 'self' blob:",
  "connect-src 'self' ws://127.0.0.1:* ws://localhost:* wss: ws:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function createHttpServer(uiDir: string | null, routes: HttpRoute[]): Server {
  return createServer((req, res) => {
    void handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!isLoopbackHost(req.headers.host, req.socket.localPort ?? 0)) {
      res
        .writeHead(421, { 'content-type': 'text/plain', connection: 'close' })
        .end('This server answers only to 127.0.0.1 or localhost with its own port.');
      return;
    }
    const url = parseUrl(req.url);
    if (!url) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('The request URL is malformed.');
      return;
    }
    for (const route of routes) if (await route(req, res)) return;
    if (url.pathname === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    if (!uiDir) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('The UI is not built. Run `npm run build`.');
      return;
    }
    const pathname = decodePath(url.pathname);
    if (pathname === null) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('The request path has a malformed % escape.');
      return;
    }
    serveStatic(uiDir, pathname, res);
  }
}

function parseUrl(raw: string | undefined): URL | null {
  try {
    return new URL(raw ?? '/', 'http://127.0.0.1');
  } catch {
    return null;
  }
}

/** The path with its % escapes decoded, or null when an escape is malformed (`%E0%A4%A`, `%zz`). */
function decodePath(pathname: string): string | null {
  try {
    return decodeURIComponent(pathname);
  } catch {
    return null;
  }
}

function serveStatic(uiDir: string, pathname: string, res: ServerResponse): void {
  const relative = normalize(pathname === '/' ? '/index.html' : pathname).replace(/^([/\\])+/, '');
  const file = join(uiDir, relative);
  if (!file.startsWith(uiDir + sep) || relative.includes('\0')) {
    res.writeHead(403).end();
    return;
  }
  let size: number;
  try {
    const info = statSync(file);
    if (!info.isFile()) throw new Error('not a file');
    size = info.size;
  } catch {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
    return;
  }
  const type = MIME[extname(file)] ?? 'application/octet-stream';
  const headers: Record<string, string | number> = {
    'content-type': type,
    'content-length': size,
    'x-content-type-options': 'nosniff',
    'cache-control': relative.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
  };
  if (type.startsWith('text/html')) {
    headers['content-security-policy'] = UI_CSP;
    // frame-ancestors for browsers that predate it
    headers['x-frame-options'] = 'DENY';
    headers['referrer-policy'] = 'no-referrer';
  }
  res.writeHead(200, headers);
  createReadStream(file).pipe(res);
}
