// What other features use to gate their actions: useEntitlements() answers "may I", <UpgradeHint> explains what
// to upgrade to (instead of a button that would fail), and <Gated> shows one or the other.
import {
  cheapestEditionFor,
  describeEntitlement,
  EDITIONS,
  type Edition,
  type Entitlement,
  isGranted,
  type LicenseStatus,
} from '@pa/shared';
import { type ReactNode, useContext } from 'react';
import { useEngine } from '../client/engine';
import { WorkbenchContext } from '../workbench/contributions';
import { useObservable } from '../workbench/observable';
import { licenseStoreFor } from './license-store';

export const LICENSE_VIEW_ID = 'license';

export function useLicenseStatus(): LicenseStatus | null {
  const { client } = useEngine();
  return useObservable(licenseStoreFor(client).status);
}

export interface EntitlementsView {
  /** null until the first status arrives. */
  status: LicenseStatus | null;
  edition: Edition;
  allows(entitlement: Entitlement): boolean;
}

export function useEntitlements(): EntitlementsView {
  const status = useLicenseStatus();
  return {
    status,
    edition: status?.edition ?? 'personal',
    // before the first status, answer like the engine does without a license: the personal edition's grants
    allows: (entitlement) => isGranted(status ?? EDITIONS.personal, entitlement),
  };
}

export function UpgradeHint({ entitlement, label }: { entitlement: Entitlement; label?: string }) {
  const workbench = useContext(WorkbenchContext);
  const needed = cheapestEditionFor(entitlement);
  const name = describeEntitlement(entitlement);
  return (
    <span className="license-upgrade-hint" data-testid="upgrade-hint" data-entitlement={name}>
      <svg className="license-upgrade-hint__lock" viewBox="0 0 16 16" width="12" height="12" aria-hidden="true">
        <rect x="3" y="7" width="10" height="7" rx="1.5" fill="currentColor" />
        <path d="M5.5 7V5a2.5 2.5 0 0 1 5 0v2" fill="none" stroke="currentColor" strokeWidth="1.5" />
      </svg>
      <span>
        {label ? `${label}: ` : ''}
        {needed ? `needs ${EDITIONS[needed].label}` : 'not available in any edition'}
      </span>
      {workbench && needed && (
        <button type="button" className="license-link" onClick={() => workbench.showView(LICENSE_VIEW_ID)}>
          Upgrade
        </button>
      )}
    </span>
  );
}

/** Renders its children when the license allows the entitlement, else an upgrade hint in their place. */
export function Gated({
  entitlement,
  label,
  children,
}: {
  entitlement: Entitlement;
  label?: string;
  children: ReactNode;
}) {
  const { allows } = useEntitlements();
  return allows(entitlement) ? children : <UpgradeHint entitlement={entitlement} label={label} />;
}
