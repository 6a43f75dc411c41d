// The MCP capability, client side: the servers configured in settings, their `mcp.*` RPC methods, and the tool
// catalog lent to chat models. Created before ai and workflow, which get its clients and catalog. The server side
// (`pa mcp serve`, server.ts) is a command of its own and is not loaded by the engine.
import type { Capability, EngineContext } from '../context.js';
import type { PartialHandlers } from '../rpc/handlers.js';
import type { McpClients, McpToolCatalog } from './api.js';
import { createMcpClients } from './client.js';
import { createToolCatalog } from './tool-catalog.js';

export type { McpCallResult, McpClients, McpToolCatalog } from './api.js';
export { mcpAskHandlers } from './ask.js';

export interface Mcp extends Capability {
  readonly clients: McpClients;
  readonly catalog: McpToolCatalog;
}

export function createMcp(ctx: Pick<EngineContext, 'store' | 'workspace'>): Mcp {
  const clients = createMcpClients(ctx.store, { cwd: () => ctx.workspace.current()?.root });
  const handlers: PartialHandlers = {
    'mcp.servers.list': () => ({ servers: clients.list() }),
    'mcp.servers.set': async ({ name, config }) => {
      await clients.set(name, config);
      return { ok: true } as const;
    },
    'mcp.servers.remove': async ({ name }) => {
      await clients.remove(name);
      return { ok: true } as const;
    },
    'mcp.tools.list': async (params) => ({ tools: await clients.tools(params?.server) }),
  };
  return { handlers, clients, catalog: createToolCatalog(clients), dispose: () => clients.dispose() };
}
