// Loopback HTTP servers that speak the real wire formats of remote model providers — OpenAI chat completions
// (JSON and SSE), Anthropic messages (JSON and SSE) and Gemini generateContent / streamGenerateContent (JSON and
// SSE) — scriptable per request with faults. Tests, e2e and
// benchmarks point real SDK clients (and the engine) at them; nothing of ours is faked.
//
// Usage:
//   const openai = await startLoopbackOpenAI([{ kind: 'status', status: 500 }, { kind: 'ok', text: 'Hi there' }]);
//   // openai.baseURL === 'http://127.0.0.1:PORT/v1' → give it to the `openai` SDK or `ai.providers.add`
//   ...; openai.requests.length; await openai.close();
//
// A script is one step (every request), an array (one step per request, in order; the last one repeats), or a
// function of the request and its 0-based index. `setScript` swaps it at any time.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type LoopbackStep =
  /**
   * A normal answer: `text` is split into word tokens (or give `tokens`); waits `delayMs` before the first one.
   * `finish: 'length'` ends it as the max-tokens limit does (OpenAI `length`, Anthropic `max_tokens`, Gemini
   * `MAX_TOKENS`); `promptTokens` is the prompt's size the usage reports (default 1).
   */
  | {
      kind: 'ok';
      text?: string;
      tokens?: string[];
      delayMs?: number;
      gapMs?: number;
      finish?: 'stop' | 'length';
      promptTokens?: number;
    }
  /** An HTTP error with the provider's JSON error body; 429 may carry Retry-After (seconds). */
  | { kind: 'status'; status: number; retryAfterS?: number; message?: string }
  /** The TCP connection is destroyed before any response byte. */
  | { kind: 'reset' }
  /** 200 and SSE headers are sent, then nothing ever again (the classic gateway bug). */
  | { kind: 'silent' }
  /** `afterTokens` tokens are streamed, then the stream goes silent forever. */
  | { kind: 'stall'; tokens?: string[]; afterTokens: number }
  /** `afterTokens` tokens, then an SSE data line that is not JSON, then the stream ends. */
  | { kind: 'malformed'; tokens?: string[]; afterTokens?: number }
  /** The model calls tools (after saying `text`, if given) and stops for their results. */
  | { kind: 'tool-calls'; calls: Array<{ name: string; arguments: Record<string, unknown> }>; text?: string };

export interface LoopbackRequest {
  path: string;
  method: string;
  headers: IncomingMessage['headers'];
  /** The parsed JSON body (chat/messages requests). */
  body: Record<string, unknown>;
  /** performance.now() when the request arrived. */
  at: number;
  /** performance.now() when the connection of this request closed (client abort, reset or end), else null. */
  closedAt: number | null;
}

export type LoopbackScript =
  | LoopbackStep
  | LoopbackStep[]
  | ((request: LoopbackRequest, index: number) => LoopbackStep);

export interface LoopbackProvider {
  /**
   * For the SDK / the engine's provider settings: `http://127.0.0.1:PORT/v1` (OpenAI), or `http://127.0.0.1:PORT`
   * (Anthropic; Gemini's `httpOptions.baseUrl`, the SDK adds `/v1beta`).
   */
  readonly baseURL: string;
  readonly port: number;
  /** Every generation request received (chat completions, messages or generateContent), in order. */
  readonly requests: LoopbackRequest[];
  /** How many model-list calls arrived (`GET /v1/models`, or `GET /v1beta/models` for Gemini: health checks). */
  readonly modelListCalls: number;
  setScript(script: LoopbackScript): void;
  close(): Promise<void>;
}

const DEFAULT_STEP: LoopbackStep = { kind: 'ok', text: 'Hello from loopback' };

/** An OpenAI-compatible server: POST /v1/chat/completions (stream or not), GET /v1/models. */
export function startLoopbackOpenAI(script: LoopbackScript = DEFAULT_STEP): Promise<LoopbackProvider> {
  return startLoopback(script, '/v1', openAiWire);
}

/** An Anthropic server: POST /v1/messages (stream or not), GET /v1/models. */
export function startLoopbackAnthropic(script: LoopbackScript = DEFAULT_STEP): Promise<LoopbackProvider> {
  return startLoopback(script, '', anthropicWire);
}

/**
 * A Gemini API server as `@google/genai` calls it: POST /v1beta/models/{model}:generateContent and
 * :streamGenerateContent?alt=sse, GET /v1beta/models; the key arrives in `x-goog-api-key`.
 */
export function startLoopbackGemini(script: LoopbackScript = DEFAULT_STEP): Promise<LoopbackProvider> {
  return startLoopback(script, '', geminiWire);
}

interface Wire {
  modelsPath: string;
  /** Whether `pathname` is a generation request; the model and streaming come from the path when it says them. */
  generation(pathname: string): { model?: string; stream?: boolean } | null;
  errorBody(status: number, message: string): unknown;
  modelList(): unknown;
  /** Whole JSON answer for a non-streaming request. */
  complete(model: string, text: string, tokens: number, end?: End): unknown;
  /** SSE frames: before the first token, per token, and at the end. */
  open(model: string, end?: End): string[];
  token(model: string, text: string): string;
  close(model: string, tokens: number, end?: End): string[];
  malformed: string;
  /** A tool-calling answer, whole and as SSE frames; absent where the loopback does not script tool calls. */
  toolCalls?(
    model: string,
    step: Extract<LoopbackStep, { kind: 'tool-calls' }>,
  ): { complete: unknown; frames: string[] };
}

/** How an answer ends: the finish reason and the prompt's size in the usage. */
interface End {
  finish?: 'stop' | 'length' | undefined;
  promptTokens?: number | undefined;
}

function tokensOf(step: { text?: string; tokens?: string[] }): string[] {
  if (step.tokens) return step.tokens;
  const text = step.text ?? 'Hello from loopback';
  return text.match(/\s*\S+/g) ?? [text];
}

function startLoopback(initial: LoopbackScript, prefix: string, wire: Wire): Promise<LoopbackProvider> {
  let script = initial;
  const requests: LoopbackRequest[] = [];
  let modelListCalls = 0;
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const stepFor = (request: LoopbackRequest, index: number): LoopbackStep => {
    if (typeof script === 'function') return script(request, index);
    if (Array.isArray(script)) return script[Math.min(index, script.length - 1)] ?? DEFAULT_STEP;
    return script;
  };
  const later = (ms: number, run: () => void) => {
    if (ms <= 0) return run();
    const timer = setTimeout(() => {
      timers.delete(timer);
      run();
    }, ms);
    timers.add(timer);
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (req.method === 'GET' && url.pathname === wire.modelsPath) {
        modelListCalls += 1;
        json(res, 200, wire.modelList());
        return;
      }
      const generation = req.method === 'POST' ? wire.generation(url.pathname) : null;
      if (!generation) {
        json(res, 404, wire.errorBody(404, `No route ${req.method} ${url.pathname}`));
        return;
      }
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      } catch {
        json(res, 400, wire.errorBody(400, 'The body is not JSON.'));
        return;
      }
      const request: LoopbackRequest = {
        path: url.pathname,
        method: 'POST',
        headers: req.headers,
        body,
        at: performance.now(),
        closedAt: null,
      };
      res.once('close', () => {
        request.closedAt = performance.now();
      });
      const index = requests.length;
      requests.push(request);
      const model = generation.model ?? (typeof body.model === 'string' ? body.model : 'loopback-model');
      answer(res, req.socket, model, generation.stream ?? body.stream === true, stepFor(request, index));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  function answer(res: ServerResponse, socket: Socket, model: string, stream: boolean, step: LoopbackStep): void {
    switch (step.kind) {
      case 'status': {
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (step.retryAfterS !== undefined) headers['retry-after'] = String(step.retryAfterS);
        res.writeHead(step.status, headers).end(JSON.stringify(wire.errorBody(step.status, step.message ?? 'fault')));
        return;
      }
      case 'reset':
        socket.destroy();
        return;
      case 'silent':
        sseHead(res);
        return;
      case 'ok': {
        const tokens = tokensOf(step);
        const end: End = { finish: step.finish, promptTokens: step.promptTokens };
        later(step.delayMs ?? 0, () => {
          if (!stream) {
            json(res, 200, wire.complete(model, tokens.join(''), tokens.length, end));
            return;
          }
          sseHead(res);
          for (const frame of wire.open(model, end)) res.write(frame);
          const gap = step.gapMs ?? 0;
          const send = (i: number) => {
            if (res.destroyed) return;
            if (i >= tokens.length) {
              for (const frame of wire.close(model, tokens.length, end)) res.write(frame);
              res.end();
              return;
            }
            res.write(wire.token(model, tokens[i] as string));
            if (gap > 0) later(gap, () => send(i + 1));
            else send(i + 1);
          };
          send(0);
        });
        return;
      }
      case 'tool-calls': {
        if (!wire.toolCalls) {
          json(res, 400, wire.errorBody(400, 'This loopback does not script tool calls.'));
          return;
        }
        const answer = wire.toolCalls(model, step);
        if (!stream) {
          json(res, 200, answer.complete);
          return;
        }
        sseHead(res);
        for (const frame of answer.frames) res.write(frame);
        res.end();
        return;
      }
      case 'stall':
      case 'malformed': {
        const tokens = tokensOf(step);
        const count = step.afterTokens ?? 0;
        if (!stream) {
          // A non-streaming stall never answers; a malformed one sends a broken JSON body.
          if (step.kind === 'stall') return;
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"id": broken');
          return;
        }
        sseHead(res);
        for (const frame of wire.open(model)) res.write(frame);
        for (const token of tokens.slice(0, count)) res.write(wire.token(model, token));
        if (step.kind === 'malformed') {
          res.write(wire.malformed);
          res.end();
        }
        return;
      }
    }
  }

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as AddressInfo).port;
      resolve({
        baseURL: `http://127.0.0.1:${port}${prefix}`,
        port,
        requests,
        get modelListCalls() {
          return modelListCalls;
        },
        setScript(next) {
          script = next;
        },
        close() {
          for (const timer of timers) clearTimeout(timer);
          for (const socket of sockets) socket.destroy();
          return new Promise<void>((done) => server.close(() => done()));
        },
      });
    });
  });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function sseHead(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  res.flushHeaders();
}

let nextId = 1;

const openAiWire: Wire = {
  modelsPath: '/v1/models',
  generation: (pathname) => (pathname === '/v1/chat/completions' ? {} : null),
  errorBody: (status, message) => ({
    error: { message, type: status === 401 ? 'invalid_request_error' : 'server_error', code: String(status) },
  }),
  modelList: () => ({
    object: 'list',
    data: [{ id: 'loopback-model', object: 'model', created: 0, owned_by: 'loopback' }],
  }),
  complete: (model, text, tokens, end) => ({
    id: `chatcmpl-${nextId++}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      { index: 0, message: { role: 'assistant', content: text }, finish_reason: end?.finish ?? 'stop', logprobs: null },
    ],
    usage: {
      prompt_tokens: end?.promptTokens ?? 1,
      completion_tokens: tokens,
      total_tokens: tokens + (end?.promptTokens ?? 1),
    },
  }),
  open: (model) => [sse(openAiChunk(model, { role: 'assistant', content: '' }, null))],
  token: (model, text) => sse(openAiChunk(model, { content: text }, null)),
  close: (model, tokens, end) => [
    sse(openAiChunk(model, {}, end?.finish ?? 'stop')),
    ...(end?.promptTokens !== undefined
      ? [
          sse({
            ...(openAiChunk(model, {}, null) as Record<string, unknown>),
            choices: [],
            usage: {
              prompt_tokens: end.promptTokens,
              completion_tokens: tokens,
              total_tokens: end.promptTokens + tokens,
            },
          }),
        ]
      : []),
    'data: [DONE]\n\n',
  ],
  malformed: 'data: {"id": "chatcmpl-broken", "choices": [\n\n',
  toolCalls: (model, step) => {
    const calls = step.calls.map((call) => ({
      id: `call_${nextId++}`,
      type: 'function',
      function: { name: call.name, arguments: JSON.stringify(call.arguments) },
    }));
    const frames = [sse(openAiChunk(model, { role: 'assistant', content: step.text ?? null }, null))];
    calls.forEach((call, index) => {
      // As OpenAI streams them: id and name first, then the arguments' JSON text in a later chunk.
      frames.push(
        sse(
          openAiChunk(
            model,
            { tool_calls: [{ index, ...call, function: { name: call.function.name, arguments: '' } }] },
            null,
          ),
        ),
        sse(openAiChunk(model, { tool_calls: [{ index, function: { arguments: call.function.arguments } }] }, null)),
      );
    });
    frames.push(sse(openAiChunk(model, {}, 'tool_calls')), 'data: [DONE]\n\n');
    return {
      frames,
      complete: {
        id: `chatcmpl-${nextId++}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: step.text ?? null, tool_calls: calls },
            finish_reason: 'tool_calls',
            logprobs: null,
          },
        ],
        usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
      },
    };
  },
};

function openAiChunk(model: string, delta: Record<string, unknown>, finish: string | null): unknown {
  return {
    id: 'chatcmpl-loopback',
    object: 'chat.completion.chunk',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
  };
}

const anthropicWire: Wire = {
  modelsPath: '/v1/models',
  generation: (pathname) => (pathname === '/v1/messages' ? {} : null),
  errorBody: (status, message) => ({
    type: 'error',
    error: {
      type:
        status === 401
          ? 'authentication_error'
          : status === 429
            ? 'rate_limit_error'
            : status === 400
              ? 'invalid_request_error'
              : 'api_error',
      message,
    },
  }),
  modelList: () => ({
    data: [{ type: 'model', id: 'loopback-claude', display_name: 'Loopback', created_at: '2026-01-01T00:00:00Z' }],
    has_more: false,
    first_id: 'loopback-claude',
    last_id: 'loopback-claude',
  }),
  complete: (model, text, tokens, end) => ({
    id: `msg_${nextId++}`,
    type: 'message',
    role: 'assistant',
    model,
    content: [{ type: 'text', text }],
    stop_reason: end?.finish === 'length' ? 'max_tokens' : 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: end?.promptTokens ?? 1, output_tokens: tokens },
  }),
  open: (model, end) => [
    sse(
      {
        type: 'message_start',
        message: {
          id: `msg_${nextId++}`,
          type: 'message',
          role: 'assistant',
          model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: end?.promptTokens ?? 1, output_tokens: 0 },
        },
      },
      'message_start',
    ),
    sse({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }, 'content_block_start'),
    sse({ type: 'ping' }, 'ping'),
  ],
  token: (_model, text) =>
    sse({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } }, 'content_block_delta'),
  close: (_model, tokens, end) => [
    sse({ type: 'content_block_stop', index: 0 }, 'content_block_stop'),
    sse(
      {
        type: 'message_delta',
        delta: { stop_reason: end?.finish === 'length' ? 'max_tokens' : 'end_turn', stop_sequence: null },
        usage: { output_tokens: tokens },
      },
      'message_delta',
    ),
    sse({ type: 'message_stop' }, 'message_stop'),
  ],
  malformed: 'event: content_block_delta\ndata: {"type": "content_block_delta", "delta": \n\n',
  toolCalls: (model, step) => {
    const blocks: Array<Record<string, unknown>> = [
      ...(step.text ? [{ type: 'text', text: step.text }] : []),
      ...step.calls.map((call) => ({
        type: 'tool_use',
        id: `toolu_${nextId++}`,
        name: call.name,
        input: call.arguments,
      })),
    ];
    const frames = (anthropicWire.open(model) as string[]).slice(0, 1);
    blocks.forEach((block, index) => {
      // As Anthropic streams them: a tool_use block opens empty, its input follows as input_json_delta pieces.
      const { input, text, ...head } = block;
      frames.push(
        sse(
          {
            type: 'content_block_start',
            index,
            content_block: block.type === 'text' ? { type: 'text', text: '' } : { ...head, input: {} },
          },
          'content_block_start',
        ),
        sse(
          {
            type: 'content_block_delta',
            index,
            delta:
              block.type === 'text'
                ? { type: 'text_delta', text }
                : { type: 'input_json_delta', partial_json: JSON.stringify(input) },
          },
          'content_block_delta',
        ),
        sse({ type: 'content_block_stop', index }, 'content_block_stop'),
      );
    });
    frames.push(
      sse(
        { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 1 } },
        'message_delta',
      ),
      sse({ type: 'message_stop' }, 'message_stop'),
    );
    return {
      frames,
      complete: {
        id: `msg_${nextId++}`,
        type: 'message',
        role: 'assistant',
        model,
        content: blocks,
        stop_reason: 'tool_use',
        stop_sequence: null,
        usage: { input_tokens: 1, output_tokens: 1 },
      },
    };
  },
};

const GEMINI_STATUS: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  503: 'UNAVAILABLE',
};

const geminiWire: Wire = {
  modelsPath: '/v1beta/models',
  generation: (pathname) => {
    const match = /^\/v1beta\/models\/([^/:]+):(generateContent|streamGenerateContent)$/.exec(pathname);
    return match ? { model: match[1] as string, stream: match[2] === 'streamGenerateContent' } : null;
  },
  errorBody: (status, message) => ({ error: { code: status, message, status: GEMINI_STATUS[status] ?? 'INTERNAL' } }),
  modelList: () => ({
    models: [
      {
        name: 'models/loopback-gemini',
        displayName: 'Loopback Gemini',
        supportedGenerationMethods: ['generateContent', 'countTokens'],
      },
    ],
  }),
  complete: (model, text, tokens, end) =>
    geminiChunk(model, text, end?.finish === 'length' ? 'MAX_TOKENS' : 'STOP', tokens, end?.promptTokens),
  open: () => [],
  token: (model, text) => sse(geminiChunk(model, text)),
  close: (model, tokens, end) => [
    sse(geminiChunk(model, '', end?.finish === 'length' ? 'MAX_TOKENS' : 'STOP', tokens, end?.promptTokens)),
  ],
  malformed: 'data: {"candidates": [{"content": \n\n',
  toolCalls: (model, step) => {
    // Gemini sends function calls whole, as parts of one candidate.
    const answer = {
      candidates: [
        {
          content: {
            role: 'model',
            parts: [
              ...(step.text ? [{ text: step.text }] : []),
              ...step.calls.map((call) => ({ functionCall: { name: call.name, args: call.arguments } })),
            ],
          },
          finishReason: 'STOP',
          index: 0,
        },
      ],
      usageMetadata: { promptTokenCount: 1, candidatesTokenCount: 1, totalTokenCount: 2 },
      modelVersion: model,
      responseId: `loopback-${nextId++}`,
    };
    return { complete: answer, frames: [sse(answer)] };
  },
};

/** One GenerateContentResponse; usage carries the answer's token count only on the last chunk, as Gemini does. */
function geminiChunk(model: string, text: string, finishReason?: string, tokens?: number, promptTokens = 1): unknown {
  return {
    candidates: [
      {
        content: { role: 'model', parts: text ? [{ text }] : [] },
        index: 0,
        ...(finishReason ? { finishReason } : {}),
      },
    ],
    usageMetadata: {
      promptTokenCount: promptTokens,
      ...(tokens !== undefined ? { candidatesTokenCount: tokens } : {}),
      totalTokenCount: promptTokens + (tokens ?? 0),
    },
    modelVersion: model,
    responseId: `loopback-${nextId++}`,
  };
}

function sse(data: unknown, event?: string): string {
  return `${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(data)}\n\n`;
}
