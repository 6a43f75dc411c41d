import { describe, expect, it } from 'vitest';
import { type CompletionInputs, SNOOZE_MS, statusLabel, statusOf, suggesting } from './status';

const base: CompletionInputs = {
  enabled: true,
  disabledLanguages: [],
  language: 'typescript',
  activeExcluded: false,
  snoozedUntil: null,
  modelAvailable: true,
  model: 'qwen2.5-coder-0.5b',
  now: 1_000_000,
};

describe('completion status', () => {
  it('is on with the model in use', () => {
    const status = statusOf(base);
    expect(status.phase).toBe('on');
    expect(suggesting(status)).toBe(true);
    expect(statusLabel(status, base.now)).toBe('Completion: qwen2.5-coder-0.5b');
  });

  it('off everywhere wins over off for a language, which wins over a snooze, no model and .aiignore', () => {
    const all = { ...base, disabledLanguages: ['typescript'], snoozedUntil: base.now + 1, modelAvailable: false };
    expect(statusOf({ ...all, enabled: false }).phase).toBe('off');
    expect(statusOf(all).phase).toBe('off-language');
    expect(statusLabel(statusOf(all), base.now)).toBe('Completion: off for typescript');
    expect(statusOf({ ...all, disabledLanguages: [] }).phase).toBe('snoozed');
    expect(statusOf({ ...all, disabledLanguages: [], snoozedUntil: null }).phase).toBe('no-model');
    expect(statusOf({ ...base, activeExcluded: true }).phase).toBe('excluded');
    for (const phase of ['off', 'off-language', 'snoozed', 'no-model', 'excluded'] as const) {
      expect(suggesting({ phase, language: null, model: null, snoozedUntil: null })).toBe(false);
    }
  });

  it('a snooze counts down and ends by itself', () => {
    const snoozed = statusOf({ ...base, snoozedUntil: base.now + SNOOZE_MS });
    expect(statusLabel(snoozed, base.now)).toBe('Completion: snoozed 5 min');
    expect(statusLabel(snoozed, base.now + SNOOZE_MS - 30_000)).toBe('Completion: snoozed 1 min');
    expect(statusOf({ ...base, snoozedUntil: base.now - 1 }).phase).toBe('on');
  });
});
