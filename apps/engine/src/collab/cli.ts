// `pa relay`: starts the collaboration relay. The engine never imports relay code: it spawns the built
// apps/relay/dist/main.js and hands the options over as the relay's own environment variables.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { defaultDataDir } from '../paths.js';

/** Each option and the relay environment variable it sets (apps/relay/README.md documents them all). */
const OPTION_ENV = {
  port: 'PORT',
  host: 'HOST',
  dataDir: 'RELAY_DATA_DIR',
  tokenFile: 'RELAY_TOKEN_FILE',
  maxMessageBytes: 'RELAY_MAX_MESSAGE_BYTES',
  maxRoomsPerConnection: 'RELAY_MAX_ROOMS_PER_CONNECTION',
  maxConnections: 'RELAY_MAX_CONNECTIONS',
  connRatePerIp: 'RELAY_CONN_RATE_PER_IP',
  idleTimeoutMs: 'RELAY_IDLE_TIMEOUT_MS',
  roomExpiryDays: 'RELAY_ROOM_EXPIRY_DAYS',
  logLevel: 'LOG_LEVEL',
} as const;
type RelayOptions = Partial<Record<keyof typeof OPTION_ENV, string>>;

export function relayMainPath(env: NodeJS.ProcessEnv = process.env): string {
  // dist/cli.js of the engine sits next to dist/main.js of the relay two folders up
  return env.PA_RELAY_MAIN ?? fileURLToPath(new URL('../../relay/dist/main.js', import.meta.url));
}

export function relayEnv(options: RelayOptions, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env, RELAY_DATA_DIR: env.RELAY_DATA_DIR ?? join(defaultDataDir(env), 'relay') };
  for (const [option, variable] of Object.entries(OPTION_ENV) as Array<[keyof RelayOptions, string]>) {
    const value = options[option];
    if (value !== undefined) out[variable] = value;
  }
  return out;
}

export function registerCollabCommands(program: Command): void {
  program
    .command('relay')
    .description('start the collaboration relay (y-webrtc signaling + encrypted sync); token from RELAY_TOKEN')
    .option('-p, --port <port>', 'port to listen on (default 4444, 0 = any free port)')
    .option('--host <host>', 'address to bind (default 0.0.0.0)')
    .option('--data-dir <dir>', 'where the relay keeps its SQLite file (default <data dir>/relay)')
    .option('--token-file <file>', 'file holding the bearer token (instead of RELAY_TOKEN)')
    .option('--max-message-bytes <n>', 'largest accepted frame (default 1048576)')
    .option('--max-rooms-per-connection <n>', 'signaling topics per connection (default 32)')
    .option('--max-connections <n>', 'open connections in all (default 20000)')
    .option('--conn-rate-per-ip <n>', 'new connections per second per IP (default 20, burst 100)')
    .option('--idle-timeout-ms <n>', 'drop connections silent this long (default 60000)')
    .option('--room-expiry-days <n>', 'delete rooms without activity for this many days (default 30)')
    .option('--log-level <level>', 'debug | info | warn | error (default info)')
    .action(async (options: RelayOptions) => {
      const main = relayMainPath();
      if (!existsSync(main)) {
        throw new Error(`The relay is not built (${main} is missing): run \`node scripts/build.mjs relay\` first.`);
      }
      const child = spawn(process.execPath, [main], { env: relayEnv(options, process.env), stdio: 'inherit' });
      // the relay shuts down gracefully on these; pass them on rather than dying first
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
      const code = await new Promise<number>((resolve) => child.once('exit', (c, s) => resolve(c ?? (s ? 1 : 0))));
      process.exit(code);
    });
}
