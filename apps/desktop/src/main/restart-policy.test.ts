import { describe, expect, it } from 'vitest';
import { restartDelay } from './restart-policy.js';

const policy = { maxRestarts: 3, windowMs: 10_000, baseDelayMs: 100, maxDelayMs: 350 };

describe('restartDelay', () => {
  it('restarts quickly after a first crash and backs off on repeated ones', () => {
    expect(restartDelay([1_000], 1_000, policy)).toBe(100);
    expect(restartDelay([1_000, 2_000], 2_000, policy)).toBe(200);
    expect(restartDelay([1_000, 2_000, 3_000], 3_000, policy)).toBe(350);
  });

  it('gives up once the engine crashes more often than the policy allows', () => {
    expect(restartDelay([1_000, 2_000, 3_000, 4_000], 4_000, policy)).toBeNull();
  });

  it('forgets crashes older than the window', () => {
    expect(restartDelay([1_000, 2_000, 3_000, 30_000], 30_000, policy)).toBe(100);
  });
});
