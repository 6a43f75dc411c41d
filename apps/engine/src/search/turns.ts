// A search that always finds its next input ready (rg's pipe full of a 120 MB frame, a 20 MB file in memory) never
// waits on I/O, so awaiting it alone would hold the event loop until it is done: every other call, a ping included,
// would wait. A search asks for a turn as it goes and gets one every few milliseconds.
import { setImmediate } from 'node:timers/promises';

const EVERY_MS = 10;

export class Turns {
  private last = performance.now();

  /** Returns at once, or after the event loop has had a turn when the last was EVERY_MS ago. */
  async take(): Promise<void> {
    if (performance.now() - this.last < EVERY_MS) return;
    await setImmediate();
    this.last = performance.now();
  }
}
