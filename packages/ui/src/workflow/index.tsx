// PLACEHOLDER until its issue lands: the workflow feature's views, status items and commands.
import type { Contribution } from '../workbench/contributions';

export const workflowContribution: Contribution = { id: 'workflow' };
