// The local model: node-llama-cpp over a GGUF file. The model is loaded once and kept warm; one context holds
// `maxConcurrency` sequences and requests beyond that queue for a free one instead of failing. The chat template
// comes from the model's metadata (node-llama-cpp resolves the chat wrapper). When that wrapper has a function-call
// syntax of its own (the template's: Qwen's <tool_call>, Llama 3.1's <function=…>, Functionary, Mistral, a Jinja
// template with tool calls), the model is offered the agent's tools natively: node-llama-cpp parses its calls (the
// arguments generated under a JSON-schema grammar) and they are handed back as tool calls, never run here — the
// caller's loop runs them under its permissions. Other templates (the generic `||call:` syntax) get the text protocol.
// Code completion (infill) has a sequence of its own that keeps its evaluated tokens between requests: the next
// completion evaluates only what changed after the first differing token (the prompt's left edge is kept still so
// typing does not move it). A newer completion stops the one in flight at once (its sequence is free when its
// generation settles, within the token being decoded). A model without FIM tokens is asked by a hole-filling chat.
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { isAbsolute } from 'node:path';
import type { FimFamily, InfillTemplate, ProviderConfig } from '@pa/shared';
import type {
  ChatHistoryItem,
  ChatModelFunctions,
  ChatModelResponse,
  ChatWrapper,
  GbnfJsonSchema,
  Llama,
  LlamaChatResponse,
  LlamaCompletion,
  LlamaContext,
  LlamaContextSequence,
  LlamaModel,
  Token,
} from 'node-llama-cpp';
import {
  budgetOf,
  CHARS_PER_TOKEN,
  clipByChars,
  contextText,
  detectFamily,
  FIM_TEMPLATES,
  holeFillingTurns,
  unfence,
} from '../fim.js';
import {
  argumentsOf,
  type FinishReason,
  type InfillProviderChunk,
  type InfillRequest,
  type ModelProvider,
  type ProviderChunk,
  ProviderFailure,
  type ProviderRequest,
  Superseded,
  type ToolRound,
  type ToolSpec,
} from './provider.js';

let llamaOnce: Promise<Llama> | null = null;

/** One llama.cpp runtime per process; the GPU backend (CUDA, Vulkan, Metal) is picked automatically. */
export function sharedLlama(): Promise<Llama> {
  // node-llama-cpp is loaded on first use: it is the heaviest import of the engine (~200 ms)
  llamaOnce ??= import('node-llama-cpp').then(({ getLlama, LlamaLogLevel }) =>
    getLlama({ gpu: 'auto', logLevel: LlamaLogLevel.error }),
  );
  return llamaOnce;
}

/** On CPU, llama.cpp's default thread count oversubscribes small machines; use every core, no more. */
export function cpuThreads(llama: Llama): number | undefined {
  return llama.gpu === false ? availableParallelism() : undefined;
}

/** Why `path` cannot be a local model file (missing, a folder, relative), or null when it is a readable file. */
export function modelFileProblem(path: string): string | null {
  if (!isAbsolute(path)) return `The model file path "${path}" is not absolute; give the full path of the GGUF file.`;
  try {
    if (statSync(path).isFile()) return null;
    return `The model file ${path} is not a file; give the path of a GGUF file.`;
  } catch {
    return `The model file ${path} does not exist; download the GGUF file there or give the path where it is.`;
  }
}

interface Warm {
  model: LlamaModel;
  context: LlamaContext;
  free: LlamaContextSequence[];
  waiting: Array<(sequence: LlamaContextSequence) => void>;
  /** The completion sequence (kept evaluated between requests), its LlamaCompletion, and how the model is asked. */
  infill: { sequence: LlamaContextSequence; completion: LlamaCompletion; mode: InfillMode };
  /** The chat template's wrapper, and whether its function-call syntax is the model's own (nativeFunctionCalling). */
  chatWrapper: ChatWrapper;
  nativeTools: boolean;
}

/** The generic call syntax node-llama-cpp gives every template without one of its own: not what a model was taught. */
const GENERIC_CALL_PREFIX = '||call:';

/**
 * Whether a chat wrapper calls functions in a syntax of the model's own template: a Jinja template with tool calls
 * (node-llama-cpp found the template's call syntax), or a specialised wrapper whose call prefix is not the generic
 * `||call:` (Qwen, Llama 3.1/3.2, Functionary, Mistral, DeepSeek, Harmony, Seed…). Llama 2, ChatML, Gemma, Alpaca,
 * Falcon, the general wrapper and a Jinja template without tool calls use the generic syntax: the text protocol.
 */
export function nativeFunctionCalling(wrapper: ChatWrapper): boolean {
  const jinja = (wrapper as { usingJinjaFunctionCallTemplate?: unknown }).usingJinjaFunctionCallTemplate;
  if (typeof jinja === 'boolean') return jinja;
  const prefix = wrapper.settings.functions.call.prefix;
  return String(prefix).trim() !== GENERIC_CALL_PREFIX;
}

/** Options a caller (a test, a setting) may give: a chat wrapper instead of the one the model's template resolves to. */
export interface LocalProviderOptions {
  chatWrapper?: ChatWrapper;
}

/**
 * How the local model completes code: node-llama-cpp's infill with the model's own FIM tokens (its family named
 * when recognised), a family's template with its control tokens as special tokens (a setting, or a family whose
 * tokens node-llama-cpp does not look for, e.g. Codestral's [PREFIX]), or the hole-filling chat prompt.
 */
export type InfillMode =
  | { kind: 'model-tokens'; family: FimFamily | null }
  | { kind: 'template'; family: FimFamily }
  | { kind: 'hole-filling' };

export function infillModeOf(config: ProviderConfig, model: LlamaModel, infillSupported: boolean): InfillMode {
  const setting = config.fimTemplate ?? 'auto';
  if (setting === 'hole-filling') return { kind: 'hole-filling' };
  if (setting !== 'auto') return { kind: 'template', family: setting };
  // a control token's text tokenizes (special tokens on) to that one token
  const hasToken = (text: string) => {
    const tokens = model.tokenize(text, true);
    return tokens.length === 1 && model.isSpecialToken(tokens[0]);
  };
  const name = model.fileInfo.metadata?.general?.name;
  const names = [config.model, ...(typeof name === 'string' ? [name] : []), config.modelPath ?? ''];
  const family = detectFamily({ names, hasToken });
  if (infillSupported) return { kind: 'model-tokens', family };
  if (family && FIM_TEMPLATES[family].markers.slice(0, 2).every(hasToken)) return { kind: 'template', family };
  return { kind: 'hole-filling' };
}

/** Tokens dropped from the prompt's left edge at a time, so the edge moves seldom and the cache stays valid. */
const EDGE_STEP_TOKENS = 256;

export function createLocalProvider(config: ProviderConfig, options: LocalProviderOptions = {}): ModelProvider {
  let warm: Promise<Warm> | null = null;
  let calls = 0;

  const load = (): Promise<Warm> => {
    warm ??= (async () => {
      if (!config.modelPath) throw new ProviderFailure('unavailable', 'has no GGUF file set (modelPath)');
      // llama.cpp's own error for a missing file names neither the file nor the cause
      const problem = modelFileProblem(config.modelPath);
      if (problem) throw new ProviderFailure('unavailable', problem);
      const llama = await sharedLlama();
      const model = await llama.loadModel({ modelPath: config.modelPath });
      const threads = cpuThreads(llama);
      const context = await model.createContext({
        sequences: config.maxConcurrency + 1,
        contextSize: { max: 4096 },
        ...(threads ? { threads } : {}),
      });
      const free: LlamaContextSequence[] = [];
      for (let i = 0; i < config.maxConcurrency; i++) free.push(context.getSequence());
      const { LlamaCompletion, resolveChatWrapper } = await import('node-llama-cpp');
      const sequence = context.getSequence();
      const completion = new LlamaCompletion({ contextSequence: sequence });
      const mode = infillModeOf(config, model, completion.infillSupported);
      const chatWrapper = options.chatWrapper ?? resolveChatWrapper(model);
      return {
        model,
        context,
        free,
        waiting: [],
        infill: { sequence, completion, mode },
        chatWrapper,
        nativeTools: nativeFunctionCalling(chatWrapper),
      };
    })();
    warm.catch(() => {
      warm = null;
    });
    return warm;
  };

  const acquire = (pool: Warm, signal: AbortSignal): Promise<LlamaContextSequence> => {
    const sequence = pool.free.pop();
    if (sequence) return Promise.resolve(sequence);
    return new Promise((resolve, reject) => {
      const waiter = (next: LlamaContextSequence) => {
        signal.removeEventListener('abort', onAbort);
        resolve(next);
      };
      const onAbort = () => {
        pool.waiting.splice(pool.waiting.indexOf(waiter), 1);
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      pool.waiting.push(waiter);
    });
  };

  /** The completion in flight: aborting it stops it; `settled` resolves once its sequence is free. */
  let current: { controller: AbortController; settled: Promise<void> } | null = null;

  const release = async (pool: Warm, sequence: LlamaContextSequence): Promise<void> => {
    await sequence.clearHistory();
    const next = pool.waiting.shift();
    if (next) next(sequence);
    else pool.free.push(sequence);
  };

  const provider: ModelProvider = {
    config,
    async nativeTools() {
      return (await load()).nativeTools;
    },
    async *stream(request: ProviderRequest, signal: AbortSignal): AsyncIterable<ProviderChunk> {
      const { LlamaChat } = await import('node-llama-cpp'); // loaded already by load(); before acquire so a failure cannot leak a sequence
      const pool = await load();
      const sequence = await acquire(pool, signal);
      const chat = new LlamaChat({
        contextSequence: sequence,
        chatWrapper: pool.chatWrapper,
        autoDisposeSequence: false,
      });
      const chunks = new ChunkQueue();
      try {
        // tools only to a template with a call syntax of its own (the loop asks nativeTools() first); none on the
        // round that must answer in text, whose history still holds the calls made so far
        const tools = pool.nativeTools && request.toolChoice !== 'none' ? (request.tools ?? []) : [];
        const history = chatHistoryOf(request.messages, pool.nativeTools ? (request.toolRounds ?? []) : []);
        const functions = tools.length > 0 ? functionsOf(tools) : undefined;
        const promptTokens = pool.chatWrapper
          .generateContextState({
            chatHistory: history,
            ...(functions ? { availableFunctions: functions, documentFunctionParams: true } : {}),
          })
          .contextText.tokenize(pool.model.tokenizer).length;
        let result: LlamaChatResponse<ChatModelFunctions> | null = null;
        let generated = 0;
        const done = chat
          .generateResponse(history, {
            signal,
            maxTokens: request.maxTokens ?? 512,
            ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
            onTextChunk: (text) => chunks.push(text),
            onToken: (tokens) => {
              generated += tokens.length;
            },
            ...(functions ? { functions, documentFunctionParams: true } : {}),
          })
          .then(
            (response) => {
              result = response as LlamaChatResponse<ChatModelFunctions>;
              chunks.end();
            },
            (error: unknown) =>
              chunks.end(
                // a prompt node-llama-cpp cannot shorten to fit (a long system prompt: rules, the tools) says so
                promptTokens >= pool.context.contextSize
                  ? new ProviderFailure(
                      'bad-request',
                      `cannot take a ${promptTokens}-token prompt in its ${pool.context.contextSize}-token context; send less (fewer tools, shorter rules) or use a model with a larger context`,
                    )
                  : error,
              ),
          );
        for await (const text of chunks) yield { text };
        await done;
        const answer = result as LlamaChatResponse<ChatModelFunctions> | null;
        const made = answer?.functionCalls ?? [];
        for (const call of made) {
          calls += 1;
          yield {
            toolCall: {
              id: `call_local_${calls}`,
              name: call.functionName,
              arguments: JSON.stringify(call.params ?? {}),
            },
          };
        }
        // the whole prompt (system, tools documented, the rounds so far) and what the model generated
        const tokensOut = Math.max(generated, sequence.contextTokens.length - promptTokens);
        yield { usage: { tokensIn: promptTokens, tokensOut } };
        const finish: FinishReason =
          made.length === 0 && answer?.metadata.stopReason === 'maxTokens' ? 'length' : 'stop';
        yield { finish };
      } finally {
        chat.dispose({ disposeSequence: false });
        await release(pool, sequence);
      }
    },
    async *infill(request: InfillRequest, signal: AbortSignal): AsyncIterable<InfillProviderChunk> {
      const pool = await load();
      if (signal.aborted) return;
      const { completion, mode } = pool.infill;
      if (mode.kind === 'hole-filling') {
        // a chat-only model: the hole-filling prompt on a chat sequence
        const messages = holeFillingTurns({ ...request, context: contextText(request.context) });
        yield { stats: { template: 'hole-filling', promptTokens: null, evaluatedTokens: null, reusedTokens: null } };
        let answer = '';
        for await (const chunk of provider.stream(
          { messages, maxTokens: request.maxTokens, temperature: request.temperature },
          signal,
        )) {
          if ('text' in chunk) answer += chunk.text;
        }
        yield { text: unfence(answer) };
        return;
      }
      // a newer completion replaces the one in flight: stop it, and wait until its sequence is free
      const previous = current;
      const controller = new AbortController();
      let settle!: () => void;
      const mine = { controller, settled: new Promise<void>((resolve) => (settle = resolve)) };
      current = mine;
      previous?.controller.abort(new Superseded());
      const onAbort = () => controller.abort(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      const chunks = new ChunkQueue();
      try {
        await previous?.settled;
        if (controller.signal.aborted) throw controller.signal.reason;
        const prompt = infillTokens(pool.model, request, pool.context.contextSize, mode);
        const { firstDifferentIndex } = pool.infill.sequence.compareContextTokens(prompt.input);
        const reusedTokens = Math.min(firstDifferentIndex, prompt.input.length - 1);
        const template: InfillTemplate = mode.kind === 'template' ? mode.family : (mode.family ?? 'model-tokens');
        yield {
          stats: {
            template,
            promptTokens: prompt.input.length,
            evaluatedTokens: prompt.input.length - reusedTokens,
            reusedTokens,
          },
        };
        let finish: 'eos' | 'length' = 'eos';
        const options = {
          signal: controller.signal,
          maxTokens: request.maxTokens,
          temperature: request.temperature,
          onTextChunk: (text: string) => chunks.push(text),
        };
        const generation =
          mode.kind === 'template'
            ? completion.generateCompletionWithMeta(prompt.input.slice(prompt.head), options)
            : completion.generateInfillCompletionWithMeta(prompt.prefix, prompt.suffix, options);
        const done = generation.then(
          (result) => {
            if (result.metadata.stopReason === 'maxTokens') finish = 'length';
            chunks.end();
          },
          (error: unknown) => chunks.end(error),
        );
        // the sequence is free once the generation settled, whether or not this generator is read on
        void done.then(settle);
        try {
          for await (const text of chunks) yield { text };
        } finally {
          controller.abort(); // the reader left early: stop decoding now
          await done;
        }
        yield { finish };
      } catch (error) {
        if (error instanceof Superseded) throw error;
        if (controller.signal.reason instanceof Superseded) throw controller.signal.reason;
        if (signal.aborted) return;
        throw error;
      } finally {
        signal.removeEventListener('abort', onAbort);
        if (current === mine) current = null;
        settle();
      }
    },
    async health() {
      await load();
    },
    async dispose() {
      current?.controller.abort();
      await current?.settled;
      const pool = await warm?.catch(() => null);
      await pool?.context.dispose();
      await pool?.model.dispose();
    },
  };
  return provider;
}

/**
 * The completion prompt as tokens, laid out as node-llama-cpp's infill lays it out (so the cache comparison is
 * exact): [BOS] PRE prefix SUF suffix MID, or SUF suffix PRE prefix without a middle token; in template mode, the
 * family's layout with its control tokens as special tokens. Extra context chunks go before the prefix. Bounded by
 * the window less the answer and node-llama-cpp's context-shift reserve; the prefix's left edge moves in steps of
 * EDGE_STEP_TOKENS so typing at the end leaves the evaluated start in place. `head` is 1 when `input` starts with
 * the BOS token node-llama-cpp adds itself.
 */
export function infillTokens(
  model: LlamaModel,
  request: InfillRequest,
  contextSize: number,
  mode: InfillMode = { kind: 'model-tokens', family: null },
): { prefix: Token[]; suffix: Token[]; input: Token[]; head: number } {
  const budget = budgetOf(Math.floor(contextSize * 0.85), request.maxTokens);
  const text = (value: string) => model.tokenize(value, false, 'trimLeadingSpace');
  // text reaches the tokenizer bounded (CHARS_PER_TOKEN characters a token), then the tokens are cut to the budget
  const suffix = text(request.suffix.slice(0, budget.suffixTokens * CHARS_PER_TOKEN)).slice(0, budget.suffixTokens);
  // extra context: the family's file separator as its special token (when the model has it), the chunk as text —
  // code is never tokenized with special tokens on, so a file cannot smuggle in control tokens
  const separator = mode.kind === 'hole-filling' || !mode.family ? undefined : FIM_TEMPLATES[mode.family].fileSeparator;
  const separatorTokens = separator ? model.tokenize(separator, true) : [];
  const special = separatorTokens.length === 1 && model.isSpecialToken(separatorTokens[0]);
  const extraTokens = clipByChars('', '', request.context, budget)
    .chunks.flatMap((chunk) =>
      special
        ? [...separatorTokens, ...text(`${chunk.path ?? 'snippet'}\n${chunk.text}\n`)]
        : text(contextText([chunk])),
    )
    .slice(-budget.contextTokens);
  const room = budget.prefixTokens + (budget.contextTokens - extraTokens.length);
  // the character window starts on a step boundary of the whole prefix, so it moves seldom as the prefix grows
  const stepChars = EDGE_STEP_TOKENS * CHARS_PER_TOKEN;
  const from = Math.max(0, Math.ceil((request.prefix.length - room * CHARS_PER_TOKEN) / stepChars) * stepChars);
  let prefix = text(request.prefix.slice(from));
  if (prefix.length > room) {
    const drop = Math.ceil((prefix.length - room) / EDGE_STEP_TOKENS) * EDGE_STEP_TOKENS;
    prefix = prefix.slice(drop);
  }
  prefix = [...extraTokens, ...prefix];
  const bos = model.tokens.shouldPrependBosToken ? model.tokens.bos : null;
  const head: Token[] = bos !== null ? [bos] : [];
  if (mode.kind === 'template') {
    const control = (token: string) => model.tokenize(token, true);
    const body = FIM_TEMPLATES[mode.family].layout(prefix, suffix, control, text).flat();
    return { prefix, suffix, input: [...head, ...body], head: head.length };
  }
  const { infill } = model.tokens;
  const input =
    infill.middle !== null
      ? [...head, infill.prefix as Token, ...prefix, infill.suffix as Token, ...suffix, infill.middle]
      : [...head, infill.suffix as Token, ...suffix, infill.prefix as Token, ...prefix];
  return { prefix, suffix, input, head: head.length };
}

/**
 * The conversation as node-llama-cpp's chat history, ending with the model's answer under way: empty, or — with
 * native tools — the rounds so far (text, each call with its result) that the chat wrapper writes in the template's
 * own call and result syntax, so the model continues after the last result.
 */
export function chatHistoryOf(messages: ProviderRequest['messages'], rounds: readonly ToolRound[]): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = messages.map((turn) =>
    turn.role === 'assistant' ? { type: 'model', response: [turn.content] } : { type: turn.role, text: turn.content },
  );
  if (history.at(-1)?.type !== 'user') history.push({ type: 'user', text: '' });
  const response: ChatModelResponse['response'] = [];
  for (const round of rounds) {
    if (round.text) response.push(round.text);
    round.calls.forEach((call, index) => {
      response.push({
        type: 'functionCall',
        name: call.name,
        params: argumentsOf(call) ?? {},
        result: call.result,
        ...(index === 0 ? { startsNewChunk: true } : {}),
      });
    });
  }
  history.push({ type: 'model', response });
  return history;
}

/** The tools as node-llama-cpp functions: their description, and their arguments' schema as a grammar can take it. */
export function functionsOf(tools: readonly ToolSpec[]): ChatModelFunctions {
  return Object.fromEntries(
    tools.map((tool) => [tool.name, { description: tool.description, params: grammarSchemaOf(tool.parameters) }]),
  );
}

const PRIMITIVES = new Set(['string', 'number', 'integer', 'boolean', 'null']);

/**
 * A JSON Schema reduced to the subset node-llama-cpp's grammar understands (type, properties, required, items,
 * enum, const, oneOf/anyOf, string lengths, descriptions); anything else (a $ref, allOf, formats it does not know,
 * a schema too deep) is loosened to "any JSON value the model writes", never a failure.
 */
export function grammarSchemaOf(schema: unknown, depth = 0): GbnfJsonSchema {
  const any: GbnfJsonSchema = { type: ['string', 'number', 'boolean', 'null'] };
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema) || depth > 8) return any;
  const source = schema as Record<string, unknown>;
  const description = typeof source.description === 'string' ? { description: source.description.slice(0, 1_000) } : {};
  const literal = (value: unknown): value is string | number | boolean | null =>
    value === null || ['string', 'number', 'boolean'].includes(typeof value);
  if (literal(source.const)) return { const: source.const, ...description };
  if (Array.isArray(source.enum) && source.enum.length > 0 && source.enum.every(literal)) {
    return { enum: source.enum, ...description };
  }
  const options = Array.isArray(source.oneOf) ? source.oneOf : Array.isArray(source.anyOf) ? source.anyOf : null;
  if (options && options.length > 0) {
    return { oneOf: options.slice(0, 20).map((option) => grammarSchemaOf(option, depth + 1)), ...description };
  }
  const type = Array.isArray(source.type) ? source.type : [source.type];
  if (type.length > 1) {
    const primitive = type.filter((name): name is 'string' => typeof name === 'string' && PRIMITIVES.has(name));
    return primitive.length === type.length ? { type: primitive, ...description } : any;
  }
  switch (type[0]) {
    case 'string': {
      const length = (value: unknown) =>
        typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
      const min = length(source.minLength);
      const max = length(source.maxLength);
      return {
        type: 'string',
        ...(min !== undefined ? { minLength: min } : {}),
        ...(max !== undefined ? { maxLength: max } : {}),
        ...description,
      };
    }
    case 'number':
    case 'integer':
    case 'boolean':
    case 'null':
      return { type: type[0], ...description };
    case 'array':
      return {
        type: 'array',
        ...(source.items !== undefined ? { items: grammarSchemaOf(source.items, depth + 1) } : {}),
        ...description,
      };
    case 'object': {
      const properties =
        typeof source.properties === 'object' && source.properties !== null
          ? Object.entries(source.properties as Record<string, unknown>).slice(0, 100)
          : [];
      if (properties.length === 0) return { type: 'object', additionalProperties: true, ...description };
      const names = new Set(properties.map(([name]) => name));
      const required = Array.isArray(source.required)
        ? source.required.filter((name): name is string => typeof name === 'string' && names.has(name))
        : [];
      return {
        type: 'object',
        properties: Object.fromEntries(properties.map(([name, value]) => [name, grammarSchemaOf(value, depth + 1)])),
        required,
        ...description,
      };
    }
    default:
      return any;
  }
}

/** Turns node-llama-cpp's text callback into an async iterable (the router consumes every provider that way). */
class ChunkQueue implements AsyncIterable<string> {
  private readonly items: string[] = [];
  private finished = false;
  private failure: unknown = null;
  private wake: (() => void) | null = null;

  push(text: string): void {
    this.items.push(text);
    this.wake?.();
  }

  end(error?: unknown): void {
    this.finished = true;
    this.failure = error ?? null;
    this.wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<string> {
    for (;;) {
      const item = this.items.shift();
      if (item !== undefined) {
        yield item;
        continue;
      }
      if (this.finished) {
        if (this.failure) throw this.failure;
        return;
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
      this.wake = null;
    }
  }
}
