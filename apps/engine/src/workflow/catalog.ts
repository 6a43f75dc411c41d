// Where workflows come from: the built-ins shipped in resources/workflows/ and the project's own files in
// .powerautomation/workflows/. Each is read fresh on request, so an edited file is picked up without a restart.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TrustItem, WorkflowComponent, WorkflowSource } from '@pa/shared';
import {
  lookupPath,
  MAX_WORKFLOW_BYTES,
  parseTemplate,
  parseWorkflowYaml,
  type StepDefinition,
  type TemplatePart,
  type WorkflowDefinition,
  type WorkflowIssue,
} from '@pa/shared/workflow/index';
import { gitRunsFolderCode } from './git-risk.js';
import { detectScript, detectTestCommand } from './test-command.js';

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

/**
 * What a workflow would run or write on the strength of the workspace's own files, step by step: each needs the
 * workspace's trust. A project's workflow came with the folder, so its every command, MCP call and edit counts (a
 * write into the repository is as dangerous as a command). A built-in counts only where it runs the project's
 * own commands (`test: true`, `script:`): `npm test` runs whatever package.json says; and its git steps count
 * when the folder's `.git` came with commands (hooks, `core.fsmonitor`), as an unpacked archive's may.
 */
export function trustNeeds(
  source: WorkflowSource,
  steps: readonly StepDefinition[],
  root: string | null,
  inputs: Readonly<Record<string, string>> = {},
): TrustItem[] {
  const needs: TrustItem[] = [];
  const visit = (list: readonly StepDefinition[]) => {
    for (const step of list) {
      if (step.repeat) visit(step.repeat.steps);
      const item = trustItem(source, step, root, (template) => withInputs(template, inputs));
      if (item) needs.push(item);
    }
  };
  visit(steps);
  return needs;
}

function trustItem(
  source: WorkflowSource,
  step: StepDefinition,
  root: string | null,
  render: (template: string) => string,
): TrustItem | null {
  const name = step.name ?? step.id;
  if (step.run) {
    const run = step.run;
    if (run.test) {
      const detected = root ? detectTestCommand(root) : null;
      const what = detected ? `${[detected.command, ...detected.args].join(' ')} (${detected.source})` : 'the tests';
      return { step: step.id, name, kind: 'run', what: `runs ${what}` };
    }
    if (run.script !== undefined) {
      const script = render(run.script);
      const detected = root ? detectScript(root, script) : null;
      const what = detected
        ? `${[detected.command, ...detected.args].join(' ')} (${detected.source})`
        : `the script "${script}"`;
      return { step: step.id, name, kind: 'run', what: `runs ${what}` };
    }
    if (source === 'builtin') {
      // a built-in's own git command: safe unless this folder's .git brought commands of its own
      const risk = run.command === 'git' && root ? gitRunsFolderCode(root) : null;
      return risk ? { step: step.id, name, kind: 'run', what: `runs git, and ${risk}` } : null;
    }
    const args = typeof run.args === 'string' ? [run.args] : run.args;
    return { step: step.id, name, kind: 'run', what: `runs ${[run.command ?? '', ...args].map(render).join(' ')}` };
  }
  if (source === 'builtin') return null;
  if (step.mcp)
    return {
      step: step.id,
      name,
      kind: 'mcp',
      what: `calls the tool "${step.mcp.tool}" of MCP server "${step.mcp.server}"`,
    };
  if (step.edit)
    return {
      step: step.id,
      name,
      kind: 'edit',
      what: 'diff' in step.edit ? 'writes files from a diff' : `writes ${render(step.edit.path)}`,
    };
  return null;
}

/** A template with its `{{ inputs.x }}` filled in; one that needs anything else (outputs, files) stays as written. */
function withInputs(template: string, inputs: Readonly<Record<string, string>>): string {
  let parts: TemplatePart[];
  try {
    parts = parseTemplate(template);
  } catch {
    return template;
  }
  let out = '';
  for (const part of parts) {
    if (part.kind === 'text') out += part.text;
    else if (part.kind === 'value' && part.expr.kind === 'path' && part.expr.segments[0] === 'inputs') {
      const value = lookupPath({ inputs }, part.expr.segments);
      if (typeof value !== 'string') return template;
      out += value;
    } else return template;
  }
  return out;
}

function entry(source: WorkflowSource, file: string, path: string): CatalogEntry {
  const refused = (message: string): CatalogEntry => ({
    ...entryFromText(source, file, ''),
    issues: [{ line: 1, column: 1, path: '', message }],
  });
  try {
    // a huge file is refused by its size, not read whole into memory first
    if (statSync(path).size > MAX_WORKFLOW_BYTES)
      return refused(`the file is larger than ${MAX_WORKFLOW_BYTES / 1024} KiB; a workflow is a page or two`);
    return entryFromText(source, file, readFileSync(path, 'utf8'));
  } catch (error) {
    return refused(`the file could not be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
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
