// The terminal capability: pseudo-terminals (node-pty) running the user's login shell in the workspace, each with a
// headless xterm mirror of its screen for readers that join later, and a watchdog so that no shell outlives the
// engine. node-pty and @xterm/headless load with this module, on the first terminal call (engine.ts loads it lazily).
import { statSync } from 'node:fs';
import { ErrorCode, MAX_TERMINALS, PaError, type TerminalInfo } from '@pa/shared';
import SerializeModule from '@xterm/addon-serialize';
import HeadlessModule from '@xterm/headless';
import * as pty from 'node-pty';
import type { Capability, EngineContext } from '../context.js';
import { resolveInside, toRelative } from '../files/index.js';
import type { PartialHandlers } from '../rpc/handlers.js';
import { assertMayUseTerminal, type TerminalActor, terminalActorOf } from './api.js';
import { SCROLLBACK_LINES, TerminalSession } from './session.js';
import { loginShell, shellEnv } from './shell.js';
import { startWatchdog } from './watchdog.js';

export type { TerminalActor } from './api.js';
export { assertMayUseTerminal, mayUseTerminal } from './api.js';

export interface TerminalDeps {
  /** Whether the user trusts the workspace at `root` (the workflow capability keeps that answer). */
  isTrusted(root: string): Promise<boolean>;
  /** The shell the settings name (terminal.integrated.shell, a workspace's only once trusted); null: the login shell. */
  configuredShell?(): Promise<{ file: string; args: string[] } | null>;
}

export interface CreateTerminal {
  cwd: string;
  cols: number;
  rows: number;
  name?: string;
}

export interface CommandTerminal {
  command: string;
  /** Workspace-relative folder ('' for the root), confined again here. */
  cwd: string;
  cols: number;
  rows: number;
  timeoutMs: number;
  /** Stop: the command's whole session is killed. */
  signal: AbortSignal;
}

export interface CommandOutcome {
  exitCode: number | null;
  signal: number | null;
  /** The tail of what it printed (COMMAND_OUTPUT_CHARS), escape sequences taken out, line ends as "\n". */
  output: string;
  timedOut: boolean;
}

export interface TerminalsCapability extends Capability {
  /** Opens a terminal for `actor`: a workflow or the agent only in a trusted workspace. */
  create(options: CreateTerminal, actor: TerminalActor): Promise<TerminalInfo>;
  /**
   * Runs one command in a new command terminal named "Agent: <command>" (the agent's run_command when the page has
   * a terminal): the terminal appears in terminal.list at once, any page may attach to it, and it stays, its screen
   * readable, after the command ends, until closed. `done` settles with how it ended.
   */
  startCommand(
    options: CommandTerminal,
    actor: TerminalActor,
  ): Promise<{ info: TerminalInfo; done: Promise<CommandOutcome> }>;
}

/** Ended command terminals kept for their screens; the oldest beyond this are closed. */
export const KEPT_COMMAND_TERMINALS = 8;
/** The output a command terminal gives back at most (the end of it). */
const COMMAND_OUTPUT_CHARS = 32_000;

export function createTerminals(ctx: EngineContext, deps: TerminalDeps): TerminalsCapability {
  const sessions = new Map<string, TerminalSession>();
  const watchdog = startWatchdog(ctx.log);
  let nextId = 1;

  const find = (id: string): TerminalSession => {
    const session = sessions.get(id);
    if (!session) throw new PaError(ErrorCode.NOT_FOUND, `Terminal ${id} is not open (its shell may have exited).`);
    return session;
  };

  /** Closes ended command terminals, oldest first, while more than `keep` are left. */
  const pruneEnded = (keep: number) => {
    const ended = [...sessions.values()].filter(
      (session) => session.info().command !== undefined && session.exitStatus,
    );
    for (const session of ended.slice(0, Math.max(0, ended.length - keep))) {
      sessions.delete(session.id);
      session.close();
    }
  };

  /**
   * Opens a pty session for `file args` in the workspace folder `cwd`, with its mirror, and keeps it: room for it
   * first (ended command terminals give way), the folder checked, the process watched.
   */
  const openSession = (
    root: string,
    options: {
      cwd: string;
      cols: number;
      rows: number;
      file: string;
      args: string[];
      env: Record<string, string>;
      name: string;
      command?: string;
      /** What the user would do with the terminal, for the "too many" message ("open another"). */
      purpose: string;
      /** The failure message's start ("The shell /bin/bash did not start"). */
      failure: string;
    },
  ): { session: TerminalSession; pid: number } => {
    if (sessions.size >= MAX_TERMINALS) pruneEnded(0);
    if (sessions.size >= MAX_TERMINALS) {
      throw new PaError(ErrorCode.UNAVAILABLE, `${MAX_TERMINALS} terminals are open; close one to ${options.purpose}.`);
    }
    const cwd = resolveInside(root, options.cwd);
    if (!isDirectory(cwd))
      throw new PaError(ErrorCode.BAD_REQUEST, `"${options.cwd}" is not a folder of the workspace.`);
    const id = `t${nextId++}`;
    let child: pty.IPty;
    try {
      child = pty.spawn(options.file, options.args, {
        name: 'xterm-256color',
        cols: options.cols,
        rows: options.rows,
        cwd,
        env: options.env,
      });
    } catch (error) {
      throw new PaError(ErrorCode.UNAVAILABLE, `${options.failure}: ${String(error)}`);
    }
    watchdog.watch(child.pid);
    const mirror = new HeadlessModule.Terminal({
      cols: options.cols,
      rows: options.rows,
      scrollback: SCROLLBACK_LINES,
      allowProposedApi: true,
    });
    const serializer = new SerializeModule.SerializeAddon();
    mirror.loadAddon(serializer);
    const session = new TerminalSession({
      id,
      name: options.name,
      cwd: toRelative(root, cwd),
      pty: child,
      shell: options.file,
      mirror,
      serializer,
      ...(options.command !== undefined ? { command: options.command } : {}),
    });
    sessions.set(id, session);
    return { session, pid: child.pid };
  };

  async function create(options: CreateTerminal, actor: TerminalActor): Promise<TerminalInfo> {
    const root = ctx.workspace.requireRoot();
    assertMayUseTerminal(actor, actor === 'user' || (await deps.isTrusted(root)));
    const shell = (await deps.configuredShell?.()) ?? loginShell();
    const { session, pid } = openSession(root, {
      cwd: options.cwd,
      cols: options.cols,
      rows: options.rows,
      file: shell.file,
      args: shell.args,
      env: shellEnv(),
      name: options.name ?? shellName(shell.file),
      purpose: 'open another',
      failure: `The shell ${shell.file} did not start`,
    });
    session.onDidExit(() => {
      sessions.delete(session.id);
      watchdog.forget(pid);
    });
    return session.info();
  }

  async function startCommand(
    options: CommandTerminal,
    actor: TerminalActor,
  ): Promise<{ info: TerminalInfo; done: Promise<CommandOutcome> }> {
    const root = ctx.workspace.requireRoot();
    assertMayUseTerminal(actor, actor === 'user' || (await deps.isTrusted(root)));
    if (options.signal.aborted) throw new PaError(ErrorCode.CANCELLED, 'The request was cancelled.');
    pruneEnded(KEPT_COMMAND_TERMINALS - 1);
    const windows = process.platform === 'win32';
    const file = windows ? 'cmd.exe' : '/bin/sh';
    const name = `Agent: ${options.command.replace(/\s+/g, ' ').trim()}`;
    const { session, pid } = openSession(root, {
      cwd: options.cwd,
      cols: options.cols,
      rows: options.rows,
      file,
      args: windows ? ['/d', '/s', '/c', options.command] : ['-c', options.command],
      env: { ...shellEnv(), CI: process.env.CI ?? '1', FORCE_COLOR: '0', NO_COLOR: '1' },
      name: name.length > 64 ? `${name.slice(0, 63)}…` : name,
      command: options.command,
      purpose: 'run a command in one',
      failure: 'The command could not start',
    });
    let output = '';
    const stopData = session.onDidData((data) => {
      output = (output + data).slice(-COMMAND_OUTPUT_CHARS * 2);
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      session.terminate();
    }, options.timeoutMs);
    const onAbort = () => session.terminate();
    options.signal.addEventListener('abort', onAbort, { once: true });
    const done = new Promise<CommandOutcome>((resolve) => {
      session.onDidExit((exit) => {
        clearTimeout(timer);
        options.signal.removeEventListener('abort', onAbort);
        stopData();
        watchdog.forget(pid);
        resolve({ ...exit, output: plainText(output).slice(-COMMAND_OUTPUT_CHARS), timedOut });
      });
    });
    return { info: session.info(), done };
  }

  const handlers: PartialHandlers = {
    'terminal.create': async (params, call) => {
      const info = await create(params, terminalActorOf(call.actor));
      return { id: info.id, shell: info.shell, pid: info.pid };
    },
    'terminal.list': () => ({ terminals: [...sessions.values()].map((session) => session.info()) }),
    'terminal.write': ({ id, data }) => {
      find(id).write(data);
      return { ok: true };
    },
    'terminal.resize': ({ id, cols, rows }) => {
      find(id).resize(cols, rows);
      return { ok: true };
    },
    'terminal.kill': ({ id }) => {
      const session = find(id);
      if (session.info().command !== undefined) {
        // a command terminal closes: its command (if still running) is killed, its kept screen freed
        sessions.delete(id);
        session.dispose();
      } else session.kill();
      return { ok: true };
    },
    'terminal.rename': ({ id, name }) => {
      find(id).name = name;
      return { ok: true };
    },
    'terminal.attach': ({ id, acknowledge }, { signal, connection }) =>
      find(id).attach({ signal, acknowledge: acknowledge ?? false, owner: connection }),
    'terminal.ack': ({ id, reader, chars }, { connection }) => {
      find(id).ack(reader, chars, connection);
      return { ok: true };
    },
  };

  return {
    handlers,
    create,
    startCommand,
    dispose() {
      for (const session of sessions.values()) session.dispose();
      sessions.clear();
      watchdog.dispose();
    },
  };
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: escape sequences are what it removes
const ESCAPES = /\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b\[[0-?]*[ -/]*[@-~]|\x1b[@-Z\\-_]/g;

/** Terminal output as plain text: escape sequences out, CRLF (and lone CRs) as "\n". */
export function plainText(data: string): string {
  return data.replace(ESCAPES, '').replace(/\r+\n/g, '\n').replace(/\r/g, '\n');
}

function shellName(file: string): string {
  return file.split(/[\\/]/).pop() || 'shell';
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
