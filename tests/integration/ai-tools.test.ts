// MCP tools offered to the chat model, through the real built engine: the project's own `pa mcp serve` runs as a
// real MCP server process, a loopback OpenAI-compatible server plays a model that calls `read_file` and then
// answers, and the tool's real output must reach the model in the follow-up request.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RpcClient } from '@pa/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectAiStream } from '../support/ai-stream.js';
import { type StartedEngine, startEngine } from '../support/engine.js';
import {
  type LoopbackProvider,
  type LoopbackRequest,
  startLoopbackAnthropic,
  startLoopbackGemini,
  startLoopbackOpenAI,
} from '../support/loopback-providers.js';
import { paMcpServe } from '../support/pa-mcp-serve.js';
import { copyFixture } from '../support/workspace.js';

const NOTE = 'The launch code is tangerine-42.';

/** The `tool` messages the engine sent back to the model in a request. */
function toolMessages(
  request: LoopbackRequest | undefined,
): Array<{ role: string; tool_call_id: string; content: string }> {
  const messages = (request?.body.messages ?? []) as Array<{ role: string; tool_call_id: string; content: string }>;
  return messages.filter((message) => message.role === 'tool');
}

describe('MCP tools in chat', () => {
  const workspace = copyFixture('sample-project');
  let engine: StartedEngine;
  let client: RpcClient;
  let model: LoopbackProvider;

  beforeAll(async () => {
    writeFileSync(join(workspace.root, 'notes.txt'), NOTE);
    // A model that reads the file first, then answers with what the tool gave it.
    model = await startLoopbackOpenAI((request) => {
      const results = toolMessages(request);
      if (results.length === 0) {
        return {
          kind: 'tool-calls',
          text: 'Let me look. ',
          calls: [{ name: 'self__read_file', arguments: { path: 'notes.txt' } }],
        };
      }
      return { kind: 'ok', text: `The notes say: ${results[0]?.content}` };
    });
    engine = await startEngine({ workspace: workspace.root });
    client = await engine.connect();
    await client.call('ai.providers.add', {
      id: 'tooly',
      kind: 'openai-compatible',
      modelClass: 'own_key',
      model: 'tool-model',
      baseURL: model.baseURL,
    });
    await client.call('mcp.servers.set', { name: 'self', config: paMcpServe(workspace.root, engine.dataDir) });
  });

  afterAll(async () => {
    await engine?.stop();
    await model?.close();
    workspace.remove();
  });

  it('offers the MCP tools, runs the one the model calls, and streams the answer built on its result', async () => {
    const end = await collectAiStream(
      client.stream('ai.chat', {
        messages: [{ role: 'user', content: 'What is in notes.txt?' }],
      }),
    );
    expect(end.kind).toBe('done');
    if (end.kind !== 'done') return;

    const [first, second] = model.requests;
    expect(model.requests).toHaveLength(2);
    const offered = (first?.body.tools ?? []) as Array<{ type: string; function: { name: string } }>;
    // by default a chat model gets only the tools the server marks read-only
    expect(offered.map((tool) => tool.function.name).sort()).toEqual([
      'self__ask',
      'self__find_in_files',
      'self__list_workflows',
      'self__read_file',
      'self__search_codebase',
      'self__search_files',
    ]);
    // The follow-up carries the assistant's tool call and the real file content as the tool's answer.
    const messages = (second?.body.messages ?? []) as Array<Record<string, unknown>>;
    const call = messages.find((message) => message.role === 'assistant') as {
      tool_calls: Array<{ id: string; function: { name: string; arguments: string } }>;
    };
    expect(call.tool_calls[0]?.function).toEqual({ name: 'self__read_file', arguments: '{"path":"notes.txt"}' });
    expect(toolMessages(second)).toEqual([{ role: 'tool', tool_call_id: call.tool_calls[0]?.id, content: NOTE }]);

    expect(end.tokens.join('')).toBe(`Let me look. The notes say: ${NOTE}`);
    expect(end.answer.text).toBe(`Let me look. The notes say: ${NOTE}`);
    expect(end.answer.toolCalls).toEqual([
      { server: 'self', tool: 'read_file', arguments: { path: 'notes.txt' }, isError: false, result: NOTE },
    ]);
  });

  it('offers tools that write or run things only from a server the user set to chatTools "all"', async () => {
    await client.call('mcp.servers.set', {
      name: 'self',
      config: { ...paMcpServe(workspace.root, engine.dataDir), chatTools: 'all' },
    });
    try {
      const before = model.requests.length;
      expect(
        (
          await collectAiStream(
            client.stream('ai.chat', {
              provider: 'tooly',
              messages: [{ role: 'user', content: 'What is in notes.txt?' }],
            }),
          )
        ).kind,
      ).toBe('done');
      const offered = (model.requests[before]?.body.tools ?? []) as Array<{ function: { name: string } }>;
      expect(offered.map((tool) => tool.function.name)).toEqual(
        expect.arrayContaining(['self__read_file', 'self__write_file', 'self__run_workflow']),
      );
    } finally {
      await client.call('mcp.servers.set', { name: 'self', config: paMcpServe(workspace.root, engine.dataDir) });
    }
  });

  it('returns a refused tool call to the model as an error result instead of failing the answer', async () => {
    model.setScript((request) =>
      toolMessages(request).length === 0
        ? { kind: 'tool-calls', calls: [{ name: 'self__read_file', arguments: { path: '../../etc/passwd' } }] }
        : { kind: 'ok', text: 'I may not read that.' },
    );
    const end = await collectAiStream(
      client.stream('ai.chat', { messages: [{ role: 'user', content: 'Read /etc/passwd' }] }),
    );
    expect(end.kind === 'done' && end.answer.text).toBe('I may not read that.');
    expect(end.kind === 'done' && end.answer.toolCalls?.map((use) => [use.tool, use.isError])).toEqual([
      ['read_file', true],
    ]);
    expect(toolMessages(model.requests.at(-1))[0]?.content).not.toContain('root:');
  });

  it('stops offering tools after the last allowed round and makes the model answer in text', async () => {
    model.setScript((request) =>
      request.body.tool_choice === 'none'
        ? { kind: 'ok', text: 'Enough reading.' }
        : { kind: 'tool-calls', calls: [{ name: 'self__read_file', arguments: { path: 'notes.txt' } }] },
    );
    const before = model.requests.length;
    const end = await collectAiStream(
      client.stream('ai.chat', { messages: [{ role: 'user', content: 'Read forever' }] }),
    );
    expect(end.kind === 'done' && end.answer.text).toBe('Enough reading.');
    expect(end.kind === 'done' && end.answer.toolCalls).toHaveLength(4);
    expect(model.requests.length - before).toBe(5);
  });

  it('runs tools for Claude too, sending tool_use and tool_result blocks in the Anthropic format', async () => {
    const claude = await startLoopbackAnthropic((request) => {
      const messages = (request.body.messages ?? []) as Array<{ role: string; content: unknown }>;
      const last = messages.at(-1)?.content;
      const result = Array.isArray(last) ? (last[0] as { type: string; content: string }) : null;
      return result?.type === 'tool_result'
        ? { kind: 'ok', text: `Claude read: ${result.content}` }
        : { kind: 'tool-calls', calls: [{ name: 'self__read_file', arguments: { path: 'notes.txt' } }] };
    });
    try {
      await client.call('ai.providers.add', {
        id: 'claude',
        kind: 'anthropic',
        modelClass: 'own_key',
        model: 'claude-tools',
        baseURL: claude.baseURL,
      });
      const end = await collectAiStream(
        client.stream('ai.chat', {
          messages: [{ role: 'user', content: 'What is in notes.txt?' }],
          provider: 'claude',
        }),
      );
      expect(end.kind === 'done' && end.answer.text).toBe(`Claude read: ${NOTE}`);
      expect(end.kind === 'done' && end.answer.toolCalls?.map((use) => use.tool)).toEqual(['read_file']);
      const [first, second] = claude.requests;
      const offered = (first?.body.tools ?? []) as Array<{ name: string }>;
      expect(offered.map((tool) => tool.name)).toContain('self__read_file');
      const messages = second?.body.messages as Array<{ role: string; content: Array<Record<string, unknown>> }>;
      const use = messages.at(-2)?.content[0];
      expect(use).toMatchObject({ type: 'tool_use', name: 'self__read_file', input: { path: 'notes.txt' } });
      expect(messages.at(-1)?.content).toEqual([{ type: 'tool_result', tool_use_id: use?.id, content: NOTE }]);
    } finally {
      await client.call('ai.providers.remove', { id: 'claude' });
      await claude.close();
    }
  });

  it('runs tools for Gemini too, sending functionCall and functionResponse parts', async () => {
    const gemini = await startLoopbackGemini((request) => {
      const contents = (request.body.contents ?? []) as Array<{ role: string; parts: Array<Record<string, unknown>> }>;
      const response = contents.at(-1)?.parts[0]?.functionResponse as { response: { output: string } } | undefined;
      return response
        ? { kind: 'ok', text: `Gemini read: ${response.response.output}` }
        : { kind: 'tool-calls', calls: [{ name: 'self__read_file', arguments: { path: 'notes.txt' } }] };
    });
    try {
      await client.call('ai.providers.add', {
        id: 'gemini',
        kind: 'gemini',
        modelClass: 'own_key',
        model: 'gemini-tools',
        baseURL: gemini.baseURL,
      });
      const end = await collectAiStream(
        client.stream('ai.chat', {
          messages: [{ role: 'user', content: 'What is in notes.txt?' }],
          provider: 'gemini',
        }),
      );
      expect(end.kind === 'done' && end.answer.text).toBe(`Gemini read: ${NOTE}`);
      expect(end.kind === 'done' && end.answer.toolCalls?.map((use) => use.tool)).toEqual(['read_file']);
      const [first, second] = gemini.requests;
      expect(first?.body.tools).toMatchObject([
        { functionDeclarations: expect.arrayContaining([expect.objectContaining({ name: 'self__read_file' })]) },
      ]);
      const contents = second?.body.contents as Array<{ role: string; parts: unknown[] }>;
      expect(contents.slice(-2)).toEqual([
        { role: 'model', parts: [{ functionCall: { name: 'self__read_file', args: { path: 'notes.txt' } } }] },
        { role: 'user', parts: [{ functionResponse: { name: 'self__read_file', response: { output: NOTE } } }] },
      ]);
    } finally {
      await client.call('ai.providers.remove', { id: 'gemini' });
      await gemini.close();
    }
  });

  it('sends no tools when the chat asks for none', async () => {
    model.setScript({ kind: 'ok', text: 'plain' });
    const end = await collectAiStream(
      client.stream('ai.chat', {
        messages: [{ role: 'user', content: 'hi' }],
        tools: false,
      }),
    );
    expect(end.kind === 'done' && end.answer.toolCalls).toBeUndefined();
    expect(model.requests.at(-1)?.body.tools).toBeUndefined();
  });
});
