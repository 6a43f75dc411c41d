// The license feature in the workbench: the License view (its LicenseController lives as long as the feature's
// activation), the edition + quota status item, and what other features reuse to gate their actions
// (useEntitlements, <UpgradeHint>, <Gated>).
import type { Contribution } from '../workbench/contributions';
import { FeatureSlot } from '../workbench/feature-slot';
import { LICENSE_VIEW_ID } from './entitlements';
import { LicenseStatusItem } from './LicenseStatusItem';
import { LicenseReading, LicenseView } from './LicenseView';
import { LicenseController } from './license-controller';
import './license.css';

export { Gated, LICENSE_VIEW_ID, UpgradeHint, useEntitlements, useLicenseStatus } from './entitlements';

/** A key inside a badge. */
const LICENSE_ICON =
  '<svg viewBox="0 0 24 24" width="22" height="22" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linejoin="round"><path d="M12 2.5l7.5 3v6c0 4.6-3.2 8.4-7.5 10-4.3-1.6-7.5-5.4-7.5-10v-6z"/><circle cx="12" cy="10" r="2.4"/><path d="M12 12.4v4.6M12 15h2"/></svg>';

export function licenseFeature(): Contribution {
  const controller = new FeatureSlot<LicenseController>();
  return {
    id: 'license',
    views: [
      {
        id: LICENSE_VIEW_ID,
        title: 'License',
        icon: LICENSE_ICON,
        location: 'sidebar',
        order: 90,
        component: controller.view((license) => <LicenseView controller={license} />, <LicenseReading />),
      },
    ],
    statusItems: [{ id: 'license.status', align: 'right', order: 10, component: LicenseStatusItem }],
    commands: [
      { id: 'license.open', title: 'License: Show License and Usage', run: (api) => api.showView(LICENSE_VIEW_ID) },
    ],
    activate: (api) => controller.fill(() => new LicenseController(api)),
  };
}
