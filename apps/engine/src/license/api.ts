// The licensing capability's door, as other capabilities see it (ai, workflow, collab call these; never its files).
import type { Edition, Entitlement, QuotaMetric } from '@pa/shared';

export interface LicenseState {
  edition: Edition;
  licenseId: string | null;
  /** Expired but inside the 7-day grace period: read-only, with a warning. */
  readOnly: boolean;
}

export interface Entitlements {
  /** The current edition and license (personal when none is installed). */
  state(): LicenseState;
  /** True when allowed. */
  allows(entitlement: Entitlement): boolean;
  /** Throws PaError E_LICENSE naming the missing entitlement (and writes an audit row) when not allowed. */
  require(entitlement: Entitlement, actor: string): void;
  /** Participant limit for hosting a collaboration session: 0 = may not host, null = unlimited. */
  collabParticipantLimit(): number | null;
}

export interface QuotaReservation {
  /** Gives the unit back: for work that failed before producing anything. Idempotent. */
  refund(): void;
}

export interface Quotas {
  /** Checks and consumes n units in one transaction; throws PaError E_QUOTA when today's limit would be passed. */
  consume(metric: QuotaMetric, n: number, actor: string): QuotaReservation;
}

export interface Audit {
  record(event: { type: string; actor: string; detail?: Record<string, unknown> }): void;
}
