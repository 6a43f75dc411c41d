// A workflow run followed to its end from a `pa` command (`pa workflow run`, the MCP server's run_workflow tool).
import type { RunDetail, StepRecord, WorkflowProgress } from '@pa/shared';
import type { LocalEngine } from './local-engine.js';

/** Starts a run and waits for its end; a step waiting for approval without `autoApprove` ends the run as rejected. */
export async function runToEnd(
  local: LocalEngine,
  name: string,
  inputs: Record<string, string>,
  autoApprove: boolean,
  signal?: AbortSignal,
  onProgress?: (progress: WorkflowProgress) => void,
): Promise<RunDetail> {
  const { runId } = await local.call('workflow.run', { name, inputs, autoApprove });
  const onAbort = () => void local.call('workflow.cancel', { runId }).catch(() => undefined);
  signal?.addEventListener('abort', onAbort, { once: true });
  const refuse = (step: StepRecord) => {
    if (step.state === 'waiting' && !autoApprove)
      void local.call('workflow.approve', { runId, stepId: step.stepId, approved: false }).catch(() => undefined);
  };
  try {
    const progress = local.stream('workflow.attach', { runId });
    for await (const item of progress) {
      onProgress?.(item);
      if (item.type === 'snapshot') item.run.steps.forEach(refuse);
      else if (item.type === 'step') refuse(item.step);
    }
    await progress.result;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  return await local.call('workflow.run.get', { runId });
}
