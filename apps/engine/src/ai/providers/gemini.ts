// Gemini through `@google/genai`. Assistant turns are the "model" role; system turns become systemInstruction.
// Tools are offered as function declarations; the earlier rounds of an answer become functionCall /
// functionResponse parts.
import type { Content, GoogleGenAI } from '@google/genai';
import type { ProviderConfig } from '@pa/shared';
import {
  argumentsOf,
  type FinishReason,
  lazily,
  type ModelProvider,
  type ProviderChunk,
  type ProviderRequest,
  splitSystem,
  type ToolCall,
} from './provider.js';

export function createGeminiProvider(config: ProviderConfig, apiKey: string | null): ModelProvider {
  const sdk = lazily(() => import('@google/genai'));
  const client = lazily<GoogleGenAI>(async () => {
    const { GoogleGenAI } = await sdk();
    return new GoogleGenAI({
      apiKey: apiKey ?? 'none',
      ...(config.baseURL ? { httpOptions: { baseUrl: config.baseURL } } : {}),
    });
  });
  return {
    config,
    supportsTools: true,
    async *stream(request: ProviderRequest, signal: AbortSignal): AsyncIterable<ProviderChunk> {
      const { system, turns } = splitSystem(request.messages);
      const { FunctionCallingConfigMode } = await sdk();
      const stream = await (await client()).models.generateContentStream({
        model: config.model,
        contents: contentsOf(turns, request),
        config: {
          abortSignal: signal,
          ...(system ? { systemInstruction: system } : {}),
          ...(request.maxTokens !== undefined ? { maxOutputTokens: request.maxTokens } : {}),
          ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
          ...(request.tools?.length
            ? {
                tools: [
                  {
                    functionDeclarations: request.tools.map((tool) => ({
                      name: tool.name,
                      description: tool.description,
                      parametersJsonSchema: tool.parameters,
                    })),
                  },
                ],
                toolConfig: {
                  functionCallingConfig: {
                    mode:
                      request.toolChoice === 'none' ? FunctionCallingConfigMode.NONE : FunctionCallingConfigMode.AUTO,
                  },
                },
              }
            : {}),
        },
      });
      // Gemini sends each function call whole, in the chunk's parts; they are handed on when the stream ends.
      const calls: ToolCall[] = [];
      let finish: FinishReason | undefined;
      for await (const chunk of stream) {
        const reason = chunk.candidates?.[0]?.finishReason;
        if (reason) finish = reason === 'MAX_TOKENS' ? 'length' : 'stop';
        for (const part of chunk.candidates?.[0]?.content?.parts ?? []) {
          if (part.text && !part.thought) yield { text: part.text };
          if (part.functionCall?.name) {
            calls.push({
              id: part.functionCall.id ?? `call-${calls.length + 1}`,
              name: part.functionCall.name,
              arguments: JSON.stringify(part.functionCall.args ?? {}),
            });
          }
        }
        const usage = chunk.usageMetadata;
        if (usage?.candidatesTokenCount !== undefined) {
          yield { usage: { tokensIn: usage.promptTokenCount ?? 0, tokensOut: usage.candidatesTokenCount } };
        }
      }
      for (const call of calls) yield { toolCall: call };
      if (finish) yield { finish };
    },
    async health(signal) {
      await (await client()).models.list({ config: { pageSize: 1, abortSignal: signal } });
    },
  };
}

function contentsOf(turns: ReturnType<typeof splitSystem>['turns'], request: ProviderRequest): Content[] {
  const contents: Content[] = turns.map((turn) => ({
    role: turn.role === 'assistant' ? 'model' : 'user',
    parts: [{ text: turn.content }],
  }));
  for (const round of request.toolRounds ?? []) {
    contents.push({
      role: 'model',
      parts: [
        ...(round.text ? [{ text: round.text }] : []),
        ...round.calls.map((call) => ({ functionCall: { name: call.name, args: argumentsOf(call) ?? {} } })),
      ],
    });
    contents.push({
      role: 'user',
      parts: round.calls.map((call) => ({
        functionResponse: {
          name: call.name,
          response: call.isError ? { error: call.result } : { output: call.result },
        },
      })),
    });
  }
  return contents;
}
