// Every feature the workbench hosts, in the order their views appear.
import { aiContribution } from './ai/index';
import { collabContribution } from './collab/index';
import { licenseContribution } from './license/index';
import type { Contribution } from './workbench/contributions';
import { workflowContribution } from './workflow/index';

export const features: Contribution[] = [aiContribution, workflowContribution, collabContribution, licenseContribution];
