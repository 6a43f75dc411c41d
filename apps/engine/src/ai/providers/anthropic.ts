// Claude through `@anthropic-ai/sdk`, including enterprise base URLs. System turns become the `system` field.
// Tools are offered as Anthropic tools; the earlier rounds of an answer become `tool_use` / `tool_result` blocks.
import type Anthropic from '@anthropic-ai/sdk';
import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import type { ProviderConfig } from '@pa/shared';
import {
  argumentsOf,
  type FinishReason,
  lazily,
  type ModelProvider,
  type ProviderChunk,
  type ProviderRequest,
  SDK_CLIENT_OPTIONS,
  splitSystem,
  type ToolCall,
} from './provider.js';

const DEFAULT_MAX_TOKENS = 4096;

export function createAnthropicProvider(config: ProviderConfig, apiKey: string | null): ModelProvider {
  const client = lazily<Anthropic>(async () => {
    const { default: Anthropic } = await import('@anthropic-ai/sdk');
    return new Anthropic({
      apiKey: apiKey ?? 'none',
      ...(config.baseURL ? { baseURL: config.baseURL } : {}),
      ...SDK_CLIENT_OPTIONS,
    });
  });
  return {
    config,
    supportsTools: true,
    async *stream(request: ProviderRequest, signal: AbortSignal): AsyncIterable<ProviderChunk> {
      const { system, turns } = splitSystem(request.messages);
      const stream = await (await client()).messages.create(
        {
          model: config.model,
          max_tokens: request.maxTokens ?? DEFAULT_MAX_TOKENS,
          messages: messagesOf(turns, request),
          stream: true,
          ...(system ? { system } : {}),
          ...(request.temperature !== undefined ? { temperature: Math.min(1, request.temperature) } : {}),
          ...(request.tools?.length
            ? {
                tools: request.tools.map((tool) => ({
                  name: tool.name,
                  description: tool.description,
                  input_schema: tool.parameters as Anthropic.Tool.InputSchema,
                })),
                tool_choice: { type: request.toolChoice ?? 'auto' },
              }
            : {}),
        },
        { signal },
      );
      let tokensIn = 0;
      // A tool_use block opens with its id and name; its input arrives as JSON text in input_json_delta pieces.
      const calls: ToolCall[] = [];
      const open = new Map<number, ToolCall>();
      let finish: FinishReason | undefined;
      for await (const event of stream) {
        if (event.type === 'message_start') tokensIn = event.message.usage.input_tokens;
        else if (event.type === 'content_block_start' && event.content_block.type === 'tool_use') {
          const call = { id: event.content_block.id, name: event.content_block.name, arguments: '' };
          open.set(event.index, call);
          calls.push(call);
        } else if (event.type === 'content_block_delta') {
          if (event.delta.type === 'text_delta') yield { text: event.delta.text };
          else if (event.delta.type === 'input_json_delta') {
            const call = open.get(event.index);
            if (call) call.arguments += event.delta.partial_json;
          }
        } else if (event.type === 'message_delta') {
          if (event.delta.stop_reason) finish = event.delta.stop_reason === 'max_tokens' ? 'length' : 'stop';
          yield { usage: { tokensIn, tokensOut: event.usage.output_tokens } };
        }
      }
      for (const call of calls) yield { toolCall: call };
      if (finish) yield { finish };
    },
    async health(signal) {
      await (await client()).models.list({ limit: 1 }, { signal });
    },
  };
}

function messagesOf(turns: ReturnType<typeof splitSystem>['turns'], request: ProviderRequest): MessageParam[] {
  const messages: MessageParam[] = turns.map((turn) => ({ role: turn.role, content: turn.content }));
  for (const round of request.toolRounds ?? []) {
    messages.push({
      role: 'assistant',
      content: [
        ...(round.text ? [{ type: 'text' as const, text: round.text }] : []),
        ...round.calls.map((call) => ({
          type: 'tool_use' as const,
          id: call.id,
          name: call.name,
          // an unparsable one was answered to the model as an error; it still needs an object here
          input: argumentsOf(call) ?? {},
        })),
      ],
    });
    messages.push({
      role: 'user',
      content: round.calls.map((call) => ({
        type: 'tool_result' as const,
        tool_use_id: call.id,
        content: call.result,
        ...(call.isError ? { is_error: true } : {}),
      })),
    });
  }
  return messages;
}
