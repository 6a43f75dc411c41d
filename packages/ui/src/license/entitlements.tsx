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
    // like the engine: before the first status, and while an expired license is read-only (grace period), only the
    // personal edition's grants may be used
    allows: (entitlement) => isGranted(status && !status.readOnly ? status : EDITIONS.personal, entitlement),
  };
}

export function UpgradeHint({ entitlement, label }: { entitlement: Entitlement; label?: string }) {
  const workbench = useContext(WorkbenchContext);
  const status = useLicenseStatus();
  const needed = cheapestEditionFor(entitlement);
  const name = describeEntitlement(entitlement);
  // the expired license grants it, but is read-only until renewed: ask for a renewal, not an upgrade
  if (status?.readOnly && isGranted(status, entitlement)) {
    return (
      <span className="license-upgrade-hint" data-testid="renew-hint" data-entitlement={name}>
        <span>{label ? `${label}: ` : ''}paused, license expired</span>
        {workbench && (
          <button type="button" className="link-button" onClick={() => workbench.showView(LICENSE_VIEW_ID)}>
            Renew
          </button>
        )}
      </span>
    );
  }
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
        <button type="button" className="link-button" onClick={() => workbench.showView(LICENSE_VIEW_ID)}>
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
