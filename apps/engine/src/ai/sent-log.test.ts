import type { ProviderConfig } from '@pa/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../store/index.js';
import type { ModelProvider } from './providers/provider.js';
import { createSentLog, MAX_PAYLOAD_CHARS, MAX_ROWS, recordingProvider, SENT_MIGRATION } from './sent-log.js';

let store: Store | null = null;
afterEach(() => {
  store?.close();
  store = null;
});

function log() {
  store = openStore(':memory:');
  store.migrate('ai-sent-test', [SENT_MIGRATION]);
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

  it('leaves an in-process model as it is', () => {
    const local = provider('local');
    expect(recordingProvider(local, log())).toBe(local);
  });
});
