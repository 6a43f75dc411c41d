// What the engine tells the user about the license: the LicenseStatus shape, its warnings and the sentence a
// denied call carries. Pure functions of one evaluation.
import {
  cheapestEditionFor,
  describeEntitlement,
  EDITIONS,
  type Entitlement,
  type Grants,
  grantsOf,
  type LicensePayload,
  type LicenseStatus,
  type LicenseVerdict,
  type QuotaUsage,
} from '@pa/shared';

const DAY_MS = 24 * 60 * 60 * 1000;

/** One judgement of the installed license at one instant. */
export interface Evaluation {
  state: LicenseStatus['state'];
  verdict: LicenseVerdict | null;
  /** What the license grants: shown to the user (features, models, edition), even while read-only. */
  grants: Grants;
  /** What may be used or consumed now: the license's grants, or only the personal edition's while it is read-only. */
  usable: Grants;
  license: LicensePayload | null;
  now: number;
}

const PERSONAL = grantsOf(null);

/**
 * Read-only, the one rule: in the grace period after expiry the paid grants stay visible, but whatever uses or
 * consumes them (a paid model, a team workflow component, hosting, quota beyond the personal allowance) is refused
 * with E_LICENSE `grace_read_only`; what the personal edition grants keeps working.
 */
export function usableGrants(state: LicenseStatus['state'], grants: Grants): Grants {
  return state === 'grace' ? PERSONAL : grants;
}

/** The sentence for something the license grants but may not use while read-only. */
export function readOnlyMessage(evaluation: Evaluation, what: string): string {
  const { license, verdict } = evaluation;
  const day = (time: number) => new Date(time).toISOString().slice(0, 10);
  const expired = license ? ` expired on ${day(license.expiresAt)} and` : '';
  const until = verdict?.ok ? ` until ${day(verdict.graceEndsAt)}` : '';
  return `Your ${EDITIONS[evaluation.grants.edition].label} license${expired} is read-only${until}, so ${what} is paused. Renew the license in the License view; the Personal edition's features keep working.`;
}

export interface StatusExtras {
  fingerprint: string;
  activated: boolean;
  quotas: QuotaUsage[];
  keychain: LicenseStatus['keychain'];
}

export function describeStatus(evaluation: Evaluation, extras: StatusExtras): LicenseStatus {
  const { license, verdict, grants, now } = evaluation;
  const daysLeft = license ? Math.floor((license.expiresAt - now) / DAY_MS) : null;
  return {
    state: evaluation.state,
    edition: grants.edition,
    readOnly: verdict?.ok === true && verdict.readOnly,
    license: license && {
      id: license.id,
      licensee: license.licensee,
      email: license.email,
      edition: license.edition,
      issuedAt: license.issuedAt,
      notBefore: license.notBefore,
      expiresAt: license.expiresAt,
      maxDevices: license.maxDevices,
    },
    daysLeft,
    graceEndsAt: verdict?.ok ? verdict.graceEndsAt : null,
    rejection: verdict && !verdict.ok ? { reason: verdict.reason, message: verdict.message } : null,
    warning: warningFor(evaluation, daysLeft),
    device: { bound: license?.maxDevices != null, activated: extras.activated, fingerprint: extras.fingerprint },
    features: [...grants.features],
    models: [...grants.models],
    components: [...grants.components],
    collabParticipants: grants.collabParticipants,
    quotas: extras.quotas,
    keychain: extras.keychain,
  };
}

export function deniedMessage(evaluation: Evaluation, entitlement: Entitlement): string {
  const needed = cheapestEditionFor(entitlement);
  const current = EDITIONS[evaluation.grants.edition].label;
  const upgrade = needed ? `Upgrade to ${EDITIONS[needed].label} or higher` : 'No edition includes it';
  const why =
    evaluation.verdict && !evaluation.verdict.ok && evaluation.state === 'rejected'
      ? ` Your license is not in force: ${evaluation.verdict.message}`
      : '';
  return `Your ${current} edition does not include ${describeEntitlement(entitlement)}. ${upgrade} in the License view.${why}`;
}

function warningFor(evaluation: Evaluation, daysLeft: number | null): string | null {
  const { verdict, license } = evaluation;
  if (verdict && !verdict.ok) return verdict.message;
  if (verdict?.ok && verdict.status === 'grace' && license) {
    return `This license expired on ${new Date(license.expiresAt).toISOString().slice(0, 10)}. The app keeps working read-only until ${new Date(verdict.graceEndsAt).toISOString().slice(0, 10)}; renew it.`;
  }
  if (daysLeft !== null && daysLeft < 14) return `This license expires in ${daysLeft} day${daysLeft === 1 ? '' : 's'}.`;
  return null;
}
