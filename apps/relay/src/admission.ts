// Who may open a connection and how much it may send: the bearer token (query `?token=` or `Authorization:
// Bearer`), compared in constant time; per-IP token buckets (handshakes, rooms created); per-connection buckets
// for frames.
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

/** Refills at `perSecond` up to `burst`; a take that does not fit takes nothing. */
export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    now: number,
  ) {
    this.tokens = burst;
    this.at = now;
  }

  /** Tokens available at `now`. */
  level(now: number): number {
    this.tokens = Math.min(this.burst, this.tokens + ((Math.max(now, this.at) - this.at) / 1000) * this.perSecond);
    this.at = Math.max(now, this.at);
    return this.tokens;
  }

  take(amount: number, now: number): boolean {
    if (this.level(now) < amount) return false;
    this.tokens -= amount;
    return true;
  }

  isFull(now: number): boolean {
    return this.level(now) >= this.burst;
  }
}

/**
 * Above this many tracked addresses, full buckets (addresses quiet long enough) are forgotten, and if that is not
 * enough (a flood from many addresses) the oldest ones too: memory stays bounded, at worst an address gets a fresh
 * bucket early.
 */
const MAX_TRACKED = 50_000;

/** A token bucket per client address (handshakes per second, rooms created per hour). */
export class PerIpRateLimit {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly clock: () => number,
    private readonly maxTracked = MAX_TRACKED,
  ) {}

  get tracked(): number {
    return this.buckets.size;
  }

  allow(ip: string): boolean {
    const now = this.clock();
    let bucket = this.buckets.get(ip);
    if (!bucket) {
      bucket = new TokenBucket(this.perSecond, this.burst, now);
      this.buckets.set(ip, bucket);
      if (this.buckets.size > this.maxTracked) this.forget(now);
    }
    return bucket.take(1, now);
  }

  private forget(now: number): void {
    for (const [ip, bucket] of this.buckets) if (bucket.isFull(now)) this.buckets.delete(ip);
    // oldest first (insertion order); down to 90 % so this does not run on every new address
    for (const ip of this.buckets.keys()) {
      if (this.buckets.size <= this.maxTracked * 0.9) break;
      this.buckets.delete(ip);
    }
  }
}

export interface MessageBudgetLimits {
  messagesPerSecond: number;
  messageBurst: number;
  bytesPerSecond: number;
  byteBurst: number;
}

/**
 * What one connection may send: messages and bytes per second, each with a burst so a fast typist or a client
 * re-sending a big offline backlog never notices. Only a client flooding for seconds on end runs dry.
 */
export class MessageBudget {
  private readonly messages: TokenBucket;
  private readonly bytes: TokenBucket;

  constructor(limits: MessageBudgetLimits, now: number) {
    this.messages = new TokenBucket(limits.messagesPerSecond, limits.messageBurst, now);
    this.bytes = new TokenBucket(limits.bytesPerSecond, limits.byteBurst, now);
  }

  /** Spends one message and `size` bytes, or nothing when either bucket is short. */
  spend(size: number, now: number): boolean {
    if (this.messages.level(now) < 1 || this.bytes.level(now) < size) return false;
    this.messages.take(1, now);
    this.bytes.take(size, now);
    return true;
  }
}
