// The agent's loop, as a provider wrapper the router runs like any other (so routing, deadlines, quotas and the
// record of what was sent apply to every model round): ask the model, run the tools it calls under the permission
// policy, feed the results back, until it answers without a tool call, the step limit or token budget is reached,
// or the same failing call repeats. Models with native tool calling (OpenAI-compatible, Anthropic, Gemini, a local
// GGUF whose chat template has a function-call syntax: `nativeTools()`) get the tools in their own wire format; the
// others (a local model with a generic template) a text protocol: `<tool_call>` blocks in the answer,
// `<tool_result>` blocks in the next user turn. Each round's request lists the workspace files and chunks the tool
// results so far carried (`sources`, for the record of what was sent; never sent). While a tool runs (or waits for the user's approval) the
// router's silence clock is stopped: a `toolCall` chunk stops it, a `toolUse` chunk starts it again.
import { type ChatTurn, errorMessage, PaError, type SentSource } from '@pa/shared';
import {
  argumentsOf,
  type ModelProvider,
  type ProviderChunk,
  type ProviderRequest,
  type ToolCall,
  type ToolRound,
  type ToolSpec,
} from '../ai/api.js';
import type { AgentTool, ToolContext, ToolEdit, ToolKind } from './tools.js';

export type AgentMode = 'ask' | 'plan' | 'agent';
export type StopReason = 'done' | 'step-limit' | 'token-budget' | 'repeated-failure' | 'cancelled';

/** A tool of an MCP server, as the loop offers it (`mcp__<server>__<tool>`). */
export interface McpTool {
  server: string;
  name: string;
  description: string;
  parameters: Record<string, unknown>;
  call(args: Record<string, unknown>, signal: AbortSignal): Promise<{ text: string; isError: boolean }>;
}

/** What the loop tells its caller as it goes (the transcript). */
export type LoopEvent =
  | { type: 'tool-start'; id: string; name: string; kind: ToolKind; arguments: Record<string, unknown> }
  | {
      type: 'tool-end';
      id: string;
      name: string;
      isError: boolean;
      denied: boolean;
      result: string;
      edit?: ToolEdit;
    }
  | { type: 'output'; id: string; text: string }
  | { type: 'notice'; text: string };

/** What the permission policy must judge for one call. */
export interface CallToJudge {
  id: string;
  tool: string;
  kind: ToolKind;
  arguments: Record<string, unknown>;
  paths: string[];
  command?: string;
}

export interface LoopOptions {
  mode: AgentMode;
  tools: readonly AgentTool[];
  mcp: readonly McpTool[];
  /** The system prompt's own part (rules, workspace); the loop adds the mode's instructions and, without native tools, the protocol. */
  system: string;
  /** The tools' shared context; `signal` and `onOutput` are set per call by the loop. */
  context: Omit<ToolContext, 'signal' | 'onOutput'>;
  /** allow, or deny with the reason the model and the transcript get (it may wait for the user). */
  authorize(call: CallToJudge, signal: AbortSignal): Promise<{ allowed: boolean; reason: string }>;
  emit(event: LoopEvent): void;
  maxSteps: number;
  /** Tokens in and out over the whole turn. */
  tokenBudget: number;
}

export interface LoopOutcome {
  steps: number;
  stopReason: StopReason;
  edits: ToolEdit[];
  toolCalls: number;
}

/** Calls that failed this often with the same arguments end the turn; at REPEAT_WARN the model is told. */
const REPEAT_WARN = 2;
const REPEAT_STOP = 4;
/** What the transcript shows of a tool's answer (the model gets up to RESULT_CHARS). */
const PREVIEW_CHARS = 2_000;

const MODE_PROMPTS: Record<AgentMode, string> = {
  ask: 'Answer the question. You have no tools in this mode.',
  plan: 'You are in plan mode: investigate with the read-only tools (list_dir, read_file, find_path, find_in_files, search_codebase, diagnostics), change nothing, and end with a short numbered plan of the changes to make, file by file.',
  agent:
    "You are a coding agent working in the user's workspace. Read before you edit, make focused changes with edit_file (search/replace blocks quoting the file exactly), run the project's tests with run_command when it helps, and stop when the task is done. Say briefly what you changed at the end.",
};

/** The tool specs a mode offers. */
export function offeredTools(mode: AgentMode, tools: readonly AgentTool[], mcp: readonly McpTool[]): ToolSpec[] {
  if (mode === 'ask') return [];
  const builtin = tools
    .filter((tool) => mode === 'agent' || tool.kind === 'read')
    .map((tool) => ({ name: tool.name, description: tool.description, parameters: tool.parameters }));
  const external =
    mode === 'agent'
      ? mcp.map((tool) => ({ name: mcpName(tool), description: tool.description, parameters: tool.parameters }))
      : [];
  return [...builtin, ...external];
}

export function mcpName(tool: Pick<McpTool, 'server' | 'name'>): string {
  return `mcp__${tool.server}__${tool.name}`.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 64);
}

/** The wrapper: `provider` driven through the loop; `done` settles with how the turn ended. */
export function agentProvider(
  provider: ModelProvider,
  options: LoopOptions,
): { provider: ModelProvider; done: Promise<LoopOutcome> } {
  let settle!: (outcome: LoopOutcome) => void;
  let fail!: (error: unknown) => void;
  const done = new Promise<LoopOutcome>((resolve, reject) => {
    settle = resolve;
    fail = reject;
  });
  done.catch(() => undefined);
  const wrapped: ModelProvider = {
    config: provider.config,
    supportsTools: true,
    health: (signal) => provider.health(signal),
    stream(request, signal) {
      return run(provider, request, signal, options, settle, fail);
    },
  };
  return { provider: wrapped, done };
}

async function* run(
  provider: ModelProvider,
  request: ProviderRequest,
  signal: AbortSignal,
  options: LoopOptions,
  settle: (outcome: LoopOutcome) => void,
  fail: (error: unknown) => void,
): AsyncGenerator<ProviderChunk> {
  const specs = offeredTools(options.mode, options.tools, options.mcp);
  // a local model can tell only once loaded whether its chat template calls functions natively
  const native =
    provider.supportsTools === true || (specs.length > 0 && (await provider.nativeTools?.(signal)) === true);
  const system = [options.system, MODE_PROMPTS[options.mode], !native && specs.length > 0 ? textProtocol(specs) : '']
    .filter(Boolean)
    .join('\n\n');
  const messages: ChatTurn[] = [
    { role: 'system', content: system },
    ...request.messages.filter((turn) => turn.role !== 'system'),
  ];
  const rounds: ToolRound[] = [];
  const usage = { tokensIn: 0, tokensOut: 0 };
  const failures = new Map<string, number>();
  /** What the tools' results carried of the workspace so far (each round resends them all). */
  const carried: SentSource[] = [...(request.sources ?? [])];
  const outcome: LoopOutcome = { steps: 0, stopReason: 'done', edits: [], toolCalls: 0 };
  let last = specs.length === 0;
  try {
    for (;;) {
      outcome.steps++;
      if (!last && outcome.steps >= options.maxSteps) {
        last = true;
        outcome.stopReason = 'step-limit';
      }
      const sources = carried.length > 0 ? { sources: [...carried] } : {};
      const roundRequest: ProviderRequest = native
        ? {
            ...request,
            messages,
            ...(specs.length > 0 ? { tools: specs, toolChoice: last ? 'none' : 'auto' } : {}),
            toolRounds: rounds,
            ...sources,
          }
        : { ...request, messages: textMessages(messages, rounds, last && specs.length > 0), ...sources };
      let text = '';
      const calls: ToolCall[] = [];
      const filter = native || specs.length === 0 ? null : new ToolCallFilter();
      for await (const chunk of provider.stream(roundRequest, signal)) {
        if ('usage' in chunk) {
          usage.tokensIn += chunk.usage.tokensIn;
          usage.tokensOut += chunk.usage.tokensOut;
        } else if ('toolCall' in chunk) {
          calls.push(chunk.toolCall);
        } else if ('text' in chunk) {
          text += chunk.text;
          const shown = filter ? filter.push(chunk.text) : chunk.text;
          if (shown) yield { text: shown };
        }
      }
      if (filter) {
        const rest = filter.end();
        if (rest) yield { text: rest };
        calls.push(...parseToolCalls(text, outcome.steps));
      }
      if (calls.length === 0) break;
      if (last) {
        yield { text: '\n\n(The turn ended here; the tools the model asked for last did not run.)' };
        break;
      }
      const round: ToolRound = { text: filter ? textBeforeCalls(text) : text, calls: [] };
      for (const call of calls) {
        if (signal.aborted) throw signal.reason ?? new Error('aborted');
        outcome.toolCalls++;
        yield { toolCall: call }; // the router stops its silence clock while the tool runs
        const result = await runCall(call, specs, options, signal, outcome);
        round.calls.push({ ...call, result: result.text, isError: result.isError });
        if (result.sources) carried.push(...result.sources);
        if (result.isError) {
          const key = `${call.name}\u0000${canonical(call.arguments)}`;
          failures.set(key, (failures.get(key) ?? 0) + 1);
        }
        yield {
          toolUse: {
            server: 'agent',
            tool: call.name,
            arguments: argumentsOf(call) ?? {},
            isError: result.isError,
            result: result.text.slice(0, PREVIEW_CHARS),
          },
        };
      }
      rounds.push(round);
      const worst = Math.max(
        0,
        ...round.calls.map((call) => failures.get(`${call.name}\u0000${canonical(call.arguments)}`) ?? 0),
      );
      if (worst >= REPEAT_STOP) {
        outcome.stopReason = 'repeated-failure';
        options.emit({ type: 'notice', text: `The same tool call failed ${worst} times; the turn stops here.` });
        last = true;
      } else if (worst >= REPEAT_WARN) {
        const failed = round.calls.at(-1);
        if (failed) {
          failed.result += `\n\n(This exact call has now failed ${worst} times. Do not repeat it; change the arguments or the approach.)`;
        }
      }
      if (!last && usage.tokensIn + usage.tokensOut >= options.tokenBudget) {
        outcome.stopReason = 'token-budget';
        options.emit({
          type: 'notice',
          text: `The turn's token budget (${options.tokenBudget}) is spent; the model answers now without tools.`,
        });
        last = true;
      }
    }
    if (usage.tokensIn + usage.tokensOut > 0) yield { usage };
    settle(outcome);
  } catch (error) {
    if (signal.aborted) settle({ ...outcome, stopReason: 'cancelled' });
    else fail(error);
    throw error;
  } finally {
    // a reader that left early (Stop): the turn ended there
    settle({ ...outcome, stopReason: signal.aborted ? 'cancelled' : outcome.stopReason });
  }
}

/** One call: find the tool, check its arguments, ask the policy, run it; every failure is an answer for the model. */
async function runCall(
  call: ToolCall,
  /** The tools this turn offers (its mode's). */
  specs: readonly ToolSpec[],
  options: LoopOptions,
  signal: AbortSignal,
  outcome: LoopOutcome,
): Promise<{ text: string; isError: boolean; sources?: SentSource[] }> {
  const parsed = argumentsOf(call);
  const builtin = options.tools.find((tool) => tool.name === call.name);
  const external = builtin ? undefined : options.mcp.find((tool) => mcpName(tool) === call.name);
  const offered = specs.some((spec) => spec.name === call.name);
  const kind: ToolKind = builtin?.kind ?? 'mcp';
  options.emit({ type: 'tool-start', id: call.id, name: call.name, kind, arguments: parsed ?? {} });
  const end = (text: string, isError: boolean, denied = false, edit?: ToolEdit) => {
    options.emit({
      type: 'tool-end',
      id: call.id,
      name: call.name,
      isError,
      denied,
      result: text.slice(0, PREVIEW_CHARS),
      ...(edit ? { edit } : {}),
    });
    return { text, isError };
  };
  if ((!builtin && !external) || !offered) {
    const names = specs.map((spec) => spec.name).join(', ');
    return end(`Unknown tool "${call.name.slice(0, 100)}". The tools are: ${names}.`, true);
  }
  if (parsed === null) return end('The arguments are not a JSON object; send them as one.', true);
  let args: unknown = parsed;
  if (builtin) {
    const checked = builtin.args.safeParse(parsed);
    if (!checked.success) {
      const issues = checked.error.issues
        .slice(0, 5)
        .map((issue) => `${issue.path.join('.') || '(arguments)'}: ${issue.message}`)
        .join('; ');
      return end(`Bad arguments for ${builtin.name}: ${issues}.`, true);
    }
    args = checked.data;
  }
  let paths: string[] = [];
  let command: string | undefined;
  try {
    paths = builtin ? builtin.paths(args) : [];
    command = builtin?.command?.(args);
  } catch (error) {
    return end(errorMessage(error), true);
  }
  const verdict = await options.authorize(
    { id: call.id, tool: call.name, kind, arguments: parsed, paths, ...(command !== undefined ? { command } : {}) },
    signal,
  );
  if (!verdict.allowed) return end(`Not allowed: ${verdict.reason}`, true, true);
  try {
    if (external) {
      const answer = await external.call(parsed, signal);
      return end(answer.text, answer.isError);
    }
    const tool = builtin as AgentTool;
    const result = await tool.run(args, {
      ...options.context,
      signal,
      callId: call.id,
      onOutput: (text) => options.emit({ type: 'output', id: call.id, text }),
    });
    if (result.edit) outcome.edits.push(result.edit);
    return {
      ...end(result.text, result.isError, false, result.edit),
      ...(result.sources ? { sources: result.sources } : {}),
    };
  } catch (error) {
    if (signal.aborted) throw error;
    const code = error instanceof PaError ? `${error.code}: ` : '';
    return end(`${code}${errorMessage(error)}`, true);
  }
}

/** Arguments with keys sorted, so the same call spelt twice is one key. */
function canonical(text: string): string {
  try {
    return JSON.stringify(sortKeys(JSON.parse(text || '{}')));
  } catch {
    return text;
  }
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

// ---- the text protocol (models without native tool calls) ----------------------------------------------------

const OPEN = '<tool_call>';
const CLOSE = '</tool_call>';

function textProtocol(specs: readonly ToolSpec[]): string {
  const list = specs
    .map((spec) => `- ${spec.name}: ${spec.description}\n  arguments (JSON Schema): ${JSON.stringify(spec.parameters)}`)
    .join('\n');
  return `You can use these tools:\n${list}\n\nTo use a tool, write a block like this and stop; the result comes in the next message:\n${OPEN}\n{"name": "read_file", "arguments": {"path": "src/index.ts"}}\n${CLOSE}\nWrite one block per call. When the task is done, answer without any ${OPEN} block.`;
}

/** The conversation with the tool rounds so far as text turns; on the last round the model is told to answer. */
function textMessages(messages: ChatTurn[], rounds: readonly ToolRound[], finalRound: boolean): ChatTurn[] {
  const out = [...messages];
  for (const round of rounds) {
    const blocks = round.calls
      .map((call) => `${OPEN}\n${JSON.stringify({ name: call.name, arguments: argumentsOf(call) ?? {} })}\n${CLOSE}`)
      .join('\n');
    out.push({ role: 'assistant', content: [round.text.trim(), blocks].filter(Boolean).join('\n') });
    const results = round.calls
      .map((call) => {
        const status = call.isError ? ' error="true"' : '';
        const body = call.result.split('</tool_result>').join('<\\/tool_result>');
        return `<tool_result name="${call.name}"${status}>\n${body}\n</tool_result>`;
      })
      .join('\n');
    out.push({ role: 'user', content: results });
  }
  if (finalRound) out.push({ role: 'user', content: 'Answer now in text; no more tool calls.' });
  return out;
}

/** The tool calls in a text answer: each `<tool_call>{json}</tool_call>` block (an unparsable one is a bad call). */
export function parseToolCalls(text: string, round: number): ToolCall[] {
  const calls: ToolCall[] = [];
  let at = text.indexOf(OPEN);
  while (at !== -1 && calls.length < 20) {
    const close = text.indexOf(CLOSE, at + OPEN.length);
    const body = text.slice(at + OPEN.length, close === -1 ? undefined : close).trim();
    const id = `call_${round}_${calls.length + 1}`;
    try {
      const parsed = JSON.parse(body) as { name?: unknown; arguments?: unknown };
      const name = typeof parsed.name === 'string' ? parsed.name : '';
      calls.push({ id, name, arguments: JSON.stringify(parsed.arguments ?? {}) });
    } catch {
      calls.push({ id, name: '(unparsable)', arguments: body.slice(0, 1_000) });
    }
    if (close === -1) break;
    at = text.indexOf(OPEN, close + CLOSE.length);
  }
  return calls;
}

function textBeforeCalls(text: string): string {
  const at = text.indexOf(OPEN);
  return at === -1 ? text : text.slice(0, at);
}

/**
 * Streams a text answer to the user up to its first `<tool_call>`: what follows is the call, shown as a tool card
 * instead. Holds back a tail that could be the start of the tag.
 */
export class ToolCallFilter {
  private held = '';
  private inCall = false;

  push(text: string): string {
    if (this.inCall) return '';
    this.held += text;
    const at = this.held.indexOf(OPEN);
    if (at !== -1) {
      this.inCall = true;
      const shown = this.held.slice(0, at);
      this.held = '';
      return shown;
    }
    // keep what could be the start of "<tool_call>"
    let keep = 0;
    for (let length = Math.min(OPEN.length - 1, this.held.length); length > 0; length--) {
      if (OPEN.startsWith(this.held.slice(-length))) {
        keep = length;
        break;
      }
    }
    const shown = this.held.slice(0, this.held.length - keep);
    this.held = this.held.slice(this.held.length - keep);
    return shown;
  }

  end(): string {
    const rest = this.inCall ? '' : this.held;
    this.held = '';
    return rest;
  }
}
