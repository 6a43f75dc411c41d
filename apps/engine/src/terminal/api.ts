// What other capabilities (workflows, later the agent) may know of the terminal capability: who may open a
// terminal. The user always may; anything acting on the workspace's own files (a workflow, an agent) only once the
// user trusts the workspace, since a shell runs whatever the repository's scripts say.
import { ErrorCode, PaError } from '@pa/shared';

/** Who asks for a terminal: the user at the editor or the `pa` command, or something acting for them. */
export type TerminalActor = 'user' | 'workflow' | 'agent';

/** The RPC actors that are the user themself (the editor's window, the `pa` command line). */
const USER_ACTORS: ReadonlySet<string> = new Set(['ui', 'cli']);

export function terminalActorOf(rpcActor: string): TerminalActor {
  return USER_ACTORS.has(rpcActor) ? 'user' : 'agent';
}

export function mayUseTerminal(actor: TerminalActor, workspaceTrusted: boolean): boolean {
  return actor === 'user' || workspaceTrusted;
}

/** Throws the E_UNAUTHORIZED a workflow or agent gets in a workspace the user has not trusted. */
export function assertMayUseTerminal(actor: TerminalActor, workspaceTrusted: boolean): void {
  if (mayUseTerminal(actor, workspaceTrusted)) return;
  throw new PaError(
    ErrorCode.UNAUTHORIZED,
    'Only a trusted workspace lets a workflow or the agent use a terminal. Trust this folder first (Workflows view).',
    { reason: 'trust_required' },
  );
}

// The watchdog that ends process sessions with the engine; the language servers use it too.
export { type SessionWatchdog, startWatchdog } from './watchdog.js';
