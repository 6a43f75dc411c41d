// The workflow feature: the Workflow panel (list, input form, live timeline, history; its WorkflowController lives
// as long as the feature's activation) and a command to open it.
import { DisposableStore } from '@pa/shared';
import type { Contribution } from '../workbench/contributions';
import { FeatureSlot } from '../workbench/feature-slot';
import { watchWorkflowDefinitions } from './definition-markers';
import { WorkflowView } from './WorkflowView';
import { WorkflowController } from './workflow-controller';
import './workflow.css';

/** Three steps joined by a flow line: a compile-time constant, drawn with the activity bar's stroke style. */
const WORKFLOW_ICON =
  '<svg width="22" height="22" viewBox="0 0 16 16" fill="none" stroke="currentColor" stroke-width="1.2" stroke-linecap="round" stroke-linejoin="round"><rect x="1.5" y="2" width="4" height="3" rx="0.8"/><rect x="10.5" y="6.5" width="4" height="3" rx="0.8"/><rect x="1.5" y="11" width="4" height="3" rx="0.8"/><path d="M5.5 3.5h2.5v4.5h2.5M8 8v4.5H5.5"/></svg>';

export function workflowFeature(): Contribution {
  const controller = new FeatureSlot<WorkflowController>();
  return {
    id: 'workflow',
    views: [
      {
        id: 'workflow',
        title: 'Workflows',
        icon: WORKFLOW_ICON,
        location: 'panel',
        order: 20,
        component: controller.view((workflows) => <WorkflowView controller={workflows} />),
      },
    ],
    activate: (api) => {
      const activation = new DisposableStore();
      activation.add(watchWorkflowDefinitions(api));
      activation.add(controller.fill(() => new WorkflowController(api)));
      return activation;
    },
    commands: [
      {
        id: 'workflow.show',
        title: 'Workflows: Show Panel',
        keybinding: 'Mod+Shift+W',
        run: (api) => api.showView('workflow'),
      },
    ],
  };
}
