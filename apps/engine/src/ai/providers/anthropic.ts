// Claude through `@anthropic-ai/sdk`, including enterprise base URLs. System turns become the `system` field.
import Anthropic from '@anthropic-ai/sdk';
import type { ProviderConfig } from '@pa/shared';
import type { ModelProvider, ProviderChunk, ProviderRequest } from './provider.js';

const DEFAULT_MAX_TOKENS = 4096;

export function createAnthropicProvider(config: ProviderConfig, apiKey: string | null): ModelProvider {
  const client = new Anthropic({
    apiKey: apiKey ?? 'none',
    ...(config.baseURL ? { baseURL: config.baseURL } : {}),
    maxRetries: 0,
    timeout: 10 * 60_000,
  });
  return {
    config,
    async *stream(request: ProviderRequest, signal: AbortSignal): AsyncIterable<ProviderChunk> {
      const system = request.messages
        .filter((turn) => turn.role === 'system')
        .map((turn) => turn.content)
        .join('\n\n');
      const stream = await client.messages.create(
        {
          model: config.model,
          max_tokens: request.maxTokens ?? DEFAULT_MAX_TOKENS,
          messages: request.messages
            .filter((turn) => turn.role !== 'system')
            .map((turn) => ({ role: turn.role as 'user' | 'assistant', content: turn.content })),
          stream: true,
          ...(system ? { system } : {}),
          ...(request.temperature !== undefined ? { temperature: Math.min(1, request.temperature) } : {}),
        },
        { signal },
      );
      let tokensIn = 0;
      for await (const event of stream) {
        if (event.type === 'message_start') tokensIn = event.message.usage.input_tokens;
        else if (event.type === 'content_block_delta' && event.delta.type === 'text_delta')
          yield { text: event.delta.text };
        else if (event.type === 'message_delta') yield { usage: { tokensIn, tokensOut: event.usage.output_tokens } };
      }
    },
    async health(signal) {
      await client.models.list({ limit: 1 }, { signal });
    },
  };
}
