// When to bring a crashed engine back: quickly at first, backing off, and not at all once it keeps crashing
// (a crash loop would only burn CPU and hide the error).

export interface RestartPolicy {
  /** At most this many restarts within `windowMs`… */
  maxRestarts: number;
  windowMs: number;
  /** …each after baseDelayMs · 2^(restarts in the window), capped at maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  maxRestarts: 5,
  windowMs: 60_000,
  baseDelayMs: 250,
  maxDelayMs: 4_000,
};

/** The delay before the next restart, or null to give up. `recentExits` are exit times in ms, oldest first. */
export function restartDelay(
  recentExits: readonly number[],
  now: number,
  policy = DEFAULT_RESTART_POLICY,
): number | null {
  const inWindow = recentExits.filter((time) => now - time <= policy.windowMs).length;
  if (inWindow > policy.maxRestarts) return null;
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, inWindow - 1));
}
