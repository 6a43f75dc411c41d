// `pa mcp list-tools|serve`: the tools of the configured MCP servers, and the editor itself as an MCP server over
// stdio, on an engine opened in this process.
import type { Command } from 'commander';
import { withLocalEngine } from '../cli/local-engine.js';

export function registerMcpCommands(program: Command): void {
  const mcp = program
    .command('mcp')
    .description('Model Context Protocol: configured servers, and the editor as a server');

  mcp
    .command('list-tools')
    .description('list the tools of the configured MCP servers')
    .option('-s, --server <name>', 'only this server')
    .option('--json', 'print JSON')
    .action(async (options: { server?: string; json?: boolean }) => {
      const { tools } = await withLocalEngine({ actor: 'cli' }, (local) =>
        local.call('mcp.tools.list', options.server ? { server: options.server } : {}),
      );
      const text = tools.map((tool) => `${tool.server}/${tool.name}  ${tool.description}\n`).join('') || 'no tools\n';
      process.stdout.write(options.json ? `${JSON.stringify(tools, null, 2)}\n` : text);
    });

  mcp
    .command('serve')
    .description('serve this workspace to MCP clients over stdio (files, workflows, the model router)')
    .option('-w, --workspace <dir>', 'workspace folder (default: the current folder)')
    .action(async (options: { workspace?: string }) => {
      const { serveMcpOverStdio } = await import('./server.js');
      await withLocalEngine({ workspace: options.workspace ?? process.cwd(), actor: 'mcp' }, (local) =>
        serveMcpOverStdio(local),
      );
    });
}
