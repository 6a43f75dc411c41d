// AI methods and events (owned by the ai capability): routed chat/complete/edit streams, provider settings,
// performance stats, and per-workspace conversation history.
import { z } from 'zod';
import { ModelClass } from '../editions.js';
import { Empty, method, Ok, stream } from '../rpc.js';

export const TaskType = z.enum(['chat', 'code-edit', 'completion', 'explain', 'commit-message', 'workflow']);
export type TaskType = z.infer<typeof TaskType>;

export const ProviderKind = z.enum(['local', 'openai-compatible', 'anthropic', 'gemini']);
export type ProviderKind = z.infer<typeof ProviderKind>;

export const ProviderId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'use lower-case letters, digits, ".", "_" or "-"');

export const ChatTurn = z.object({
  role: z.enum(['system', 'user', 'assistant']),
  content: z.string().max(1_000_000),
});
export type ChatTurn = z.infer<typeof ChatTurn>;

/** Model families whose fill-in-the-middle template the engine knows (apps/engine/src/ai/fim.ts). */
export const FimFamily = z.enum(['qwen2.5-coder', 'starcoder2', 'deepseek-coder', 'codestral', 'codellama']);
export type FimFamily = z.infer<typeof FimFamily>;

/**
 * One provider as the settings file stores it. The API key is never here: it lives in the secrets store under
 * `ai.provider.<id>.apiKey`.
 */
export const ProviderConfig = z.strictObject({
  id: ProviderId,
  kind: ProviderKind,
  /** What the license gates: local, own_key (your key, public endpoint), remote, private_endpoint, custom_endpoint. */
  modelClass: ModelClass,
  /** Model name sent to the endpoint; for `local`, a label (defaults to the file name). */
  model: z.string().min(1).max(256),
  /** Endpoint root for remote kinds, e.g. https://api.moonshot.ai/v1 (OpenAI-compatible) or an Anthropic base URL. */
  baseURL: z.url().optional(),
  /** Absolute path of the GGUF file, for `local`. */
  modelPath: z.string().min(1).max(4096).optional(),
  label: z.string().max(128).optional(),
  maxConcurrency: z.number().int().min(1).max(256).default(4),
  /** Price per 1,000 tokens (any currency; only compared between providers). */
  costPer1kTokens: z.number().min(0).default(0),
  /** Task types this provider serves. */
  tasks: z
    .array(TaskType)
    .min(1)
    .default([...TaskType.options]),
  /** Higher is preferred when latency and load are alike. */
  priority: z.number().int().min(-100).max(100).default(0),
  enabled: z.boolean().default(true),
  /** Time-to-first-token deadline; default 10 s remote, 30 s local. */
  ttftTimeoutMs: z.number().int().min(1).max(600_000).optional(),
  /** Longest silence allowed between tokens once streaming; default 20 s. */
  idleTimeoutMs: z.number().int().min(1).max(600_000).optional(),
  /**
   * Code completion's prompt: `auto` (default) uses a local model's own FIM tokens, else the family found in the
   * model's tokens or name; a family forces its template; `hole-filling` asks the model as a chat.
   */
  fimTemplate: z.enum(['auto', ...FimFamily.options, 'hole-filling']).optional(),
  /**
   * openai-compatible only, the endpoint code completion calls: `completions` (default; `/completions` with
   * `suffix`, or the family's template as the prompt when fimTemplate names one or the model's name is a known FIM
   * family), `llama-infill` (llama.cpp server's `/infill`), `mistral-fim` (`/fim/completions`, Codestral), `chat`
   * (a hole-filling chat prompt).
   */
  fimEndpoint: z.enum(['completions', 'llama-infill', 'mistral-fim', 'chat']).optional(),
});
export type ProviderConfig = z.infer<typeof ProviderConfig>;
export type ProviderConfigInput = z.input<typeof ProviderConfig>;

/** Router-wide settings (tests shorten them). */
export const RouterSettings = z.strictObject({
  /** How long an open circuit waits before a half-open probe. */
  breakerCooldownMs: z.number().int().min(1).default(30_000),
  /** Active health checks of remote providers; 0 turns them off. */
  healthIntervalMs: z.number().int().min(0).default(60_000),
});
export type RouterSettings = z.infer<typeof RouterSettings>;

/** The provider settings file in the data dir (`ai-providers.json`). */
export const AiSettingsFile = z.strictObject({
  version: z.literal(1),
  providers: z.array(ProviderConfig).default([]),
  router: RouterSettings.default({ breakerCooldownMs: 30_000, healthIntervalMs: 60_000 }),
});
export type AiSettingsFile = z.infer<typeof AiSettingsFile>;

export const CircuitState = z.enum(['closed', 'open', 'half-open']);
export type CircuitState = z.infer<typeof CircuitState>;

export const ProviderView = ProviderConfig.extend({
  hasApiKey: z.boolean(),
  circuit: CircuitState,
  /** False when the current license does not allow this provider's model class. */
  licensed: z.boolean(),
});
export type ProviderView = z.infer<typeof ProviderView>;

/** `ai.providers.add` params: a provider config plus its API key (stored in the secrets store, never echoed). */
export const AddProviderParams = ProviderConfig.extend({ apiKey: z.string().min(1).max(4096).optional() });
export type AddProviderParams = z.input<typeof AddProviderParams>;

export const Fallback = z.object({ providerId: z.string(), reason: z.string() });
export type Fallback = z.infer<typeof Fallback>;

/** Which provider answered, why it was chosen, and which ones were tried before it. */
export const RouteInfo = z.object({
  providerId: z.string(),
  model: z.string(),
  reasons: z.array(z.string()),
  fallbacks: z.array(Fallback),
});
export type RouteInfo = z.infer<typeof RouteInfo>;

/** One tool call the model made while answering (an MCP server's tool), with what the tool answered. */
export const ToolUse = z.object({
  server: z.string(),
  tool: z.string(),
  arguments: z.record(z.string(), z.unknown()),
  isError: z.boolean(),
  /** The start of the tool's text answer (the model got all of it, up to the engine's bound). */
  result: z.string(),
});
export type ToolUse = z.infer<typeof ToolUse>;

const GenerationOptions = {
  /** A provider id, or omitted for "Auto". */
  provider: ProviderId.optional(),
  maxTokens: z.number().int().min(1).max(32_768).optional(),
  temperature: z.number().min(0).max(2).optional(),
};

/**
 * What a chat question asks the engine to add as context (the `@` mentions of the input box): a file, the chunks of
 * a folder or of the whole codebase that best match the question, or the chunks matching some search words.
 */
export const ContextMention = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('file'), path: z.string().min(1).max(4096) }),
  z.strictObject({ kind: z.literal('folder'), path: z.string().max(4096) }),
  z.strictObject({ kind: z.literal('codebase') }),
  z.strictObject({ kind: z.literal('search'), query: z.string().min(1).max(500) }),
]);
export type ContextMention = z.infer<typeof ContextMention>;

/** One piece of context the engine put in front of the model (shown as "used context", with a link). */
export const UsedContext = z.object({
  source: z.enum(['file', 'folder', 'codebase', 'search']),
  path: z.string(),
  startLine: z.number().int().positive(),
  endLine: z.number().int().positive(),
  name: z.string().nullable(),
  /** Characters of it the model got. */
  chars: z.number().int().nonnegative(),
});
export type UsedContext = z.infer<typeof UsedContext>;

export const ChatParams = z.strictObject({
  messages: z.array(ChatTurn).min(1).max(1_000),
  task: TaskType.default('chat'),
  /** Context to add to the last user message (the engine reads and retrieves it; `.aiignore`d files never). */
  mentions: z.array(ContextMention).max(20).default([]),
  /** Offer the configured MCP servers' tools to a model that supports tool calls. */
  tools: z.boolean().default(true),
  ...GenerationOptions,
});
export type ChatParams = z.infer<typeof ChatParams>;

export const CompleteParams = z.strictObject({
  prompt: z.string().max(1_000_000),
  task: TaskType.default('completion'),
  ...GenerationOptions,
});

export const EditParams = z.strictObject({
  instruction: z.string().min(1).max(10_000),
  /** The selected code to rewrite. */
  code: z.string().max(1_000_000),
  path: z.string().max(4096).optional(),
  language: z.string().max(64).optional(),
  /** Related code to add (Ctrl+K with `@codebase`: chunks matching the instruction and the code). */
  mentions: z.array(ContextMention).max(20).default([]),
  ...GenerationOptions,
});

export const ProviderStats = z.object({
  providerId: z.string(),
  requests: z.number(),
  errors: z.number(),
  errorRate: z.number(),
  p50TtftMs: z.number().nullable(),
  p95TtftMs: z.number().nullable(),
  tokensPerS: z.number().nullable(),
  circuit: CircuitState,
});
export type ProviderStats = z.infer<typeof ProviderStats>;

/** Most files and chunks one record lists (the first ones a request carried; `sourcesCut` says more were). */
export const MAX_SENT_SOURCES = 200;

/**
 * A workspace file, or part of one, that a request to a network provider carried: read by an agent tool
 * (read_file, find_in_files, search_codebase), attached by an @-mention, or a completion's context.
 */
export const SentSource = z.object({
  path: z.string().max(4096),
  /** 1-based, inclusive; absent: the whole file (or the lines are not known). */
  startLine: z.number().int().min(1).optional(),
  endLine: z.number().int().min(1).optional(),
  /** UTF-8 bytes of that file's content the request carried. */
  bytes: z.number().int().min(0),
});
export type SentSource = z.infer<typeof SentSource>;

/** One request the engine handed to a network provider (what left the machine), without its payload. */
export const SentRequestSummary = z.object({
  id: z.number().int(),
  at: z.number(),
  providerId: z.string(),
  model: z.string(),
  /** The endpoint root the provider was configured with; null for a kind's default endpoint. */
  endpoint: z.string().nullable(),
  kind: z.enum(['chat', 'completion']),
  /** The payload's length in characters (its JSON), before any cut. */
  chars: z.number().int(),
  /** The payload is kept cut (it was over the record's limit). */
  truncated: z.boolean(),
  /** The workspace files and chunks it carried (at most MAX_SENT_SOURCES; empty: none, or recorded before this). */
  sources: z.array(SentSource).max(MAX_SENT_SOURCES),
  /** It carried more files and chunks than `sources` lists. */
  sourcesCut: z.boolean(),
});
export type SentRequestSummary = z.infer<typeof SentRequestSummary>;

export const SentRequest = SentRequestSummary.extend({
  /** What was handed to the provider, as JSON: messages, tools and tool rounds; or a completion's prompt parts. */
  payload: z.string(),
});
export type SentRequest = z.infer<typeof SentRequest>;

export const ConversationMessage = ChatTurn.extend({
  route: RouteInfo.optional(),
  /** A question's used context (its mentions, resolved). */
  context: z.array(UsedContext).optional(),
  toolCalls: z.array(ToolUse).optional(),
  /** Set when the answer ended with an error (what was received is kept). */
  error: z.string().optional(),
});
export type ConversationMessage = z.infer<typeof ConversationMessage>;

export const ConversationSummary = z.object({ id: z.string(), title: z.string(), updatedAt: z.number() });
export type ConversationSummary = z.infer<typeof ConversationSummary>;

export const Conversation = ConversationSummary.extend({ messages: z.array(ConversationMessage) });
export type Conversation = z.infer<typeof Conversation>;

export const ConversationId = z.string().min(1).max(64);

/** One piece of answer text (pieces that queued while the reader was slow arrive joined). */
export const AiToken = z.object({
  text: z.string(),
  /** The first item of a chat with mentions: the context the model was given. */
  context: z.array(UsedContext).optional(),
});
export type AiToken = z.infer<typeof AiToken>;

export const AiAnswer = z.object({
  text: z.string(),
  route: RouteInfo,
  ttftMs: z.number(),
  totalMs: z.number(),
  tokensIn: z.number(),
  tokensOut: z.number(),
  /** The tools the model called on the way to this answer, in order (absent when none). */
  toolCalls: z.array(ToolUse).optional(),
  /** The context the mentions added (absent when none). */
  context: z.array(UsedContext).optional(),
});
export type AiAnswer = z.infer<typeof AiAnswer>;

/** The data of the error that ends a failed ai.* stream. */
export const AiStreamFailure = z.object({
  /** What was received before the failure (kept, never retried elsewhere). */
  partial: z.string(),
  route: RouteInfo.optional(),
});
export type AiStreamFailure = z.infer<typeof AiStreamFailure>;

export const aiMethods = {
  /**
   * Streams of answer text, ending with the answer and how it was routed. A failure ends the stream with an error
   * whose data is AiStreamFailure (what was received before it, and the route when one was chosen).
   */
  'ai.chat': stream(ChatParams, AiToken, AiAnswer),
  'ai.complete': stream(CompleteParams, AiToken, AiAnswer),
  'ai.edit': stream(EditParams, AiToken, AiAnswer),
  'ai.providers.list': method(Empty, z.object({ providers: z.array(ProviderView) })),
  /** Adds a provider, or replaces the one with the same id (its stored key is kept unless a new one is given). */
  'ai.providers.add': method(AddProviderParams, z.object({ provider: ProviderView })),
  'ai.providers.remove': method(z.strictObject({ id: ProviderId }), Ok),
  'ai.providers.test': method(
    z.strictObject({ id: ProviderId }),
    z.object({
      ok: z.boolean(),
      ttftMs: z.number().nullable(),
      totalMs: z.number(),
      sample: z.string(),
      error: z.string().optional(),
    }),
  ),
  /** What left the machine: the newest requests handed to network providers first (`before`: older than that id). */
  'ai.sent.list': method(
    z
      .strictObject({
        limit: z.number().int().min(1).max(200).default(50),
        before: z.number().int().min(1).optional(),
      })
      .optional(),
    z.object({ items: z.array(SentRequestSummary) }),
  ),
  'ai.sent.get': method(z.strictObject({ id: z.number().int().min(1) }), z.object({ request: SentRequest.nullable() })),
  'ai.sent.clear': method(z.strictObject({}).optional(), z.object({ cleared: z.number().int() })),
  'ai.stats': method(
    z
      .strictObject({
        windowMs: z
          .number()
          .int()
          .min(1)
          .default(24 * 3_600_000),
      })
      .optional(),
    z.object({ windowMs: z.number(), providers: z.array(ProviderStats) }),
  ),
  /** The engine's OpenAI-compatible endpoint (`/v1/chat/completions`) and the bearer token other tools use. */
  'ai.server.info': method(Empty, z.object({ path: z.string(), token: z.string() })),
  'ai.conversations.list': method(Empty, z.object({ items: z.array(ConversationSummary) })),
  'ai.conversations.get': method(z.strictObject({ id: ConversationId }), z.object({ conversation: Conversation })),
  /** Creates (no id) or replaces a conversation of the open workspace. */
  'ai.conversations.save': method(
    z.strictObject({
      id: ConversationId.optional(),
      title: z.string().max(200),
      messages: z.array(ConversationMessage).max(10_000),
    }),
    z.object({ id: z.string() }),
  ),
  'ai.conversations.delete': method(z.strictObject({ id: ConversationId }), Ok),
} as const;

export const aiEvents = {} as const;
