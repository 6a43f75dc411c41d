// The router's pure core: which providers may answer a request, in which order, and why. No I/O, no clock of its
// own — everything it weighs is passed in, so it is trivial to test.
import type { CircuitState, ProviderConfig, TaskType } from '@pa/shared';

export interface ProviderLiveStats {
  /** EWMA of time to first token, or null before the first answer. */
  ttftEwmaMs: number | null;
  inFlight: number;
  circuit: CircuitState;
  /** The circuit is half-open and its one probe is already running. */
  probeInFlight: boolean;
  /** A 429's Retry-After: not before this time (ms since epoch). */
  blockedUntil: number;
}

export interface RouteQuery {
  task: TaskType;
  /** A pinned provider id; undefined = "Auto". */
  pinned?: string;
  /** Whether the license allows this provider's model class. */
  licensed(provider: ProviderConfig): boolean;
  now: number;
  /** False: only the built-in local model may answer (the `privacy.allowRemoteModels` setting). Default true. */
  remoteAllowed?: boolean;
}

/** Why a network provider is left out while remote models are off; the chat shows it. */
export const REMOTE_OFF_REASON = 'remote models are off (Settings › Privacy › Allow Remote Models)';

export interface Ranked {
  provider: ProviderConfig;
  score: number;
  reasons: string[];
}

export interface Choice {
  ranked: Ranked[];
  excluded: Array<{ providerId: string; reason: string }>;
}

/** Assumed TTFT of a provider never measured: optimistic enough that a new provider gets tried. */
export const UNMEASURED_TTFT_MS = 400;
/** One priority point is worth this much latency. */
export const PRIORITY_WEIGHT_MS = 250;
/** Cost per 1k tokens is weighed at this many ms per unit of currency. */
export const COST_WEIGHT_MS = 1000;
/** The private local model wins ties up to this much latency ("prefer local when good enough"). */
export const LOCAL_PREFERENCE_MS = 300;

const IDLE_STATS: ProviderLiveStats = {
  ttftEwmaMs: null,
  inFlight: 0,
  circuit: 'closed',
  probeInFlight: false,
  blockedUntil: 0,
};

/** Lower score is better; ties keep the settings-file order. */
export function choose(
  providers: readonly ProviderConfig[],
  stats: ReadonlyMap<string, ProviderLiveStats>,
  query: RouteQuery,
): Choice {
  const ranked: Ranked[] = [];
  const excluded: Choice['excluded'] = [];
  for (const provider of providers) {
    const live = stats.get(provider.id) ?? IDLE_STATS;
    const reason = exclusion(provider, live, query);
    if (reason) {
      excluded.push({ providerId: provider.id, reason });
      continue;
    }
    const ttft = live.ttftEwmaMs ?? UNMEASURED_TTFT_MS;
    const load = live.inFlight / provider.maxConcurrency;
    // A full provider still queues (local) or may answer late, so it is ranked last rather than dropped.
    const loadPenalty = load >= 1 ? 1e6 : ttft * load;
    const localBonus = provider.modelClass === 'local' ? LOCAL_PREFERENCE_MS : 0;
    const score =
      ttft +
      loadPenalty +
      provider.costPer1kTokens * COST_WEIGHT_MS -
      provider.priority * PRIORITY_WEIGHT_MS -
      localBonus;
    const reasons = [
      live.ttftEwmaMs === null ? 'not measured yet' : `TTFT ~${Math.round(ttft)} ms`,
      `load ${live.inFlight}/${provider.maxConcurrency}`,
    ];
    if (provider.costPer1kTokens > 0) reasons.push(`cost ${provider.costPer1kTokens}/1k tokens`);
    if (provider.priority !== 0) reasons.push(`priority ${provider.priority}`);
    if (localBonus) reasons.push('local model preferred');
    if (live.circuit === 'half-open') reasons.push('half-open probe');
    if (query.pinned) reasons.push('pinned by the user');
    ranked.push({ provider, score, reasons });
  }
  ranked.sort((a, b) => a.score - b.score);
  return { ranked, excluded };
}

function exclusion(provider: ProviderConfig, live: ProviderLiveStats, query: RouteQuery): string | null {
  if (query.pinned !== undefined && provider.id !== query.pinned) return 'not the pinned provider';
  if (!provider.enabled) return 'disabled';
  if (query.remoteAllowed === false && provider.kind !== 'local') return REMOTE_OFF_REASON;
  if (!provider.tasks.includes(query.task)) return `does not serve ${query.task}`;
  if (!query.licensed(provider)) return `license does not include ${provider.modelClass} models`;
  if (live.circuit === 'open') return 'circuit open';
  if (live.circuit === 'half-open' && live.probeInFlight) return 'circuit half-open, probe running';
  if (live.blockedUntil > query.now) return `rate limited for ${Math.ceil((live.blockedUntil - query.now) / 1000)} s`;
  return null;
}
