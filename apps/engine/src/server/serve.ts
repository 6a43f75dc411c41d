// Starts the engine with its HTTP + WebSocket server on 127.0.0.1 (browser mode, CLI, tests).
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createEngine, type Engine, type EngineOptions } from '../engine.js';
import { attachWebSocketTransport } from '../rpc/ws-transport.js';
import { createHttpServer } from './http.js';

export interface ServeOptions extends EngineOptions {
  port?: number;
  host?: string;
  uiDir?: string | null;
  token?: string;
  workspace?: string;
}

export interface RunningServer {
  engine: Engine;
  port: number;
  token: string;
  url: string;
  close(): Promise<void>;
}

export async function serve(options: ServeOptions): Promise<RunningServer> {
  const engine = createEngine({ ...options, transport: 'websocket' });
  if (options.workspace) engine.context.workspace.open(options.workspace);
  const token = options.token ?? randomBytes(24).toString('base64url');
  const uiDir = options.uiDir && existsSync(options.uiDir) ? options.uiDir : null;
  const server = createHttpServer(uiDir, engine.httpRoutes);
  const ws = attachWebSocketTransport({
    server,
    router: engine.router,
    connections: engine.context.connections,
    token,
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    engine,
    port,
    token,
    url: `http://${host}:${port}/#token=${token}`,
    async close() {
      await ws.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await engine.dispose();
    },
  };
}
