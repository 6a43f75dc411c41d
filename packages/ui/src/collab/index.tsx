// PLACEHOLDER until its issue lands: the collab feature's views, status items and commands.
import type { Contribution } from '../workbench/contributions';

export const collabContribution: Contribution = { id: 'collab' };
