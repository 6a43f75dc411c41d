// `pa workflow list|validate [FILE]|run NAME|trust`: the same engine as the editor, opened in this process on the
// current folder (or --workspace).
import { readFileSync } from 'node:fs';
import type { RunDetail, RunRecord, StepRecord, WorkflowProgress } from '@pa/shared';
import type { Command } from 'commander';
import { type LocalEngine, withLocalEngine } from '../cli/local-engine.js';
import { runToEnd } from '../cli/run-workflow.js';

interface CommonOptions {
  workspace?: string;
  json?: boolean;
}

function withWorkspace<T>(options: CommonOptions, use: (local: LocalEngine) => Promise<T>): Promise<T> {
  return withLocalEngine({ workspace: options.workspace ?? process.cwd(), actor: 'cli' }, use);
}

function print(json: boolean | undefined, value: unknown, text: string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : text);
}

export function registerWorkflowCommands(program: Command): void {
  const workflow = program.command('workflow').description('list, validate and run PowerAutomation workflows');

  workflow
    .command('list')
    .description('list the built-in and project workflows')
    .option('-w, --workspace <dir>', 'workspace folder (default: the current folder)')
    .option('--json', 'print JSON')
    .action(async (options: CommonOptions) => {
      const { workflows } = await withWorkspace(options, (local) => local.call('workflow.list'));
      const lines = workflows.map((entry) => {
        const flags = [
          entry.source,
          entry.allowed ? '' : 'not in your edition',
          entry.issues.length ? 'has errors' : '',
          entry.needsTrust ? 'needs `pa workflow trust`' : '',
        ]
          .filter(Boolean)
          .join(', ');
        return `${entry.name.padEnd(14)} ${entry.description} (${flags})\n`;
      });
      print(options.json, workflows, lines.join(''));
    });

  workflow
    .command('validate')
    .description('check a workflow file (or every workflow) and print errors with their line')
    .argument('[file]', 'a workflow YAML file')
    .option('-w, --workspace <dir>', 'workspace folder (default: the current folder)')
    .option('--json', 'print JSON')
    .action(async (file: string | undefined, options: CommonOptions) => {
      const results: Array<{ file: string; issues: Array<{ line: number; column: number; message: string }> }> = [];
      if (file) {
        const { parseWorkflowYaml } = await import('@pa/shared/workflow/index');
        const parsed = parseWorkflowYaml(readFileSync(file, 'utf8'));
        results.push({ file, issues: parsed.ok ? [] : parsed.issues });
      } else {
        const { workflows } = await withWorkspace(options, (local) => local.call('workflow.list'));
        for (const entry of workflows) results.push({ file: entry.file, issues: entry.issues });
      }
      const text = results
        .map((result) =>
          result.issues.length === 0
            ? `${result.file}: ok\n`
            : result.issues.map((issue) => `${result.file}:${issue.line}:${issue.column}: ${issue.message}\n`).join(''),
        )
        .join('');
      print(options.json, results, text);
      if (results.some((result) => result.issues.length > 0)) process.exitCode = 1;
    });

  workflow
    .command('run')
    .description('run a workflow and follow its steps')
    .argument('<name>', 'workflow name (see `pa workflow list`)')
    .option('-i, --input <key=value>', 'an input (repeatable)', collect, [])
    .option('-y, --yes', 'approve every approval step without asking')
    .option('-w, --workspace <dir>', 'workspace folder (default: the current folder)')
    .option('--json', 'print the finished run as JSON')
    .action(async (name: string, options: CommonOptions & { input: string[]; yes?: boolean }) => {
      const inputs: Record<string, string> = {};
      for (const pair of options.input) {
        const at = pair.indexOf('=');
        if (at <= 0) throw new Error(`--input "${pair}" must look like key=value.`);
        inputs[pair.slice(0, at)] = pair.slice(at + 1);
      }
      // Without --yes an approval step rejects the run: the CLI never applies a change nobody looked at.
      const detail = await withWorkspace(options, (local) =>
        runToEnd(local, name, inputs, options.yes === true, undefined, (progress) => {
          if (!options.json) process.stderr.write(describe(progress));
        }),
      );
      print(options.json, detail, summary(detail));
      if (detail.state !== 'succeeded') process.exitCode = 1;
    });

  workflow
    .command('trust')
    .description('trust the workspace so its own workflows may run commands (use --revoke to undo)')
    .option('--revoke', 'stop trusting it')
    .option('-w, --workspace <dir>', 'workspace folder (default: the current folder)')
    .option('--json', 'print JSON')
    .action(async (options: CommonOptions & { revoke?: boolean }) => {
      const state = await withWorkspace(options, (local) =>
        local.call('workflow.trust.set', { trusted: !options.revoke }),
      );
      print(options.json, state, `${state.root}: ${state.trusted ? 'trusted' : 'not trusted'}\n`);
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function describe(progress: WorkflowProgress): string {
  if (progress.type === 'log') return '';
  if (progress.type === 'snapshot')
    return [describeRun(progress.run), ...progress.run.steps.map(describeStep)].join('');
  if (progress.type === 'run') return describeRun(progress.run);
  return describeStep(progress.step);
}

function describeRun(run: RunRecord): string {
  return `run ${run.state}${run.error ? `: ${run.error}` : ''}\n`;
}

function describeStep(step: StepRecord): string {
  const took = step.finishedAt !== null ? ` (${step.finishedAt - step.startedAt} ms)` : '';
  return `  ${step.stepId}${step.iteration ? ` #${step.iteration}` : ''}: ${step.state}${took}${step.error ? ` — ${step.error}` : ''}\n`;
}

function summary(detail: RunDetail): string {
  const lines = [`${detail.workflow}: ${detail.state}${detail.error ? ` — ${detail.error}` : ''}`];
  for (const step of detail.steps) {
    const output = step.output as { failures?: Array<{ file: string; line: number; name: string }> } | null;
    for (const failure of output?.failures ?? []) lines.push(`  ${failure.file}:${failure.line}  ${failure.name}`);
  }
  return `${lines.join('\n')}\n`;
}
