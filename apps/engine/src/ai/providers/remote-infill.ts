// Code completion from OpenAI-compatible servers, by the endpoint the provider names (fimEndpoint):
// `/completions` with `suffix` (OpenAI's legacy API, vLLM, Ollama, DeepSeek) or with a family's FIM template as the
// prompt; llama.cpp server's `/infill` (its prompt cache: cache_prompt, and it reports how much it reused); Mistral's
// `/fim/completions` (Codestral). The prompt is bounded by characters first (the server tokenizes). Plain fetch and
// a bounded SSE reader (a line longer than 1 MiB is refused).
import type { InfillTemplate, ProviderConfig } from '@pa/shared';
import { budgetOf, clipByChars, contextText, detectFamily, FIM_TEMPLATES, fimPrompt } from '../fim.js';
import type { InfillProviderChunk, InfillRequest } from './provider.js';

/** The window a remote completion's prompt is fitted to (tokens; most FIM models take far more). */
export const REMOTE_WINDOW_TOKENS = 8192;
/** Longest SSE line accepted: a server that never ends its line is cut off, not buffered without bound. */
const MAX_SSE_LINE = 1024 * 1024;

/** The root of a server from its OpenAI-style base URL (`http://host:8080/v1` → `http://host:8080`). */
export function serverRoot(baseURL: string): string {
  const trimmed = baseURL.replace(/\/+$/, '');
  return trimmed.endsWith('/v1') ? trimmed.slice(0, -3) : trimmed;
}

/** The `data:` payloads of a server-sent-events body, parsed as JSON; `[DONE]` ends it. */
async function* sseJson(response: Response, signal: AbortSignal): AsyncIterable<unknown> {
  if (!response.body) return;
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const onAbort = () => void reader.cancel().catch(() => undefined);
  signal.addEventListener('abort', onAbort, { once: true });
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let start = 0;
      let newline = buffer.indexOf('\n');
      while (newline >= 0) {
        const line = buffer.slice(start, newline).trim();
        start = newline + 1;
        if (line.startsWith('data:')) {
          const data = line.slice(5).trim();
          if (data === '[DONE]') return;
          if (data) yield JSON.parse(data) as unknown;
        }
        newline = buffer.indexOf('\n', start);
      }
      buffer = buffer.slice(start);
      if (buffer.length > MAX_SSE_LINE) throw new SyntaxError('an event line longer than 1 MiB');
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    reader.releaseLock();
  }
}

/** A non-2xx answer as an error with the status (classifyFailure reads only that, never the body). */
function httpError(response: Response): Error {
  return Object.assign(new Error(`HTTP ${response.status}`), { status: response.status, headers: response.headers });
}

async function post(url: string, apiKey: string | null, body: unknown, signal: AbortSignal): Promise<Response> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'text/event-stream',
      ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
    },
    body: JSON.stringify(body),
    signal,
  });
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    throw httpError(response);
  }
  return response;
}

const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

/** The infill stream of an OpenAI-compatible provider, for its fimEndpoint (not `chat`). */
export async function* openAiCompatibleInfill(
  config: ProviderConfig,
  apiKey: string | null,
  request: InfillRequest,
  signal: AbortSignal,
): AsyncIterable<InfillProviderChunk> {
  const fitted = clipByChars(
    request.prefix,
    request.suffix,
    request.context,
    budgetOf(REMOTE_WINDOW_TOKENS, request.maxTokens),
  );
  const endpoint = config.fimEndpoint ?? 'completions';
  const baseURL = config.baseURL ?? 'https://api.openai.com/v1';

  if (endpoint === 'llama-infill') {
    yield { stats: { template: 'llama-infill', promptTokens: null, evaluatedTokens: null, reusedTokens: null } };
    const response = await post(
      `${serverRoot(baseURL)}/infill`,
      apiKey,
      {
        input_prefix: fitted.prefix,
        input_suffix: fitted.suffix,
        input_extra: fitted.chunks.map((chunk) => ({ filename: chunk.path ?? '', text: chunk.text })),
        n_predict: request.maxTokens,
        temperature: request.temperature,
        stream: true,
        cache_prompt: true,
      },
      signal,
    );
    for await (const event of sseJson(response, signal)) {
      const data = event as {
        content?: unknown;
        stop?: unknown;
        stop_type?: unknown;
        timings?: { prompt_n?: unknown; cache_n?: unknown };
      };
      if (typeof data.content === 'string' && data.content) yield { text: data.content };
      if (data.timings) {
        const evaluated = num(data.timings.prompt_n);
        const reused = num(data.timings.cache_n);
        yield {
          stats: {
            template: 'llama-infill',
            promptTokens: evaluated !== null ? evaluated + (reused ?? 0) : null,
            evaluatedTokens: evaluated,
            reusedTokens: reused,
          },
        };
      }
      if (data.stop === true) {
        yield { finish: data.stop_type === 'limit' ? 'length' : 'eos' };
        return;
      }
    }
    return;
  }

  if (endpoint === 'mistral-fim') {
    yield { stats: { template: 'mistral-fim', promptTokens: null, evaluatedTokens: null, reusedTokens: null } };
    const prefix = contextText(fitted.chunks) + fitted.prefix;
    const response = await post(
      `${baseURL.replace(/\/+$/, '')}/fim/completions`,
      apiKey,
      {
        model: config.model,
        prompt: prefix,
        suffix: fitted.suffix,
        max_tokens: request.maxTokens,
        temperature: request.temperature,
        stream: true,
      },
      signal,
    );
    yield* chatStyleEvents(sseJson(response, signal), 'mistral-fim');
    return;
  }

  // `/completions`: with the family's template as the prompt when the provider names one, else with `suffix`.
  // Plain fetch, not the SDK: the SDK's first import alone could take the whole first-token deadline.
  // a named family, or one recognised from the model name (vLLM and others serve FIM models without `suffix`)
  const named = config.fimTemplate && config.fimTemplate in FIM_TEMPLATES ? config.fimTemplate : null;
  const detected = (config.fimTemplate ?? 'auto') === 'auto' ? detectFamily({ names: [config.model] }) : null;
  const chosen = (named ?? detected) as keyof typeof FIM_TEMPLATES | null;
  const family = chosen ? FIM_TEMPLATES[chosen] : null;
  const extra = contextText(fitted.chunks, family?.fileSeparator);
  const template: InfillTemplate = family ? family.family : 'suffix-param';
  yield { stats: { template, promptTokens: null, evaluatedTokens: null, reusedTokens: null } };
  const response = await post(
    `${baseURL.replace(/\/+$/, '')}/completions`,
    apiKey,
    {
      model: config.model,
      prompt: family ? `${extra}${fimPrompt(family, fitted.prefix, fitted.suffix)}` : `${extra}${fitted.prefix}`,
      ...(family ? {} : { suffix: fitted.suffix }),
      max_tokens: request.maxTokens,
      temperature: request.temperature,
      stream: true,
      stream_options: { include_usage: true },
    },
    signal,
  );
  for await (const event of sseJson(response, signal)) {
    const data = event as {
      choices?: Array<{ text?: unknown; finish_reason?: unknown }>;
      usage?: { prompt_tokens?: unknown };
    };
    const choice = data.choices?.[0];
    if (typeof choice?.text === 'string' && choice.text) yield { text: choice.text };
    const promptTokens = num(data.usage?.prompt_tokens);
    if (promptTokens !== null) yield { stats: { template, promptTokens, evaluatedTokens: null, reusedTokens: null } };
    if (typeof choice?.finish_reason === 'string') {
      yield { finish: choice.finish_reason === 'length' ? 'length' : 'eos' };
    }
  }
}

/** Chat-completion-shaped events (`choices[0].delta.content`, `finish_reason`, `usage`), as Mistral's FIM sends. */
async function* chatStyleEvents(
  events: AsyncIterable<unknown>,
  template: InfillTemplate,
): AsyncIterable<InfillProviderChunk> {
  for await (const event of events) {
    const data = event as {
      choices?: Array<{ delta?: { content?: unknown }; finish_reason?: unknown }>;
      usage?: { prompt_tokens?: unknown };
    };
    const choice = data.choices?.[0];
    const content = choice?.delta?.content;
    if (typeof content === 'string' && content) yield { text: content };
    const promptTokens = num(data.usage?.prompt_tokens);
    if (promptTokens !== null) yield { stats: { template, promptTokens, evaluatedTokens: null, reusedTokens: null } };
    if (typeof choice?.finish_reason === 'string')
      yield { finish: choice.finish_reason === 'length' ? 'length' : 'eos' };
  }
}
