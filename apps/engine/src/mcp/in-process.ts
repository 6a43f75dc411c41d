// An engine inside this process for `pa workflow …` and `pa mcp serve`: the same router, handlers and
// validation as over a socket, called directly, with events delivered to local listeners.
import {
  type EventData,
  type EventName,
  fromWireError,
  type MethodName,
  methods,
  type ParamsIn,
  type Result,
} from '@pa/shared';
import { createEngine, type Engine } from '../engine.js';
import { defaultDataDir } from '../paths.js';
import type { Connection } from '../rpc/handlers.js';

export interface LocalEngine {
  engine: Engine;
  call<M extends MethodName>(method: M, params?: ParamsIn<M>): Promise<Result<M>>;
  /** Every event the engine sends this caller (workflow progress, …). */
  onEvent(listener: <E extends EventName>(event: E, data: EventData<E>) => void): () => void;
  dispose(): Promise<void>;
}

let nextId = 1;

export function openLocalEngine(options: { workspace?: string; actor: string; dataDir?: string }): LocalEngine {
  // Engine logs stay on stderr and only for errors: stdout belongs to the command (or to the MCP protocol).
  const engine = createEngine({
    dataDir: options.dataDir ?? defaultDataDir(),
    transport: 'port',
    log: (line) => {
      if (line.level === 'error') process.stderr.write(`${JSON.stringify(line)}\n`);
    },
  });
  // the CLI's folder is the current directory of a command, not a folder the user opened in the editor
  if (options.workspace) engine.context.workspace.open(options.workspace, { remember: false });
  const listeners = new Set<(event: EventName, data: unknown) => void>();
  const closers = new Set<() => void>();
  const connection: Connection = {
    id: 0,
    emit(event, data) {
      for (const listener of listeners) listener(event, data);
    },
    onDidClose(listener) {
      closers.add(listener);
      return () => closers.delete(listener);
    },
  };
  return {
    engine,
    async call(method, params) {
      const answer = await engine.router.handle(
        params === undefined ? { id: nextId++, method } : { id: nextId++, method, params },
        { connection, actor: options.actor },
      );
      if ('error' in answer) throw fromWireError(answer.error);
      return methods[method].result.parse(answer.result) as Result<typeof method>;
    },
    onEvent(listener) {
      const wrapped = listener as (event: EventName, data: unknown) => void;
      listeners.add(wrapped);
      return () => listeners.delete(wrapped);
    },
    async dispose() {
      for (const close of closers) close();
      await engine.dispose();
    },
  };
}
