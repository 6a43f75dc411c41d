// At most N runs at once; the rest wait in order. A queued run can be withdrawn before it starts.
export class RunQueue {
  private running = 0;
  private readonly waiting: Array<{ id: string; start: () => Promise<void> }> = [];
  /** While above 0, nothing starts (the limit is being read again). */
  private holds = 0;

  constructor(private limit: number) {}

  /** A new limit (the setting changed): a raised one starts waiting runs now; a lowered one lets running ones end. */
  setLimit(limit: number): void {
    this.limit = limit;
    this.pump();
  }

  /** Holds every start until `ready` settles (a new limit is on its way); waiting runs can still be withdrawn. */
  holdUntil(ready: Promise<unknown>): void {
    this.holds += 1;
    void ready
      .catch(() => {})
      .finally(() => {
        this.holds -= 1;
        this.pump();
      });
  }

  enqueue(id: string, start: () => Promise<void>): void {
    this.waiting.push({ id, start });
    this.pump();
  }

  /** True when the run was still waiting (and now never starts). */
  withdraw(id: string): boolean {
    const index = this.waiting.findIndex((item) => item.id === id);
    if (index < 0) return false;
    this.waiting.splice(index, 1);
    return true;
  }

  get active(): number {
    return this.running;
  }

  private pump(): void {
    while (this.holds === 0 && this.running < this.limit) {
      const next = this.waiting.shift();
      if (!next) return;
      this.running += 1;
      void next.start().finally(() => {
        this.running -= 1;
        this.pump();
      });
    }
  }
}
