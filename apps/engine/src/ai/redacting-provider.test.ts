import type { ProviderConfig } from '@pa/shared';
import { describe, expect, it } from 'vitest';
import type { InfillRequest, ModelProvider, ProviderRequest } from './providers/provider.js';
import { Redactor } from './redact.js';
import { type RedactableRequest, redactingProvider } from './redacting-provider.js';

const TOKEN = `ghp_${'a1'.repeat(18)}`;

function capturing(kind: ProviderConfig['kind']) {
  const seen: { chat: ProviderRequest[]; infill: InfillRequest[] } = { chat: [], infill: [] };
  const provider: ModelProvider = {
    config: {
      id: 'p',
      kind,
      modelClass: 'own_key',
      model: 'm',
      maxConcurrency: 1,
      costPer1kTokens: 0,
      tasks: ['chat'],
      priority: 0,
      enabled: true,
    } as ProviderConfig,
    supportsTools: true,
    health: async () => {},
    async *stream(request) {
      seen.chat.push(request);
      yield { text: 'ok' };
    },
    async *infill(request) {
      seen.infill.push(request);
      yield { text: 'x' };
    },
  };
  return { provider, seen };
}

describe('redactingProvider', () => {
  it('redacts chat messages and tool rounds before a network provider gets them, and tells the count', async () => {
    const { provider, seen } = capturing('openai-compatible');
    const counts: number[] = [];
    const wrapped = redactingProvider(provider, () => new Redactor());
    const request: RedactableRequest = {
      messages: [{ role: 'user', content: `use ${TOKEN}` }],
      toolRounds: [
        {
          text: '',
          calls: [{ id: '1', name: 'read_file', arguments: '{}', result: `token=${TOKEN}`, isError: false }],
        },
      ],
      onRedacted: (count) => counts.push(count),
    };
    for await (const _ of wrapped.stream(request, new AbortController().signal)) {
      // drain
    }
    const sent = JSON.stringify(seen.chat[0]);
    expect(sent).not.toContain(TOKEN);
    expect(sent).toContain('[REDACTED:github-token]');
    expect(sent).not.toContain('onRedacted');
    expect(counts).toEqual([2]);
    expect(request.messages[0]?.content).toContain(TOKEN); // the caller's request is not changed
  });

  it('redacts a completion prompt too, and leaves the in-process local model alone', async () => {
    const remote = capturing('openai-compatible');
    const infill = redactingProvider(remote.provider, () => new Redactor()).infill;
    const request: InfillRequest = {
      prefix: `k = "${TOKEN}"\n`,
      suffix: '',
      context: [{ text: TOKEN }],
      maxTokens: 8,
      temperature: 0,
    };
    for await (const _ of infill?.(request, new AbortController().signal) ?? []) {
      // drain
    }
    expect(JSON.stringify(remote.seen.infill[0])).not.toContain(TOKEN);
    const local = capturing('local');
    expect(redactingProvider(local.provider, () => new Redactor())).toBe(local.provider);
  });
});
