// The one way a `pa` command opens the engine: in this process, on the user's data dir, spoken to through a typed
// RpcClient over the in-process transport (the same connection loop, validation and streams as a socket), and
// disposed when the command is done, so no timer or child process outlives it. The engine's modules are loaded
// here, on first use: `pa --version`, `pa license keygen` or `pa relay` never load them.
import { type AsyncDisposable, AsyncDisposableStore, type EngineClient, RpcClient } from '@pa/shared';
import { defaultDataDir } from '../paths.js';

export interface LocalEngineOptions {
  /** Who the calls come from, for audit rows: 'cli', 'mcp'. */
  actor: string;
  /** A folder to open for this command only (it does not become the editor's last folder). */
  workspace?: string;
  dataDir?: string;
}

export interface LocalEngine extends EngineClient, AsyncDisposable {
  dispose(): Promise<void>;
}

export async function openLocalEngine(options: LocalEngineOptions): Promise<LocalEngine> {
  const [{ createEngine }, { localTransport }] = await Promise.all([
    import('../engine.js'),
    import('../rpc/local-transport.js'),
  ]);
  const disposables = new AsyncDisposableStore();
  // Engine logs stay on stderr and only for errors: stdout belongs to the command (or to the MCP protocol).
  const engine = disposables.add(
    createEngine({
      dataDir: options.dataDir ?? defaultDataDir(),
      transport: 'port',
      log: (line) => {
        if (line.level === 'error') process.stderr.write(`${JSON.stringify(line)}\n`);
      },
    }),
  );
  try {
    if (options.workspace) engine.context.workspace.open(options.workspace, { remember: false });
  } catch (error) {
    await disposables.dispose();
    throw error;
  }
  const client = new RpcClient(
    localTransport(engine.router, { connections: engine.context.connections, actor: options.actor }),
  );
  disposables.defer(() => client.close());
  return {
    call: (method, ...args) => client.call(method, ...args),
    stream: (method, params, streamOptions) => client.stream(method, params, streamOptions),
    on: (event, listener) => client.on(event, listener),
    onClose: (listener) => client.onClose(listener),
    dispose: () => disposables.dispose(),
  };
}

/** Opens the engine for one command and disposes it when `use` settles, whichever way. */
export async function withLocalEngine<T>(
  options: LocalEngineOptions,
  use: (engine: LocalEngine) => Promise<T>,
): Promise<T> {
  const local = await openLocalEngine(options);
  try {
    return await use(local);
  } finally {
    await local.dispose();
  }
}
