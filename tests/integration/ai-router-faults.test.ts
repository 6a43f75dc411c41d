// The router in-process against real SDK clients and loopback servers speaking the OpenAI and Anthropic wire
// formats, with a seeded fault mix. Quotas and entitlements are counting doubles of the licensing door (another
// capability), so "charged once" and "refunded" can be counted exactly; the RPC path is in ai-engine.test.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AiSettingsFile, ErrorCode, type ProviderConfigInput } from '@pa/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { AI_MIGRATIONS, createPerfLog } from '../../apps/engine/src/ai/perf.js';
import { AiRouter, type RouterDeps } from '../../apps/engine/src/ai/router.js';
import type { Entitlements, Quotas } from '../../apps/engine/src/license/api.js';
import type { Secrets } from '../../apps/engine/src/secrets/api.js';
import { openStore, type Store } from '../../apps/engine/src/store/index.js';
import { seeded } from '../../scripts/make-tiny-gguf.js';
import {
  type LoopbackProvider,
  type LoopbackStep,
  startLoopbackAnthropic,
  startLoopbackOpenAI,
} from '../support/loopback-providers.js';

interface Harness {
  router: AiRouter;
  charged: number;
  refunded: number;
  store: Store;
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function loopback(start: () => Promise<LoopbackProvider>): Promise<LoopbackProvider> {
  const server = await start();
  cleanups.push(() => server.close());
  return server;
}

const secrets: Secrets = {
  backend: 'file',
  get: async () => 'test-key',
  set: async () => {},
  delete: async () => {},
  getSync: () => 'test-key',
  setSync: () => {},
  deleteSync: () => {},
};

function harness(
  providers: ProviderConfigInput[],
  cooldownMs = 200,
  extra: Pick<RouterDeps, 'tools' | 'toolsTimeoutMs'> & { secrets?: Secrets } = {},
): Harness {
  const dir = mkdtempSync(join(tmpdir(), 'pa-ai-router-'));
  const store = openStore(join(dir, 'db.sqlite'));
  store.migrate('ai', AI_MIGRATIONS);
  const settings = AiSettingsFile.parse({
    version: 1,
    providers,
    router: { breakerCooldownMs: cooldownMs, healthIntervalMs: 0 },
  });
  const state = { charged: 0, refunded: 0 };
  const quotas: Quotas = {
    consume: () => {
      state.charged += 1;
      let refunded = false;
      return {
        refund: () => {
          if (refunded) return;
          refunded = true;
          state.refunded += 1;
        },
      };
    },
  };
  const entitlements: Entitlements = {
    state: () => ({ edition: 'personal', licenseId: null, readOnly: false }),
    allows: () => true,
    require: () => {},
    collabParticipantLimit: () => 0,
  };
  const router = new AiRouter({
    settings: () => settings,
    entitlements,
    quotas,
    secrets,
    perf: createPerfLog(store),
    clock: Date.now,
    log: () => {},
    ...extra,
  });
  cleanups.push(async () => {
    await router.dispose();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    router,
    store,
    get charged() {
      return state.charged;
    },
    get refunded() {
      return state.refunded;
    },
  };
}

const ask = (text: string) => [{ role: 'user' as const, content: text }];

/** A provider entry for a loopback server (its kind from the wire it speaks), with any overrides. */
function at(
  id: string,
  server: LoopbackProvider,
  extra: Partial<ProviderConfigInput> = {},
  kind: ProviderConfigInput['kind'] = 'openai-compatible',
): ProviderConfigInput {
  return { id, kind, modelClass: 'own_key', model: id, baseURL: server.baseURL, ...extra };
}

describe('the router under faults', () => {
  it('answers 1,000 requests with no user-visible failure while one provider fails half the time', async () => {
    const random = seeded(42);
    const faults: LoopbackStep[] = [
      { kind: 'status', status: 500 },
      { kind: 'reset' },
      { kind: 'silent' },
      { kind: 'malformed' },
      { kind: 'status', status: 503 },
    ];
    const scripted: LoopbackStep[] = [];
    const flaky = await loopback(() =>
      startLoopbackOpenAI((_request, index) => {
        const step =
          random() < 0.5
            ? (faults[Math.floor(random() * faults.length)] as LoopbackStep)
            : { kind: 'ok' as const, text: 'flaky ok' };
        scripted[index] = step;
        return step;
      }),
    );
    const healthy = await loopback(() => startLoopbackAnthropic({ kind: 'ok', text: 'healthy answer here' }));
    const h = harness(
      [
        at('flaky', flaky, { priority: 10, ttftTimeoutMs: 150, maxConcurrency: 100 }),
        at('healthy', healthy, { maxConcurrency: 100 }, 'anthropic'),
      ],
      100,
    );

    const results: Array<{ text: string; attempts: number; tokens: string }> = [];
    let next = 0;
    const worker = async () => {
      while (next < 1_000) {
        next += 1;
        let tokens = '';
        const result = await h.router.generate({
          task: 'chat',
          messages: ask('hello'),
          actor: 'test',
          onToken: (text) => {
            tokens += text;
          },
        });
        results.push({ text: result.text, attempts: 1 + result.fallbacks.length, tokens });
      }
    };
    await Promise.all(Array.from({ length: 20 }, worker));

    expect(results).toHaveLength(1_000);
    // No duplicated or lost tokens: what streamed is exactly the answer of the provider that answered.
    for (const result of results) {
      expect(['flaky ok', 'healthy answer here']).toContain(result.text);
      expect(result.tokens).toBe(result.text);
      expect(result.attempts).toBeLessThanOrEqual(2);
    }
    // Every provider call is an attempt the caller can see: nothing was retried behind its back. (An attempt may
    // time out before its request even reached the server on a busy machine, hence ≤.)
    const attempts = results.reduce((sum, result) => sum + result.attempts, 0);
    expect(flaky.requests.length + healthy.requests.length).toBeLessThanOrEqual(attempts);
    expect(flaky.requests.length).toBeGreaterThan(30);
    expect(results.some((result) => result.attempts === 2)).toBe(true);
    // Charged once per request, never refunded (every request got an answer).
    expect(h.charged).toBe(1_000);
    expect(h.refunded).toBe(0);
    // Every accepted-then-silent stream was abandoned (its connection closed) and recorded as a TTFT timeout at
    // its 150 ms deadline, not later.
    const silent = flaky.requests.filter((_request, index) => scripted[index]?.kind === 'silent');
    expect(silent.length).toBeGreaterThan(0);
    for (const request of silent) expect(request.closedAt).not.toBeNull();
    const timeouts = h.store.db
      .prepare<[], { total_ms: number }>("SELECT total_ms FROM ai_calls WHERE outcome = 'ttft-timeout'")
      .all();
    expect(timeouts.length).toBeGreaterThanOrEqual(silent.length);
    for (const { total_ms } of timeouts) {
      expect(total_ms).toBeGreaterThanOrEqual(149);
      expect(total_ms).toBeLessThan(1_000);
    }
  }, 60_000);

  it('opens the circuit of a failing provider and closes it after a successful probe', async () => {
    const flaky = await loopback(() => startLoopbackOpenAI({ kind: 'status', status: 500 }));
    const healthy = await loopback(() => startLoopbackOpenAI({ kind: 'ok', text: 'fine' }));
    const h = harness([at('flaky', flaky, { priority: 10 }), at('healthy', healthy)]);
    for (let i = 0; i < 5; i++) await h.router.generate({ task: 'chat', messages: ask('x'), actor: 'test' });
    expect(h.router.liveOf('flaky').breaker.state(Date.now())).toBe('open');
    const skipped = await h.router.generate({ task: 'chat', messages: ask('x'), actor: 'test' });
    expect(skipped.providerId).toBe('healthy');
    expect(skipped.fallbacks).toEqual([]);
    expect(flaky.requests).toHaveLength(5);

    flaky.setScript({ kind: 'ok', text: 'recovered' });
    await expect.poll(() => h.router.liveOf('flaky').breaker.state(Date.now()), { interval: 20 }).toBe('half-open');
    const probe = await h.router.generate({ task: 'chat', messages: ask('x'), actor: 'test' });
    expect(probe.providerId).toBe('flaky');
    expect(h.router.liveOf('flaky').breaker.state(Date.now())).toBe('closed');
  });

  it('closes an open circuit through an active health check (GET /v1/models) after the cooldown', async () => {
    const server = await loopback(() => startLoopbackOpenAI({ kind: 'status', status: 401 }));
    const h = harness([at('remote', server)]);
    await expect(h.router.generate({ task: 'chat', messages: ask('x'), actor: 'test' })).rejects.toMatchObject({
      code: ErrorCode.PROVIDER,
    });
    expect(h.router.liveOf('remote').breaker.state(Date.now())).toBe('open');
    await h.router.checkHealth();
    expect(server.modelListCalls).toBe(0);
    await expect.poll(() => h.router.liveOf('remote').breaker.state(Date.now()), { interval: 20 }).toBe('half-open');
    await h.router.checkHealth();
    expect(server.modelListCalls).toBe(1);
    expect(h.router.liveOf('remote').breaker.state(Date.now())).toBe('closed');
  });

  it('never retries a 401, opens the circuit at once, and honours Retry-After on 429', async () => {
    const rejecting = await loopback(() => startLoopbackOpenAI({ kind: 'status', status: 401 }));
    const limited = await loopback(() => startLoopbackAnthropic({ kind: 'status', status: 429, retryAfterS: 30 }));
    const healthy = await loopback(() => startLoopbackOpenAI({ kind: 'ok', text: 'fine' }));
    const h = harness(
      [
        at('rejecting', rejecting, { priority: 20 }),
        at('limited', limited, { priority: 10 }, 'anthropic'),
        at('healthy', healthy),
      ],
      60_000,
    );
    const first = await h.router.generate({ task: 'chat', messages: ask('x'), actor: 'test' });
    expect(first.providerId).toBe('healthy');
    expect(first.fallbacks.map((entry) => entry.providerId)).toEqual(['rejecting', 'limited']);
    for (let i = 0; i < 3; i++) await h.router.generate({ task: 'chat', messages: ask('x'), actor: 'test' });
    expect(rejecting.requests).toHaveLength(1);
    expect(limited.requests).toHaveLength(1);
    expect(h.router.liveOf('rejecting').breaker.state(Date.now())).toBe('open');
  });

  it('keeps what streamed and fails with E_PROVIDER when a provider stalls after its first token', async () => {
    const stalling = await loopback(() =>
      startLoopbackOpenAI({ kind: 'stall', tokens: ['one', ' two', ' three'], afterTokens: 2 }),
    );
    const healthy = await loopback(() => startLoopbackOpenAI({ kind: 'ok', text: 'fine' }));
    const h = harness([at('stalling', stalling, { priority: 10, idleTimeoutMs: 100 }), at('healthy', healthy)]);
    let streamed = '';
    const error = await h.router
      .generate({ task: 'chat', messages: ask('x'), actor: 'test', onToken: (text) => (streamed += text) })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: ErrorCode.PROVIDER });
    expect(streamed).toBe('one two');
    expect(healthy.requests).toHaveLength(0);
    expect(h.charged).toBe(1);
    expect(h.refunded).toBe(0);
  });

  it('refunds the quota when every provider failed before answering', async () => {
    const broken = await loopback(() => startLoopbackOpenAI({ kind: 'status', status: 500 }));
    const h = harness([at('broken', broken)]);
    await expect(h.router.generate({ task: 'chat', messages: ask('x'), actor: 'test' })).rejects.toMatchObject({
      code: ErrorCode.PROVIDER,
    });
    expect(h.charged).toBe(1);
    expect(h.refunded).toBe(1);
  });

  it('records per-provider TTFT, tokens/s and error rate', async () => {
    const flaky = await loopback(() =>
      startLoopbackOpenAI([
        { kind: 'status', status: 500 },
        { kind: 'ok', text: 'a b c d', gapMs: 5 },
      ]),
    );
    const h = harness([at('flaky', flaky)]);
    await h.router.generate({ task: 'chat', messages: ask('x'), actor: 'test' }).catch(() => undefined);
    await h.router.generate({ task: 'chat', messages: ask('x'), actor: 'test' });
    const [stats] = createPerfLog(h.store).stats(0);
    expect(stats).toMatchObject({ providerId: 'flaky', requests: 2, errors: 1, errorRate: 0.5 });
    expect(stats?.p50TtftMs).toBeGreaterThan(0);
    expect(stats?.tokensPerS).toBeGreaterThan(0);
  });

  it('uses a provider on the next request after its first keychain read failed', async () => {
    const server = await loopback(() => startLoopbackOpenAI({ kind: 'ok', text: 'second time lucky' }));
    let reads = 0;
    const flakyKeychain: Secrets = {
      ...secrets,
      get: async () => {
        reads += 1;
        if (reads === 1) throw new Error('The keychain is locked.');
        return 'test-key';
      },
    };
    const h = harness([at('plain', server)], 200, { secrets: flakyKeychain });
    await expect(h.router.generate({ task: 'chat', messages: ask('x'), actor: 'test' })).rejects.toThrow();
    const result = await h.router.generate({ task: 'chat', messages: ask('x'), actor: 'test' });
    expect(result.text).toBe('second time lucky');
    expect(reads).toBe(2);
  });

  it('answers without tools when listing them hangs, instead of waiting on the tool server', async () => {
    const server = await loopback(() => startLoopbackOpenAI({ kind: 'ok', text: 'no tools needed' }));
    const hanging = { tools: () => new Promise<never>(() => {}), call: () => new Promise<never>(() => {}) };
    const h = harness([at('plain', server)], 200, { tools: hanging, toolsTimeoutMs: 50 });
    const started = performance.now();
    const result = await h.router.generate({ task: 'chat', messages: ask('x'), actor: 'test', tools: true });
    expect(result.text).toBe('no tools needed');
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(server.requests[0]?.body.tools).toBeUndefined();
  });

  it('waits past the short limit for a tool server still starting for the first time, and offers its tools', async () => {
    const server = await loopback(() => startLoopbackOpenAI({ kind: 'ok', text: 'with tools' }));
    const tool = { server: 'slow', name: 'read_file', description: 'Reads a file.', inputSchema: {}, readOnly: true };
    // the server's process needs 300 ms to come up, six times the short limit, and says it is still starting
    const ready = Date.now() + 300;
    const starting = {
      tools: () => new Promise<(typeof tool)[]>((resolve) => setTimeout(() => resolve([tool]), 300)),
      startupGraceMs: () => Math.max(0, ready + 1_000 - Date.now()),
      call: async () => ({ text: '', isError: false }),
    };
    const h = harness([at('plain', server)], 200, { tools: starting, toolsTimeoutMs: 50 });
    const result = await h.router.generate({ task: 'chat', messages: ask('x'), actor: 'test', tools: true });
    expect(result.text).toBe('with tools');
    const offered = server.requests[0]?.body.tools as Array<{ function: { name: string } }> | undefined;
    expect(offered?.map((spec) => spec.function.name)).toEqual(['slow__read_file']);
  });
});
