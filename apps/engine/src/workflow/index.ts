// The workflow capability: lists and validates definitions, runs them (entitlement + one workflow_runs unit each,
// at most N at once), streams progress, takes approvals and cancels, keeps history, and re-runs from a step.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import {
  ErrorCode,
  errorMessage,
  errorStack,
  PaError,
  type PlannedStep,
  type RunDetail,
  type RunRecord,
  type RunState,
  type StepKind,
  type TrustRefusal,
  type WorkflowProgress,
  type WorkflowSummary,
} from '@pa/shared';
import { parseWorkflowYaml, type StepDefinition, stepKind, type WorkflowDefinition } from '@pa/shared/workflow/index';
import type { AiService } from '../ai/api.js';
import type { Capability, EngineContext } from '../context.js';
import type { Entitlements, Quotas } from '../license/api.js';
import type { McpClients } from '../mcp/index.js';
import type { PartialHandlers } from '../rpc/handlers.js';
import { type CatalogEntry, entryFromText, findBuiltinDir, readCatalog, trustNeeds } from './catalog.js';
import { createGroupLedger } from './group-ledger.js';
import { claimInstance } from './instance.js';
import { helperLauncher } from './launcher.js';
import { type ProgressReader, progressReader } from './progress.js';
import { projectFacts } from './project.js';
import { RunQueue } from './queue.js';
import { WorkflowRun } from './runner.js';
import { createEditJournal } from './steps/edit-journal.js';
import { createRunStore, type RunStore } from './store.js';

export { parseTestFailures } from './test-failures.js';

export interface WorkflowDeps {
  entitlements: Entitlements;
  quotas: Quotas;
  ai: AiService;
  /** The configured MCP servers, for `mcp` steps. */
  mcp: McpClients;
  /** The `workflows.maxConcurrentRuns` setting now (PA_WORKFLOW_CONCURRENCY, when set, wins). */
  maxConcurrentRuns?: () => Promise<number>;
}

export interface WorkflowsCapability extends Capability {
  readonly store: RunStore;
}

const DEFAULT_CONCURRENCY = 2;

export function createWorkflows(ctx: EngineContext, deps: WorkflowDeps): WorkflowsCapability {
  const instance = claimInstance(join(ctx.dataDir, 'engines'));
  const store = createRunStore(ctx.store, ctx.clock, instance.id);
  const journal = createEditJournal(join(ctx.dataDir, 'edit-journal'), instance.id);
  const groups = createGroupLedger(join(ctx.dataDir, 'process-groups'), instance.id);
  /**
   * Runs whose engine is gone become `interrupted`: at start, and whenever history is read (a CLI run may crash).
   * The process groups they left are killed and the edit steps they were applying rolled back first, so a
   * re-run meets the files as they were.
   */
  const sweep = () => {
    const reaped = groups.reap(instance.isAlive);
    if (reaped.length > 0)
      ctx.log({ level: 'warn', msg: 'ended the run steps a crashed engine left running', groups: reaped });
    const restored = journal.recover(instance.isAlive);
    if (restored.length > 0)
      ctx.log({ level: 'warn', msg: 'rolled back an edit step cut short by a crash', files: restored });
    const { runs, owners } = store.markInterrupted(instance.isAlive);
    if (runs.length > 0) ctx.log({ level: 'warn', msg: 'workflow runs interrupted: their engine stopped', runs });
    for (const owner of owners) instance.forget(owner);
  };
  sweep();
  const fixedConcurrency = concurrencyFromEnv();
  const queue = new RunQueue(fixedConcurrency ?? DEFAULT_CONCURRENCY);
  /**
   * Reads the setting again (at start and whenever a run is started: nothing starts until it is read), so a change
   * applies to the next run without a restart.
   */
  const followConcurrency = () => {
    if (fixedConcurrency !== null || !deps.maxConcurrentRuns) return;
    const read = deps.maxConcurrentRuns().then(
      (limit) => queue.setLimit(limit),
      (error: unknown) =>
        ctx.log({ level: 'warn', msg: 'workflow: reading the settings failed', error: errorMessage(error) }),
    );
    queue.holdUntil(read);
  };
  followConcurrency();
  const builtinDir = findBuiltinDir();
  const launcher = helperLauncher(groups);
  const active = new Map<string, ActiveRun>();

  const catalog = () => readCatalog(builtinDir, ctx.workspace.current()?.root ?? null);
  const trusted = (root: string) => store.isTrusted(root);

  function find(name: string): CatalogEntry {
    const entries = catalog().filter((entry) => entry.name === name);
    const entry = entries.find((candidate) => candidate.source === 'builtin') ?? entries[0];
    if (!entry)
      throw new PaError(ErrorCode.NOT_FOUND, `No workflow named "${name}". Run \`pa workflow list\` to see them.`);
    return entry;
  }

  function summary(entry: CatalogEntry): WorkflowSummary {
    const root = ctx.workspace.current()?.root ?? null;
    const trustNeeded = entry.definition ? trustNeeds(entry.source, entry.definition.steps, root) : [];
    return {
      name: entry.name,
      description: entry.definition?.description ?? 'This workflow file has errors.',
      source: entry.source,
      file: entry.file,
      component: entry.component,
      inputs: entry.definition?.inputs ?? [],
      issues: entry.issues,
      allowed: deps.entitlements.allows({ kind: 'component', component: entry.component }),
      trustNeeded,
      needsTrust: trustNeeded.length > 0 && !(root && trusted(root)),
    };
  }

  function checkInputs(definition: WorkflowDefinition, given: Record<string, string>): Record<string, string> {
    const inputs: Record<string, string> = {};
    for (const input of definition.inputs) {
      const value = given[input.name] ?? input.default;
      if (value === undefined || (value === '' && input.required)) {
        if (input.required)
          throw new PaError(
            ErrorCode.BAD_REQUEST,
            `Input "${input.name}" is required${input.description ? `: ${input.description}` : ''}.`,
          );
        inputs[input.name] = '';
        continue;
      }
      if (input.type === 'choice' && input.options && !input.options.includes(value)) {
        throw new PaError(ErrorCode.BAD_REQUEST, `Input "${input.name}" must be one of: ${input.options.join(', ')}.`);
      }
      inputs[input.name] = value;
    }
    const unknown = Object.keys(given).filter((key) => !definition.inputs.some((input) => input.name === key));
    if (unknown.length > 0)
      throw new PaError(ErrorCode.BAD_REQUEST, `Unknown input ${unknown.map((key) => `"${key}"`).join(', ')}.`);
    return inputs;
  }

  /** Entitlement, trust and quota, then the run row and its place in the queue. */
  function start(
    entry: CatalogEntry,
    definition: WorkflowDefinition,
    options: {
      inputs: Record<string, string>;
      autoApprove: boolean;
      actor: string;
      rerunOf?: string;
      fromStep?: string;
      reused?: Map<string, ReusedStep[]>;
    },
  ): { runId: string } {
    const root = ctx.workspace.requireRoot();
    const needs = trustNeeds(entry.source, definition.steps, root, options.inputs);
    if (needs.length > 0 && !trusted(root)) {
      throw new PaError(
        ErrorCode.UNAUTHORIZED,
        `"${entry.name}" ${needs.map((need) => need.what).join('; ')} from this workspace's own files. Trust the workspace first (Workflow panel → Trust, or \`pa workflow trust\`).`,
        { trustNeeded: needs } satisfies TrustRefusal,
      );
    }
    deps.entitlements.require({ kind: 'component', component: entry.component }, options.actor);
    const reservation = deps.quotas.consume('workflow_runs', 1, options.actor);
    const runId = randomUUID();
    const record = store.createRun({
      id: runId,
      workflow: entry.name,
      source: entry.source,
      definition: entry.text,
      workspace: root,
      inputs: options.inputs,
      actor: options.actor,
      rerunOf: options.rerunOf ?? null,
      fromStep: options.fromStep ?? null,
    });
    // The run's own lifetime: it ends by workflow.cancel or the engine stopping, never with a connection.
    const controller = new AbortController();
    const slot: ActiveRun = {
      run: null,
      controller,
      readers: new Set(),
      // A cancel of a run still waiting for its turn ends it now, not when the runs ahead of it finish.
      withdraw: () => {
        if (!queue.withdraw(runId)) return false;
        reservation.refund();
        emit({ type: 'run', run: store.setRunState(runId, 'cancelled', 'Cancelled before it started.') });
        release();
        return true;
      },
    };
    const release = () => {
      active.delete(runId);
      const ended = store.getRun(runId)?.record ?? record;
      for (const reader of slot.readers) reader.end(ended);
      slot.readers.clear();
    };
    const emit = (progress: WorkflowProgress) => {
      for (const reader of slot.readers) reader.push(progress);
    };
    active.set(runId, slot);
    followConcurrency();
    queue.enqueue(runId, async () => {
      try {
        if (controller.signal.aborted) {
          reservation.refund();
          emit({ type: 'run', run: store.setRunState(runId, 'cancelled', 'Cancelled before it started.') });
          return;
        }
        slot.run = new WorkflowRun(
          {
            runId,
            definition,
            inputs: options.inputs,
            root,
            actor: options.actor,
            autoApprove: options.autoApprove,
            project: projectFacts(root),
            trusted: trusted(root),
            reused: options.reused ?? new Map(),
            signal: controller.signal,
          },
          {
            store,
            ai: deps.ai,
            mcp: deps.mcp,
            files: { resolve: ctx.files.resolve, write: ctx.files.write, journal },
            launcher,
            emit,
          },
        );
        await slot.run.execute();
      } catch (error) {
        ctx.log({
          level: 'error',
          msg: 'workflow run crashed',
          runId,
          error: errorStack(error),
        });
        emit({ type: 'run', run: store.setRunState(runId, 'failed', 'Internal error; see the engine log.') });
      } finally {
        release();
      }
    });
    return { runId };
  }

  /**
   * A reader of the run's progress: its snapshot and its subscription are taken in one synchronous turn, so no
   * progress falls between them and none is seen twice. The reader leaves when its stream is abandoned.
   */
  function attach(slot: ActiveRun, runId: string, signal: AbortSignal): ProgressReader {
    slot.run?.flushLogs();
    const reader = progressReader(detail(runId));
    slot.readers.add(reader);
    signal.addEventListener('abort', () => slot.readers.delete(reader), { once: true });
    return reader;
  }

  function detail(runId: string): RunDetail {
    const stored = store.getRun(runId);
    if (!stored) throw new PaError(ErrorCode.NOT_FOUND, `No run ${runId}.`);
    const parsed = parseWorkflowYaml(stored.definition);
    return { ...stored.record, plan: parsed.ok ? planOf(parsed.definition.steps, 0) : [], steps: store.steps(runId) };
  }

  const handlers: PartialHandlers = {
    'workflow.list': () => ({ workflows: catalog().map(summary) }),
    'workflow.validate': (params) => {
      const parsed = 'text' in params ? parseWorkflowYaml(params.text) : parseWorkflowYaml(find(params.name).text);
      return parsed.ok ? { ok: true, issues: [] } : { ok: false, issues: parsed.issues };
    },
    'workflow.run': ({ name, inputs, autoApprove }, { actor }) => {
      const entry = find(name);
      if (!entry.definition) {
        const first = entry.issues[0];
        throw new PaError(
          ErrorCode.BAD_REQUEST,
          `${entry.file} has errors${first ? ` (line ${first.line}: ${first.message})` : ''}. Fix them before running it.`,
          { issues: entry.issues },
        );
      }
      return start(entry, entry.definition, {
        inputs: checkInputs(entry.definition, inputs),
        autoApprove,
        actor,
      });
    },
    'workflow.cancel': ({ runId }) => {
      const slot = active.get(runId);
      if (!slot) throw new PaError(ErrorCode.NOT_FOUND, `Run ${runId} is not running.`);
      slot.controller.abort();
      slot.withdraw();
      return { ok: true } as const;
    },
    'workflow.approve': ({ runId, stepId, approved }) => {
      const approval = active.get(runId)?.run?.approvals.get(stepId);
      if (!approval)
        throw new PaError(ErrorCode.NOT_FOUND, `Step "${stepId}" of run ${runId} is not waiting for approval.`);
      approval.decide(approved);
      return { ok: true } as const;
    },
    'workflow.runs': (params) => {
      sweep();
      return { runs: store.listRuns(params?.limit ?? 50) };
    },
    'workflow.active': () => ({
      runs: [...active.keys()].flatMap((runId) => store.getRun(runId)?.record ?? []),
    }),
    'workflow.attach': ({ runId }, { signal }) => {
      const slot = active.get(runId);
      if (slot) return attach(slot, runId, signal);
      sweep();
      const run = detail(runId);
      if (!ENDED.has(run.state))
        throw new PaError(
          ErrorCode.NOT_FOUND,
          `Run ${runId} is not in progress in this engine; open it from the history to see how it stands.`,
        );
      return endedRun(run);
    },
    'workflow.run.get': ({ runId }) => {
      sweep();
      return detail(runId);
    },
    'workflow.rerun': ({ runId, fromStep, autoApprove }, { actor }) => {
      sweep();
      const stored = store.getRun(runId);
      if (!stored) throw new PaError(ErrorCode.NOT_FOUND, `No run ${runId}.`);
      if (active.has(runId))
        throw new PaError(ErrorCode.CONFLICT, 'This run is still in progress; cancel it or wait for it to end.');
      const root = ctx.workspace.requireRoot();
      if (root !== stored.workspace) {
        throw new PaError(
          ErrorCode.BAD_REQUEST,
          `This run belongs to ${stored.workspace}; open that folder to re-run it.`,
        );
      }
      const entry = entryFromText(stored.record.source, stored.record.workflow, stored.definition);
      if (!entry.definition)
        throw new PaError(ErrorCode.BAD_REQUEST, 'The stored definition of this run no longer validates.');
      const steps = store.steps(runId);
      const top = entry.definition.steps;
      const from = fromStep ? topLevelIndex(top, fromStep) : firstUnfinished(top, steps);
      if (from < 0) throw new PaError(ErrorCode.NOT_FOUND, `The workflow has no step "${fromStep}".`);
      const reused = new Map<string, ReusedStep[]>();
      for (const step of top.slice(0, from)) {
        const ids = new Set(allIds(step));
        reused.set(
          step.id,
          steps
            .filter((record) => ids.has(record.stepId) && ['succeeded', 'skipped', 'reused'].includes(record.state))
            .map((record) => ({
              stepId: record.stepId,
              name: record.name,
              kind: record.kind,
              iteration: record.iteration,
              input: record.input,
              output: record.output,
            })),
        );
      }
      return start(entry, entry.definition, {
        inputs: stored.record.inputs,
        autoApprove,
        actor,
        rerunOf: runId,
        fromStep: top[from]?.id ?? '',
        reused,
      });
    },
    'workflow.trust.get': () => {
      const root = ctx.workspace.requireRoot();
      return { root, trusted: trusted(root) };
    },
    'workflow.trust.set': ({ trusted: value }) => {
      const root = ctx.workspace.requireRoot();
      store.setTrusted(root, value);
      return { root, trusted: value };
    },
  };

  return {
    handlers,
    store,
    async dispose() {
      for (const slot of active.values()) slot.controller.abort();
      launcher.dispose();
      groups.release();
      instance.release();
    },
  };
}

interface ActiveRun {
  /** Null while the run waits in the queue. */
  run: WorkflowRun | null;
  controller: AbortController;
  /** The attached readers (workflow.attach streams), each ended with the run's final record. */
  readers: Set<ProgressReader>;
  /** Takes a run that has not started out of the queue and ends it as cancelled; false once it has started. */
  withdraw(): boolean;
}

const ENDED: ReadonlySet<RunState> = new Set(['succeeded', 'failed', 'cancelled', 'interrupted']);

/** The stream of a run that has already ended: its snapshot, then its record. */
async function* endedRun(run: RunDetail): AsyncGenerator<WorkflowProgress, RunRecord> {
  yield { type: 'snapshot', run };
  const { plan: _plan, steps: _steps, ...record } = run;
  return record;
}

interface ReusedStep {
  stepId: string;
  name: string;
  kind: StepKind;
  iteration: number;
  input: unknown;
  output: unknown;
}

export function planOf(steps: readonly StepDefinition[], depth: number): PlannedStep[] {
  return steps.flatMap((step) => [
    { id: step.id, name: step.name ?? step.id, kind: stepKind(step), depth },
    ...(step.repeat ? planOf(step.repeat.steps, depth + 1) : []),
  ]);
}

function allIds(step: StepDefinition): string[] {
  return [step.id, ...(step.repeat ? step.repeat.steps.flatMap(allIds) : [])];
}

function topLevelIndex(steps: readonly StepDefinition[], id: string): number {
  return steps.findIndex((step) => allIds(step).includes(id));
}

/** The first top-level step whose last record did not succeed: where a failed or interrupted run resumes. */
function firstUnfinished(
  steps: readonly StepDefinition[],
  records: ReadonlyArray<{ stepId: string; state: string }>,
): number {
  const index = steps.findIndex((step) => {
    const last = records.filter((record) => record.stepId === step.id).at(-1);
    return !last || !['succeeded', 'skipped', 'reused'].includes(last.state);
  });
  return Math.max(index, 0);
}

function concurrencyFromEnv(): number | null {
  const value = Number(process.env.PA_WORKFLOW_CONCURRENCY);
  return Number.isInteger(value) && value > 0 ? value : null;
}

export type { RunRecord };
