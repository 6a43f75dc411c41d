// `pa serve [--port N] [--no-open] [--new-token] [dir]`: browser mode. Prints the URL with its token and opens it.
// The token is the data dir's (server/token.ts), so a page left open reconnects to the restarted engine; without
// a dir, the folder this data dir had open last opens again.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { defaultDataDir } from '../paths.js';
import { findUiDir } from './ui-dir.js';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('serve the editor in a browser on 127.0.0.1 (browser mode)')
    .argument('[dir]', 'folder to open as the workspace')
    .option('-p, --port <port>', 'port to listen on (0 = any free port)', '0')
    .option('--no-open', 'do not open a browser window')
    .option('--new-token', 'replace the access token; pages opened with the old URL are refused')
    .action(async (dir: string | undefined, options: { port: string; open: boolean; newToken?: boolean }) => {
      const port = Number(options.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new Error(`--port must be a number from 0 to 65535, not "${options.port}".`);
      }
      const uiDir = findUiDir();
      const { serve } = await import('../server/serve.js');
      const server = await serve({
        dataDir: defaultDataDir(),
        port,
        uiDir,
        workspace: dir,
        reopenLast: true,
        newToken: options.newToken === true,
      });
      process.stdout.write(`ClaudeEditor is running at ${server.url}\n`);
      if (!uiDir) process.stderr.write('The UI is not built yet: run `npm run build` first.\n');
      if (options.open) openBrowser(server.url);
      const stop = () => void server.close().finally(() => process.exit(0));
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
}

function openBrowser(url: string): void {
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '', url]]
        : existsSync('/usr/bin/chromium')
          ? ['/usr/bin/chromium', [`--app=${url}`]]
          : ['xdg-open', [url]];
  const child = spawn(command, args as string[], { detached: true, stdio: 'ignore' });
  child.on('error', () => process.stderr.write(`Could not open a browser; open ${url} yourself.\n`));
  child.unref();
}
