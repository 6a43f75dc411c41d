// A circuit breaker per provider: opens when more than half of at least 5 calls in the last minute failed, or at
// once on an auth error; after a cooldown one probe (a request or a health check) decides whether it closes.
import type { CircuitState } from '@pa/shared';

export const BREAKER_WINDOW_MS = 60_000;
export const BREAKER_MIN_CALLS = 5;
export const BREAKER_FAILURE_RATIO = 0.5;

export class CircuitBreaker {
  private outcomes: Array<{ at: number; ok: boolean }> = [];
  private openedAt: number | null = null;
  private probing = false;

  constructor(private readonly cooldownMs: number) {}

  state(now: number): CircuitState {
    if (this.openedAt === null) return 'closed';
    return now - this.openedAt >= this.cooldownMs ? 'half-open' : 'open';
  }

  get probeInFlight(): boolean {
    return this.probing;
  }

  /**
   * Asks to make a call. Closed: yes. Half-open: yes once (the probe; it must be settled with `record`).
   * Open: no.
   */
  tryAcquire(now: number): 'call' | 'probe' | false {
    const state = this.state(now);
    if (state === 'closed') return 'call';
    if (state === 'open' || this.probing) return false;
    this.probing = true;
    return 'probe';
  }

  record(now: number, outcome: { ok: boolean; auth?: boolean; probe?: boolean }): void {
    if (outcome.probe) this.probing = false;
    if (this.openedAt !== null) {
      // Only the probe decides while not closed; late answers from before the opening are ignored.
      if (!outcome.probe) return;
      if (outcome.ok) {
        this.openedAt = null;
        this.outcomes = [];
      } else {
        this.openedAt = now;
      }
      return;
    }
    if (!outcome.ok && outcome.auth) {
      this.openedAt = now;
      return;
    }
    this.outcomes.push({ at: now, ok: outcome.ok });
    this.outcomes = this.outcomes.filter((entry) => now - entry.at < BREAKER_WINDOW_MS);
    const failures = this.outcomes.filter((entry) => !entry.ok).length;
    if (this.outcomes.length >= BREAKER_MIN_CALLS && failures / this.outcomes.length > BREAKER_FAILURE_RATIO) {
      this.openedAt = now;
    }
  }

  /** Gives back a probe that never ran (the request was cancelled first). */
  releaseProbe(): void {
    this.probing = false;
  }
}
