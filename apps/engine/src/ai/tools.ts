// Lets a chat model call tools (the configured MCP servers' ones): offers them to a provider that supports tool
// calls, runs each call the model makes, feeds the results back and lets it continue, for a bounded number of rounds.
import { errorMessage, isAbortError, type ToolUse } from '@pa/shared';
import type { AiTool, ToolProvider } from './api.js';
import {
  argumentsOf,
  type ModelProvider,
  type ProviderChunk,
  type ProviderRequest,
  type ToolCall,
  type ToolRound,
  type ToolSpec,
} from './providers/provider.js';

/** Rounds of tool calls per answer; the round after the last one is told to answer in text. */
export const MAX_TOOL_ROUNDS = 4;
/** What the model gets of one tool's answer (a whole large file would swamp its context). */
const RESULT_LIMIT = 64_000;
/** What the answer (AiAnswer.toolCalls) shows of it. */
const PREVIEW_LIMIT = 500;

/** The tools as offered to models, by the name the model calls them (unique, within the wire formats' rules). */
export interface Toolbox {
  specs: ToolSpec[];
  byName: Map<string, AiTool>;
}

export function toolboxOf(tools: AiTool[]): Toolbox {
  const byName = new Map<string, AiTool>();
  const specs: ToolSpec[] = [];
  for (const tool of tools) {
    // OpenAI and Anthropic both accept ^[a-zA-Z0-9_-]{1,64}$; the server prefix keeps two servers' tools apart.
    const base = `${tool.server}__${tool.name}`.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 60);
    let name = base;
    for (let n = 2; byName.has(name); n++) name = `${base}_${n}`;
    byName.set(name, tool);
    specs.push({
      name,
      description: tool.description || `${tool.name} (MCP server ${tool.server})`,
      parameters: schemaOf(tool),
    });
  }
  return { specs, byName };
}

/** Wraps `provider` so that its answer may go through up to MAX_TOOL_ROUNDS rounds of tool calls. */
export function withTools(provider: ModelProvider, toolbox: Toolbox, tools: ToolProvider): ModelProvider {
  return {
    config: provider.config,
    supportsTools: true,
    health: (signal) => provider.health(signal),
    async *stream(request: ProviderRequest, signal: AbortSignal): AsyncIterable<ProviderChunk> {
      const rounds: ToolRound[] = [];
      const usage = { tokensIn: 0, tokensOut: 0 };
      let reported = false;
      for (let round = 0; ; round++) {
        const calls: ToolCall[] = [];
        let text = '';
        let roundUsage: { tokensIn: number; tokensOut: number } | null = null;
        const roundRequest: ProviderRequest = {
          ...request,
          tools: toolbox.specs,
          toolChoice: round < MAX_TOOL_ROUNDS ? 'auto' : 'none',
          toolRounds: [...rounds],
        };
        for await (const chunk of provider.stream(roundRequest, signal)) {
          if ('usage' in chunk) {
            // A provider may report running totals; the round's last report counts.
            roundUsage = chunk.usage;
            continue;
          }
          if ('toolCall' in chunk) calls.push(chunk.toolCall);
          else if ('text' in chunk) text += chunk.text;
          yield chunk;
        }
        // Each round is a request of its own; the answer costs their sum.
        const counted = roundUsage as { tokensIn: number; tokensOut: number } | null;
        if (counted) {
          usage.tokensIn += counted.tokensIn;
          usage.tokensOut += counted.tokensOut;
          reported = true;
        }
        if (calls.length === 0 || round === MAX_TOOL_ROUNDS) break;
        const done: ToolRound['calls'] = [];
        const uses: ToolUse[] = [];
        for (const call of calls) {
          const { use, result } = await runTool(call, toolbox, tools, signal);
          done.push({ ...call, result, isError: use.isError });
          uses.push(use);
        }
        // Yielded once all have run: the attempt's deadlines stay stopped until then.
        for (const use of uses) yield { toolUse: use };
        rounds.push({ text, calls: done });
      }
      if (reported) yield { usage };
    },
  };
}

/** Runs one call. A bad call or a failing tool is an answer the model sees and can react to, not a failure. */
async function runTool(
  call: ToolCall,
  toolbox: Toolbox,
  tools: ToolProvider,
  signal: AbortSignal,
): Promise<{ use: ToolUse; result: string }> {
  const tool = toolbox.byName.get(call.name);
  let args: Record<string, unknown> = {};
  let outcome: { text: string; isError: boolean };
  const parsed = argumentsOf(call);
  if (parsed) args = parsed;
  try {
    if (!tool) outcome = { text: `There is no tool named "${call.name}".`, isError: true };
    else if (!parsed) outcome = { text: `The arguments of ${call.name} were not a JSON object.`, isError: true };
    else outcome = await tools.call(tool.server, tool.name, args, signal);
  } catch (error) {
    if (signal.aborted || isAbortError(error)) throw error;
    outcome = { text: `The tool failed: ${errorMessage(error)}`, isError: true };
  }
  const result =
    outcome.text.length > RESULT_LIMIT ? `${outcome.text.slice(0, RESULT_LIMIT)}\n[truncated]` : outcome.text;
  return {
    result,
    use: {
      server: tool?.server ?? '',
      tool: tool?.name ?? call.name,
      arguments: args,
      isError: outcome.isError,
      result: outcome.text.slice(0, PREVIEW_LIMIT),
    },
  };
}

/** Models want an object schema; MCP tools have one, but a missing or odd one must not break the request. */
function schemaOf(tool: AiTool): Record<string, unknown> {
  const schema = tool.inputSchema;
  if (typeof schema === 'object' && schema !== null && (schema as { type?: unknown }).type === 'object') {
    return schema as Record<string, unknown>;
  }
  return { type: 'object', properties: {} };
}
