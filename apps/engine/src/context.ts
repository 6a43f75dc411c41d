// What the engine hands each capability to build itself (shared services, never another capability's files), and
// what a capability hands back. Capabilities import these types from here, never from the assembly (engine.ts).
import type { FilesCapability } from './files/index.js';
import type { ConnectionSet } from './rpc/connection.js';
import type { PartialHandlers } from './rpc/handlers.js';
import type { HttpRoute } from './server/http.js';
import type { Store } from './store/index.js';
import type { Workspace } from './workspace/index.js';

export interface EngineContext {
  readonly dataDir: string;
  readonly store: Store;
  readonly clock: () => number;
  readonly connections: ConnectionSet;
  readonly workspace: Workspace;
  readonly files: FilesCapability;
  readonly log: (line: Record<string, unknown>) => void;
}

/** What every capability hands back to the engine when it is created. */
export interface Capability {
  handlers: PartialHandlers;
  httpRoutes?: HttpRoute[];
  dispose?(): Promise<void> | void;
}
