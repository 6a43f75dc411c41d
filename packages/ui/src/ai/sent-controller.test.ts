import type { SentRequest, SentRequestSummary } from '@pa/shared';
import { describe, expect, it } from 'vitest';
import { FakeEngine } from '../testing/fake-engine';
import { SENT_LIST_LIMIT, SentController } from './sent-controller';

const summary: SentRequestSummary = {
  id: 7,
  at: 1_700_000_000_000,
  providerId: 'kimi',
  model: 'moonshot-v1-8k',
  endpoint: 'https://api.moonshot.ai/v1',
  kind: 'chat',
  chars: 42,
  truncated: false,
  sources: [{ path: 'src/a.ts', startLine: 1, endLine: 3, bytes: 40 }],
  sourcesCut: false,
};
const whole: SentRequest = { ...summary, payload: '{\n  "messages": []\n}' };

function setup(choice: string | null = 'clear') {
  const engine = new FakeEngine();
  let items = [summary];
  const asked: unknown[] = [];
  engine.answer('ai.sent.list', async (params) => {
    asked.push(params);
    return { items };
  });
  engine.answer('ai.sent.get', async ({ id }) => ({ request: id === 7 ? whole : null }));
  engine.answer('ai.sent.clear', async () => {
    const cleared = items.length;
    items = [];
    return { cleared };
  });
  const confirms: string[] = [];
  const sent = new SentController({
    client: engine.client,
    confirm: async ({ title }) => {
      confirms.push(title);
      return choice;
    },
    notify: () => {},
  });
  return { sent, asked, confirms };
}

describe('SentController', () => {
  it('lists the newest requests and opens one whole, then closes it again', async () => {
    const { sent, asked } = setup();
    await sent.refresh();
    expect(asked).toEqual([{ limit: SENT_LIST_LIMIT }]);
    expect(sent.state.value.items).toEqual([summary]);
    await sent.toggle(7);
    expect(sent.state.value.open?.payload).toContain('messages');
    await sent.toggle(7);
    expect(sent.state.value.open).toBeNull();
  });

  it('says when a request is no longer kept', async () => {
    const { sent } = setup();
    await sent.toggle(8);
    expect(sent.state.value.open).toBeNull();
    expect(sent.state.value.error).toMatch(/no longer kept/);
  });

  it('forgets the record only after the user confirms', async () => {
    const kept = setup('cancel');
    await kept.sent.refresh();
    await kept.sent.clear();
    expect(kept.confirms).toEqual(['Forget what was sent to remote models?']);
    expect(kept.sent.state.value.items).toHaveLength(1);
    const cleared = setup('clear');
    await cleared.sent.refresh();
    await cleared.sent.clear();
    expect(cleared.sent.state.value.items).toEqual([]);
  });
});
