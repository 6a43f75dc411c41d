import { describe, expect, it } from 'vitest';
import { coalesced } from './cursors';

describe('coalesced', () => {
  it('runs once after the current synchronous code however often it was requested', async () => {
    let runs = 0;
    const work = coalesced(() => {
      runs += 1;
    });
    for (let i = 0; i < 1000; i++) work.request();
    expect(runs).toBe(0);
    await Promise.resolve();
    expect(runs).toBe(1);
    work.request();
    await Promise.resolve();
    expect(runs).toBe(2);
  });

  it('does not run after it was cancelled, even when already queued', async () => {
    let runs = 0;
    const work = coalesced(() => {
      runs += 1;
    });
    work.request();
    work.cancel();
    work.request();
    await Promise.resolve();
    expect(runs).toBe(0);
  });
});
