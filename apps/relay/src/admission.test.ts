import { describe, expect, it } from 'vitest';
import { MessageBudget, PerIpRateLimit } from './admission.js';

describe('per-IP connection rate limit', () => {
  it('allows a burst, refuses the excess, and refills with time', () => {
    let now = 0;
    const limit = new PerIpRateLimit(2, 3, () => now);
    expect([1, 2, 3, 4].map(() => limit.allow('10.0.0.1'))).toEqual([true, true, true, false]);
    expect(limit.allow('10.0.0.2')).toBe(true);
    now += 500;
    expect(limit.allow('10.0.0.1')).toBe(true);
    expect(limit.allow('10.0.0.1')).toBe(false);
  });

  it('tracks a bounded number of addresses, even when none of them is quiet', () => {
    const limit = new PerIpRateLimit(1 / 3600, 5, () => 0, 100);
    for (let i = 0; i < 1000; i += 1) expect(limit.allow(`10.0.${i >> 8}.${i & 255}`)).toBe(true);
    expect(limit.tracked).toBeLessThanOrEqual(100);
  });
});

describe('per-connection message budget', () => {
  const limits = { messagesPerSecond: 10, messageBurst: 5, bytesPerSecond: 1000, byteBurst: 3000 };

  it('lets a burst of messages through, refuses the sixth at once, and refills at the message rate', () => {
    const budget = new MessageBudget(limits, 0);
    expect([1, 2, 3, 4, 5, 6].map(() => budget.spend(10, 0))).toEqual([true, true, true, true, true, false]);
    expect(budget.spend(10, 100)).toBe(true); // 100 ms at 10/s is one message
    expect(budget.spend(10, 100)).toBe(false);
  });

  it('refuses a frame the byte bucket cannot cover without spending a message on it', () => {
    const budget = new MessageBudget(limits, 0);
    expect(budget.spend(2500, 0)).toBe(true);
    expect(budget.spend(600, 0)).toBe(false);
    expect(budget.spend(500, 0)).toBe(true);
    // 3 messages burst left untouched by the refusal: 2 spent so far
    expect([1, 2, 3, 4].map(() => budget.spend(0, 0))).toEqual([true, true, true, false]);
    expect(budget.spend(1000, 1000)).toBe(true);
  });
});
