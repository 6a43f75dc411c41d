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

export interface TerminalsCapability extends Capability {
  /** Opens a terminal for `actor`: a workflow or the agent only in a trusted workspace. */
  create(options: CreateTerminal, actor: TerminalActor): Promise<TerminalInfo>;
}

export function createTerminals(ctx: EngineContext, deps: TerminalDeps): TerminalsCapability {
  const sessions = new Map<string, TerminalSession>();
  const watchdog = startWatchdog(ctx.log);
  let nextId = 1;

  const find = (id: string): TerminalSession => {
    const session = sessions.get(id);
    if (!session) throw new PaError(ErrorCode.NOT_FOUND, `Terminal ${id} is not open (its shell may have exited).`);
    return session;
  };

  async function create(options: CreateTerminal, actor: TerminalActor): Promise<TerminalInfo> {
    const root = ctx.workspace.requireRoot();
    assertMayUseTerminal(actor, actor === 'user' || (await deps.isTrusted(root)));
    if (sessions.size >= MAX_TERMINALS) {
      throw new PaError(ErrorCode.UNAVAILABLE, `${MAX_TERMINALS} terminals are open; close one to open another.`);
    }
    const cwd = resolveInside(root, options.cwd);
    if (!isDirectory(cwd))
      throw new PaError(ErrorCode.BAD_REQUEST, `"${options.cwd}" is not a folder of the workspace.`);
    const shell = (await deps.configuredShell?.()) ?? loginShell();
    const id = `t${nextId++}`;
    let process: pty.IPty;
    try {
      process = pty.spawn(shell.file, shell.args, {
        name: 'xterm-256color',
        cols: options.cols,
        rows: options.rows,
        cwd,
        env: shellEnv(),
      });
    } catch (error) {
      throw new PaError(ErrorCode.UNAVAILABLE, `The shell ${shell.file} did not start: ${String(error)}`);
    }
    watchdog.watch(process.pid);
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
      name: options.name ?? shellName(shell.file),
      cwd: toRelative(root, cwd),
      pty: process,
      shell: shell.file,
      mirror,
      serializer,
    });
    sessions.set(id, session);
    const pid = process.pid;
    session.onDidExit(() => {
      sessions.delete(id);
      watchdog.forget(pid);
    });
    return session.info();
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
      find(id).kill();
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
    dispose() {
      for (const session of sessions.values()) session.dispose();
      sessions.clear();
      watchdog.dispose();
    },
  };
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
