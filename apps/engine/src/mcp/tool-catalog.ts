// What a chat model may call of the configured MCP servers without the user in the loop: the tools a server marks
// read-only, and every tool of a server the user set to chatTools "all".
import type { McpClients, McpToolCatalog } from './api.js';

export function createToolCatalog(clients: McpClients): McpToolCatalog {
  return {
    async tools() {
      const unrestricted = new Set(
        clients
          .list()
          .filter((entry) => entry.config.chatTools === 'all')
          .map((entry) => entry.name),
      );
      return (await clients.tools()).filter((tool) => tool.readOnly || unrestricted.has(tool.server));
    },
    startupGraceMs: () => clients.startupGraceMs(),
    call: (server, tool, args, signal) => clients.call(server, tool, args, signal),
  };
}
