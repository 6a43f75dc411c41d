import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from './breaker.js';

describe('CircuitBreaker', () => {
  it('stays closed while at most half of the calls fail', () => {
    const breaker = new CircuitBreaker(1_000);
    for (const ok of [true, false, true, false, true, false]) breaker.record(0, { ok });
    expect(breaker.state(0)).toBe('closed');
  });

  it('opens when more than half of at least 5 calls in the last minute failed', () => {
    const breaker = new CircuitBreaker(1_000);
    for (let i = 0; i < 4; i++) breaker.record(0, { ok: false });
    expect(breaker.state(0)).toBe('closed');
    breaker.record(0, { ok: false });
    expect(breaker.state(0)).toBe('open');
    expect(breaker.tryAcquire(500)).toBe(false);
  });

  it('forgets failures older than a minute', () => {
    const breaker = new CircuitBreaker(1_000);
    for (let i = 0; i < 4; i++) breaker.record(0, { ok: false });
    breaker.record(61_000, { ok: false });
    expect(breaker.state(61_000)).toBe('closed');
  });

  it('opens at once on an auth error', () => {
    const breaker = new CircuitBreaker(1_000);
    breaker.record(0, { ok: false, auth: true });
    expect(breaker.state(0)).toBe('open');
  });

  it('lets one probe through after the cooldown and closes when it succeeds', () => {
    const breaker = new CircuitBreaker(1_000);
    breaker.record(0, { ok: false, auth: true });
    expect(breaker.state(1_000)).toBe('half-open');
    expect(breaker.tryAcquire(1_000)).toBe('probe');
    expect(breaker.tryAcquire(1_000)).toBe(false);
    breaker.record(1_100, { ok: true, probe: true });
    expect(breaker.state(1_100)).toBe('closed');
    expect(breaker.tryAcquire(1_100)).toBe('call');
  });

  it('reopens for another cooldown when the probe fails', () => {
    const breaker = new CircuitBreaker(1_000);
    breaker.record(0, { ok: false, auth: true });
    expect(breaker.tryAcquire(1_000)).toBe('probe');
    breaker.record(1_200, { ok: false, probe: true });
    expect(breaker.state(1_500)).toBe('open');
    expect(breaker.state(2_200)).toBe('half-open');
  });
});
