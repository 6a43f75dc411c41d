// OpenAI-compatible chat completions through the official `openai` SDK with a baseURL: OpenAI, Kimi (Moonshot),
// Grok (xAI), vLLM, Ollama, LM Studio. The router owns retries and deadlines (SDK_CLIENT_OPTIONS).
// Tools are offered as functions; the earlier rounds of an answer become assistant `tool_calls` + `tool` messages.
// Code completion: remote-infill.ts.
import type { ProviderConfig } from '@pa/shared';
import type OpenAI from 'openai';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import {
  type FinishReason,
  lazily,
  type ModelProvider,
  type ProviderChunk,
  type ProviderRequest,
  SDK_CLIENT_OPTIONS,
  type ToolCall,
} from './provider.js';
import { openAiCompatibleInfill } from './remote-infill.js';

export function createOpenAiProvider(config: ProviderConfig, apiKey: string | null): ModelProvider {
  const client = lazily<OpenAI>(async () => {
    const { default: OpenAI } = await import('openai');
    return new OpenAI({
      apiKey: apiKey ?? 'none',
      baseURL: config.baseURL ?? 'https://api.openai.com/v1',
      ...SDK_CLIENT_OPTIONS,
    });
  });
  return {
    config,
    supportsTools: true,
    async *stream(request: ProviderRequest, signal: AbortSignal): AsyncIterable<ProviderChunk> {
      const stream = await (await client()).chat.completions.create(
        {
          model: config.model,
          messages: messagesOf(request),
          stream: true,
          stream_options: { include_usage: true },
          ...(request.maxTokens !== undefined ? { max_tokens: request.maxTokens } : {}),
          ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
          ...(request.tools?.length
            ? {
                tools: request.tools.map((tool) => ({
                  type: 'function' as const,
                  function: { name: tool.name, description: tool.description, parameters: tool.parameters },
                })),
                tool_choice: request.toolChoice ?? 'auto',
              }
            : {}),
        },
        { signal },
      );
      // Tool calls arrive in pieces keyed by index (id and name first, then the arguments' JSON text).
      const calls: ToolCall[] = [];
      let finish: FinishReason | undefined;
      for await (const chunk of stream) {
        const reason = chunk.choices[0]?.finish_reason;
        if (reason) finish = reason === 'length' ? 'length' : 'stop';
        const delta = chunk.choices[0]?.delta;
        if (delta?.content) yield { text: delta.content };
        for (const part of delta?.tool_calls ?? []) {
          calls[part.index] ??= { id: '', name: '', arguments: '' };
          const call = calls[part.index] as ToolCall;
          if (part.id) call.id = part.id;
          if (part.function?.name) call.name += part.function.name;
          if (part.function?.arguments) call.arguments += part.function.arguments;
        }
        if (chunk.usage) {
          yield { usage: { tokensIn: chunk.usage.prompt_tokens, tokensOut: chunk.usage.completion_tokens } };
        }
      }
      for (const call of calls) if (call) yield { toolCall: call };
      if (finish) yield { finish };
    },
    async health(signal) {
      await (await client()).models.list({ signal });
    },
    // code completion through the endpoint the provider names; `chat` leaves it to the hole-filling prompt
    ...(config.fimEndpoint === 'chat'
      ? {}
      : { infill: (request, signal) => openAiCompatibleInfill(config, apiKey, request, signal) }),
  };
}

function messagesOf(request: ProviderRequest): ChatCompletionMessageParam[] {
  const messages: ChatCompletionMessageParam[] = request.messages.map((turn) => ({ ...turn }));
  for (const round of request.toolRounds ?? []) {
    messages.push({
      role: 'assistant',
      content: round.text || null,
      tool_calls: round.calls.map((call) => ({
        id: call.id,
        type: 'function' as const,
        function: { name: call.name, arguments: call.arguments },
      })),
    });
    for (const call of round.calls) messages.push({ role: 'tool', tool_call_id: call.id, content: call.result });
  }
  return messages;
}
