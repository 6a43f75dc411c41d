// Agent mode (issue 17): a chat turn in which the model works through the engine's tools — read-only in plan mode,
// all of them under the permission policy in agent mode — with a checkpoint of every file the turn touches.
import { z } from 'zod';
import { Empty, method, Ok, stream } from '../rpc.js';
import { ChatTurn, ProviderId, RouteInfo } from './ai.js';
import { TerminalId } from './terminal.js';

export const AgentMode = z.enum(['ask', 'plan', 'agent']);
export type AgentMode = z.infer<typeof AgentMode>;

export const AgentRunParams = z.strictObject({
  messages: z.array(ChatTurn).min(1).max(1_000),
  mode: AgentMode.default('agent'),
  /** A provider id, or omitted for "Auto". */
  provider: ProviderId.optional(),
  /** Model rounds in this turn at most; the last one must answer without tools. */
  maxSteps: z.number().int().min(1).max(100).default(25),
  /** Tokens in and out over the turn; past it the model answers without tools. */
  tokenBudget: z.number().int().min(1_000).max(10_000_000).default(400_000),
  /** Per model round. */
  maxTokens: z.number().int().min(1).max(32_768).optional(),
  temperature: z.number().min(0).max(2).optional(),
  /**
   * The page shows an integrated terminal: run_command then runs in a new terminal of this size, named for the
   * command ("Agent: npm test"), its output live there (the `terminal` event names it). Absent: the output card.
   */
  terminal: z
    .strictObject({ cols: z.number().int().min(2).max(1000), rows: z.number().int().min(1).max(500) })
    .optional(),
});
export type AgentRunParams = z.infer<typeof AgentRunParams>;

export const ToolKindSchema = z.enum(['read', 'write', 'execute', 'mcp']);

/** A file a turn changed, as the transcript's diff review shows it. */
export const AgentEdit = z.object({
  path: z.string(),
  kind: z.enum(['created', 'modified', 'deleted', 'renamed']),
  from: z.string().optional(),
  /** Unified diff, bounded. */
  diff: z.string(),
});
export type AgentEdit = z.infer<typeof AgentEdit>;

export const AgentEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string() }),
  /** The project rules put in the system prompt (AGENTS.md, .cursor/rules…), by source path. */
  z.object({ type: z.literal('rules'), sources: z.array(z.string()) }),
  z.object({
    type: z.literal('tool-start'),
    id: z.string(),
    name: z.string(),
    kind: ToolKindSchema,
    arguments: z.record(z.string(), z.unknown()),
  }),
  /** The policy asks the user: answer with agent.approve. */
  z.object({
    type: z.literal('approval'),
    approvalId: z.string(),
    callId: z.string(),
    name: z.string(),
    kind: ToolKindSchema,
    /** What it will do, in words ("run `npm test`", "edit src/a.ts"). */
    summary: z.string(),
    arguments: z.record(z.string(), z.unknown()),
  }),
  z.object({
    type: z.literal('tool-end'),
    id: z.string(),
    name: z.string(),
    isError: z.boolean(),
    denied: z.boolean(),
    /** The start of what the tool answered. */
    result: z.string(),
    edit: AgentEdit.optional(),
  }),
  /** A running command's output as it comes. */
  z.object({ type: z.literal('output'), id: z.string(), text: z.string() }),
  /** The command of call `id` runs in this terminal (agent.run's `terminal`): its output streams there. */
  z.object({ type: z.literal('terminal'), id: z.string(), terminalId: TerminalId, name: z.string() }),
  /** The checkpoint taken before the turn's first write ("Restore to here"). */
  z.object({ type: z.literal('checkpoint'), checkpointId: z.number().int() }),
  /** Secrets taken out of what went to a remote provider in this turn so far. */
  z.object({ type: z.literal('redacted'), count: z.number().int().nonnegative() }),
  z.object({ type: z.literal('notice'), text: z.string() }),
]);
export type AgentEvent = z.infer<typeof AgentEvent>;

export const AgentStopReason = z.enum(['done', 'step-limit', 'token-budget', 'repeated-failure', 'cancelled']);

export const AgentAnswer = z.object({
  text: z.string(),
  mode: AgentMode,
  route: RouteInfo,
  steps: z.number().int(),
  toolCalls: z.number().int(),
  stopReason: AgentStopReason,
  /** The turn's checkpoint, null when it wrote nothing. */
  checkpointId: z.number().int().nullable(),
  edits: z.array(AgentEdit),
  rules: z.array(z.string()),
  redactions: z.number().int().nonnegative(),
  tokensIn: z.number(),
  tokensOut: z.number(),
  totalMs: z.number(),
});
export type AgentAnswer = z.infer<typeof AgentAnswer>;

export const CheckpointView = z.object({
  id: z.number().int(),
  turnId: z.string(),
  /** The turn's question, its first line. */
  label: z.string(),
  /** 'restore': taken by a restore, so that restoring it undoes that restore. */
  kind: z.enum(['turn', 'restore']),
  restoredId: z.number().int().nullable(),
  createdAt: z.number(),
  files: z.number().int(),
});
export type CheckpointView = z.infer<typeof CheckpointView>;

export const RestoreAnswer = z.object({
  restored: z.array(z.string()),
  /** Files left alone: `edited` (changed by the user after the turn; force overwrites), or not restorable. */
  conflicts: z.array(
    z.object({
      path: z.string(),
      reason: z.enum(['edited', 'edited_between', 'unsettled', 'outside_workspace', 'not_a_file', 'failed']),
    }),
  ),
  /** Restoring this checkpoint undoes the restore; null when nothing changed. */
  undoCheckpointId: z.number().int().nullable(),
});
export type RestoreAnswer = z.infer<typeof RestoreAnswer>;

export const ApprovalChoice = z.enum(['once', 'always', 'deny']);

export const agentMethods = {
  /** One agent turn: its transcript as it happens, ending with the answer and what it changed. */
  'agent.run': stream(AgentRunParams, AgentEvent, AgentAnswer),
  /** Answers an approval card of a running turn ("always": for this workspace, from now on). */
  'agent.approve': method(z.strictObject({ approvalId: z.string().min(1).max(100), choice: ApprovalChoice }), Ok),
  /** The open workspace's checkpoints, oldest first. */
  'agent.checkpoints.list': method(Empty, z.object({ checkpoints: z.array(CheckpointView) })),
  /** Puts the files of a checkpoint back byte for byte ("Restore to here"); itself undoable. */
  'agent.restore': method(
    z.strictObject({ checkpointId: z.number().int().min(1), force: z.boolean().default(false) }),
    RestoreAnswer,
  ),
  /**
   * Puts only these files of a checkpoint back byte for byte (the review's per-file "Reject"): a file the turn
   * created is deleted, one it deleted comes back; a file changed since is a conflict unless `force`; itself undoable.
   * Every path must be one the checkpoint holds (a rename: both of its paths).
   */
  'agent.restoreFiles': method(
    z.strictObject({
      checkpointId: z.number().int().min(1),
      paths: z.array(z.string().min(1).max(4096)).min(1).max(1_000),
      force: z.boolean().default(false),
    }),
    RestoreAnswer,
  ),
} as const;
