// Starts the engine with its HTTP + WebSocket server on 127.0.0.1 (browser mode, CLI, tests).
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createEngine, type Engine, type EngineOptions } from '../engine.js';
import { attachWebSocketTransport } from '../rpc/ws-transport.js';
import { createHttpServer } from './http.js';
import { serveToken } from './token.js';

export interface ServeOptions extends EngineOptions {
  port?: number;
  host?: string;
  uiDir?: string | null;
  /** Defaults to the data dir's token file (server/token.ts), so a restarted engine accepts the open page. */
  token?: string;
  /** Replace the data dir's token with a new one (the open pages then need the new URL). */
  newToken?: boolean;
  workspace?: string;
  /** With no `workspace`, open the one this data dir had open last (browser mode's `pa serve`). */
  reopenLast?: boolean;
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
  const { workspace } = engine.context;
  if (options.workspace) workspace.open(options.workspace);
  else if (options.reopenLast) workspace.reopenLast();
  const token = options.token ?? serveToken(engine.context.dataDir, { rotate: options.newToken });
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
