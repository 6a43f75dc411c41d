// The workflow feature: the Workflow panel (list, input form, live timeline, history) and a command to open it.
import type { Contribution } from '../workbench/contributions';
import { WorkflowView } from './WorkflowView';
import './workflow.css';

export const workflowContribution: Contribution = {
  id: 'workflow',
  views: [
    {
      id: 'workflow',
      title: 'Workflows',
      icon: '⚙',
      location: 'panel',
      order: 20,
      component: WorkflowView,
    },
  ],
  commands: [
    {
      id: 'workflow.show',
      title: 'Workflows: Show Panel',
      keybinding: 'Mod+Shift+W',
      run: (api) => api.showView('workflow'),
    },
  ],
};
