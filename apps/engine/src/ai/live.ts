// What the router remembers about each provider while the engine runs: its breaker, latency EWMA, load and
// Retry-After. The pure `choose` reads a snapshot of it.

import { CircuitBreaker } from './breaker.js';
import type { ProviderLiveStats } from './choose.js';

const EWMA_ALPHA = 0.3;

export class ProviderLive {
  readonly breaker: CircuitBreaker;
  ttftEwmaMs: number | null = null;
  inFlight = 0;
  blockedUntil = 0;

  constructor(cooldownMs: number) {
    this.breaker = new CircuitBreaker(cooldownMs);
  }

  observeTtft(ms: number): void {
    this.ttftEwmaMs = this.ttftEwmaMs === null ? ms : this.ttftEwmaMs + EWMA_ALPHA * (ms - this.ttftEwmaMs);
  }

  snapshot(now: number): ProviderLiveStats {
    return {
      ttftEwmaMs: this.ttftEwmaMs,
      inFlight: this.inFlight,
      circuit: this.breaker.state(now),
      probeInFlight: this.breaker.probeInFlight,
      blockedUntil: this.blockedUntil,
    };
  }
}
