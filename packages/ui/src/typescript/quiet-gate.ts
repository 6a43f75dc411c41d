// Long work of the TypeScript worker that nobody is waiting for (the first file's full semantic check, seconds on a
// large project) waits until the user has stopped asking it things: Monaco's worker answers one request at a time
// and cannot interrupt a check once started, so a hover asked during it would wait for all of it. A task given to
// the gate runs once no request (hover, definition, completion…) has come for QUIET_MS, counted from when it was
// given at the earliest; each request starts the count again.
import type { Disposable } from '@pa/shared';

/**
 * How long without a request of the user's before deferred work starts: longer than pointing at the next symbol
 * after reading a hover takes (about a second; at 750 ms the check still landed between hovers and F12s paced a
 * second apart on a loaded machine).
 */
export const QUIET_MS = 1_500;

interface Waiter {
  task: () => void;
  timer?: ReturnType<typeof setTimeout>;
}

export class QuietGate implements Disposable {
  private readonly waiting = new Set<Waiter>();

  constructor(private readonly quietMs = QUIET_MS) {}

  /** The user asked the worker something: every waiting task waits a full quiet moment from now. */
  note(): void {
    for (const waiter of this.waiting) {
      clearTimeout(waiter.timer);
      waiter.timer = this.arm(waiter);
    }
  }

  /** Runs `task` once the user has not asked anything for a quiet moment; disposing the result cancels it. */
  whenQuiet(task: () => void): Disposable {
    const waiter: Waiter = { task };
    waiter.timer = this.arm(waiter);
    this.waiting.add(waiter);
    return {
      dispose: () => {
        clearTimeout(waiter.timer);
        this.waiting.delete(waiter);
      },
    };
  }

  private arm(waiter: Waiter): ReturnType<typeof setTimeout> {
    return setTimeout(() => {
      this.waiting.delete(waiter);
      waiter.task();
    }, this.quietMs);
  }

  dispose(): void {
    for (const waiter of this.waiting) clearTimeout(waiter.timer);
    this.waiting.clear();
  }
}
