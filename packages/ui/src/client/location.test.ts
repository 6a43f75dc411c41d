import { describe, expect, it } from 'vitest';
import { reconnectDelay, rpcUrl, tokenFromHash } from './location';

describe('tokenFromHash', () => {
  it('reads the token the engine prints in the URL fragment', () => {
    expect(tokenFromHash('#token=abc-DEF_123')).toBe('abc-DEF_123');
    expect(tokenFromHash('#other=1&token=xyz')).toBe('xyz');
  });

  it('returns null when the fragment carries no token', () => {
    expect(tokenFromHash('')).toBeNull();
    expect(tokenFromHash('#token=')).toBeNull();
  });
});

describe('rpcUrl', () => {
  it('points at /rpc on the page host, without the token (it goes in the first message)', () => {
    expect(rpcUrl({ protocol: 'http:', host: '127.0.0.1:4321' })).toBe('ws://127.0.0.1:4321/rpc');
    expect(rpcUrl({ protocol: 'https:', host: 'example.test' })).toBe('wss://example.test/rpc');
  });
});

describe('reconnectDelay', () => {
  it('doubles from 250 ms and caps at 5 s', () => {
    const middle = () => 0.5;
    expect([0, 1, 2, 3, 4, 5, 10].map((attempt) => reconnectDelay(attempt, middle))).toEqual([
      250, 500, 1000, 2000, 4000, 5000, 5000,
    ]);
  });

  it('jitters within ±20 %', () => {
    expect(reconnectDelay(2, () => 0)).toBe(800);
    expect(reconnectDelay(2, () => 1)).toBe(1200);
  });
});
