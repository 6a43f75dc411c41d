// The engine as an OpenAI-compatible server: GET /v1/models and POST /v1/chat/completions (JSON or SSE) on the
// browser-mode HTTP server, behind a bearer token, backed by the router. Other tools can use the editor's models.
import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ChatTurn, ErrorCode, isErrorCode, PaError, type ProviderConfig, toWireError } from '@pa/shared';
import { z } from 'zod';
import type { HttpRoute } from '../server/http.js';
import type { AiService } from './api.js';
import type { FinishReason, ModelProvider, ToolCall, ToolRound, ToolSpec } from './providers/provider.js';

const MAX_BODY_BYTES = 16 * 1024 * 1024;
/** The model name that means "let the router choose". */
export const AUTO_MODEL = 'auto';

const WireToolCall = z.object({
  id: z.string().min(1).max(200),
  type: z.literal('function').optional(),
  function: z.object({ name: z.string().min(1).max(64), arguments: z.string().max(1_000_000) }),
});

const WireMessage = z.union([
  ChatTurn.extend({
    content: z.string().max(1_000_000).nullable().optional(),
    tool_calls: z.array(WireToolCall).max(128).optional(),
  }),
  z.object({
    role: z.literal('tool'),
    tool_call_id: z.string().min(1).max(200),
    content: z.string().max(1_000_000),
  }),
]);
type WireMessage = z.infer<typeof WireMessage>;

const WireTool = z.object({
  type: z.literal('function'),
  function: z.object({
    name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/),
    description: z.string().max(10_000).optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
  }),
});

const ChatCompletionRequest = z.object({
  model: z.string().min(1).max(128),
  messages: z.array(WireMessage).min(1).max(10_000),
  /** The caller's tools: offered to the model; its calls come back as tool_calls, never run here. */
  tools: z.array(WireTool).max(128).optional(),
  tool_choice: z
    .union([z.enum(['auto', 'none', 'required']), z.object({ type: z.literal('function') }).passthrough()])
    .optional(),
  stream: z.boolean().optional(),
  max_tokens: z.number().int().min(1).max(32_768).optional(),
  max_completion_tokens: z.number().int().min(1).max(32_768).optional(),
  temperature: z.number().min(0).max(2).optional(),
});

const STATUS: Partial<Record<ErrorCode, number>> = {
  E_BAD_REQUEST: 400,
  E_UNAUTHORIZED: 401,
  E_LICENSE: 403,
  E_NOT_FOUND: 404,
  E_TOO_LARGE: 413,
  E_QUOTA: 429,
  E_PROVIDER: 502,
  E_UNAVAILABLE: 503,
  E_TIMEOUT: 504,
};

export interface OpenAiServerDeps {
  service: AiService;
  providers: () => ProviderConfig[];
  token: () => Promise<string>;
}

export function openAiRoutes(deps: OpenAiServerDeps): HttpRoute[] {
  return [
    async (req, res) => {
      const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
      if (!path.startsWith('/v1/')) return false;
      try {
        await authorize(req, await deps.token());
        if (req.method === 'GET' && path === '/v1/models') {
          const models = [AUTO_MODEL, ...deps.providers().map((provider) => provider.id)];
          sendJson(res, 200, {
            object: 'list',
            data: models.map((id) => ({ id, object: 'model', created: 0, owned_by: 'powerautomation' })),
          });
        } else if (req.method === 'POST' && path === '/v1/chat/completions') {
          await chatCompletions(deps, req, res);
        } else {
          throw new PaError(
            ErrorCode.NOT_FOUND,
            `No route ${req.method} ${path}; use /v1/models or /v1/chat/completions.`,
          );
        }
      } catch (error) {
        sendError(req, res, error);
      }
      return true;
    },
  ];
}

async function authorize(req: IncomingMessage, token: string): Promise<void> {
  const header = req.headers.authorization ?? '';
  const given = Buffer.from(header.startsWith('Bearer ') ? header.slice(7) : '');
  const expected = Buffer.from(token);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new PaError(
      ErrorCode.UNAUTHORIZED,
      'Missing or wrong bearer token; copy it from Model settings in the editor.',
    );
  }
}

async function chatCompletions(deps: OpenAiServerDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const parsed = ChatCompletionRequest.safeParse(await readJson(req));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PaError(
      ErrorCode.BAD_REQUEST,
      `Invalid request at ${issue?.path.join('.') || '(body)'}: ${issue?.message}.`,
    );
  }
  const body = parsed.data;
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  const id = `chatcmpl-${randomUUID()}`;
  const created = Math.floor(Date.now() / 1000);
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  const conversation = toConversation(body.messages);
  const tools = body.tools && body.tools.length > 0 && body.tool_choice !== 'none' ? body.tools : null;
  // the model's tool calls this answer made (with tools: one round, handed back to the caller, who runs them)
  const calls: ToolCall[] = [];
  const request = {
    task: 'chat' as const,
    messages: conversation.messages,
    ...(body.model !== AUTO_MODEL ? { provider: body.model } : {}),
    ...(maxTokens !== undefined ? { maxTokens } : {}),
    ...(body.temperature !== undefined ? { temperature: body.temperature } : {}),
    actor: 'http',
    signal: controller.signal,
    ...(tools || conversation.rounds.length > 0
      ? { wrap: (provider: ModelProvider) => callerTools(provider, tools ?? [], conversation.rounds, calls) }
      : {}),
  };
  if (!body.stream) {
    const result = await deps.service.generate(request);
    sendJson(res, 200, {
      id,
      object: 'chat.completion',
      created,
      model: result.providerId,
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: result.text === '' && calls.length > 0 ? null : result.text,
            ...(calls.length > 0 ? { tool_calls: calls.map(wireCall) } : {}),
          },
          finish_reason: finishReasonOf(result.finishReason, calls),
          logprobs: null,
        },
      ],
      usage: {
        prompt_tokens: result.tokensIn,
        completion_tokens: result.tokensOut,
        total_tokens: result.tokensIn + result.tokensOut,
      },
    });
    return;
  }
  // Headers wait for the first token so an all-providers failure can still answer with a proper status.
  const chunk = (model: string, delta: Record<string, unknown>, finish: string | null) =>
    `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }] })}\n\n`;
  let model = body.model;
  const open = () => {
    if (res.headersSent) return;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.write(chunk(model, { role: 'assistant', content: '' }, null));
  };
  try {
    const result = await deps.service.generate({
      ...request,
      onToken: (text) => {
        open();
        res.write(chunk(model, { content: text }, null));
      },
    });
    model = result.providerId;
    open();
    if (calls.length > 0) {
      res.write(chunk(model, { tool_calls: calls.map((call, index) => ({ index, ...wireCall(call) })) }, null));
    }
    res.write(chunk(model, {}, finishReasonOf(result.finishReason, calls)));
    res.end('data: [DONE]\n\n');
  } catch (error) {
    if (!res.headersSent) throw error;
    res.end(`data: ${JSON.stringify({ error: openAiError(error) })}\n\n`);
  }
}

/**
 * The conversation as the router takes it: the turns up to the last user message, and the tool rounds after it
 * (assistant tool calls with their `tool` results). Tool calls earlier in the conversation are kept as text.
 */
export function toConversation(messages: readonly WireMessage[]): { messages: ChatTurn[]; rounds: ToolRound[] } {
  let lastUser = -1;
  messages.forEach((message, index) => {
    if (message.role === 'user') lastUser = index;
  });
  const results = new Map<string, string>();
  for (const message of messages) if (message.role === 'tool') results.set(message.tool_call_id, message.content);
  const turns: ChatTurn[] = [];
  const rounds: ToolRound[] = [];
  messages.forEach((message, index) => {
    if (message.role === 'tool') {
      if (index < lastUser)
        turns.push({ role: 'user', content: `Tool result (${message.tool_call_id}):\n${message.content}` });
      return;
    }
    const calls = 'tool_calls' in message ? (message.tool_calls ?? []) : [];
    if (index > lastUser && message.role === 'assistant' && calls.length > 0) {
      rounds.push({
        text: message.content ?? '',
        calls: calls.map((call) => ({
          id: call.id,
          name: call.function.name,
          arguments: call.function.arguments,
          result: results.get(call.id) ?? '',
          isError: false,
        })),
      });
      return;
    }
    const written = calls.map((call) => `Called ${call.function.name}(${call.function.arguments})`).join('\n');
    turns.push({ role: message.role, content: [message.content ?? '', written].filter(Boolean).join('\n') });
  });
  return { messages: turns, rounds };
}

/** The provider offered the caller's tools for one round; the calls it makes are collected, not run. */
function callerTools(
  provider: ModelProvider,
  tools: ReadonlyArray<z.infer<typeof WireTool>>,
  rounds: ToolRound[],
  calls: ToolCall[],
): ModelProvider {
  const specs: ToolSpec[] = tools.map((tool) => ({
    name: tool.function.name,
    description: tool.function.description ?? '',
    parameters: tool.function.parameters ?? { type: 'object', properties: {} },
  }));
  return {
    config: provider.config,
    supportsTools: provider.supportsTools === true,
    health: (signal) => provider.health(signal),
    async *stream(request, signal) {
      if (specs.length > 0 && !provider.supportsTools) {
        throw new PaError(
          ErrorCode.BAD_REQUEST,
          `${provider.config.id} does not take tool calls; pick a model that does.`,
        );
      }
      calls.length = 0;
      const offered = {
        ...request,
        ...(specs.length > 0 ? { tools: specs, toolChoice: 'auto' as const } : {}),
        toolRounds: rounds,
      };
      for await (const chunk of provider.stream(offered, signal)) {
        if ('toolCall' in chunk) calls.push(chunk.toolCall);
        yield chunk;
      }
    },
  };
}

/** OpenAI's finish_reason: the model's tool calls, `length` when the token limit cut the answer, else `stop`. */
function finishReasonOf(
  finish: FinishReason | undefined,
  calls: readonly ToolCall[],
): 'tool_calls' | 'length' | 'stop' {
  if (calls.length > 0) return 'tool_calls';
  return finish === 'length' ? 'length' : 'stop';
}

function wireCall(call: ToolCall) {
  return { id: call.id, type: 'function' as const, function: { name: call.name, arguments: call.arguments } };
}

/** Reads a JSON body of at most MAX_BODY_BYTES; a bigger one is refused with E_TOO_LARGE (413) unread. */
function readJson(req: IncomingMessage): Promise<unknown> {
  const tooLarge = () => new PaError(ErrorCode.TOO_LARGE, 'The request body is over 16 MiB; send less context.');
  if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        // stop keeping the body but leave the socket alone, so the 413 reaches the client; the rest is discarded
        req.off('data', onData);
        req.resume();
        chunks.length = 0;
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) return;
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        reject(new PaError(ErrorCode.BAD_REQUEST, 'The request body is not JSON.'));
      }
    });
    req.on('error', reject);
  });
}

function openAiError(error: unknown): { message: string; type: string; code: string } {
  const wire = toWireError(error);
  return {
    message: wire.message,
    type: wire.code === ErrorCode.BAD_REQUEST ? 'invalid_request_error' : 'api_error',
    code: wire.code,
  };
}

function sendError(req: IncomingMessage, res: ServerResponse, error: unknown): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const wire = toWireError(error);
  const status = isErrorCode(wire.code) ? (STATUS[wire.code] ?? 500) : 500;
  // an unread body is not worth draining on a kept-alive socket: close it once the answer is out
  const unread = !req.complete;
  sendJson(res, status, { error: openAiError(error) }, unread ? { connection: 'close' } : {});
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}
