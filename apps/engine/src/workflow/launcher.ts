// Starts the processes of `run` steps. fork() copies the parent's page tables, so spawning from the engine (well
// over 100 MB resident) costs several times what it costs from a bare Node; a small helper process does the
// spawning instead and reports output and exit over IPC. If the helper cannot start, the engine spawns directly.
// The helper is also the watchdog: Node has no PR_SET_PDEATHSIG, but the helper's IPC channel closes however the
// engine ends (kill -9 included), and then the helper kills every process group it started before it exits.
import { type ChildProcess, spawn } from 'node:child_process';
import type { GroupLedger } from './group-ledger.js';

export interface LaunchRequest {
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
}

export interface LaunchHandlers {
  onStart(pid: number): void;
  onOutput(stream: 'stdout' | 'stderr', chunk: Buffer): void;
  onExit(code: number | null, signal: string | null): void;
  onError(error: NodeJS.ErrnoException): void;
}

/** Launches one process in its own process group (so the whole tree can be signalled). */
export type Launcher = (request: LaunchRequest, handlers: LaunchHandlers) => void;

export const directLauncher: Launcher = (request, handlers) => {
  const child = spawn(request.command, request.args, {
    cwd: request.cwd,
    env: request.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid !== undefined) handlers.onStart(child.pid);
  child.stdout.on('data', (chunk: Buffer) => handlers.onOutput('stdout', chunk));
  child.stderr.on('data', (chunk: Buffer) => handlers.onOutput('stderr', chunk));
  child.once('error', (error) => handlers.onError(error));
  child.once('close', (code, signal) => handlers.onExit(code, signal));
};

// The helper: node builtins only, so it runs from `node -e` without a file of its own in the bundle.
const HELPER_SOURCE = `
const { spawn } = require('node:child_process');
const groups = new Set();
const killAll = () => {
  for (const pid of groups) { try { process.kill(-pid, 'SIGKILL'); } catch {} }
  process.exit(0);
};
process.on('disconnect', killAll);
process.on('SIGTERM', killAll);
process.on('SIGINT', killAll);
process.on('SIGHUP', killAll);
process.on('message', (m) => {
  const send = (msg) => { if (process.connected) process.send(msg); };
  let child;
  try {
    child = spawn(m.command, m.args, { cwd: m.cwd, env: m.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    send({ id: m.id, type: 'error', code: e.code, message: e.message });
    return;
  }
  if (child.pid !== undefined) {
    groups.add(child.pid);
    send({ id: m.id, type: 'start', pid: child.pid });
  }
  child.stdout.on('data', (d) => send({ id: m.id, type: 'out', stream: 'stdout', data: d }));
  child.stderr.on('data', (d) => send({ id: m.id, type: 'out', stream: 'stderr', data: d }));
  child.once('error', (e) => send({ id: m.id, type: 'error', code: e.code, message: e.message }));
  child.once('close', (code, signal) => {
    // a group that outlives its leader (a backgrounded child) still dies with the helper; an empty one is forgotten
    try { process.kill(-child.pid, 0); } catch { groups.delete(child.pid); }
    send({ id: m.id, type: 'exit', code, signal });
  });
});
`;

type HelperMessage =
  | { id: number; type: 'start'; pid: number }
  | { id: number; type: 'out'; stream: 'stdout' | 'stderr'; data: Uint8Array }
  | { id: number; type: 'error'; code?: string; message: string }
  | { id: number; type: 'exit'; code: number | null; signal: string | null };

/** Records each started group in `ledger` (for the next engine, should the helper die with this one). */
function recorded(ledger: GroupLedger | undefined, handlers: LaunchHandlers): LaunchHandlers {
  if (!ledger) return handlers;
  let pid: number | undefined;
  return {
    onStart(started) {
      pid = started;
      ledger.add(started);
      handlers.onStart(started);
    },
    onOutput: handlers.onOutput,
    onExit(code, signal) {
      if (pid !== undefined) ledger.remove(pid);
      handlers.onExit(code, signal);
    },
    onError(error) {
      if (pid !== undefined) ledger.remove(pid);
      handlers.onError(error);
    },
  };
}

/** A launcher backed by one long-lived helper process; `dispose` ends the helper. */
export function helperLauncher(ledger?: GroupLedger): Launcher & { dispose(): void } {
  let helper: ChildProcess | null = null;
  let broken = false;
  let nextId = 1;
  const pending = new Map<number, LaunchHandlers>();

  const start = (): ChildProcess | null => {
    if (helper || broken) return helper;
    try {
      const child = spawn(process.execPath, ['-e', HELPER_SOURCE], {
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
        serialization: 'advanced',
        env: { PATH: process.env.PATH ?? '' },
      });
      child.on('message', (message: HelperMessage) => {
        const handlers = pending.get(message.id);
        if (!handlers) return;
        if (message.type === 'start') handlers.onStart(message.pid);
        else if (message.type === 'out') handlers.onOutput(message.stream, Buffer.from(message.data));
        else {
          pending.delete(message.id);
          if (message.type === 'exit') handlers.onExit(message.code, message.signal);
          else handlers.onError(Object.assign(new Error(message.message), { code: message.code }));
        }
      });
      child.once('exit', () => {
        helper = null;
        // Runs that were in flight lose their reports; fail them rather than hang.
        for (const [id, handlers] of pending) {
          pending.delete(id);
          handlers.onError(Object.assign(new Error('The process launcher stopped.'), { code: 'ELAUNCHER' }));
        }
      });
      child.once('error', () => {
        broken = true;
      });
      child.unref();
      (child.channel as { unref?: () => void } | undefined)?.unref?.();
      helper = child;
      return child;
    } catch {
      broken = true;
      return null;
    }
  };

  const launch = ((request: LaunchRequest, given: LaunchHandlers) => {
    const handlers = recorded(ledger, given);
    const child = start();
    if (!child?.connected) {
      directLauncher(request, handlers);
      return;
    }
    const id = nextId++;
    pending.set(id, handlers);
    child.send({ id, ...request });
  }) as Launcher & { dispose(): void };
  launch.dispose = () => {
    helper?.kill();
    helper = null;
  };
  return launch;
}
