// The agent loop with local (in-process) models: one whose chat template calls functions natively is driven with
// native tools (the tool rounds in its request, no text protocol), one whose template does not gets the text
// protocol; each round's request lists the workspace files and lines the tool results carried (for the record of
// what was sent). (The tiny GGUF through node-llama-cpp's real function calling: tests/integration/agent-local.test.ts.)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProviderConfig } from '@pa/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ModelProvider, ProviderChunk, ProviderRequest } from '../ai/api.js';
import { agentProvider, type LoopEvent, type LoopOptions } from './loop.js';
import { BUILTIN_TOOLS } from './tools.js';

const config = {
  id: 'local-scripted',
  kind: 'local',
  modelClass: 'local',
  model: 'scripted',
  maxConcurrency: 1,
  costPer1kTokens: 0,
  tasks: ['chat'],
  priority: 0,
  enabled: true,
} as ProviderConfig;

type Step = string | Array<{ name: string; arguments: Record<string, unknown> }>;

/** A local-kind model whose template does (native) or does not call functions; scripted round by round. */
function localModel(native: boolean, steps: Step[]): ModelProvider & { requests: ProviderRequest[]; asked: number } {
  const requests: ProviderRequest[] = [];
  const model = {
    config,
    requests,
    asked: 0,
    health: async () => {},
    async nativeTools() {
      model.asked += 1;
      return native;
    },
    async *stream(request: ProviderRequest): AsyncIterable<ProviderChunk> {
      requests.push(request);
      const step = steps[Math.min(requests.length - 1, steps.length - 1)] as Step;
      if (typeof step === 'string') yield { text: step };
      else
        for (const [index, call] of step.entries()) {
          yield {
            toolCall: {
              id: `c${requests.length}_${index}`,
              name: call.name,
              arguments: JSON.stringify(call.arguments),
            },
          };
        }
      yield { usage: { tokensIn: 10, tokensOut: 1 } };
    },
  };
  return model;
}

let root = '';
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'pa-agent-local-'));
  writeFileSync(join(root, 'add.js'), 'export const add = (a, b) => a - b;\nexport const one = 1;\n');
  writeFileSync(join(root, 'secret.txt'), 'the launch code\n');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function options(overrides: Partial<LoopOptions> = {}): LoopOptions & { events: LoopEvent[] } {
  const events: LoopEvent[] = [];
  return {
    mode: 'agent',
    tools: BUILTIN_TOOLS,
    mcp: [],
    system: 'test',
    context: {
      root,
      dataDir: join(root, '..', 'no-data-dir'),
      excluded: (path) => path === 'secret.txt',
      beforeWrite: () => {},
      findInFiles: async () => ({
        text: 'add.js:1:14: export const add = (a, b) => a - b;',
        sources: [{ path: 'add.js', startLine: 1, endLine: 1, bytes: 35 }],
      }),
    },
    authorize: async () => ({ allowed: true, reason: 'test' }),
    emit: (event) => events.push(event),
    maxSteps: 10,
    tokenBudget: 100_000,
    events,
    ...overrides,
  };
}

async function drive(provider: ModelProvider, loop: LoopOptions, request: Partial<ProviderRequest> = {}) {
  const { provider: wrapped, done } = agentProvider(provider, loop);
  let text = '';
  for await (const chunk of wrapped.stream(
    { messages: [{ role: 'user', content: 'fix add' }], ...request },
    new AbortController().signal,
  )) {
    if ('text' in chunk) text += chunk.text;
  }
  return { text, outcome: await done };
}

describe('local models in the agent loop', () => {
  it('drives a model whose template calls functions with native tools', async () => {
    const model = localModel(true, [[{ name: 'read_file', arguments: { path: 'add.js' } }], 'It subtracts.']);
    const { text, outcome } = await drive(model, options());
    expect(text).toBe('It subtracts.');
    expect(outcome).toMatchObject({ stopReason: 'done', toolCalls: 1, steps: 2 });
    expect(model.asked).toBe(1);
    const [first, second] = model.requests;
    expect(first?.tools?.map((tool) => tool.name)).toContain('read_file');
    expect(first?.toolChoice).toBe('auto');
    expect(first?.messages[0]?.content).not.toContain('<tool_call>');
    // the result goes back as a tool round in the provider's own format, not as text
    expect(second?.toolRounds?.[0]?.calls[0]).toMatchObject({ name: 'read_file', isError: false });
    expect(second?.toolRounds?.[0]?.calls[0]?.result).toContain('1\texport const add = (a, b) => a - b;');
    expect(second?.messages.map((turn) => turn.role)).toEqual(['system', 'user']);
  });

  it('gives a model whose template does not the text protocol', async () => {
    const call = `<tool_call>\n${JSON.stringify({ name: 'read_file', arguments: { path: 'add.js' } })}\n</tool_call>`;
    const model = localModel(false, [`Reading. ${call}`, 'It subtracts.']);
    const { text, outcome } = await drive(model, options());
    expect(text).toBe('Reading. It subtracts.');
    expect(outcome).toMatchObject({ stopReason: 'done', toolCalls: 1 });
    const [first, second] = model.requests;
    expect(first?.tools).toBeUndefined();
    expect(first?.messages[0]?.content).toContain('<tool_call>');
    expect(second?.toolRounds).toBeUndefined();
    expect(second?.messages.at(-1)?.content).toMatch(/<tool_result name="read_file">[\s\S]*a - b/);
  });

  it('lists on each round the files and lines the tool results so far carried, never an .aiignored one', async () => {
    const model = localModel(true, [
      [{ name: 'read_file', arguments: { path: 'add.js', startLine: 2, endLine: 2 } }],
      [{ name: 'read_file', arguments: { path: 'secret.txt' } }],
      [{ name: 'find_in_files', arguments: { query: 'add' } }],
      'done',
    ]);
    const mention = { path: 'README.md', startLine: 1, endLine: 3, bytes: 12 };
    await drive(model, options(), { sources: [mention] });
    const sources = model.requests.map((request) => request.sources ?? []);
    expect(sources[0]).toEqual([mention]);
    const line2 = { path: 'add.js', startLine: 2, endLine: 2, bytes: Buffer.byteLength('export const one = 1;') };
    expect(sources[1]).toEqual([mention, line2]);
    // the refused read carried nothing
    expect(sources[2]).toEqual([mention, line2]);
    expect(sources[3]).toEqual([mention, line2, { path: 'add.js', startLine: 1, endLine: 1, bytes: 35 }]);
    expect(JSON.stringify(model.requests)).not.toContain('launch code');
  });

  it('asks no model about native tools in ask mode (no tools offered)', async () => {
    const model = localModel(true, ['An answer.']);
    const { text } = await drive(model, options({ mode: 'ask' }));
    expect(text).toBe('An answer.');
    expect(model.asked).toBe(0);
    expect(model.requests[0]?.tools).toBeUndefined();
  });
});
