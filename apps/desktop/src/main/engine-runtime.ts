// The two ways the engine process is run. Packaged: Electron's utility process, which takes MessagePorts directly
// (electron-builder rebuilt the native modules for Electron). In development: the system Node that `npm ci` built
// the native modules for (Electron's ABI differs, so better-sqlite3 would not load), with main relaying one
// window's port over the child-process channel, which the engine also serves.
import { type ChildProcess, fork } from 'node:child_process';
import { type MessagePortMain, utilityProcess } from 'electron';
import type { EngineRuntime } from './runtime-choice.js';

export interface EngineChild {
  readonly stdout: NodeJS.ReadableStream | null;
  readonly stderr: NodeJS.ReadableStream | null;
  onceExit(listener: (code: number) => void): void;
  /** Hands the engine its end of a window's channel. */
  attachPort(port: MessagePortMain): void;
  kill(): void;
}

export function forkEngine(runtime: EngineRuntime, entry: string, env: NodeJS.ProcessEnv): EngineChild {
  return runtime.kind === 'utility' ? forkUtility(entry, env) : forkNode(runtime.nodePath, entry, env);
}

function forkUtility(entry: string, env: NodeJS.ProcessEnv): EngineChild {
  const child = utilityProcess.fork(entry, [], { stdio: 'pipe', serviceName: 'ClaudeEditor engine', env });
  return {
    stdout: child.stdout,
    stderr: child.stderr,
    onceExit: (listener) => child.once('exit', listener),
    attachPort: (port) => child.postMessage({ type: 'connect' }, [port]),
    kill: () => void child.kill(),
  };
}

function forkNode(nodePath: string, entry: string, env: NodeJS.ProcessEnv): EngineChild {
  const child: ChildProcess = fork(entry, [], { execPath: nodePath, env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  // The child-process channel is one connection, so only the latest window's port is relayed (dev runs one window).
  let relayed: MessagePortMain | null = null;
  child.on('message', (frame: unknown) => relayed?.postMessage(frame));
  return {
    stdout: child.stdout,
    stderr: child.stderr,
    onceExit: (listener) => child.once('exit', (code) => listener(code ?? 1)),
    attachPort(port) {
      relayed?.close();
      relayed = port;
      port.on('message', ({ data }) => {
        if (typeof data === 'string' && child.connected) child.send(data);
      });
      port.start();
    },
    kill: () => void child.kill(),
  };
}
