// Executes one run: walks the steps (with `if` and `repeat … until`), renders templates against the inputs and
// earlier outputs, records every step in SQLite as it starts and ends, and streams progress to the caller.
import { readFileSync } from 'node:fs';
import { setImmediate as nextTurn } from 'node:timers/promises';
import {
  ErrorCode,
  isAbortError,
  PaError,
  type RunRecord,
  type RunState,
  type StepKind,
  type StepRecord,
  toWireError,
} from '@pa/shared';
import {
  evaluateExpression,
  parseExpression,
  renderTemplate,
  renderValue,
  type StepDefinition,
  stepKind,
  stringify,
  truthy,
  type WorkflowDefinition,
} from '@pa/shared/workflow/index';
import type { AiService } from '../ai/api.js';
import type { McpClients } from '../mcp/index.js';
import { commandEnv } from './command-env.js';
import type { Launcher } from './launcher.js';
import { runProcess } from './process.js';
import type { ProjectFacts } from './project.js';
import { runAiStep } from './steps/ai.js';
import { applyDiff, type EditTarget, writeContent } from './steps/edit.js';
import { StepFailure } from './steps/failure.js';
import type { RunStore } from './store.js';
import { detectScript, detectTestCommand } from './test-command.js';
import { parseTestFailures } from './test-failures.js';

export interface RunServices {
  store: RunStore;
  ai: AiService;
  mcp: McpClients;
  files: EditTarget;
  launcher: Launcher;
  /** Progress to whoever started the run. */
  emit(
    progress:
      | { type: 'run'; run: RunRecord }
      | { type: 'step'; step: StepRecord }
      | { type: 'log'; seq: number; stepId: string; text: string },
  ): void;
}

export interface RunPlan {
  runId: string;
  definition: WorkflowDefinition;
  inputs: Record<string, string>;
  root: string;
  actor: string;
  autoApprove: boolean;
  project: ProjectFacts;
  /** The user trusts this workspace: its `.env` reaches the commands. */
  trusted: boolean;
  /** Outputs of steps reused from an earlier run (re-run from a later step), by top-level step id. */
  reused: Map<
    string,
    Array<{ stepId: string; name: string; kind: StepKind; iteration: number; input: unknown; output: unknown }>
  >;
  signal: AbortSignal;
}

export interface Approval {
  stepId: string;
  decide(approved: boolean): void;
}

class Rejected extends Error {}

/** Step executions one run may make (repeats included): a loop that never ends ends here. */
export const MAX_STEP_EXECUTIONS = 1000;

/** A running workflow; `approvals` is how workflow.approve reaches a waiting step. */
export class WorkflowRun {
  readonly approvals = new Map<string, Approval>();
  /** Log text of the steps in progress not yet written to SQLite. */
  private readonly openLogs = new Set<LogBuffer>();
  private seq = 0;
  private executions = 0;
  /** What the last `run: {test: true}` step found: null when the tests passed (or none ran), else why they failed. */
  private testsFailed: string | null = null;
  private readonly scope: {
    inputs: Record<string, string>;
    steps: Record<string, Record<string, unknown>>;
    project: ProjectFacts;
    iteration: number;
  };

  constructor(
    private readonly plan: RunPlan,
    private readonly services: RunServices,
  ) {
    this.scope = { inputs: plan.inputs, steps: {}, project: plan.project, iteration: 0 };
  }

  async execute(): Promise<RunState> {
    const { store } = this.services;
    this.setRunState('running');
    try {
      for (const step of this.plan.definition.steps) {
        const reused = this.plan.reused.get(step.id);
        if (reused) {
          for (const record of reused) {
            if (record.output && typeof record.output === 'object')
              this.scope.steps[record.stepId] = record.output as Record<string, unknown>;
            const row = store.startStep({ runId: this.plan.runId, seq: this.seq++, ...record, state: 'reused' });
            this.services.emit({ type: 'step', step: row });
          }
          continue;
        }
        await this.runStep(step, 0);
      }
      // A test step whose failure the workflow let pass (allowFailure, to ask for a fix) still decides the outcome:
      // the run tells the truth about the last time the tests ran.
      if (this.testsFailed !== null) {
        this.setRunState('failed', this.testsFailed);
        return 'failed';
      }
      this.setRunState('succeeded');
      return 'succeeded';
    } catch (error) {
      if (this.plan.signal.aborted || isAbortError(error)) {
        this.setRunState('cancelled', 'Cancelled by the user.');
        return 'cancelled';
      }
      if (error instanceof Rejected) {
        this.setRunState('cancelled', error.message);
        return 'cancelled';
      }
      this.setRunState('failed', messageOf(error));
      return 'failed';
    }
  }

  /** Writes pending log text now, so a snapshot read from the store is complete up to this moment. */
  flushLogs(): void {
    for (const logs of this.openLogs) logs.flush();
  }

  private setRunState(state: RunState, error: string | null = null): void {
    this.services.emit({ type: 'run', run: this.services.store.setRunState(this.plan.runId, state, error) });
  }

  private async runStep(step: StepDefinition, iteration: number): Promise<void> {
    // Every step gives the event loop a turn first: a run of quick steps never starves the engine's other work.
    await nextTurn();
    if (this.plan.signal.aborted) throw abortError();
    this.executions += 1;
    if (this.executions > MAX_STEP_EXECUTIONS)
      throw new PaError(
        ErrorCode.TOO_LARGE,
        `The run made more than ${MAX_STEP_EXECUTIONS} step executions; shorten its loops.`,
      );
    const kind = stepKind(step);
    const { store, emit } = this.services;
    const base = { runId: this.plan.runId, stepId: step.id, name: step.name ?? step.id, kind, iteration };
    if (step.if !== undefined && !truthy(evaluateExpression(parseExpression(step.if), this.scope))) {
      const row = store.startStep({ ...base, seq: this.seq++, state: 'skipped', input: { if: step.if } });
      emit({ type: 'step', step: row });
      return;
    }
    if (step.repeat) {
      await this.runRepeat(step, base, iteration);
      return;
    }
    const seq = this.seq++;
    let input: Record<string, unknown>;
    try {
      input = await this.renderInput(step);
    } catch (error) {
      emit({ type: 'step', step: store.startStep({ ...base, seq, state: 'failed', input: null }) });
      emit({ type: 'step', step: store.finishStep(this.plan.runId, seq, 'failed', null, messageOf(error)) });
      throw error;
    }
    const waiting = kind === 'approve' && !this.plan.autoApprove;
    emit({ type: 'step', step: store.startStep({ ...base, seq, state: waiting ? 'waiting' : 'running', input }) });
    if (waiting) this.setRunState('waiting');

    const logs = new LogBuffer((text) => {
      store.appendLog(this.plan.runId, seq, text);
    });
    this.openLogs.add(logs);
    const log = (text: string) => {
      logs.push(text);
      emit({ type: 'log', seq, stepId: step.id, text });
    };
    try {
      const output = await this.perform(step, input, log);
      logs.flush();
      this.scope.steps[step.id] = output;
      const testsFailed = step.run?.test ? testFailureOf(input, output) : null;
      if (step.run?.test) this.testsFailed = testsFailed;
      const state = testsFailed === null ? 'succeeded' : 'failed';
      emit({ type: 'step', step: store.finishStep(this.plan.runId, seq, state, output, testsFailed) });
    } catch (error) {
      logs.flush();
      if (step.run?.test) this.testsFailed = messageOf(error);
      if (error instanceof StepFailure) this.scope.steps[step.id] = error.output;
      throw this.finishFailed(seq, error) === 'cancelled' ? abortError() : error;
    } finally {
      this.openLogs.delete(logs);
      if (waiting && !this.plan.signal.aborted) this.setRunState('running');
    }
  }

  private async runRepeat(
    step: StepDefinition,
    base: { runId: string; stepId: string; name: string; kind: StepKind; iteration: number },
    iteration: number,
  ): Promise<void> {
    const repeat = step.repeat as NonNullable<StepDefinition['repeat']>;
    const { store, emit } = this.services;
    const seq = this.seq++;
    emit({
      type: 'step',
      step: store.startStep({ ...base, seq, state: 'running', input: { max: repeat.max, until: repeat.until } }),
    });
    const until = parseExpression(repeat.until);
    try {
      for (let round = 1; round <= repeat.max; round++) {
        this.scope.iteration = round;
        for (const inner of repeat.steps) await this.runStep(inner, round);
        if (truthy(evaluateExpression(until, this.scope))) {
          const output = { iterations: round, output: round };
          this.scope.steps[step.id] = output;
          emit({ type: 'step', step: store.finishStep(this.plan.runId, seq, 'succeeded', output, null) });
          return;
        }
      }
      throw new StepFailure(`"${repeat.until}" was still false after ${repeat.max} iterations.`, {
        iterations: repeat.max,
        output: repeat.max,
      });
    } catch (error) {
      this.finishFailed(seq, error);
      throw error;
    } finally {
      this.scope.iteration = iteration;
    }
  }

  /** Records a step that ended in an error: cancelled (by the user) or failed, with any output it produced. */
  private finishFailed(seq: number, error: unknown): 'cancelled' | 'failed' {
    const state = this.plan.signal.aborted || isAbortError(error) ? 'cancelled' : 'failed';
    const output = error instanceof StepFailure ? error.output : null;
    const message = state === 'cancelled' ? 'Cancelled.' : messageOf(error);
    this.services.emit({
      type: 'step',
      step: this.services.store.finishStep(this.plan.runId, seq, state, output, message),
    });
    return state;
  }

  private readFile = async (path: string): Promise<string> => readFileSync(this.services.files.resolve(path), 'utf8');

  private render = (template: string) => renderTemplate(template, this.scope, this.readFile);

  /** The step's input with templates rendered: what the timeline shows and what the step acts on. */
  private async renderInput(step: StepDefinition): Promise<Record<string, unknown>> {
    if (step.ai) {
      return {
        prompt: await this.render(step.ai.prompt),
        system: step.ai.system ? await this.render(step.ai.system) : undefined,
        task: step.ai.task,
        output: step.ai.output,
      };
    }
    if (step.run) {
      const run = step.run;
      let command: string;
      let args: string[];
      let source: string | undefined;
      if (run.test) {
        const detected = detectTestCommand(this.plan.root);
        if (!detected)
          throw new PaError(
            ErrorCode.NOT_FOUND,
            'No test command found: add a "test" script to package.json (or a pytest, go or cargo project).',
          );
        ({ command, args, source } = detected);
      } else if (run.script !== undefined) {
        const name = await this.render(run.script);
        const detected = detectScript(this.plan.root, name);
        if (!detected)
          throw new PaError(ErrorCode.NOT_FOUND, `No package.json script or Makefile target named "${name}".`);
        ({ command, args, source } = detected);
      } else {
        command = await this.render(run.command ?? '');
        args = await this.renderArgs(run.args);
      }
      const env: Record<string, string> = {};
      for (const [key, value] of Object.entries(run.env)) env[key] = await this.render(value);
      return {
        command,
        args,
        cwd: await this.render(run.cwd),
        env,
        timeoutSeconds: run.timeout,
        source,
        display: [command, ...args].join(' '),
      };
    }
    if (step.edit) {
      return 'diff' in step.edit
        ? { diff: await this.render(step.edit.diff) }
        : { path: await this.render(step.edit.path), content: await this.render(step.edit.content) };
    }
    if (step.mcp) {
      return { server: step.mcp.server, tool: step.mcp.tool, arguments: await this.renderDeep(step.mcp.arguments) };
    }
    if (step.approve) {
      return {
        message: await this.render(step.approve.message),
        show: step.approve.show ? await this.render(step.approve.show) : '',
      };
    }
    return {};
  }

  private async renderArgs(args: string | string[]): Promise<string[]> {
    if (typeof args === 'string') {
      const value = renderValue(args, this.scope);
      if (Array.isArray(value)) return value.map((item) => stringify(item));
      return [await this.render(args)];
    }
    return Promise.all(args.map((arg) => this.render(arg)));
  }

  private async renderDeep(value: unknown): Promise<unknown> {
    if (typeof value === 'string') return this.render(value);
    if (Array.isArray(value)) return Promise.all(value.map((item) => this.renderDeep(item)));
    if (typeof value === 'object' && value !== null) {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) out[key] = await this.renderDeep(item);
      return out;
    }
    return value;
  }

  private async perform(
    step: StepDefinition,
    input: Record<string, unknown>,
    log: (text: string) => void,
  ): Promise<Record<string, unknown>> {
    const signal = this.plan.signal;
    if (step.ai) {
      return runAiStep(this.services.ai, {
        step: step.ai,
        prompt: input.prompt as string,
        system: input.system as string | undefined,
        actor: this.plan.actor,
        signal,
        onToken: log,
      });
    }
    if (step.run) {
      const cwd = this.services.files.resolve(input.cwd as string);
      const result = await runProcess({
        command: input.command as string,
        args: input.args as string[],
        cwd,
        env: {
          ...commandEnv(this.plan.root, this.plan.trusted),
          NO_COLOR: '1',
          ...(input.env as Record<string, string>),
        },
        timeoutMs: step.run.timeout * 1000,
        signal,
        onOutput: (_stream, text) => log(text),
        launcher: this.services.launcher,
      }).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT')
          throw new PaError(ErrorCode.NOT_FOUND, `Command "${String(input.command)}" was not found on PATH.`);
        throw error;
      });
      if (result.cancelled) throw abortError();
      const output: Record<string, unknown> = {
        output: result.stdout,
        exitCode: result.exitCode,
        stdout: result.stdout,
        stderr: result.stderr,
        truncated: result.truncated,
        timedOut: result.timedOut,
        durationMs: Math.round(result.durationMs),
      };
      if (step.run.test) output.failures = parseTestFailures(`${result.stdout}\n${result.stderr}`, this.plan.root);
      if (result.timedOut)
        throw new StepFailure(
          `"${String(input.display)}" timed out after ${step.run.timeout} s; its process group was killed.`,
          output,
        );
      if (result.exitCode !== 0 && !step.run.allowFailure) {
        throw new StepFailure(
          step.run.test
            ? (testFailureOf(input, output) as string)
            : `"${String(input.display)}" exited with code ${result.exitCode ?? result.signal}.`,
          output,
        );
      }
      return output;
    }
    if (step.edit) {
      const changes =
        'diff' in input
          ? await applyDiff(input.diff as string, this.services.files)
          : await writeContent(input.path as string, input.content as string, this.services.files);
      for (const change of changes) log(`${change.action} ${change.path}\n`);
      return { output: changes.map((change) => change.path), changes };
    }
    if (step.mcp) {
      const result = await this.services.mcp.call(
        step.mcp.server,
        step.mcp.tool,
        input.arguments as Record<string, unknown>,
        signal,
      );
      log(result.text);
      const output = { output: result.structured ?? result.text, text: result.text, content: result.content };
      if (result.isError)
        throw new StepFailure(`Tool "${step.mcp.tool}" answered with an error: ${result.text.slice(0, 500)}`, output);
      return output;
    }
    if (step.approve) {
      if (!this.plan.autoApprove) {
        const approved = await new Promise<boolean>((resolve, reject) => {
          const onAbort = () => reject(abortError());
          signal.addEventListener('abort', onAbort, { once: true });
          this.approvals.set(step.id, {
            stepId: step.id,
            decide: (value) => {
              signal.removeEventListener('abort', onAbort);
              this.approvals.delete(step.id);
              resolve(value);
            },
          });
        });
        if (!approved) throw new Rejected(`Rejected at step "${step.name ?? step.id}".`);
      }
      log(this.plan.autoApprove ? 'approved automatically (--yes)\n' : 'approved\n');
      return { output: true, approved: true };
    }
    throw new Error(`unhandled step kind in ${step.id}`);
  }
}

/**
 * Why a finished test command counts as failed tests (a non-zero exit, with how many failures were parsed), or null
 * when they passed.
 */
function testFailureOf(input: Record<string, unknown>, output: Record<string, unknown>): string | null {
  if (output.exitCode === 0) return null;
  const failures = Array.isArray(output.failures) ? output.failures.length : 0;
  const exit = output.exitCode === null ? 'was stopped' : `exited with code ${String(output.exitCode)}`;
  const counted = failures === 0 ? '' : `: ${failures} failing test${failures === 1 ? '' : 's'}`;
  return `Tests failed ("${String(input.display)}" ${exit})${counted}.`;
}

/** Batches log writes to SQLite so a chatty command does not write one row update per chunk. */
class LogBuffer {
  private pending = '';
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly write: (text: string) => void) {}

  push(text: string): void {
    this.pending += text;
    this.timer ??= setTimeout(() => this.flush(), 200);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.pending) this.write(this.pending);
    this.pending = '';
  }
}

function messageOf(error: unknown): string {
  if (error instanceof PaError || error instanceof StepFailure || error instanceof Rejected) return error.message;
  const wire = toWireError(error);
  return wire.code === ErrorCode.INTERNAL && error instanceof Error ? error.message : wire.message;
}

function abortError(): Error {
  const error = new Error('The operation was cancelled.');
  error.name = 'AbortError';
  return error;
}
