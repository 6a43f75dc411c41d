// Agent mode with the local tiny GGUF through the real built engine: its generic chat template has no function-call
// syntax, so the turn runs over the text protocol (the protocol in the system prompt, `<tool_call>` blocks parsed
// from the answer). The tiny model writes nonsense, so no call is expected of it: what is checked is that the turn
// runs on the in-process model end to end and stops cleanly with the model's text, within the step limit, with no
// crash, nothing recorded as sent to a remote model, and the workspace untouched.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentEvent, RpcClient } from '@pa/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StartedEngine, startEngine } from '../support/engine.js';
import { tinyProvider } from '../support/tiny-provider.js';
import { copyFixture } from '../support/workspace.js';

describe('agent mode on the local tiny model (text protocol)', () => {
  const workspace = copyFixture('failing-tests-project');
  const original = readFileSync(join(workspace.root, 'src/math.js'), 'utf8');
  let engine: StartedEngine;
  let client: RpcClient;

  beforeAll(async () => {
    engine = await startEngine({ workspace: workspace.root });
    client = await engine.connect();
    await client.call('ai.providers.add', tinyProvider({ tasks: ['chat'] }));
  }, 60_000);

  afterAll(async () => {
    await engine?.stop();
    workspace.remove();
  });

  it('runs a turn end to end and stops cleanly with the model text, within the step limit', async () => {
    const stream = client.stream('agent.run', {
      provider: 'tiny',
      // plan mode: the read-only tools, whose text-protocol prompt fits the tiny model's 4,096-token window (its
      // vocabulary is a token a character; agent mode's whole tool list does not fit, see the next test)
      mode: 'plan',
      messages: [{ role: 'user', content: 'The multiply test fails; fix src/math.js.' }],
      maxSteps: 3,
      maxTokens: 12,
      temperature: 0,
    });
    const events: AgentEvent[] = [];
    for await (const event of stream) {
      events.push(event);
      // a call the nonsense happened to spell would ask first: deny it, the workspace stays as it is
      if (event.type === 'approval')
        await client.call('agent.approve', { approvalId: event.approvalId, choice: 'deny' });
    }
    const answer = await stream.result;
    expect(answer.route.providerId).toBe('tiny');
    expect(answer.mode).toBe('plan');
    expect(answer.steps).toBeGreaterThanOrEqual(1);
    expect(answer.steps).toBeLessThanOrEqual(3);
    expect(['done', 'step-limit']).toContain(answer.stopReason);
    // the text the transcript streamed is the answer's, and the model did say something
    const streamed = events.map((event) => (event.type === 'text' ? event.text : '')).join('');
    expect(answer.text).toBe(streamed);
    expect(answer.tokensOut).toBeGreaterThan(0);
    // the local model's usage counts its whole prompt: the system prompt holds the text protocol and the tools
    expect(answer.tokensIn).toBeGreaterThan(1_000);
    expect(answer.edits).toEqual([]);
    expect(readFileSync(join(workspace.root, 'src/math.js'), 'utf8')).toBe(original);
    // nothing of an in-process model's requests is recorded as sent
    expect((await client.call('ai.sent.list', {})).items).toEqual([]);
  }, 240_000);

  it("fails a prompt that cannot fit the model's window with a message that says so, not a crash", async () => {
    // agent mode offers every tool: over the text protocol that is more than 4,096 one-character tokens
    const stream = client.stream('agent.run', {
      provider: 'tiny',
      messages: [{ role: 'user', content: 'fix it' }],
      maxTokens: 4,
    });
    let failure: unknown = null;
    try {
      for await (const _ of stream) {
        // no approval can come: the model never answers
      }
      await stream.result;
    } catch (error) {
      failure = error;
    }
    expect(String((failure as Error | null)?.message)).toMatch(
      /tiny cannot take a \d+-token prompt in its \d+-token context/,
    );
    // the engine goes on: the next turn answers
    const next = client.stream('agent.run', {
      provider: 'tiny',
      mode: 'ask',
      messages: [{ role: 'user', content: 'hi' }],
      maxTokens: 2,
    });
    for await (const _ of next) {
      // text
    }
    expect((await next.result).stopReason).toBe('done');
  }, 240_000);
});
