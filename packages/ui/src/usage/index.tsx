// The usage feature: the Usage view as a tab (Usage: Open Usage in the command palette, and a link in the License
// view). Its controller lives as long as the feature's activation; the view and uPlot load with the first tab.
import type { ComponentType } from 'react';
import type { Contribution } from '../workbench/contributions';
import { FeatureSlot } from '../workbench/feature-slot';
import { lazyComponent } from '../workbench/lazy';
import { USAGE_EDITOR } from './ids';
import { UsageController } from './usage-controller';

export { USAGE_EDITOR } from './ids';

const UsageView = lazyComponent('Usage', () => import('./UsageView').then((module) => module.UsageView));

/** Bars rising. */
const USAGE_ICON =
  '<svg viewBox="0 0 16 16" width="16" height="16" fill="none" stroke="currentColor" stroke-width="1.3" stroke-linecap="round"><path d="M2 14h12"/><path d="M4 11.5V8M7 11.5V4.5M10 11.5V7M13 11.5V2.5"/></svg>';

export function usageFeature(): Contribution {
  const controller = new FeatureSlot<UsageController>();
  // the editor shows one thing (its resource is ''), so it takes no props
  const UsageEditor = controller.view((instance) => <UsageView controller={instance} />) as ComponentType<{
    resource: string;
  }>;
  return {
    id: 'usage',
    editors: [{ id: USAGE_EDITOR, title: () => 'Usage', icon: USAGE_ICON, component: UsageEditor }],
    commands: [
      {
        id: 'usage.open',
        title: 'Usage: Open Usage (AI Requests, Quotas, Audit Log)',
        run: (api) => api.openEditor(USAGE_EDITOR, ''),
      },
    ],
    activate: (api) => controller.fill(() => new UsageController(api)),
  };
}
