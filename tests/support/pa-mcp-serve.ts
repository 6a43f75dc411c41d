// The project's own `pa mcp serve` as an `mcp.servers.set` entry (or a StdioClientTransport's options): a real
// stdio MCP server process, confined to `workspace` and sharing the engine's data dir.
import { engineCli } from '../../scripts/paths.js';

export function paMcpServe(
  workspace: string,
  dataDir: string,
): { command: string; args: string[]; env: Record<string, string> } {
  return {
    command: process.execPath,
    args: [engineCli, 'mcp', 'serve', '--workspace', workspace],
    env: { PA_DATA_DIR: dataDir },
  };
}
