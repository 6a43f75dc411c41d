// `npm start`: runs ClaudeEditor in Electron when its binary is installed, otherwise in browser mode (`pa serve`),
// saying so in one line. Signals are forwarded so Ctrl+C and `kill` stop the child too.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { planStart } from './start-mode.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const desktopDir = join(root, 'apps', 'desktop');

const plan = planStart({
  resolveElectron: () => createRequire(join(desktopDir, 'package.json'))('electron'),
  exists: existsSync,
  desktopDir,
  engineCli: join(root, 'apps', 'engine', 'dist', 'cli.js'),
  nodePath: process.execPath,
  args: process.argv.slice(2),
  platform: process.platform,
  env: process.env,
});

if (plan.notice) process.stdout.write(`${plan.notice}\n`);
// In development Electron runs the engine on this Node, whose ABI the native modules were built for.
const child = spawn(plan.command, plan.args, { stdio: 'inherit', env: { ...process.env, PA_NODE: process.execPath } });
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => child.kill(signal));
}
child.on('error', (error) => {
  process.stderr.write(`Could not start ${plan.command}: ${error.message}\n`);
  process.exit(1);
});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
