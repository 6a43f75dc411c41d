// Code completion (fill-in-the-middle) as a stream: the text before and after the cursor, the file's path and
// language and a few chunks of other code go in; pieces of the suggestion come out as the model writes them; the
// stream ends with the whole suggestion (stops, overlap with the suffix and template tokens already removed), why
// it ended, who answered and how long it took. Owned by the ai capability, routed as task `completion`.
import { z } from 'zod';
import { method, stream } from '../rpc.js';
import { FimFamily, ProviderId, RouteInfo } from './ai.js';

/** Largest prefix/suffix the engine accepts; it keeps only the part nearest the cursor that fits the model. */
export const MAX_INFILL_PREFIX_CHARS = 1_000_000;
export const MAX_INFILL_SUFFIX_CHARS = 200_000;
export const MAX_INFILL_CONTEXT_CHUNKS = 32;
export const MAX_INFILL_CHUNK_CHARS = 20_000;

/** The prompt a completion used: the model's own FIM tokens (local), a family's template, an endpoint's native FIM, or a chat prompt. */
export const InfillTemplate = z.enum([
  'model-tokens',
  ...FimFamily.options,
  'suffix-param',
  'llama-infill',
  'mistral-fim',
  'hole-filling',
]);
export type InfillTemplate = z.infer<typeof InfillTemplate>;

/** A piece of other code the model may look at (a recently opened, edited or copied snippet). */
export const InfillChunk = z.strictObject({
  path: z.string().max(4096).optional(),
  text: z.string().max(MAX_INFILL_CHUNK_CHARS),
});
export type InfillChunk = z.infer<typeof InfillChunk>;

export const InfillParams = z.strictObject({
  /** The caller's id for this request (echoed in the result and the per-request record). */
  requestId: z.string().min(1).max(64),
  prefix: z.string().max(MAX_INFILL_PREFIX_CHARS),
  suffix: z.string().max(MAX_INFILL_SUFFIX_CHARS).default(''),
  path: z.string().max(4096).optional(),
  language: z.string().max(64).optional(),
  context: z.array(InfillChunk).max(MAX_INFILL_CONTEXT_CHUNKS).default([]),
  /**
   * Whether the suggestion may span lines (at an empty line or the end of a line); false stops at the line's end.
   * Multi-line suggestions stop at the end of the block (see completion/stop.ts).
   */
  multiline: z.boolean().default(true),
  maxTokens: z.number().int().min(1).max(1024).default(128),
  temperature: z.number().min(0).max(2).default(0),
  /** A provider id, or omitted for "Auto" (providers that serve `completion`). */
  provider: ProviderId.optional(),
});
export type InfillParams = z.output<typeof InfillParams>;
export type InfillParamsInput = z.input<typeof InfillParams>;

export const InfillFinish = z.enum([
  /** The model ended it (end-of-text token, a stop token, the endpoint said so). */
  'eos',
  /** The engine stopped it: end of the line or of the block, a template token. */
  'stop',
  /** maxTokens reached. */
  'length',
  /** The total deadline (completion.totalDeadlineMs) cut it; the text so far is kept. */
  'deadline',
]);
export type InfillFinish = z.infer<typeof InfillFinish>;

export const InfillResult = z.object({
  requestId: z.string(),
  /** The suggestion to show: stopped, stripped of template tokens, its overlap with the suffix trimmed. */
  text: z.string(),
  finishReason: InfillFinish,
  route: RouteInfo,
  template: InfillTemplate,
  ttftMs: z.number(),
  totalMs: z.number(),
  /** Tokens of the prompt, and how many the model evaluated vs took from its cache (null when unknown). */
  promptTokens: z.number().nullable(),
  evaluatedTokens: z.number().nullable(),
  reusedTokens: z.number().nullable(),
  tokensOut: z.number(),
});
export type InfillResult = z.infer<typeof InfillResult>;

/** One piece of the raw suggestion as it is generated (before overlap trimming; the result's text is final). */
export const InfillDelta = z.object({ text: z.string() });
export type InfillDelta = z.infer<typeof InfillDelta>;

export const infillMethods = {
  /**
   * Streams a code completion. Ends with InfillResult, or an error whose data is AiStreamFailure: E_CANCELLED
   * (the caller cancelled, or a newer ai.infill for the same provider took its place — never retried elsewhere),
   * E_TIMEOUT (no first token within completion.ttftDeadlineMs / nothing by the total deadline), E_UNAVAILABLE,
   * E_PROVIDER, E_LICENSE, E_NOT_FOUND.
   */
  'ai.infill': stream(InfillParams, InfillDelta, InfillResult),
  /**
   * Gets the provider that would complete code now ready (the editor calls it when a file opens): a local model is
   * loaded, so the first suggestion is not spent loading it. Nothing is sent to a remote provider.
   */
  'ai.infill.warm': method(
    z.strictObject({ provider: ProviderId.optional() }).optional(),
    z.object({ providerId: z.string().nullable(), loaded: z.boolean() }),
  ),
} as const;
