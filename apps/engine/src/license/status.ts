// What the engine tells the user about the license: the LicenseStatus shape, its warnings and the sentence a
// denied call carries. Pure functions of one evaluation.
import {
  cheapestEditionFor,
  describeEntitlement,
  EDITIONS,
  type Entitlement,
  type Grants,
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
  grants: Grants;
  license: LicensePayload | null;
  now: number;
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
