import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { QUIET_MS, QuietGate } from './quiet-gate';

describe('QuietGate', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs a task a quiet moment after it was given when nobody asks anything', () => {
    const gate = new QuietGate();
    const task = vi.fn();
    gate.whenQuiet(task);
    vi.advanceTimersByTime(QUIET_MS - 1);
    expect(task).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(task).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(10 * QUIET_MS);
    expect(task).toHaveBeenCalledTimes(1);
  });

  it('waits while requests come in a burst, then runs once a quiet moment after the last', () => {
    const gate = new QuietGate();
    const task = vi.fn();
    gate.whenQuiet(task);
    // a hover every 400 ms for 4 s: never a quiet moment
    for (let i = 0; i < 10; i++) {
      vi.advanceTimersByTime(400);
      gate.note();
    }
    expect(task).not.toHaveBeenCalled();
    vi.advanceTimersByTime(QUIET_MS - 1);
    expect(task).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(task).toHaveBeenCalledTimes(1);
  });

  it('counts from the task at the earliest: a request made long before does not let it start at once', () => {
    const gate = new QuietGate();
    gate.note();
    vi.advanceTimersByTime(5 * QUIET_MS);
    const task = vi.fn();
    gate.whenQuiet(task);
    vi.advanceTimersByTime(QUIET_MS - 1);
    expect(task).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(task).toHaveBeenCalledTimes(1);
  });

  it('a request after the task ran does not run it again; a cancelled task or a disposed gate runs nothing', () => {
    const gate = new QuietGate();
    const ran = vi.fn();
    const cancelled = vi.fn();
    const dropped = vi.fn();
    gate.whenQuiet(ran);
    gate.whenQuiet(cancelled).dispose();
    vi.advanceTimersByTime(QUIET_MS);
    gate.note();
    gate.whenQuiet(dropped);
    gate.dispose();
    gate.note();
    vi.advanceTimersByTime(10 * QUIET_MS);
    expect(ran).toHaveBeenCalledTimes(1);
    expect(cancelled).not.toHaveBeenCalled();
    expect(dropped).not.toHaveBeenCalled();
  });
});
