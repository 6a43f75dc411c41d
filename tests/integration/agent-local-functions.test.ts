// The agent loop driving the tiny GGUF through node-llama-cpp's real function calling (in process): Qwen's call
// syntax with the model put in function-calling mode from its first token, so what the random tiny model writes is a
// call — its name and arguments under the grammar node-llama-cpp builds from the tool's schema. The call comes back
// to the loop, which judges it under the policy and runs the tool itself; the turn ends cleanly at the step limit.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProviderConfig } from '@pa/shared';
import {
  type ChatWrapperGenerateContextStateOptions,
  type ChatWrapperGeneratedContextState,
  QwenChatWrapper,
} from 'node-llama-cpp';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { agentProvider, type LoopEvent } from '../../apps/engine/src/agent/loop.js';
import type { AgentTool } from '../../apps/engine/src/agent/tools.js';
import { createLocalProvider } from '../../apps/engine/src/ai/providers/local.js';
import { ensureTinyGguf } from '../../scripts/make-tiny-gguf.js';

class CallingQwen extends QwenChatWrapper {
  override generateContextState(options: ChatWrapperGenerateContextStateOptions) {
    const state = super.generateContextState(options);
    const offered = Object.keys(options.availableFunctions ?? {}).length > 0;
    return offered
      ? ({
          ...state,
          functionCall: { initiallyEngaged: true, disengageInitiallyEngaged: [] },
        } as ChatWrapperGeneratedContextState)
      : state;
  }
}

describe('the tiny GGUF calling a tool through node-llama-cpp, run by the agent loop', () => {
  const root = mkdtempSync(join(tmpdir(), 'pa-agent-tiny-'));
  const tiny = createLocalProvider(
    {
      id: 'tiny-calling',
      kind: 'local',
      modelClass: 'local',
      model: 'tiny',
      modelPath: ensureTinyGguf(),
      maxConcurrency: 1,
    } as ProviderConfig,
    { chatWrapper: new CallingQwen() },
  );
  afterAll(async () => {
    await tiny.dispose?.();
    rmSync(root, { recursive: true, force: true });
  });

  it('the loop runs the call the model made, under the policy, and the turn ends at the step limit', async () => {
    const ran: string[] = [];
    const judged: string[] = [];
    const events: LoopEvent[] = [];
    const pick: AgentTool<{ colour: 'red' | 'green' }> = {
      name: 'pick_colour',
      kind: 'read',
      description: 'Pick a colour',
      parameters: { type: 'object', properties: { colour: { enum: ['red', 'green'] } }, required: ['colour'] },
      args: z.strictObject({ colour: z.enum(['red', 'green']) }),
      paths: () => [],
      async run(args) {
        ran.push(args.colour);
        return { text: `picked ${args.colour}`, isError: false };
      },
    };
    const { provider, done } = agentProvider(tiny, {
      mode: 'agent',
      tools: [pick as AgentTool],
      mcp: [],
      system: 'test',
      context: { root, dataDir: join(root, '..', 'no-data-dir'), excluded: () => false, beforeWrite: () => {} },
      authorize: async (call) => {
        judged.push(call.tool);
        return { allowed: true, reason: 'test' };
      },
      emit: (event) => events.push(event),
      maxSteps: 2,
      tokenBudget: 100_000,
    });
    for await (const _ of provider.stream(
      { messages: [{ role: 'user', content: 'Pick a colour.' }], maxTokens: 80, temperature: 0 },
      new AbortController().signal,
    )) {
      // the last round's text (nonsense)
    }
    const outcome = await done;
    expect(ran.length).toBeGreaterThan(0);
    expect(ran.every((colour) => colour === 'red' || colour === 'green')).toBe(true);
    expect(judged).toEqual(ran.map(() => 'pick_colour'));
    expect(outcome).toMatchObject({ steps: 2, stopReason: 'step-limit', toolCalls: ran.length });
    const ends = events.filter((event) => event.type === 'tool-end');
    expect(ends.map((event) => event.type === 'tool-end' && event.result)).toEqual(
      ran.map((colour) => `picked ${colour}`),
    );
  }, 240_000);
});
