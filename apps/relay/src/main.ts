// The relay process: reads its settings from the environment, starts, prints one JSON "listening" line on stdout,
// and shuts down gracefully on SIGTERM/SIGINT (closing connections and storage before exiting).
import { errorMessage } from '@pa/shared';
import { ConfigError, loadConfig } from './config.js';
import { createLog } from './log.js';
import { startRelay } from './server.js';

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`relay: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const log = createLog(config.logLevel);
  const relay = await startRelay(config, log);
  const storage = config.databaseUrl ? 'postgres' : 'sqlite';
  log.info('listening', { port: relay.port, host: config.host, storage, dataDir: config.dataDir });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('shutting_down', { signal });
    relay.close().then(
      () => {
        log.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        log.error('shutdown_failed', { error: String(error) });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('uncaughtException', (error) => {
    // keep serving: one bad frame must not take every room down; the log says what to fix
    log.error('uncaught_exception', { error: error.message, stack: error.stack });
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`relay: failed to start: ${errorMessage(error)}\n`);
  process.exit(1);
});
