// Where workflows come from: the built-ins shipped in resources/workflows/ and the project's own files in
// .powerautomation/workflows/. Each is read fresh on request, so an edited file is picked up without a restart.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WorkflowComponent, WorkflowSource } from '@pa/shared';
import {
  parseWorkflowYaml,
  type StepDefinition,
  type WorkflowDefinition,
  type WorkflowIssue,
} from '@pa/shared/workflow/index';

export const PROJECT_WORKFLOW_DIR = '.powerautomation/workflows';

export interface CatalogEntry {
  name: string;
  source: WorkflowSource;
  file: string;
  text: string;
  definition: WorkflowDefinition | null;
  issues: WorkflowIssue[];
  component: WorkflowComponent;
}

/** PA_RESOURCES_DIR, else resources/ of this checkout (from src/ or dist/), else next to a packaged app. */
export function findBuiltinDir(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.PA_RESOURCES_DIR) return join(resolve(env.PA_RESOURCES_DIR), 'workflows');
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [
    join(here, '../../../resources/workflows'),
    join(here, '../../../../resources/workflows'),
    join(here, '../resources/workflows'),
  ];
  return candidates.find((dir) => existsSync(dir)) ?? null;
}

export function readCatalog(builtinDir: string | null, workspaceRoot: string | null): CatalogEntry[] {
  const entries: CatalogEntry[] = [];
  if (builtinDir)
    for (const file of yamlFiles(builtinDir)) entries.push(entry('builtin', file, join(builtinDir, file)));
  if (workspaceRoot) {
    const dir = join(workspaceRoot, PROJECT_WORKFLOW_DIR);
    for (const file of yamlFiles(dir))
      entries.push(entry('project', `${PROJECT_WORKFLOW_DIR}/${file}`, join(dir, file)));
  }
  return entries;
}

export function entryFromText(source: WorkflowSource, file: string, text: string): CatalogEntry {
  const parsed = parseWorkflowYaml(text);
  const name = parsed.ok ? parsed.definition.name : file.replace(/^.*\//, '').replace(/\.ya?ml$/, '');
  return {
    name,
    source,
    file,
    text,
    definition: parsed.ok ? parsed.definition : null,
    issues: parsed.ok ? [] : parsed.issues,
    // A project's own workflow is "custom" whatever it claims, so a file cannot borrow a built-in's entitlement.
    component: source === 'builtin' && parsed.ok ? (parsed.definition.component ?? 'custom') : 'custom',
  };
}

/** True when a workflow runs commands (or MCP tools), which needs a trusted workspace. */
export function runsCommands(steps: readonly StepDefinition[]): boolean {
  return steps.some(
    (step) => step.run !== undefined || step.mcp !== undefined || (step.repeat && runsCommands(step.repeat.steps)),
  );
}

function entry(source: WorkflowSource, file: string, path: string): CatalogEntry {
  return entryFromText(source, file, readFileSync(path, 'utf8'));
}

function yamlFiles(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((file) => /\.ya?ml$/.test(file))
      .sort();
  } catch {
    return [];
  }
}
