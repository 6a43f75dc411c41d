// PLACEHOLDER until its issue lands: the ai feature's views, status items and commands.
import type { Contribution } from '../workbench/contributions';

export const aiContribution: Contribution = { id: 'ai' };
