import { ErrorCode, PaError, type RouteInfo, RpcClient } from '@pa/shared';
import { describe, expect, it } from 'vitest';
import type { EngineContext } from '../context.js';
import { localTransport } from '../rpc/local-transport.js';
import { Router } from '../rpc/router.js';
import type { GenerateRequest, GenerateResult } from './api.js';
import { type AiHandlerDeps, aiHandlers, joinText } from './handlers.js';
import type { AiRouter } from './router.js';

const ROUTE: RouteInfo = { providerId: 'p', model: 'm', reasons: ['priority'], fallbacks: [] };

function resultOf(text: string): GenerateResult {
  const { providerId, model, reasons, fallbacks } = ROUTE;
  return {
    text,
    providerId,
    model,
    reasons,
    fallbacks,
    tokensIn: 1,
    tokensOut: 1,
    ttftMs: 1,
    totalMs: 2,
    toolCalls: [],
  };
}

/** The ai stream handlers over the in-process connection loop, with `generate` standing in for the AI router. */
function setup(generate: (request: GenerateRequest) => Promise<GenerateResult>, refuse?: PaError) {
  const requests: GenerateRequest[] = [];
  const router = {
    checkPinned: () => {
      if (refuse) throw refuse;
    },
    generate: (request: GenerateRequest) => {
      requests.push(request);
      return generate(request);
    },
  } as unknown as AiRouter;
  const deps = { router, ctx: {} as EngineContext } as unknown as AiHandlerDeps;
  const rpc = new Router();
  rpc.register(aiHandlers(deps));
  return { client: new RpcClient(localTransport(rpc, { actor: 'test' })), requests };
}

const ask = { messages: [{ role: 'user' as const, content: 'hi' }] };

describe('ai stream handlers', () => {
  it('joins the tokens a slow reader has not taken, so the queue stays bounded and no text is lost', async () => {
    const sent = Array.from({ length: 5_000 }, (_, i) => `${i % 10}`);
    const { client } = setup(async (request) => {
      for (const text of sent) request.onToken?.(text); // a model's callback cannot wait
      return resultOf(sent.join(''));
    });
    const stream = client.stream('ai.chat', ask);
    await new Promise((resolve) => setTimeout(resolve, 20)); // the reader is slow: everything was produced meanwhile
    const items: string[] = [];
    for await (const { text } of stream) items.push(text);
    expect(items.join('')).toBe(sent.join(''));
    expect(items.length).toBeLessThan(1_000);
    expect((await stream.result).text).toBe(sent.join(''));
  });

  it('hands the caller’s signal to the generation: leaving the loop aborts it', async () => {
    const { client, requests } = setup(
      (request) =>
        new Promise((_, reject) => {
          request.onToken?.('a');
          request.signal?.addEventListener('abort', () => reject(new PaError(ErrorCode.CANCELLED, 'cancelled')));
        }),
    );
    for await (const _token of client.stream('ai.chat', ask)) break;
    await expect.poll(() => requests[0]?.signal?.aborted).toBe(true);
  });

  it('ends a failed answer with the router’s error, what was received and the route', async () => {
    const { client } = setup(async (request) => {
      request.onToken?.('half');
      request.onToken?.(' an');
      throw new PaError(ErrorCode.PROVIDER, 'p went silent mid-answer.', { route: ROUTE });
    });
    const stream = client.stream('ai.chat', ask);
    await expect(
      (async () => {
        for await (const _token of stream) {
          // read to the end
        }
      })(),
    ).rejects.toMatchObject({
      code: ErrorCode.PROVIDER,
      message: 'p went silent mid-answer.',
      data: { partial: 'half an', route: ROUTE },
    });
  });

  it('fails the stream at once when the pinned provider is refused, without generating', async () => {
    const { client, requests } = setup(
      async () => resultOf('never'),
      new PaError(ErrorCode.LICENSE, 'Not in your edition.'),
    );
    await expect(client.stream('ai.chat', { ...ask, provider: 'corp' }).result).rejects.toMatchObject({
      code: ErrorCode.LICENSE,
    });
    expect(requests).toHaveLength(0);
  });

  it('strips the code fence of an edit’s answer', async () => {
    const { client } = setup(async () => resultOf('```ts\nlet a = 1;\n```'));
    const stream = client.stream('ai.edit', { instruction: 'use let', code: 'var a = 1;' });
    for await (const _token of stream) {
      // no tokens
    }
    expect((await stream.result).text).toBe('let a = 1;');
  });
});

describe('joinText', () => {
  it('joins a token into the last queued one', () => {
    const queue = [{ text: 'a' }, { text: 'b' }];
    expect(joinText(queue, { text: 'c' })).toBe(true);
    expect(queue).toEqual([{ text: 'a' }, { text: 'bc' }]);
    expect(joinText([], { text: 'c' })).toBe(false);
  });
});
