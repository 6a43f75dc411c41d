// The project's own `pa mcp serve` as an `mcp.servers.set` entry: a real stdio MCP server process that the engine
// starts on first use, confined to `workspace` and sharing the engine's data dir.
import type { McpServerConfig } from '@pa/shared';
import { engineCli } from '../../scripts/paths.js';

export function paMcpServe(workspace: string, dataDir: string): McpServerConfig {
  return {
    command: process.execPath,
    args: [engineCli, 'mcp', 'serve', '--workspace', workspace],
    env: { PA_DATA_DIR: dataDir },
  };
}
