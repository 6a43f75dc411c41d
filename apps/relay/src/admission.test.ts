import { describe, expect, it } from 'vitest';
import { ConnectionRateLimit } from './admission.js';

describe('per-IP connection rate limit', () => {
  it('allows a burst, refuses the excess, and refills with time', () => {
    let now = 0;
    const limit = new ConnectionRateLimit(2, 3, () => now);
    expect([1, 2, 3, 4].map(() => limit.allow('10.0.0.1'))).toEqual([true, true, true, false]);
    expect(limit.allow('10.0.0.2')).toBe(true);
    now += 500;
    expect(limit.allow('10.0.0.1')).toBe(true);
    expect(limit.allow('10.0.0.1')).toBe(false);
  });
});
