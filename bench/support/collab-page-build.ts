// Builds the collab benchmark page (Monaco, y-monaco, y-webrtc) with esbuild and serves it on loopback.
import { createReadStream, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.ttf': 'font/ttf',
};

export interface ServedPage {
  url: string;
  close(): Promise<void>;
}

export async function serveCollabPage(): Promise<ServedPage> {
  const dir = mkdtempSync(join(tmpdir(), 'pa-collab-page-'));
  await build({
    entryPoints: {
      page: fileURLToPath(new URL('./collab-page.ts', import.meta.url)),
      'editor.worker': 'monaco-editor/esm/vs/editor/editor.worker.js',
    },
    bundle: true,
    format: 'esm',
    outdir: dir,
    minify: process.env.PA_BENCH_MINIFY !== '0',
    loader: { '.ttf': 'file' },
    logLevel: 'error',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><html><head><meta charset="utf-8"><link rel="stylesheet" href="page.css"></head><body><script type="module" src="page.js"></script></body></html>',
  );
  const server: Server = createServer((request, response) => {
    const path = normalize(new URL(request.url ?? '/', 'http://x').pathname).replace(/^\/+/, '') || 'index.html';
    if (path.includes('..')) {
      response.writeHead(400).end();
      return;
    }
    const stream = createReadStream(join(dir, path));
    stream.on('error', () => response.writeHead(404).end());
    stream.on('open', () => {
      response.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' });
      stream.pipe(response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/index.html`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
