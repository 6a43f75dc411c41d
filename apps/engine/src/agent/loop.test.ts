import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProviderConfig } from '@pa/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ModelProvider, ProviderChunk, ProviderRequest } from '../ai/api.js';
import { agentProvider, type LoopEvent, type LoopOptions, parseToolCalls, ToolCallFilter } from './loop.js';
import { BUILTIN_TOOLS } from './tools.js';

const config: ProviderConfig = {
  id: 'scripted',
  kind: 'local',
  modelClass: 'local',
  model: 'scripted',
  maxConcurrency: 1,
  costPer1kTokens: 0,
  tasks: ['chat'],
  priority: 0,
  enabled: true,
};

/** A model scripted by what it was sent: `answer(request, round)` gives the text (or native tool calls) of a round. */
function scripted(
  answer: (request: ProviderRequest, round: number) => string | { calls: Array<{ name: string; arguments: string }> },
  supportsTools = false,
): ModelProvider & { requests: ProviderRequest[] } {
  const requests: ProviderRequest[] = [];
  return {
    config,
    supportsTools,
    requests,
    health: async () => {},
    async *stream(request: ProviderRequest): AsyncIterable<ProviderChunk> {
      requests.push(request);
      const out = answer(request, requests.length);
      if (typeof out === 'string') {
        // in small pieces, so a <tool_call> tag is cut between them
        for (let at = 0; at < out.length; at += 5) yield { text: out.slice(at, at + 5) };
      } else {
        for (const [index, call] of out.calls.entries())
          yield { toolCall: { id: `c${requests.length}_${index}`, ...call } };
      }
      yield { usage: { tokensIn: 100, tokensOut: 10 } };
    },
  };
}

async function drive(provider: ModelProvider, overrides: Partial<LoopOptions> = {}) {
  const events: LoopEvent[] = [];
  const { provider: wrapped, done } = agentProvider(provider, {
    mode: 'agent',
    tools: BUILTIN_TOOLS,
    mcp: [],
    system: 'test',
    context: {
      root,
      dataDir: join(root, '..', 'no-data-dir'),
      excluded: (path) => path === 'secret.txt',
      beforeWrite: () => {},
    },
    authorize: async () => ({ allowed: true, reason: 'test' }),
    emit: (event) => events.push(event),
    maxSteps: 10,
    tokenBudget: 100_000,
    ...overrides,
  });
  let text = '';
  const controller = new AbortController();
  for await (const chunk of wrapped.stream({ messages: [{ role: 'user', content: 'fix add' }] }, controller.signal)) {
    if ('text' in chunk) text += chunk.text;
  }
  return { text, events, outcome: await done };
}

let root = '';
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'pa-agent-loop-'));
  writeFileSync(join(root, 'add.js'), 'export const add = (a, b) => a - b;\n');
  writeFileSync(join(root, 'secret.txt'), 'the launch code\n');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const call = (name: string, args: unknown) => `<tool_call>\n${JSON.stringify({ name, arguments: args })}\n</tool_call>`;

describe('the agent loop over the text protocol (a model without native tool calls)', () => {
  it('runs the calls written in the answer, feeds results back, and streams only the prose', async () => {
    const model = scripted((request, round) => {
      if (round === 1) return `Reading it. ${call('read_file', { path: 'add.js' })}`;
      if (round === 2) {
        return `Fixing. ${call('edit_file', { path: 'add.js', edits: [{ search: 'a - b', replace: 'a + b' }] })}`;
      }
      const last = request.messages.at(-1)?.content ?? '';
      return last.includes('edited add.js') ? 'Done: add adds.' : 'something went wrong';
    });
    const { text, events, outcome } = await drive(model);
    expect(text).toBe('Reading it. Fixing. Done: add adds.');
    expect(readFileSync(join(root, 'add.js'), 'utf8')).toBe('export const add = (a, b) => a + b;\n');
    // the file's text reached the model in the next user turn, numbered
    expect(model.requests[1]?.messages.at(-1)?.content).toContain('1\texport const add = (a, b) => a - b;');
    // the protocol is in the system prompt, with the tools
    expect(model.requests[0]?.messages[0]?.content).toContain('<tool_call>');
    expect(outcome).toMatchObject({ steps: 3, stopReason: 'done', toolCalls: 2 });
    expect(outcome.edits).toEqual([expect.objectContaining({ path: 'add.js', kind: 'modified' })]);
    expect(events.filter((event) => event.type === 'tool-end').map((event) => [event.name, event.isError])).toEqual([
      ['read_file', false],
      ['edit_file', false],
    ]);
  });

  it('answers bad calls with errors the model reads, and never crashes (fuzzed arguments)', async () => {
    const junk = [
      '<tool_call>not json</tool_call>',
      call('no_such_tool', {}),
      call('read_file', []),
      call('read_file', { path: 42 }),
      call('read_file', { path: '../../etc/passwd' }),
      call('read_file', { path: '/etc/passwd' }),
      call('read_file', { path: 'secret.txt' }),
      call('read_file', { path: '.git/config' }),
      call('edit_file', { path: 'add.js', edits: [{ search: 'nowhere', replace: 'x' }] }),
      call('edit_file', { path: 'add.js', edits: [{ search: '', replace: 'x' }] }),
      call('create_file', { path: 'add.js', content: 'clobber' }),
      call('list_dir', { path: 'add.js', extra: true }),
      `<tool_call>${'{'.repeat(10_000)}</tool_call>`,
    ];
    const model = scripted((_request, round) => (round <= junk.length ? (junk[round - 1] as string) : 'gave up'));
    const { events, outcome } = await drive(model, { maxSteps: 30 });
    const ends = events.filter((event) => event.type === 'tool-end');
    expect(ends).toHaveLength(junk.length);
    expect(ends.every((event) => event.isError)).toBe(true);
    expect(outcome.stopReason).toBe('done');
    expect(readFileSync(join(root, 'add.js'), 'utf8')).toBe('export const add = (a, b) => a - b;\n');
    const results = model.requests.slice(1).map((request) => request.messages.at(-1)?.content ?? '');
    expect(results.some((result) => result.includes('Unknown tool "no_such_tool"'))).toBe(true);
    expect(results.some((result) => result.includes('.aiignore'))).toBe(true);
    expect(results.some((result) => result.includes('occurs') || result.includes('not found'))).toBe(true);
    // nothing of the excluded file reached the model
    expect(model.requests.some((request) => JSON.stringify(request).includes('launch code'))).toBe(false);
  });

  it('stops a turn that repeats the same failing call, telling the model first', async () => {
    const model = scripted(() => call('read_file', { path: 'missing.txt' }));
    const { events, outcome } = await drive(model);
    expect(outcome.stopReason).toBe('repeated-failure');
    expect(events.some((event) => event.type === 'notice')).toBe(true);
    expect(JSON.stringify(model.requests.at(-1))).toContain('Do not repeat it');
  });

  it('ends at the step limit, the last round told to answer without tools', async () => {
    let n = 0;
    const model = scripted(() => call('list_dir', { path: '', n: n++ }));
    const { outcome } = await drive(model, { maxSteps: 3 });
    expect(outcome).toMatchObject({ steps: 3, stopReason: 'step-limit' });
    expect(model.requests.at(-1)?.messages.at(-1)?.content).toContain('no more tool calls');
  });
});

describe('modes and the policy', () => {
  it('plan mode offers only read-only tools, and a write it asks for anyway does not run', async () => {
    const model = scripted((_request, round) => {
      if (round === 1)
        return {
          calls: [
            {
              name: 'edit_file',
              arguments: JSON.stringify({ path: 'add.js', edits: [{ search: 'a - b', replace: 'a + b' }] }),
            },
          ],
        };
      return 'Plan: 1. change add.js';
    }, true);
    const { events } = await drive(model, { mode: 'plan' });
    const offered = (model.requests[0]?.tools ?? []).map((tool) => tool.name);
    expect(offered).toEqual(['list_dir', 'read_file', 'find_path', 'find_in_files', 'search_codebase', 'diagnostics']);
    expect(events.find((event) => event.type === 'tool-end')).toMatchObject({ isError: true });
    expect(readFileSync(join(root, 'add.js'), 'utf8')).toContain('a - b');
  });

  it('a denied call is not run and the model is told why', async () => {
    const model = scripted(
      (_request, round) => (round === 1 ? { calls: [{ name: 'delete_file', arguments: '{"path":"add.js"}' }] } : 'ok'),
      true,
    );
    const { events } = await drive(model, {
      authorize: async () => ({ allowed: false, reason: 'the user denied it.' }),
    });
    expect(events.find((event) => event.type === 'tool-end')).toMatchObject({ denied: true, isError: true });
    expect(readFileSync(join(root, 'add.js'), 'utf8')).toContain('a - b');
    expect(JSON.stringify(model.requests[1]?.toolRounds)).toContain('Not allowed: the user denied it.');
  });

  it('checkpoints every path a write touches before it writes', async () => {
    const captured: string[][] = [];
    const model = scripted(
      (_request, round) =>
        round === 1
          ? { calls: [{ name: 'rename_file', arguments: JSON.stringify({ from: 'add.js', to: 'lib/add.js' }) }] }
          : 'moved',
      true,
    );
    await drive(model, {
      context: {
        root,
        dataDir: join(root, '..', 'x'),
        excluded: () => false,
        beforeWrite: (paths) => {
          // before: the source is still there
          expect(readFileSync(join(root, 'add.js'), 'utf8')).toContain('a - b');
          captured.push(paths);
        },
      },
    });
    expect(captured).toEqual([['add.js', 'lib/add.js']]);
    expect(readFileSync(join(root, 'lib/add.js'), 'utf8')).toContain('a - b');
  });
});

describe('the text protocol pieces', () => {
  it('the filter holds back a tag cut between chunks and drops the call', () => {
    const filter = new ToolCallFilter();
    const pieces = ['Hello <to', 'ol_c', 'all>{"name":"x"}', '</tool_call> after'];
    expect(pieces.map((piece) => filter.push(piece)).join('') + filter.end()).toBe('Hello ');
    const plain = new ToolCallFilter();
    expect(plain.push('a < b and <t') + plain.end()).toBe('a < b and <t');
  });

  it('parses several blocks, and an unclosed one', () => {
    const calls = parseToolCalls(`${call('a', { x: 1 })} text ${call('b', {})} <tool_call>{"name":"c"`, 1);
    expect(calls.map((one) => one.name)).toEqual(['a', 'b', '(unparsable)']);
    expect(JSON.parse(calls[0]?.arguments ?? '')).toEqual({ x: 1 });
  });
});
