import { ErrorCode, PaError, type ProviderStats, ProviderView } from '@pa/shared';
import { describe, expect, it } from 'vitest';
import { deferred, FakeEngine } from '../testing/fake-engine';
import { ModelsController, type ModelsTimers, type ProviderDraft, providerParams } from './models-controller';

const KIMI = ProviderView.parse({
  id: 'kimi',
  kind: 'openai-compatible',
  modelClass: 'own_key',
  model: 'moonshot-v1-8k',
  hasApiKey: true,
  circuit: 'closed',
  licensed: true,
});
const KIMI_STATS: ProviderStats = {
  providerId: 'kimi',
  requests: 3,
  errors: 0,
  errorRate: 0,
  p50TtftMs: 120,
  p95TtftMs: 200,
  tokensPerS: 40,
  circuit: 'closed',
};

/** Interval timers the test fires by hand. */
function manualTimers() {
  const running = new Map<number, () => void>();
  let next = 1;
  const timers: ModelsTimers = {
    setInterval: (callback) => {
      running.set(next, callback);
      return next++;
    },
    clearInterval: (timer) => running.delete(timer as number),
  };
  const tick = () => {
    for (const callback of [...running.values()]) callback();
  };
  return { timers, tick, count: () => running.size };
}

function setup(choice: string | null = 'remove') {
  const engine = new FakeEngine();
  engine.answer('ai.providers.list', async () => ({ providers: [KIMI] }));
  engine.answer('ai.stats', async () => ({ windowMs: 86_400_000, providers: [KIMI_STATS] }));
  engine.answer('ai.server.info', async () => ({ path: '/v1/chat/completions', token: 'secret' }));
  const toasts: string[] = [];
  const clock = manualTimers();
  const models = new ModelsController(
    { client: engine.client, confirm: async () => choice, notify: (message) => toasts.push(message) },
    clock.timers,
  );
  return { engine, models, toasts, clock };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

const DRAFT: ProviderDraft = {
  id: ' kimi ',
  kind: 'openai-compatible',
  modelClass: 'own_key',
  model: ' moonshot-v1-8k ',
  baseURL: ' ',
  modelPath: '',
  apiKey: 'sk-1',
};

describe('ModelsController', () => {
  it('shows why a refresh failed and clears it when the next one works', async () => {
    const { engine, models } = setup();
    engine.answer('ai.stats', () => {
      throw new PaError(ErrorCode.UNAVAILABLE, 'The engine is not connected.');
    });
    await models.refresh();
    expect(models.state.value.error).toBe('The engine is not connected.');
    engine.answer('ai.stats', async () => ({ windowMs: 86_400_000, providers: [KIMI_STATS] }));
    await models.refresh();
    expect(models.state.value).toMatchObject({
      providers: [KIMI],
      stats: [KIMI_STATS],
      server: { path: '/v1/chat/completions', token: 'secret' },
      error: null,
    });
  });

  it('refreshes every 5 s while watched, and stops when the watch or the controller is disposed', async () => {
    const { engine, models, clock } = setup();
    const watching = models.watch();
    clock.tick();
    await settle();
    expect(engine.methods().filter((method) => method === 'ai.providers.list')).toHaveLength(2);
    watching.dispose();
    expect(clock.count()).toBe(0);
    models.watch();
    models.watch();
    expect(clock.count()).toBe(2);
    models.dispose();
    expect(clock.count()).toBe(0);
  });

  it('keeps the reason an added provider was refused, and says true once one is added', async () => {
    const { engine, models } = setup();
    engine.answer('ai.providers.add', () => {
      throw new PaError(ErrorCode.BAD_REQUEST, 'A provider with the id kimi exists.');
    });
    expect(await models.add(DRAFT)).toBe(false);
    expect(models.state.value.addError).toBe('A provider with the id kimi exists.');
    engine.answer('ai.providers.add', async () => ({ provider: KIMI }));
    expect(await models.add(DRAFT)).toBe(true);
    expect(models.state.value.addError).toBeNull();
    expect(models.state.value.providers).toEqual([KIMI]);
  });

  it('sends a form trimmed, without its empty fields, and a local model as class local', () => {
    expect(providerParams(DRAFT)).toEqual({
      id: 'kimi',
      kind: 'openai-compatible',
      modelClass: 'own_key',
      model: 'moonshot-v1-8k',
      apiKey: 'sk-1',
    });
    expect(providerParams({ ...DRAFT, kind: 'local', modelPath: '/m/q.gguf', apiKey: '' })).toMatchObject({
      modelClass: 'local',
      modelPath: '/m/q.gguf',
    });
  });

  it('removes a provider only when the user confirms, and says why the engine refused', async () => {
    const cancelled = setup('cancel');
    await cancelled.models.remove(KIMI);
    expect(cancelled.engine.methods()).not.toContain('ai.providers.remove');

    const { engine, models, toasts } = setup('remove');
    engine.answer('ai.providers.remove', () => {
      throw new PaError(ErrorCode.NOT_FOUND, 'No provider kimi.');
    });
    await models.remove(KIMI);
    expect(toasts).toEqual(['Could not remove kimi: No provider kimi.']);
  });

  it("shows 'Testing…' while a test runs, then its answer; a failed call is a failed test", async () => {
    const { engine, models } = setup();
    const answer = deferred<{ ok: boolean; ttftMs: number | null; totalMs: number; sample: string }>();
    engine.answer('ai.providers.test', () => answer.promise);
    const testing = models.test('kimi');
    expect(models.state.value.tests).toEqual({ kimi: 'Testing…' });
    answer.resolve({ ok: true, ttftMs: 120.4, totalMs: 300, sample: 'hi' });
    await testing;
    expect(models.state.value.tests).toEqual({ kimi: 'OK · first token 120 ms' });

    engine.answer('ai.providers.test', () => {
      throw new PaError(ErrorCode.UNAVAILABLE, 'The engine is not connected.');
    });
    await models.test('kimi');
    expect(models.state.value.tests).toEqual({ kimi: 'Failed: The engine is not connected.' });
  });

  it('changes nothing and says nothing for answers that arrive after it was disposed', async () => {
    const { engine, models, toasts } = setup();
    const answer = deferred<{ ok: boolean; ttftMs: number | null; totalMs: number; sample: string }>();
    engine.answer('ai.providers.test', () => answer.promise);
    engine.answer('ai.providers.remove', () => {
      throw new PaError(ErrorCode.NOT_FOUND, 'No provider kimi.');
    });
    const testing = models.test('kimi');
    const removing = models.remove(KIMI);
    const before = models.state.value;
    models.dispose();
    answer.resolve({ ok: true, ttftMs: 1, totalMs: 1, sample: '' });
    await Promise.all([testing, removing]);
    expect(models.state.value).toBe(before);
    expect(toasts).toEqual([]);
  });
});
