// OpenAI-compatible chat completions through the official `openai` SDK with a baseURL: OpenAI, Kimi (Moonshot),
// Grok (xAI), vLLM, Ollama, LM Studio. The router owns retries and deadlines, so the SDK's are turned off.
import type { ProviderConfig } from '@pa/shared';
import OpenAI from 'openai';
import type { ModelProvider, ProviderChunk, ProviderRequest } from './provider.js';

export function createOpenAiProvider(config: ProviderConfig, apiKey: string | null): ModelProvider {
  const client = new OpenAI({
    apiKey: apiKey ?? 'none',
    baseURL: config.baseURL ?? 'https://api.openai.com/v1',
    maxRetries: 0,
    timeout: 10 * 60_000,
  });
  return {
    config,
    async *stream(request: ProviderRequest, signal: AbortSignal): AsyncIterable<ProviderChunk> {
      const stream = await client.chat.completions.create(
        {
          model: config.model,
          messages: request.messages,
          stream: true,
          stream_options: { include_usage: true },
          ...(request.maxTokens !== undefined ? { max_tokens: request.maxTokens } : {}),
          ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
        },
        { signal },
      );
      for await (const chunk of stream) {
        const text = chunk.choices[0]?.delta?.content;
        if (text) yield { text };
        if (chunk.usage) {
          yield { usage: { tokensIn: chunk.usage.prompt_tokens, tokensOut: chunk.usage.completion_tokens } };
        }
      }
    },
    async health(signal) {
      await client.models.list({ signal });
    },
  };
}
