// What every capability hands back to the engine when it is created.
import type { PartialHandlers } from './rpc/handlers.js';
import type { HttpRoute } from './server/http.js';

export interface Capability {
  handlers: PartialHandlers;
  httpRoutes?: HttpRoute[];
  dispose?(): Promise<void> | void;
}
