// PLACEHOLDER until issue 3 lands: licensing, entitlements, quotas and audit.
import { EDITIONS } from '@pa/shared';
import type { Capability } from '../capability.js';
import type { EngineContext } from '../engine.js';
import type { Secrets } from '../secrets/api.js';
import type { Audit, Entitlements, Quotas } from './api.js';

export type { Audit, Entitlements, LicenseState, QuotaReservation, Quotas } from './api.js';

export interface Licensing extends Capability {
  entitlements: Entitlements;
  quotas: Quotas;
  audit: Audit;
}

export function createLicensing(_ctx: EngineContext, _secrets: Secrets): Licensing {
  const spec = EDITIONS.personal;
  return {
    handlers: {},
    entitlements: {
      state: () => ({ edition: 'personal', licenseId: null, readOnly: false }),
      allows: () => true,
      require: () => {},
      collabParticipantLimit: () => spec.collabParticipants,
    },
    quotas: { consume: () => ({ refund: () => {} }) },
    audit: { record: () => {} },
  };
}
