// Gemini through `@google/genai`. Assistant turns are the "model" role; system turns become systemInstruction.
import { GoogleGenAI } from '@google/genai';
import type { ProviderConfig } from '@pa/shared';
import { type ModelProvider, type ProviderChunk, type ProviderRequest, splitSystem } from './provider.js';

export function createGeminiProvider(config: ProviderConfig, apiKey: string | null): ModelProvider {
  const client = new GoogleGenAI({
    apiKey: apiKey ?? 'none',
    ...(config.baseURL ? { httpOptions: { baseUrl: config.baseURL } } : {}),
  });
  return {
    config,
    async *stream(request: ProviderRequest, signal: AbortSignal): AsyncIterable<ProviderChunk> {
      const { system, turns } = splitSystem(request.messages);
      const stream = await client.models.generateContentStream({
        model: config.model,
        contents: turns.map((turn) => ({
          role: turn.role === 'assistant' ? 'model' : 'user',
          parts: [{ text: turn.content }],
        })),
        config: {
          abortSignal: signal,
          ...(system ? { systemInstruction: system } : {}),
          ...(request.maxTokens !== undefined ? { maxOutputTokens: request.maxTokens } : {}),
          ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
        },
      });
      for await (const chunk of stream) {
        const text = chunk.text;
        if (text) yield { text };
        const usage = chunk.usageMetadata;
        if (usage?.candidatesTokenCount !== undefined) {
          yield { usage: { tokensIn: usage.promptTokenCount ?? 0, tokensOut: usage.candidatesTokenCount } };
        }
      }
    },
    async health(signal) {
      await client.models.list({ config: { pageSize: 1, abortSignal: signal } });
    },
  };
}
