// Builds the provider for a config's kind. The API key is read from the secrets store by the caller.
import type { ProviderConfig } from '@pa/shared';
import { createAnthropicProvider } from './anthropic.js';
import { createGeminiProvider } from './gemini.js';
import { createLocalProvider } from './local.js';
import { createOpenAiProvider } from './openai.js';
import type { ModelProvider } from './provider.js';

export type { ModelProvider, ProviderChunk, ProviderRequest } from './provider.js';
export { classifyFailure, ProviderFailure } from './provider.js';

export function createProvider(config: ProviderConfig, apiKey: string | null): ModelProvider {
  switch (config.kind) {
    case 'local':
      return createLocalProvider(config);
    case 'openai-compatible':
      return createOpenAiProvider(config, apiKey);
    case 'anthropic':
      return createAnthropicProvider(config, apiKey);
    case 'gemini':
      return createGeminiProvider(config, apiKey);
  }
}
