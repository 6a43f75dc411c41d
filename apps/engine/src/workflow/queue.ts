// At most N runs at once; the rest wait in order. A queued run can be withdrawn before it starts.
export class RunQueue {
  private running = 0;
  private readonly waiting: Array<{ id: string; start: () => Promise<void> }> = [];

  constructor(private readonly limit: number) {}

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
    while (this.running < this.limit) {
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
