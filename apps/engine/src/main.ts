// The engine process entry: Electron's utilityProcess, a plain child process, or `node dist/main.js --port N`.
// It prints one JSON line {"ready":true,...} on stdout when it answers requests.
import { parseArgs } from 'node:util';
import { errorMessage } from '@pa/shared';
import { createEngine } from './engine.js';
import { defaultDataDir } from './paths.js';
import { attachParentTransport } from './rpc/port-transport.js';
import { serve } from './server/serve.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      token: { type: 'string' },
      workspace: { type: 'string' },
      'ui-dir': { type: 'string' },
    },
    strict: false,
  });
  const dataDir = defaultDataDir();
  const wantsSocket = typeof values.port === 'string';
  if (wantsSocket) {
    const server = await serve({
      dataDir,
      port: Number(values.port),
      token: typeof values.token === 'string' ? values.token : process.env.PA_ENGINE_TOKEN,
      workspace: typeof values.workspace === 'string' ? values.workspace : undefined,
      uiDir: typeof values['ui-dir'] === 'string' ? values['ui-dir'] : null,
    });
    attachParentTransport(server.engine.router, server.engine.context.connections);
    ready({ port: server.port, token: server.token });
    onExit(() => server.close());
    return;
  }
  const engine = createEngine({ dataDir, transport: 'port' });
  if (!attachParentTransport(engine.router, engine.context.connections)) {
    process.stderr.write('pa engine: no parent channel; start it with --port N for a WebSocket.\n');
    process.exit(2);
  }
  ready({});
  onExit(() => engine.dispose());
}

function ready(extra: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ ready: true, pid: process.pid, ...extra })}\n`);
}

function onExit(cleanup: () => Promise<void>): void {
  let exiting = false;
  const stop = () => {
    if (exiting) return;
    exiting = true;
    void cleanup().finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('disconnect', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`pa engine failed to start: ${errorMessage(error)}\n`);
  process.exit(1);
});
