// A throwaway PostgreSQL for one test file (or benchmark): Debian's server binaries (/usr/lib/postgresql/<v>/bin),
// `initdb` into a temporary directory, listening on a free loopback TCP port (its unix socket in the same
// directory), stopped and deleted by destroy(). PostgreSQL refuses to run as root: as root, initdb and the server
// run as the `postgres` user (runuser) in a directory owned by it. stop()/start() take the server down and bring it
// back on the same port and data, for tests of a database outage. Nothing is skipped without PostgreSQL: the start
// fails and says what to install (`.ci/run` installs it).
import { execFile } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

export interface PostgresServer {
  readonly port: number;
  /** The data and socket directory (deleted by destroy()). */
  readonly dir: string;
  /** postgres://postgres@127.0.0.1:<port>/<database> */
  url(database?: string): string;
  /** A new empty database; returns its URL. */
  createDatabase(name?: string): Promise<string>;
  /** Fast shutdown (open sessions are cut): clients see the database go away. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data. */
  start(): Promise<void>;
  readonly running: boolean;
  /** Stops it and deletes its directory. */
  destroy(): Promise<void>;
}

/** The newest installed server's bin directory, or an error that says how to install one. */
export function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'initdb')) && existsSync(join(root, v, 'bin', 'pg_ctl')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const newest = versions[0];
  if (newest === undefined) {
    throw new Error(
      'PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): apt-get install postgresql ' +
        '(.ci/run installs it); these tests need a real server and are not skipped without one.',
    );
  }
  return join(root, newest, 'bin');
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let databases = 0;

export interface StartPostgresOptions {
  /** fsync every commit like a production server (benchmarks); by default off, as tests check semantics only. */
  durable?: boolean;
}

export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresServer> {
  const bin = postgresBinDir();
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'pa-postgres-'));
  const data = join(dir, 'data');
  const socketDir = join(dir, 'run');
  mkdirSync(socketDir);
  let owner: { uid: number; gid: number } | null = null;
  if (asRoot) {
    const { stdout: uid } = await run('id', ['-u', 'postgres']).catch(() => {
      throw new Error('Running as root, PostgreSQL needs the `postgres` user: apt-get install postgresql.');
    });
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    owner = { uid: Number(uid.trim()), gid: Number(gid.trim()) };
    for (const path of [dir, socketDir]) chownSync(path, owner.uid, owner.gid);
  }
  chmodSync(dir, 0o700);
  const exec = (tool: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]) : run(join(bin, tool), args);
  const port = await freePort();
  await exec('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']).catch(
    (error: Error & { stderr?: string }) => {
      throw new Error(`initdb failed: ${error.stderr ?? error.message}`);
    },
  );
  // a test server: no fsync unless durable (the tests check semantics, not power cuts), small and quick to start
  const settings = [
    `-p ${port}`,
    `-k ${socketDir}`,
    '-c listen_addresses=127.0.0.1',
    '-c max_connections=200',
    '-c shared_buffers=32MB',
    ...(options.durable ? [] : ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off']),
  ].join(' ');
  let running = false;
  const start = async () => {
    await exec('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-o', settings, '-w', '-t', '60', 'start']).catch(
      (error: Error & { stderr?: string; stdout?: string }) => {
        throw new Error(`pg_ctl start failed: ${error.stderr ?? ''}${error.stdout ?? error.message}`);
      },
    );
    running = true;
  };
  const stop = async () => {
    if (!running) return;
    await exec('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '60', 'stop']);
    running = false;
  };
  await start();
  const url = (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`;
  return {
    port,
    dir,
    url,
    get running() {
      return running;
    },
    async createDatabase(name) {
      databases += 1;
      const database = name ?? `t${process.pid}_${databases}`;
      const client = new pg.Client({ connectionString: url() });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${database}"`);
      } finally {
        await client.end();
      }
      return url(database);
    },
    stop,
    start,
    async destroy() {
      await stop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
