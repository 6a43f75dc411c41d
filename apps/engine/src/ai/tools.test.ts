import type { ProviderConfig } from '@pa/shared';
import { describe, expect, it } from 'vitest';
import type { AiTool, ToolProvider } from './api.js';
import type { ModelProvider, ProviderChunk, ProviderRequest } from './providers/provider.js';
import { MAX_TOOL_ROUNDS, toolboxOf, withTools } from './tools.js';

const readFile: AiTool = {
  server: 'my files',
  name: 'read.file',
  description: 'Reads a file.',
  inputSchema: { type: 'object', properties: { path: { type: 'string' } } },
};

/** A scripted model: each round answers with the chunks `answer` gives for the request it got. */
function model(answer: (request: ProviderRequest) => ProviderChunk[]): ModelProvider & { requests: ProviderRequest[] } {
  const requests: ProviderRequest[] = [];
  return {
    requests,
    config: { id: 'm' } as ProviderConfig,
    supportsTools: true,
    health: async () => {},
    async *stream(request) {
      requests.push(structuredClone(request));
      yield* answer(request);
    },
  };
}

const toolServer = (answer: (args: Record<string, unknown>) => string): ToolProvider & { calls: unknown[] } => {
  const calls: unknown[] = [];
  return {
    calls,
    tools: async () => [readFile],
    call: async (server, tool, args) => {
      calls.push({ server, tool, args });
      return { text: answer(args), isError: false };
    },
  };
};

async function drain(stream: AsyncIterable<ProviderChunk>): Promise<ProviderChunk[]> {
  const chunks: ProviderChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

const ask: ProviderRequest = { messages: [{ role: 'user', content: 'read it' }] };
const signal = new AbortController().signal;

describe('toolboxOf', () => {
  it('names tools server__tool within the wire formats’ character set, unique, with an object schema', () => {
    const box = toolboxOf([readFile, { ...readFile, server: 'my:files' }, { ...readFile, inputSchema: undefined }]);
    expect(box.specs.map((spec) => spec.name)).toEqual([
      'my_files__read_file',
      'my_files__read_file_2',
      'my_files__read_file_3',
    ]);
    expect(box.byName.get('my_files__read_file_2')?.server).toBe('my:files');
    expect(box.specs[2]?.parameters).toEqual({ type: 'object', properties: {} });
  });
});

describe('withTools', () => {
  it('runs the called tool, gives its result to the next round and sums the rounds’ usage', async () => {
    const provider = model((request) =>
      request.toolRounds?.length
        ? [{ text: 'done' }, { usage: { tokensIn: 5, tokensOut: 1 } }]
        : [
            { toolCall: { id: 'c1', name: 'my_files__read_file', arguments: '{"path":"a.txt"}' } },
            { usage: { tokensIn: 3, tokensOut: 2 } },
          ],
    );
    const tools = toolServer((args) => `content of ${String(args.path)}`);
    const chunks = await drain(withTools(provider, toolboxOf([readFile]), tools).stream(ask, signal));
    expect(tools.calls).toEqual([{ server: 'my files', tool: 'read.file', args: { path: 'a.txt' } }]);
    expect(provider.requests[1]?.toolRounds).toEqual([
      {
        text: '',
        calls: [
          {
            id: 'c1',
            name: 'my_files__read_file',
            arguments: '{"path":"a.txt"}',
            result: 'content of a.txt',
            isError: false,
          },
        ],
      },
    ]);
    expect(chunks.filter((chunk) => !('toolCall' in chunk))).toEqual([
      {
        toolUse: {
          server: 'my files',
          tool: 'read.file',
          arguments: { path: 'a.txt' },
          isError: false,
          result: 'content of a.txt',
        },
      },
      { text: 'done' },
      { usage: { tokensIn: 8, tokensOut: 3 } },
    ]);
  });

  it('answers bad arguments and unknown tools to the model as errors without calling anything', async () => {
    const provider = model((request) =>
      request.toolRounds?.length
        ? [{ text: 'sorry' }]
        : [
            { toolCall: { id: 'a', name: 'my_files__read_file', arguments: '{not json' } },
            { toolCall: { id: 'b', name: 'nope', arguments: '{}' } },
          ],
    );
    const tools = toolServer(() => 'x');
    await drain(withTools(provider, toolboxOf([readFile]), tools).stream(ask, signal));
    expect(tools.calls).toEqual([]);
    expect(provider.requests[1]?.toolRounds?.[0]?.calls.map((call) => [call.isError, call.result])).toEqual([
      [true, 'The arguments of my_files__read_file were not a JSON object.'],
      [true, 'There is no tool named "nope".'],
    ]);
  });

  it(`stops after ${MAX_TOOL_ROUNDS} rounds: the last request forbids tool calls`, async () => {
    const provider = model(() => [{ toolCall: { id: 'x', name: 'my_files__read_file', arguments: '{}' } }]);
    const tools = toolServer(() => 'again');
    await drain(withTools(provider, toolboxOf([readFile]), tools).stream(ask, signal));
    expect(provider.requests.map((request) => request.toolChoice)).toEqual([
      ...Array.from({ length: MAX_TOOL_ROUNDS }, () => 'auto'),
      'none',
    ]);
    expect(tools.calls).toHaveLength(MAX_TOOL_ROUNDS);
  });
});
