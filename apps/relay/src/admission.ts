// Who may open a connection: the bearer token (query `?token=` or `Authorization: Bearer`), compared in constant
// time, and a per-IP token bucket so one address cannot flood the relay with handshakes.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export function tokenMatcher(expected: string): (request: IncomingMessage, url: URL) => boolean {
  const want = createHash('sha256').update(expected).digest();
  return (request, url) => {
    const header = request.headers.authorization;
    const offered = url.searchParams.get('token') ?? (header?.startsWith('Bearer ') ? header.slice(7) : null);
    if (offered === null) return false;
    // hash first so the comparison is constant-time whatever the offered length
    return timingSafeEqual(want, createHash('sha256').update(offered).digest());
  };
}

/** Above this many tracked addresses, full buckets (addresses quiet long enough) are forgotten. */
const MAX_TRACKED = 50_000;

export class ConnectionRateLimit {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly clock: () => number,
  ) {}

  allow(ip: string): boolean {
    const now = this.clock();
    const bucket = this.buckets.get(ip) ?? { tokens: this.burst, at: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond);
    bucket.at = now;
    if (bucket.tokens < 1) {
      this.buckets.set(ip, bucket);
      return false;
    }
    bucket.tokens -= 1;
    this.buckets.set(ip, bucket);
    if (this.buckets.size > MAX_TRACKED) this.forgetRefilled(now);
    return true;
  }

  private forgetRefilled(now: number): void {
    for (const [ip, bucket] of this.buckets) {
      if (bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond >= this.burst) this.buckets.delete(ip);
    }
  }
}
