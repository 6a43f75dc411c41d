import { ProviderConfig } from '@pa/shared';
import { describe, expect, it } from 'vitest';
import { choose, type ProviderLiveStats, REMOTE_OFF_REASON } from './choose.js';

const provider = (id: string, extra: Partial<ProviderConfig> = {}): ProviderConfig =>
  ProviderConfig.parse({ id, kind: 'openai-compatible', modelClass: 'own_key', model: 'm', ...extra });

const live = (extra: Partial<ProviderLiveStats> = {}): ProviderLiveStats => ({
  ttftEwmaMs: null,
  inFlight: 0,
  circuit: 'closed',
  probeInFlight: false,
  blockedUntil: 0,
  ...extra,
});

const query = { task: 'chat' as const, licensed: () => true, now: 1_000 };

describe('choose', () => {
  it('ranks the faster provider first and says why', () => {
    const stats = new Map([
      ['slow', live({ ttftEwmaMs: 900 })],
      ['fast', live({ ttftEwmaMs: 100 })],
    ]);
    const { ranked } = choose([provider('slow'), provider('fast')], stats, query);
    expect(ranked.map((entry) => entry.provider.id)).toEqual(['fast', 'slow']);
    expect(ranked[0]?.reasons).toContain('TTFT ~100 ms');
  });

  it('leaves every network provider out while remote models are off, the local one still answers', () => {
    const local = provider('local', { kind: 'local', modelClass: 'local', modelPath: '/m.gguf' });
    const providers = [provider('cloud'), provider('ollama', { baseURL: 'http://127.0.0.1:11434/v1' }), local];
    const off = choose(providers, new Map(), { ...query, remoteAllowed: false });
    expect(off.ranked.map((entry) => entry.provider.id)).toEqual(['local']);
    expect(off.excluded).toEqual([
      { providerId: 'cloud', reason: REMOTE_OFF_REASON },
      { providerId: 'ollama', reason: REMOTE_OFF_REASON },
    ]);
    // pinned to a network provider: still refused
    expect(choose(providers, new Map(), { ...query, remoteAllowed: false, pinned: 'cloud' }).ranked).toEqual([]);
    expect(choose(providers, new Map(), query).ranked).toHaveLength(3);
  });

  it('excludes open circuits, unlicensed classes, other tasks and rate-limited providers', () => {
    const providers = [
      provider('open'),
      provider('remote', { modelClass: 'remote' }),
      provider('chat-only', { tasks: ['chat'] }),
      provider('limited'),
      provider('ok'),
    ];
    const stats = new Map([
      ['open', live({ circuit: 'open' })],
      ['limited', live({ blockedUntil: 5_000 })],
    ]);
    const result = choose(providers, stats, {
      ...query,
      task: 'code-edit',
      licensed: (p) => p.modelClass !== 'remote',
    });
    expect(result.ranked.map((entry) => entry.provider.id)).toEqual(['ok']);
    expect(Object.fromEntries(result.excluded.map((entry) => [entry.providerId, entry.reason]))).toEqual({
      open: 'circuit open',
      remote: 'license does not include remote models',
      'chat-only': 'does not serve code-edit',
      limited: 'rate limited for 4 s',
    });
  });

  it('prefers the local model when it is about as fast, and a loaded provider last', () => {
    const providers = [
      provider('remote'),
      provider('local', { kind: 'local', modelClass: 'local', maxConcurrency: 1 }),
    ];
    const close = choose(
      providers,
      new Map([
        ['remote', live({ ttftEwmaMs: 200 })],
        ['local', live({ ttftEwmaMs: 400 })],
      ]),
      query,
    );
    expect(close.ranked[0]?.provider.id).toBe('local');
    const busy = choose(
      providers,
      new Map([
        ['remote', live({ ttftEwmaMs: 200 })],
        ['local', live({ ttftEwmaMs: 100, inFlight: 1 })],
      ]),
      query,
    );
    expect(busy.ranked[0]?.provider.id).toBe('remote');
  });

  it('keeps only the pinned provider and lets priority and cost break ties', () => {
    const providers = [
      provider('cheap'),
      provider('dear', { costPer1kTokens: 0.5 }),
      provider('pref', { priority: 2 }),
    ];
    expect(choose(providers, new Map(), query).ranked.map((entry) => entry.provider.id)).toEqual([
      'pref',
      'cheap',
      'dear',
    ]);
    expect(choose(providers, new Map(), { ...query, pinned: 'dear' }).ranked.map((entry) => entry.provider.id)).toEqual(
      ['dear'],
    );
  });

  it('skips a half-open provider whose probe is already running', () => {
    const { ranked, excluded } = choose(
      [provider('probing')],
      new Map([['probing', live({ circuit: 'half-open', probeInFlight: true })]]),
      query,
    );
    expect(ranked).toEqual([]);
    expect(excluded[0]?.reason).toBe('circuit half-open, probe running');
  });
});
