import { describe, expect, it } from 'vitest';
import { countdown } from './countdown';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('expiry countdown', () => {
  it('shows days and hours, then hours and minutes in the last day, then time since expiry', () => {
    expect(countdown(29 * DAY + 23 * HOUR + 59_000, 0)).toBe('29 d 23 h left');
    expect(countdown(5 * HOUR + 7 * 60_000, 0)).toBe('5 h 7 min left');
    expect(countdown(0, 2 * DAY + HOUR)).toBe('expired 2 d 1 h ago');
  });
});
