// The console's per-relay breakdown when relays are scaled out: each relay writes its current summary to Redis
// under its own key with a short TTL (a relay that dies drops out of the list by itself), and the console of any
// relay reads all of them. Only this small summary goes through Redis; room fan-out is another module's.
import type { Log } from '../log.js';

export interface RelaySummary {
  relayId: string;
  /** When the summary was taken, Unix ms. */
  at: number;
  startedAt: number;
  connections: number;
  signal: number;
  sync: number;
  rooms: number;
  messagesInPerSecond: number;
  bytesInPerSecond: number;
  bytesOutPerSecond: number;
  rejectedTotal: number;
  storedBytes: number;
  rssBytes: number;
}

export interface ClusterView {
  /** 'off': no Redis configured (this relay alone); 'ok'; 'unreachable': Redis did not answer (this relay alone). */
  redis: 'off' | 'ok' | 'unreachable';
  relays: RelaySummary[];
}

/** Under RELAY_REDIS_PREFIX, so deployments sharing one Redis see only their own relays. */
export const KEY_SUFFIX = 'console:relay:';
const TTL_MS = 10_000;

interface RedisLike {
  set(key: string, value: string, px: 'PX', ms: number): Promise<unknown>;
  del(key: string): Promise<unknown>;
  scan(cursor: string, match: 'MATCH', pattern: string, count: 'COUNT', n: number): Promise<[string, string[]]>;
  mget(keys: string[]): Promise<Array<string | null>>;
  quit(): Promise<unknown>;
  disconnect(): void;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

export interface ClusterMetrics {
  publish(summary: RelaySummary): Promise<void>;
  read(self: RelaySummary): Promise<ClusterView>;
  close(): Promise<void>;
}

export const standalone: ClusterMetrics = {
  publish: async () => {},
  read: async (self) => ({ redis: 'off', relays: [self] }),
  close: async () => {},
};

/** Shares summaries through Redis at `url`; ioredis is loaded only when a URL is configured. */
export async function redisClusterMetrics(
  url: string,
  prefix: string,
  relayId: string,
  log: Log,
): Promise<ClusterMetrics> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(url, {
    // a Redis outage must cost the console its breakdown, never stall the relay: fail commands at once
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    retryStrategy: (times: number) => Math.min(times * 200, 2000),
  }) as unknown as RedisLike;
  let lastError = 0;
  redis.on('error', (error) => {
    if (Date.now() - lastError < 30_000) return;
    lastError = Date.now();
    log.warn('console_redis_error', { error: error.message });
  });
  const keyPrefix = `${prefix}${KEY_SUFFIX}`;
  const key = `${keyPrefix}${relayId}`;
  return {
    async publish(summary) {
      try {
        await redis.set(key, JSON.stringify(summary), 'PX', TTL_MS);
      } catch {
        // reported by the error listener; the next tick tries again
      }
    },
    async read(self) {
      try {
        const keys: string[] = [];
        let cursor = '0';
        do {
          const [next, found] = await redis.scan(
            cursor,
            'MATCH',
            `${keyPrefix.replace(/[*?[\]\\]/g, '\\$&')}*`,
            'COUNT',
            200,
          );
          cursor = next;
          keys.push(...found);
        } while (cursor !== '0' && keys.length < 1000);
        const values = keys.length > 0 ? await redis.mget(keys) : [];
        const relays = new Map<string, RelaySummary>();
        for (const value of values) {
          const summary = parseSummary(value);
          if (summary) relays.set(summary.relayId, summary);
        }
        relays.set(self.relayId, self);
        return { redis: 'ok', relays: [...relays.values()].sort((a, b) => a.relayId.localeCompare(b.relayId)) };
      } catch {
        return { redis: 'unreachable', relays: [self] };
      }
    },
    async close() {
      try {
        await redis.del(key);
        await redis.quit();
      } catch {
        redis.disconnect();
      }
    },
  };
}

const NUMBER_FIELDS = [
  'at',
  'startedAt',
  'connections',
  'signal',
  'sync',
  'rooms',
  'messagesInPerSecond',
  'bytesInPerSecond',
  'bytesOutPerSecond',
  'rejectedTotal',
  'storedBytes',
  'rssBytes',
] as const;

/** A summary read back from Redis, or null for anything that is not one (Redis is shared; trust nothing). */
export function parseSummary(value: string | null): RelaySummary | null {
  if (!value) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const record = parsed as Record<string, unknown>;
  if (typeof record.relayId !== 'string' || !/^[A-Za-z0-9_.-]{1,64}$/.test(record.relayId)) return null;
  const out: Record<string, unknown> = { relayId: record.relayId };
  for (const field of NUMBER_FIELDS) {
    const n = record[field];
    if (typeof n !== 'number' || !Number.isFinite(n)) return null;
    out[field] = n;
  }
  return out as unknown as RelaySummary;
}
