// The AI capability's door for other capabilities (workflow, MCP server): one routed generation; and the door the
// other way, `ToolProvider`, through which the engine lends the chat model tools (the MCP servers' ones).
import type { ChatTurn, Fallback, SentSource, TaskType, ToolUse, UsageSummary } from '@pa/shared';
import type { FinishReason, ModelProvider } from './providers/provider.js';

export type { ChatTurn, TaskType, ToolUse } from '@pa/shared';

/** A tool a chat model may call: one tool of a configured MCP server. */
export interface AiTool {
  server: string;
  name: string;
  description: string;
  /** The tool's JSON Schema for its arguments. */
  inputSchema: unknown;
}

/** Where the chat model's tools come from; the engine fills it from the MCP clients (ai never imports mcp). */
export interface ToolProvider {
  tools(): Promise<AiTool[]>;
  /** Extra time (ms) to wait for tools of servers still starting for the first time; absent or 0: none. */
  startupGraceMs?(): number;
  call(
    server: string,
    tool: string,
    args: Record<string, unknown>,
    signal?: AbortSignal,
  ): Promise<{ text: string; isError: boolean }>;
}

export interface GenerateRequest {
  task: TaskType;
  messages: ChatTurn[];
  /** A provider id, or undefined for "Auto". */
  provider?: string;
  maxTokens?: number;
  temperature?: number;
  /** Offer the ToolProvider's tools to a provider that supports tool calls (chat only). */
  tools?: boolean;
  actor: string;
  signal?: AbortSignal;
  onToken?: (text: string) => void;
  /**
   * Drives the chosen provider through the caller's own loop (the agent's tools) instead of the MCP tools: called
   * once per provider tried, with the provider as the router built it (recorded, redacted where remote).
   */
  wrap?: (provider: ModelProvider) => ModelProvider;
  /** Told how many secrets were taken out of each request sent to a network provider. */
  onRedacted?: (count: number) => void;
  /** The workspace files and chunks the messages carry (@-mentions), for the record of what was sent; never sent. */
  sources?: SentSource[];
}

export interface GenerateResult {
  text: string;
  providerId: string;
  model: string;
  /** Why the router picked this provider (latency, load, cost, priority…). */
  reasons: string[];
  /** Providers tried before the one that answered, with why they were skipped. */
  fallbacks: Fallback[];
  tokensIn: number;
  tokensOut: number;
  ttftMs: number;
  totalMs: number;
  /** The tools the model called while answering, in order. */
  toolCalls: ToolUse[];
  /** `length` when the token limit cut the answer; absent when the provider did not say why it stopped. */
  finishReason?: FinishReason;
}

export interface AiService {
  /**
   * Routes one request. Rejects with PaError: E_NOT_FOUND (unknown pinned provider), E_LICENSE, E_QUOTA,
   * E_UNAVAILABLE (no provider can take it), E_PROVIDER (all failed, or one failed mid-answer), E_CANCELLED.
   */
  generate(request: GenerateRequest): Promise<GenerateResult>;
}

/** One aggregation's range, already checked (usage/range.ts): [from, to), buckets of bucketMs from origin. */
export interface AiUsageRange {
  from: number;
  to: number;
  bucketMs: number;
  /** Start of the first bucket (≤ from): the hour or the day (in the offset) `from` falls in. */
  origin: number;
  /** Milliseconds east of UTC the days are cut at. */
  offsetMs: number;
}

export type AiUsageResult = Pick<UsageSummary, 'providers' | 'daily' | 'series' | 'totals'>;

/** The AI part of the Usage view, aggregated in SQL (usage-log.ts). */
export interface AiUsage {
  usage(range: AiUsageRange): AiUsageResult;
}

/**
 * Traces of routed requests (OpenTelemetry when configured: the telemetry capability). `begin` answers null when
 * tracing is off; nothing here may carry prompt or answer text, keys or endpoints.
 */
export interface AiTraces {
  begin(request: { requestId: string; task: TaskType; pinned: string | null }): Promise<AiRequestTrace | null>;
}

export interface AiRequestTrace {
  /** The router's ranking: candidates in order, and those it left out with why. */
  choice(ranked: Array<{ providerId: string; reasons: string[] }>, excluded: Fallback[]): void;
  /** A candidate that was not tried (circuit open, quota used up). */
  skipped(fallback: Fallback): void;
  attempt(info: { index: number; providerId: string; kind: string; model: string; modelClass: string }): AiAttemptTrace;
  end(outcome: {
    outcome: string;
    providerId: string | null;
    model: string | null;
    attempts: number;
    fallbacks: number;
    ttftMs: number | null;
    tokensIn: number;
    tokensOut: number;
    errorCode?: string;
  }): void;
}

export interface AiAttemptTrace {
  end(outcome: {
    outcome: string;
    latencyMs: number;
    ttftMs: number | null;
    tokensIn: number;
    tokensOut: number;
    afterFirstToken?: boolean;
  }): void;
}

/** `.aiignore`: what no model is given, local or remote (the codebase index leaves those files out too). */
export { AIIGNORE_FILE, AiIgnore } from './aiignore.js';

/** The provider shapes a capability that drives a model itself (the agent's loop) wraps. */
export type {
  FinishReason,
  ModelProvider,
  ProviderChunk,
  ProviderRequest,
  ToolCall,
  ToolRound,
  ToolSpec,
} from './providers/provider.js';
export { argumentsOf } from './providers/provider.js';
