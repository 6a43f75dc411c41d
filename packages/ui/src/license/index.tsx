// The license feature in the workbench: the License view, the edition + quota status item, and what other
// features reuse to gate their actions (useEntitlements, <UpgradeHint>, <Gated>).
import type { Contribution } from '../workbench/contributions';
import { LICENSE_VIEW_ID } from './entitlements';
import { LicenseStatusItem } from './LicenseStatusItem';
import { LicenseView } from './LicenseView';
import './license.css';

export { Gated, LICENSE_VIEW_ID, UpgradeHint, useEntitlements, useLicenseStatus } from './entitlements';

export const licenseContribution: Contribution = {
  id: 'license',
  views: [{ id: LICENSE_VIEW_ID, title: 'License', icon: '⚿', location: 'sidebar', order: 90, component: LicenseView }],
  statusItems: [{ id: 'license.status', align: 'right', order: 10, component: LicenseStatusItem }],
  commands: [
    { id: 'license.open', title: 'License: Show License and Usage', run: (api) => api.showView(LICENSE_VIEW_ID) },
  ],
};
