// PLACEHOLDER until its issue lands: the license feature's views, status items and commands.
import type { Contribution } from '../workbench/contributions';

export const licenseContribution: Contribution = { id: 'license' };
