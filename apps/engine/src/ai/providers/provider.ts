// What every model provider implements (local llama.cpp, OpenAI-compatible, Anthropic, Gemini), and the one place
// an SDK's error becomes a failure kind the router can act on (fall back, open the circuit, wait for Retry-After).
import type { ChatTurn, InfillChunk, InfillTemplate, ProviderConfig, SentSource, ToolUse } from '@pa/shared';

/** A tool offered to the model, in the neutral shape each provider maps to its own wire format. */
export interface ToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the arguments object. */
  parameters: Record<string, unknown>;
}

/** A tool call as the model wrote it: `arguments` is the JSON text it produced (parsed by the tool loop). */
export interface ToolCall {
  id: string;
  name: string;
  arguments: string;
}

/** One earlier round of this answer: what the model said, the tools it called, and what they answered. */
export interface ToolRound {
  text: string;
  calls: Array<ToolCall & { result: string; isError: boolean }>;
}

export interface ProviderRequest {
  messages: ChatTurn[];
  maxTokens?: number;
  temperature?: number;
  /** Tools to offer (only given to providers with `supportsTools`). */
  tools?: ToolSpec[];
  /** 'none' on the last allowed round: the model must answer in text. */
  toolChoice?: 'auto' | 'none';
  /** The rounds of tool calls so far, appended after `messages` in the provider's own format. */
  toolRounds?: ToolRound[];
  /**
   * The workspace files and code chunks this request carries (tool results, mentions), for the record of what was
   * sent (sent-log.ts). Never sent: no provider reads it.
   */
  sources?: SentSource[];
}

/** Why the model stopped: its answer was complete, or the token limit (`maxTokens`) cut it. */
export type FinishReason = 'stop' | 'length';

/**
 * A piece of the answer; the provider's own token counts when it reports them; a tool call the model made (yielded
 * once complete, when its stream ends); or, from the tool loop only, a tool that has run; why the model stopped
 * (when the provider says: `length` when the token limit cut the answer).
 */
export type ProviderChunk =
  | { text: string }
  | { usage: { tokensIn: number; tokensOut: number } }
  | { toolCall: ToolCall }
  | { toolUse: ToolUse }
  | { finish: FinishReason };

export interface ModelProvider {
  readonly config: ProviderConfig;
  /** Whether it understands `tools`, `toolChoice` and `toolRounds` (OpenAI-compatible, Anthropic). */
  readonly supportsTools?: boolean;
  /**
   * For a provider that can only tell once its model is loaded (a local GGUF: whether its chat template has a
   * function-call syntax): whether it takes `tools` natively. Absent: `supportsTools` says.
   */
  nativeTools?(signal: AbortSignal): Promise<boolean>;
  /** Streams the answer; aborting `signal` must end the iteration promptly. */
  stream(request: ProviderRequest, signal: AbortSignal): AsyncIterable<ProviderChunk>;
  /** A cheap liveness check (`/models` or similar); throws on failure. */
  health(signal: AbortSignal): Promise<void>;
  dispose?(): Promise<void>;
  /** Code completion with the model's own fill-in-the-middle support (absent: a hole-filling chat prompt). */
  infill?: InfillCapable['infill'];
}

/** A tool call's argument text as the object it must be, or null when it is not JSON or not an object. */
export function argumentsOf(call: ToolCall): Record<string, unknown> | null {
  try {
    const parsed: unknown = JSON.parse(call.arguments || '{}');
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/**
 * Options for the `openai` and `@anthropic-ai/sdk` clients: the router owns retries and deadlines, so the SDK must
 * not retry behind its back, and its own timeout is only a last resort for a stream that lives long.
 */
/**
 * Creates a value on first use and keeps it. Provider SDKs are loaded this way (dynamic import) so an engine
 * start does not pay for SDKs of providers it may never call (engine_cold_start).
 */
export function lazily<T>(create: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | null = null;
  return () => {
    value ??= create().catch((error: unknown) => {
      value = null; // a failed load may succeed later (e.g. after an install); do not cache the failure
      throw error;
    });
    return value;
  };
}

export const SDK_CLIENT_OPTIONS = { maxRetries: 0, timeout: 10 * 60_000 } as const;

/**
 * For APIs that take the system prompt apart from the conversation (Anthropic's `system`, Gemini's
 * `systemInstruction`): the system turns joined, and the user/assistant turns in order.
 */
export function splitSystem(messages: ChatTurn[]): {
  system: string;
  turns: Array<ChatTurn & { role: 'user' | 'assistant' }>;
} {
  const system = messages
    .filter((turn) => turn.role === 'system')
    .map((turn) => turn.content)
    .join('\n\n');
  const turns = messages.filter((turn): turn is ChatTurn & { role: 'user' | 'assistant' } => turn.role !== 'system');
  return { system, turns };
}

export type FailureKind =
  | 'auth'
  | 'rate-limit'
  | 'bad-request'
  | 'server'
  | 'network'
  | 'ttft-timeout'
  | 'idle-timeout'
  | 'malformed'
  | 'unavailable';

/** A provider call that failed, classified. Its message never contains the API key or request body. */
export class ProviderFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    readonly status?: number,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'ProviderFailure';
  }
}

/** Maps an SDK or network error to a ProviderFailure using only its status and headers (messages may echo keys). */
export function classifyFailure(error: unknown): ProviderFailure {
  if (error instanceof ProviderFailure) return error;
  const status = statusOf(error);
  if (status !== undefined) {
    if (status === 401 || status === 403)
      return new ProviderFailure('auth', `rejected the credentials (HTTP ${status})`, status);
    if (status === 429) {
      return new ProviderFailure('rate-limit', `rate limited (HTTP 429)`, status, retryAfterOf(error));
    }
    if (status >= 400 && status < 500)
      return new ProviderFailure('bad-request', `refused the request (HTTP ${status})`, status);
    return new ProviderFailure('server', `failed (HTTP ${status})`, status);
  }
  if (error instanceof SyntaxError) return new ProviderFailure('malformed', 'sent a malformed stream');
  const name = error instanceof Error ? error.name : '';
  if (
    /Connection|Fetch|Socket|ECONN|Network/i.test(name) ||
    /ECONNRESET|socket|network|fetch failed|terminated/i.test(messageOf(error))
  ) {
    return new ProviderFailure('network', 'the connection failed');
  }
  return new ProviderFailure('unavailable', `failed (${name || 'unknown error'})`);
}

function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const status = (error as { status?: unknown }).status ?? (error as { code?: unknown }).code;
  return typeof status === 'number' && status >= 100 && status < 600 ? status : undefined;
}

function retryAfterOf(error: unknown): number | undefined {
  const headers = (error as { headers?: unknown }).headers;
  let value: string | null | undefined;
  if (headers instanceof Headers) value = headers.get('retry-after');
  else if (typeof headers === 'object' && headers !== null) {
    const raw = (headers as Record<string, unknown>)['retry-after'];
    value = typeof raw === 'string' ? raw : undefined;
  }
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

function messageOf(error: unknown): string {
  if (!(error instanceof Error)) return '';
  const cause = (error as { cause?: unknown }).cause;
  return `${error.message} ${cause instanceof Error ? `${cause.name} ${cause.message} ${(cause as { code?: string }).code ?? ''}` : ''}`;
}

/** A code completion request as a provider gets it (already bounded by the schema; each provider fits its window). */
export interface InfillRequest {
  prefix: string;
  suffix: string;
  path?: string;
  language?: string;
  context: InfillChunk[];
  maxTokens: number;
  temperature: number;
}

/** What a completion's prompt was and how much of it the model had to evaluate (null: the provider cannot tell). */
export interface InfillStats {
  template: InfillTemplate;
  promptTokens: number | null;
  evaluatedTokens: number | null;
  reusedTokens: number | null;
}

/** A piece of the suggestion; its stats (before the first piece, or with the end); why the provider ended it. */
export type InfillProviderChunk = { text: string } | { stats: InfillStats } | { finish: 'eos' | 'length' };

/** A provider that completes code itself (FIM); the others are asked through a hole-filling chat prompt. */
export interface InfillCapable {
  infill(request: InfillRequest, signal: AbortSignal): AsyncIterable<InfillProviderChunk>;
}

/** Thrown by a provider whose in-flight completion a newer one replaced (the user typed on): not a failure. */
export class Superseded extends Error {
  constructor() {
    super('replaced by a newer completion');
    this.name = 'Superseded';
  }
}
