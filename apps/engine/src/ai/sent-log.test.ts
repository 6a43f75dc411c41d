import { MAX_SENT_SOURCES, type ProviderConfig } from '@pa/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../store/index.js';
import type { ModelProvider } from './providers/provider.js';
import {
  boundedSources,
  createSentLog,
  MAX_PAYLOAD_CHARS,
  MAX_ROWS,
  recordingProvider,
  SENT_MIGRATION,
  SENT_SOURCES_MIGRATION,
} from './sent-log.js';

let store: Store | null = null;
afterEach(() => {
  store?.close();
  store = null;
});

function log() {
  store = openStore(':memory:');
  store.migrate('ai-sent-test', [SENT_MIGRATION, SENT_SOURCES_MIGRATION]);
  return createSentLog(store, () => 1_700_000_000_000);
}

const entry = (payload: unknown) => ({
  providerId: 'remote',
  model: 'm',
  endpoint: 'https://api.example.com/v1',
  kind: 'chat' as const,
  payload,
});

describe('the sent log', () => {
  it('keeps a payload over the limit cut, and says so with its whole length', () => {
    const sent = log();
    sent.record(entry({ text: 'x'.repeat(MAX_PAYLOAD_CHARS + 10) }));
    const [item] = sent.list(10);
    const whole = sent.get(item?.id ?? 0);
    expect(whole?.truncated).toBe(true);
    expect(whole?.payload.length).toBe(MAX_PAYLOAD_CHARS);
    expect(whole?.chars).toBeGreaterThan(MAX_PAYLOAD_CHARS);
  });

  it(`keeps about the newest ${MAX_ROWS} requests`, () => {
    const sent = log();
    for (let i = 0; i < MAX_ROWS + 300; i++) sent.record(entry({ i }));
    const count = (store as Store).db.prepare('SELECT COUNT(*) AS n FROM ai_sent').get() as { n: number };
    expect(count.n).toBeLessThanOrEqual(MAX_ROWS + 100);
    expect(count.n).toBeGreaterThanOrEqual(MAX_ROWS);
    expect(JSON.parse(sent.get(sent.list(1)[0]?.id ?? 0)?.payload ?? '{}')).toEqual({ i: MAX_ROWS + 299 });
  });
});

describe('the files and chunks a record lists', () => {
  it('keeps them with the record, and an older record (before the column) lists none', () => {
    store = openStore(':memory:');
    store.migrate('ai-sent-test', [SENT_MIGRATION]);
    // a row written before the migration
    store.db
      .prepare(
        "INSERT INTO ai_sent (at, provider_id, model, endpoint, kind, chars, truncated, payload) VALUES (1, 'p', 'm', NULL, 'chat', 2, 0, '{}')",
      )
      .run();
    store.migrate('ai-sent-test', [SENT_MIGRATION, SENT_SOURCES_MIGRATION]);
    const sent = createSentLog(store, () => 2);
    sent.record({ ...entry({}), sources: [{ path: 'src/a.ts', startLine: 3, endLine: 9, bytes: 120 }] });
    const [newest, oldest] = sent.list(10);
    expect(newest?.sources).toEqual([{ path: 'src/a.ts', startLine: 3, endLine: 9, bytes: 120 }]);
    expect(newest?.sourcesCut).toBe(false);
    expect(oldest).toMatchObject({ sources: [], sourcesCut: false });
    expect(sent.get(newest?.id ?? 0)?.sources).toEqual(newest?.sources);
  });

  it('lists the same path and lines once, and at most MAX_SENT_SOURCES, saying when it cut', () => {
    const same = { path: 'a.ts', startLine: 1, endLine: 2, bytes: 10 };
    expect(boundedSources([same, { ...same, bytes: 12 }, { path: 'a.ts', bytes: 50 }])).toEqual({
      sources: [
        { ...same, bytes: 12 },
        { path: 'a.ts', bytes: 50 },
      ],
      cut: false,
    });
    const many = Array.from({ length: MAX_SENT_SOURCES + 5 }, (_, index) => ({ path: `f${index}.ts`, bytes: 1 }));
    const bounded = boundedSources(many);
    expect(bounded.sources).toHaveLength(MAX_SENT_SOURCES);
    expect(bounded.sources[0]?.path).toBe('f0.ts');
    expect(bounded.cut).toBe(true);
    const sent = log();
    sent.record({ ...entry({}), sources: many });
    expect(sent.list(1)[0]).toMatchObject({ sourcesCut: true });
    expect(sent.list(1)[0]?.sources).toHaveLength(MAX_SENT_SOURCES);
  });
});

describe('recordingProvider', () => {
  const provider = (kind: ProviderConfig['kind']): ModelProvider => ({
    config: { id: 'p', kind, model: 'm', modelClass: 'own_key' } as ProviderConfig,
    async *stream() {
      yield { text: 'ok' };
    },
    health: async () => {},
    async *infill() {
      yield { text: 'x' };
    },
  });

  it('records each chat round and completion of a network provider before handing it on', async () => {
    const sent = log();
    const wrapped = recordingProvider(provider('openai-compatible'), sent);
    for await (const _ of wrapped.stream(
      { messages: [{ role: 'user', content: 'hello' }] },
      new AbortController().signal,
    )) {
      // answered
    }
    const infill = wrapped.infill as NonNullable<ModelProvider['infill']>;
    for await (const _ of infill(
      { prefix: 'a', suffix: 'b', context: [], maxTokens: 8, temperature: 0 },
      new AbortController().signal,
    )) {
      // answered
    }
    expect(sent.list(10).map((item) => item.kind)).toEqual(['completion', 'chat']);
  });

  it("records the request's sources and never hands them to the provider; a completion lists its file and context", async () => {
    const sent = log();
    const handed: unknown[] = [];
    const inner: ModelProvider = {
      ...provider('anthropic'),
      async *stream(request) {
        handed.push(request);
        yield { text: 'ok' };
      },
    };
    const wrapped = recordingProvider(inner, sent);
    const sources = [{ path: 'src/a.ts', startLine: 1, endLine: 4, bytes: 80 }];
    for await (const _ of wrapped.stream(
      { messages: [{ role: 'user', content: 'hello' }], sources },
      new AbortController().signal,
    )) {
      // answered
    }
    expect(handed).toEqual([{ messages: [{ role: 'user', content: 'hello' }] }]);
    expect(sent.list(1)[0]?.sources).toEqual(sources);
    expect(JSON.parse(sent.get(sent.list(1)[0]?.id ?? 0)?.payload ?? '{}')).not.toHaveProperty('sources');
    const infill = wrapped.infill as NonNullable<ModelProvider['infill']>;
    for await (const _ of infill(
      {
        prefix: 'const é = ',
        suffix: ';',
        path: 'src/b.ts',
        context: [{ path: 'src/c.ts', text: 'export const c = 1;' }, { text: 'a snippet with no file' }],
        maxTokens: 8,
        temperature: 0,
      },
      new AbortController().signal,
    )) {
      // answered
    }
    expect(sent.list(1)[0]?.sources).toEqual([
      { path: 'src/b.ts', bytes: Buffer.byteLength('const é = ;') },
      { path: 'src/c.ts', bytes: 19 },
    ]);
  });

  it('leaves an in-process model as it is', () => {
    const local = provider('local');
    expect(recordingProvider(local, log())).toBe(local);
  });
});
