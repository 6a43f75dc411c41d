// A loopback file server for the model download tests and benchmark: files by path, HEAD and GET with single
// byte ranges (Accept-Ranges: bytes), an optional per-response rate limit, a log of every request (method, path,
// Range header, bytes sent), and hostile routes registered per test (redirects, lies about the size).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface ServedFile {
  body: Buffer;
  /** Bytes per second per response (0: as fast as the socket takes them). */
  rate?: number;
  /** Extra response headers (x-linked-etag, …). */
  headers?: Record<string, string>;
  /** Announce this Content-Length instead of the real one. */
  lieLength?: number;
  /** Announce this size on HEAD only (the body is never sent). */
  headLength?: number;
}

export interface LoggedRequest {
  method: string;
  path: string;
  range: string | null;
  bytesSent: number;
}

export type Route = (request: IncomingMessage, response: ServerResponse) => void;

export interface FileServer {
  url: string;
  files: Map<string, ServedFile>;
  routes: Map<string, Route>;
  log: LoggedRequest[];
  close(): Promise<void>;
}

const CHUNK = 64 * 1024;

function parseRange(header: string | undefined, size: number): { start: number; end: number } | null | 'bad' {
  if (!header) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return 'bad';
  const [, from, to] = match;
  let start: number;
  let end: number;
  if (from === '') {
    start = Math.max(0, size - Number(to));
    end = size - 1;
  } else {
    start = Number(from);
    end = to === '' ? size - 1 : Math.min(Number(to), size - 1);
  }
  if (start > end || start >= size) return 'bad';
  return { start, end };
}

export async function startFileServer(): Promise<FileServer> {
  const files = new Map<string, ServedFile>();
  const routes = new Map<string, Route>();
  const log: LoggedRequest[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    const entry: LoggedRequest = {
      method: request.method ?? 'GET',
      path,
      range: request.headers.range ?? null,
      bytesSent: 0,
    };
    log.push(entry);
    const route = routes.get(path);
    if (route) return route(request, response);
    const file = files.get(path);
    if (!file) {
      response.writeHead(404).end();
      return;
    }
    const size = file.body.length;
    const range = parseRange(request.headers.range, size);
    if (range === 'bad') {
      response.writeHead(416, { 'content-range': `bytes */${size}` }).end();
      return;
    }
    const start = range ? range.start : 0;
    const end = range ? range.end : size - 1;
    const headers: Record<string, string> = {
      'accept-ranges': 'bytes',
      'content-type': 'application/octet-stream',
      'content-length': String(file.lieLength && !range ? file.lieLength : end - start + 1),
      ...file.headers,
    };
    if (range) headers['content-range'] = `bytes ${start}-${end}/${file.lieLength ?? size}`;
    if (request.method === 'HEAD') {
      if (file.headLength) headers['content-length'] = String(file.headLength);
      response.writeHead(200, headers).end();
      return;
    }
    response.writeHead(range ? 206 : 200, headers);
    let offset = start;
    const began = performance.now();
    const pump = () => {
      while (offset <= end && !response.destroyed) {
        if (file.rate) {
          const due = began + ((offset - start) / file.rate) * 1000;
          const wait = due - performance.now();
          if (wait > 1) {
            setTimeout(pump, wait);
            return;
          }
        }
        const slice = file.body.subarray(offset, Math.min(end + 1, offset + CHUNK));
        offset += slice.length;
        entry.bytesSent += slice.length;
        if (!response.write(slice)) {
          response.once('drain', pump);
          return;
        }
      }
      if (response.destroyed) return;
      // a liar ends its body short of what it announced: the connection is cut there
      if (file.lieLength && file.lieLength > size) response.socket?.destroy();
      else response.end();
    };
    pump();
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    files,
    routes,
    log,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The tiny GGUF followed by deterministic filler, `size` bytes in all (still a GGUF: the header is what is read). */
export function paddedGguf(tiny: Buffer, size: number): Buffer {
  const body = Buffer.alloc(Math.max(size, tiny.length));
  tiny.copy(body, 0);
  let x = 0x9e3779b9;
  for (let offset = tiny.length; offset + 4 <= body.length; offset += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    body.writeUInt32LE(x >>> 0, offset);
  }
  return body;
}
