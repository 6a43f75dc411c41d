// Terminal methods (owned by the terminal capability): pseudo-terminals running the user's login shell in the
// workspace, their output streamed to any number of readers, each reader starting from the screen as it stands.
import { z } from 'zod';
import { Empty, method, Ok, stream } from '../rpc.js';
import { RelPath } from './files.js';

/** Most bytes one terminal.write carries (a paste); a bigger paste is sent in parts. */
export const TERMINAL_WRITE_CHARS = 1024 * 1024;
/** Terminals one engine keeps open at once. */
export const MAX_TERMINALS = 32;

export const TerminalId = z.string().regex(/^t[0-9]{1,9}$/);
const Cols = z.number().int().min(2).max(1000);
const Rows = z.number().int().min(1).max(500);
const TerminalName = z.string().trim().min(1).max(64);

export const TerminalInfo = z.object({
  id: TerminalId,
  name: z.string(),
  /** The shell's path, as started. */
  shell: z.string(),
  pid: z.number().int(),
  /** Workspace-relative folder the shell started in ('' for the root). */
  cwd: z.string(),
  cols: z.number().int(),
  rows: z.number().int(),
  /** The shell's output is not being read for now: a reader is behind (its writes wait, nothing is queued). */
  paused: z.boolean(),
});
export type TerminalInfo = z.infer<typeof TerminalInfo>;

/**
 * One item of `terminal.attach`: first the screen (the scrollback and the visible rows, serialized as the escape
 * sequences that redraw them, so a reattached xterm shows what it showed before a reload), then the shell's output.
 */
export const TerminalOutput = z.discriminatedUnion('type', [
  z.object({ type: z.literal('screen'), data: z.string(), cols: z.number().int(), rows: z.number().int() }),
  z.object({ type: z.literal('data'), data: z.string() }),
]);
export type TerminalOutput = z.infer<typeof TerminalOutput>;

/** How the shell ended (the value `terminal.attach` ends with). */
export const TerminalExit = z.object({ exitCode: z.number().int().nullable(), signal: z.number().int().nullable() });
export type TerminalExit = z.infer<typeof TerminalExit>;

export const terminalMethods = {
  /** Starts the user's login shell in `cwd` (workspace-relative, confined to the workspace; default its root). */
  'terminal.create': method(
    z.strictObject({ cwd: RelPath.default(''), cols: Cols, rows: Rows, name: TerminalName.optional() }),
    z.object({ id: TerminalId, shell: z.string(), pid: z.number().int() }),
  ),
  'terminal.list': method(Empty, z.object({ terminals: z.array(TerminalInfo) })),
  /** Sends keystrokes or a paste to the shell. */
  'terminal.write': method(z.strictObject({ id: TerminalId, data: z.string().max(TERMINAL_WRITE_CHARS) }), Ok),
  'terminal.resize': method(z.strictObject({ id: TerminalId, cols: Cols, rows: Rows }), Ok),
  /** Ends the shell and every process of its session. */
  'terminal.kill': method(z.strictObject({ id: TerminalId }), Ok),
  'terminal.rename': method(z.strictObject({ id: TerminalId, name: TerminalName }), Ok),
  /**
   * Follows a terminal: its screen now, then its output, ending with the shell's exit. A reader that falls behind
   * pauses the shell's output (the pty is not read) until it catches up; leaving the stream leaves the shell running.
   */
  'terminal.attach': stream(z.strictObject({ id: TerminalId }), TerminalOutput, TerminalExit),
} as const;
