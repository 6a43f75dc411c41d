// Terminals die with the engine. A pty's shell leads its own session; a job it backgrounds gets a process group
// of its own (job control), and `nohup` or a trapped SIGHUP outlives the hang-up the kernel sends when the engine's
// end of the pty closes. So a terminal is ended by its session: every process whose session id is the shell's pid.
// Node has no PR_SET_PDEATHSIG, so a small watchdog process holds the sessions: its IPC channel closes however the
// engine ends (kill -9 included), and then it kills every process of every session it was told of, and exits.
// Where the watchdog cannot start (an Electron build without run-as-node), the kernel's hang-up still ends the
// shells and their ordinary jobs.
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** The pids of the processes in session `sid` (Linux /proc); on other systems, the session leader's group. */
export function sessionMembers(sid: number): number[] {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return [];
  }
  const members: number[] = [];
  for (const name of names) {
    if (!/^[0-9]+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // fields after the command name (which may hold spaces and parentheses): state ppid pgrp session …
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[3]) === sid) members.push(Number(name));
    } catch {
      // the process ended while we looked
    }
  }
  return members;
}

/** Sends `signal` to every process of session `sid` and to its leader's group (where /proc is absent). */
export function signalSession(sid: number, signal: NodeJS.Signals): void {
  for (const pid of sessionMembers(sid)) {
    try {
      process.kill(pid, signal);
    } catch {
      // gone meanwhile
    }
  }
  try {
    process.kill(-sid, signal);
  } catch {
    // no such group
  }
}

// The watchdog: node builtins only, so it runs from `node -e` without a file of its own in the bundle. Its
// sessionMembers is the one above, in plain JavaScript.
const WATCHDOG_SOURCE = `
const fs = require('node:fs');
const sessions = new Set();
const members = (sid) => {
  const out = [];
  let names = [];
  try { names = fs.readdirSync('/proc'); } catch {}
  for (const name of names) {
    if (!/^[0-9]+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync('/proc/' + name + '/stat', 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[3]) === sid) out.push(Number(name));
    } catch {}
  }
  return out;
};
const killAll = () => {
  for (const sid of sessions) {
    for (const pid of members(sid)) { try { process.kill(pid, 'SIGKILL'); } catch {} }
    try { process.kill(-sid, 'SIGKILL'); } catch {}
  }
  process.exit(0);
};
process.on('disconnect', killAll);
process.on('SIGTERM', killAll);
process.on('SIGINT', killAll);
process.on('SIGHUP', killAll);
process.on('message', (m) => {
  if (m.add) sessions.add(m.add);
  if (m.remove) sessions.delete(m.remove);
});
`;

export interface SessionWatchdog {
  watch(sid: number): void;
  forget(sid: number): void;
  dispose(): void;
}

export function startWatchdog(log: (line: Record<string, unknown>) => void): SessionWatchdog {
  let child: ChildProcess | null = null;
  try {
    child = spawn(process.execPath, ['-e', WATCHDOG_SOURCE], {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      env: { PATH: process.env.PATH ?? '' },
      // its own session: a signal to the engine's group (Ctrl+C in `pa serve`) reaches it only through the engine
      detached: true,
    });
    child.once('error', (error) => {
      log({ level: 'warn', msg: 'the terminal watchdog did not start', error: error.message });
      child = null;
    });
    child.once('exit', () => {
      child = null;
    });
    child.unref();
    (child.channel as { unref?: () => void } | undefined)?.unref?.();
  } catch (error) {
    log({ level: 'warn', msg: 'the terminal watchdog did not start', error: String(error) });
    child = null;
  }
  const send = (message: { add?: number; remove?: number }) => {
    if (child?.connected) child.send(message);
  };
  return {
    watch: (sid) => send({ add: sid }),
    forget: (sid) => send({ remove: sid }),
    dispose() {
      // sessions still open are the engine's to end (dispose of each terminal); the watchdog just goes
      if (child?.connected) child.disconnect();
      child = null;
    },
  };
}
