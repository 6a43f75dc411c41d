// What a license grants: the edition's table row plus features the license adds. One answer to "may this
// license do X", used by the engine's Entitlements and by the UI's upgrade hints.
import {
  EDITIONS,
  type Edition,
  type Entitlement,
  type Feature,
  type ModelClass,
  type QuotaMetric,
  type WorkflowComponent,
} from '../editions.js';
import type { LicensePayload } from './payload.js';

export interface Grants {
  edition: Edition;
  features: readonly Feature[];
  models: readonly ModelClass[];
  components: readonly WorkflowComponent[];
  quotas: Record<QuotaMetric, number | null>;
  collabParticipants: number | null;
}

/** No license (or one that does not verify) = the personal edition. */
export function grantsOf(license: LicensePayload | null): Grants {
  const spec = EDITIONS[license?.edition ?? 'personal'];
  return {
    edition: license?.edition ?? 'personal',
    features: [...new Set([...spec.features, ...(license?.features ?? [])])],
    models: spec.models,
    components: spec.components,
    quotas: license?.quotas ?? spec.quotas,
    collabParticipants: spec.collabParticipants,
  };
}

export function isGranted(
  grants: Pick<Grants, 'features' | 'models' | 'components'>,
  entitlement: Entitlement,
): boolean {
  switch (entitlement.kind) {
    case 'feature':
      return grants.features.includes(entitlement.feature);
    case 'model':
      return grants.models.includes(entitlement.modelClass);
    case 'component':
      return grants.components.includes(entitlement.component);
  }
}
