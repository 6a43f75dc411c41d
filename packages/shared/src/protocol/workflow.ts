// workflow methods (owned by the workflow capability): definitions, runs and their progress stream, approvals,
// history, workspace trust, and the MCP client/server settings.
import { z } from 'zod';
import { WorkflowComponent } from '../editions.js';
import { Empty, method, Ok, stream } from '../rpc.js';
import { InputDefinition, STEP_KINDS } from '../workflow/definition.js';

export const WorkflowIssue = z.object({ line: z.number(), column: z.number(), path: z.string(), message: z.string() });

export const WorkflowSource = z.enum(['builtin', 'project']);
export type WorkflowSource = z.infer<typeof WorkflowSource>;

/** One thing a workflow would run or write from the workspace's own files; the trust dialog lists them. */
export const TrustItem = z.object({
  step: z.string(),
  name: z.string(),
  kind: z.enum(['run', 'mcp', 'edit']),
  /** A sentence naming it: `runs npm test (package.json script "test")`, `writes files from a diff`. */
  what: z.string(),
});
export type TrustItem = z.infer<typeof TrustItem>;

/** The data of the E_UNAUTHORIZED that refuses a run before trust: what the trust dialog lists. */
export const TrustRefusal = z.object({ trustNeeded: z.array(TrustItem).min(1) });
export type TrustRefusal = z.infer<typeof TrustRefusal>;

export const WorkflowSummary = z.object({
  name: z.string(),
  description: z.string(),
  source: WorkflowSource,
  /** Workspace-relative for project workflows, the file name for built-ins. */
  file: z.string(),
  component: WorkflowComponent,
  inputs: z.array(InputDefinition),
  issues: z.array(WorkflowIssue),
  /** False when the license does not include the component (the UI shows the upgrade hint). */
  allowed: z.boolean(),
  /** What this workflow runs or writes that needs the workspace's trust (empty when it needs none). */
  trustNeeded: z.array(TrustItem),
  /** True when `trustNeeded` is not empty and the user has not trusted this workspace yet. */
  needsTrust: z.boolean(),
});
export type WorkflowSummary = z.infer<typeof WorkflowSummary>;

export const RunState = z.enum(['queued', 'running', 'waiting', 'succeeded', 'failed', 'cancelled', 'interrupted']);
export type RunState = z.infer<typeof RunState>;

export const StepState = z.enum([
  'running',
  'waiting',
  'succeeded',
  'failed',
  'skipped',
  'cancelled',
  'interrupted',
  'reused',
]);
export type StepState = z.infer<typeof StepState>;

export const StepKindSchema = z.enum(STEP_KINDS);
export type StepKind = z.infer<typeof StepKindSchema>;

export const StepRecord = z.object({
  seq: z.number(),
  stepId: z.string(),
  name: z.string(),
  kind: StepKindSchema,
  /** 0 outside a repeat; 1.. inside one. */
  iteration: z.number(),
  state: StepState,
  /** What the step was given after templates were rendered (the prompt, the command, the diff to approve). */
  input: z.unknown(),
  output: z.unknown(),
  logs: z.string(),
  error: z.string().nullable(),
  startedAt: z.number(),
  finishedAt: z.number().nullable(),
});
export type StepRecord = z.infer<typeof StepRecord>;

export const RunRecord = z.object({
  id: z.string(),
  workflow: z.string(),
  source: WorkflowSource,
  state: RunState,
  inputs: z.record(z.string(), z.string()),
  actor: z.string(),
  createdAt: z.number(),
  startedAt: z.number().nullable(),
  finishedAt: z.number().nullable(),
  error: z.string().nullable(),
  rerunOf: z.string().nullable(),
  fromStep: z.string().nullable(),
});
export type RunRecord = z.infer<typeof RunRecord>;

export const PlannedStep = z.object({ id: z.string(), name: z.string(), kind: StepKindSchema, depth: z.number() });
export type PlannedStep = z.infer<typeof PlannedStep>;

export const RunDetail = RunRecord.extend({ plan: z.array(PlannedStep), steps: z.array(StepRecord) });
export type RunDetail = z.infer<typeof RunDetail>;

/** A run was started: follow it with `workflow.attach`. */
export const RunStarted = z.object({ runId: z.string() });

/**
 * One item of `workflow.attach`: first the run as stored when the reader joined (`snapshot`), then what changed.
 * A reader that falls behind gets newer states in place of older ones it had not read yet, and a step's log lines
 * joined into one item, so a `log` item may hold several lines (or, for a stalled reader, only the latest part of
 * them: the step's record, sent when it ends, carries the whole log).
 */
export const WorkflowProgress = z.discriminatedUnion('type', [
  z.object({ type: z.literal('snapshot'), run: RunDetail }),
  z.object({ type: z.literal('run'), run: RunRecord }),
  z.object({ type: z.literal('step'), step: StepRecord }),
  z.object({ type: z.literal('log'), seq: z.number(), stepId: z.string(), text: z.string() }),
]);
export type WorkflowProgress = z.infer<typeof WorkflowProgress>;

/**
 * Which of a server's tools a chat model may call on its own: 'read-only' (default) offers only tools the server
 * marks read-only (MCP `readOnlyHint`); 'all' also offers tools that write or run things. Workflow `mcp` steps
 * may call any tool: the user wrote or approved the workflow.
 */
export const McpChatTools = z.enum(['read-only', 'all']);

export const McpServerConfig = z.union([
  z.strictObject({
    command: z.string().min(1),
    args: z.array(z.string()).default([]),
    env: z.record(z.string(), z.string()).optional(),
    chatTools: McpChatTools.default('read-only'),
  }),
  z.strictObject({ url: z.url(), chatTools: McpChatTools.default('read-only') }),
]);
export type McpServerConfig = z.infer<typeof McpServerConfig>;

export const McpToolInfo = z.object({
  server: z.string(),
  name: z.string(),
  description: z.string(),
  inputSchema: z.unknown(),
  /** The server says the tool changes nothing (MCP annotations.readOnlyHint). */
  readOnly: z.boolean(),
});
export type McpToolInfo = z.infer<typeof McpToolInfo>;

const RunId = z.string().min(1).max(64);
const Name = z.string().min(1).max(128);

export const workflowMethods = {
  'workflow.list': method(Empty, z.object({ workflows: z.array(WorkflowSummary) })),
  /** Checks YAML text (an editor buffer) or a listed workflow by name. */
  'workflow.validate': method(
    z.union([z.strictObject({ text: z.string().max(1_000_000) }), z.strictObject({ name: Name })]),
    z.object({ ok: z.boolean(), issues: z.array(WorkflowIssue) }),
  ),
  'workflow.run': method(
    z.strictObject({
      name: Name,
      inputs: z.record(z.string(), z.string().max(1_000_000)).default({}),
      /** Approve every `approve` step without asking (the CLI's --yes). */
      autoApprove: z.boolean().default(false),
    }),
    RunStarted,
  ),
  'workflow.cancel': method(z.strictObject({ runId: RunId }), Ok),
  'workflow.approve': method(z.strictObject({ runId: RunId, stepId: Name, approved: z.boolean() }), Ok),
  /** Runs in progress in this engine (any connection started them): what a reloaded panel re-attaches to. */
  'workflow.active': method(Empty, z.object({ runs: z.array(RunRecord) })),
  /**
   * Follows a run: a snapshot of the run as stored now (logs flushed), then its progress, ending with the run's
   * final record. A run that has already ended gives its snapshot and ends at once; one in progress in another
   * engine is E_NOT_FOUND. Leaving the stream stops only this reader: the run goes on (`workflow.cancel` stops it).
   */
  'workflow.attach': stream(z.strictObject({ runId: RunId }), WorkflowProgress, RunRecord),
  'workflow.runs': method(
    z.strictObject({ limit: z.number().int().positive().max(500).default(50) }).optional(),
    z.object({ runs: z.array(RunRecord) }),
  ),
  'workflow.run.get': method(z.strictObject({ runId: RunId }), RunDetail),
  /** Runs a finished run again with the same inputs, reusing the outputs of the steps before `fromStep`. */
  'workflow.rerun': method(
    z.strictObject({ runId: RunId, fromStep: Name.optional(), autoApprove: z.boolean().default(false) }),
    RunStarted,
  ),
  'workflow.trust.get': method(Empty, z.object({ root: z.string(), trusted: z.boolean() })),
  'workflow.trust.set': method(
    z.strictObject({ trusted: z.boolean() }),
    z.object({ root: z.string(), trusted: z.boolean() }),
  ),
  'mcp.servers.list': method(
    Empty,
    z.object({ servers: z.array(z.object({ name: z.string(), config: McpServerConfig })) }),
  ),
  'mcp.servers.set': method(
    z.strictObject({ name: z.string().regex(/^[a-z][a-z0-9_-]*$/i), config: McpServerConfig }),
    Ok,
  ),
  'mcp.servers.remove': method(z.strictObject({ name: Name }), Ok),
  'mcp.tools.list': method(
    z.strictObject({ server: Name.optional() }).optional(),
    z.object({ tools: z.array(McpToolInfo) }),
  ),
  /** One routed, non-streaming generation (the MCP server's `ask` tool). */
  'mcp.ask': method(
    z.strictObject({ prompt: z.string().min(1).max(200_000), system: z.string().max(50_000).optional() }),
    z.object({ text: z.string(), providerId: z.string(), model: z.string() }),
  ),
} as const;
