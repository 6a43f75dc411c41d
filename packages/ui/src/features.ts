// Every feature the workbench hosts, in the order their views appear. Each feature creates its controllers when the
// workbench activates it and disposes them with it.
import { aiFeature } from './ai/index';
import { codebaseFeature } from './codebase/index';
import { collabFeature } from './collab/index';
import { completionFeature } from './completion/index';
import { keybindingsFeature } from './keybindings/index';
import { licenseFeature } from './license/index';
import { lspFeature } from './lsp/index';
import { outlineFeature } from './outline/index';
import { outputFeature } from './output/index';
import { previewFeature } from './preview/index';
import { problemsFeature } from './problems/index';
import { paletteFeature } from './quickopen/index';
import { scmFeature } from './scm/index';
import { searchFeature } from './search/index';
import { settingsFeature } from './settings/index';
import { terminalFeature } from './terminal/index';
import { typescriptFeature } from './typescript/index';
import { usageFeature } from './usage/index';
import type { Contribution } from './workbench/contributions';
import { workflowFeature } from './workflow/index';

export const features: Contribution[] = [
  searchFeature(),
  codebaseFeature(),
  aiFeature(),
  workflowFeature(),
  collabFeature(),
  scmFeature(),
  licenseFeature(),
  terminalFeature(),
  problemsFeature(),
  outputFeature(),
  previewFeature(),
  outlineFeature(),
  paletteFeature(),
  settingsFeature(),
  keybindingsFeature(),
  lspFeature(),
  typescriptFeature(),
  completionFeature(),
  usageFeature(),
];
