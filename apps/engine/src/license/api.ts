// The licensing capability's door, as other capabilities see it (ai, workflow, collab call these; never its files).
import type { Edition, Entitlement, QuotaMetric } from '@pa/shared';

/** The seal the quota ledger keeps its counters under (row-seal.ts). */
export type { RowSeal } from './row-seal.js';

export interface LicenseState {
  edition: Edition;
  licenseId: string | null;
  /**
   * Expired but inside the 7-day grace period: read-only, with a warning. The door applies it for every caller:
   * allows/require/collabParticipantLimit/consume answer with the personal edition's grants, and refuse what only
   * the license grants with E_LICENSE `grace_read_only` (renew), so no caller needs to check this flag.
   */
  readOnly: boolean;
}

export interface Entitlements {
  /** The current edition and license (personal when none is installed). */
  state(): LicenseState;
  /** True when allowed now (while read-only: only what the personal edition grants). */
  allows(entitlement: Entitlement): boolean;
  /**
   * Throws PaError E_LICENSE naming the missing entitlement when not allowed (data.reason `grace_read_only` when
   * the expired license grants it), and audits it; repeats by one actor within a minute share one audit row.
   */
  require(entitlement: Entitlement, actor: string): void;
  /** Participant limit for hosting a collaboration session: 0 = may not host, null = unlimited. */
  collabParticipantLimit(): number | null;
}

export interface QuotaReservation {
  /** Gives the unit back: for work that failed before producing anything. Idempotent. */
  refund(): void;
}

export interface Quotas {
  /**
   * Checks and consumes n units in one transaction; throws PaError E_QUOTA when today's limit would be passed, or
   * E_LICENSE `grace_read_only` when only the read-only license's (higher) limit would allow it.
   */
  consume(metric: QuotaMetric, n: number, actor: string): QuotaReservation;
}

export interface Audit {
  record(event: { type: string; actor: string; detail?: Record<string, unknown> }): void;
}
