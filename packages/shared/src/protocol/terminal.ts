// Terminal methods (owned by the terminal capability): pseudo-terminals running the user's login shell in the
// workspace, their output streamed to any number of readers, each reader starting from the screen as it stands.
import { z } from 'zod';
import { Empty, method, Ok, stream } from '../rpc.js';
import { RelPath } from './files.js';

/** Most bytes one terminal.write carries (a paste); a bigger paste is sent in parts. */
export const TERMINAL_WRITE_CHARS = 1024 * 1024;
/** Terminals one engine keeps open at once. */
export const MAX_TERMINALS = 32;

/**
 * Output a reader that acknowledges (terminal.attach with `acknowledge`) may have on its way and not acknowledged
 * with terminal.ack: the engine sends it no more until some is acknowledged (its queue behind fills meanwhile, then
 * the shell waits). It keeps a flood from filling the connection ahead of another terminal's echo, where the
 * stream's item credit alone lets 256 items (4 MiB) through. VS Code's terminal keeps 100 K in flight; on a quiet
 * two-core machine (terminal_throughput, same run each) 1 MiB gave echo p95 236 ms, 256 K 87 ms, 128 K 72 ms, the
 * throughput ratio 1.18 / 1.16 / 1.28 against a bare page (goal ≤ 1.5). The reader acknowledges what it has taken
 * while its own backlog is short and holds acknowledgements back while it is behind.
 */
export const TERMINAL_ACK_WINDOW = 128 * 1024;
/** How much a reader takes before it acknowledges it (well below half the window, or the engine would wait). */
export const TERMINAL_ACK_CHARS = 32 * 1024;

export const TerminalId = z.string().regex(/^t[0-9]{1,9}$/);
/** One reader of one terminal, named by the engine in the reader's screen item. */
export const TerminalReaderId = z.string().regex(/^r[0-9]{1,9}$/);
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
  /**
   * A command terminal (the agent's run_command): the command it runs instead of a shell. It stays, its screen
   * readable, after the command ends, until closed with terminal.kill.
   */
  command: z.string().optional(),
  /** The command (or shell) has ended; a command terminal's screen is still there. */
  exited: z.boolean().optional(),
});
export type TerminalInfo = z.infer<typeof TerminalInfo>;

/**
 * One item of `terminal.attach`: first the screen (the scrollback and the visible rows, serialized as the escape
 * sequences that redraw them, so a reattached xterm shows what it showed before a reload), then the shell's output.
 */
export const TerminalOutput = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('screen'),
    data: z.string(),
    cols: z.number().int(),
    rows: z.number().int(),
    /** This reader, for terminal.ack. */
    reader: TerminalReaderId,
  }),
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
  'terminal.attach': stream(
    z.strictObject({
      id: TerminalId,
      /** The reader tells what it has taken (terminal.ack); the engine then keeps to TERMINAL_ACK_WINDOW for it. */
      acknowledge: z.boolean().optional(),
    }),
    TerminalOutput,
    TerminalExit,
  ),
  /** A reader that attached with `acknowledge` has taken `chars` more of the output (its data items; not the screen). */
  'terminal.ack': method(
    z.strictObject({
      id: TerminalId,
      reader: TerminalReaderId,
      chars: z
        .number()
        .int()
        .min(1)
        .max(2 ** 30),
    }),
    Ok,
  ),
} as const;
