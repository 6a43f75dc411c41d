// A workflow run followed to its end from a `pa` command (`pa workflow run`, the MCP server's run_workflow tool).
import type { RunDetail, WorkflowProgress } from '@pa/shared';
import type { LocalEngine } from './local-engine.js';

const ENDED = ['succeeded', 'failed', 'cancelled', 'interrupted'];

/** Starts a run and waits for its end; a step waiting for approval without `autoApprove` ends the run as rejected. */
export async function runToEnd(
  local: LocalEngine,
  name: string,
  inputs: Record<string, string>,
  autoApprove: boolean,
  signal?: AbortSignal,
  onProgress?: (progress: WorkflowProgress) => void,
): Promise<RunDetail> {
  let runId: string | null = null;
  const early: WorkflowProgress[] = [];
  let settle: (() => void) | null = null;
  const done = new Promise<void>((resolve) => {
    settle = resolve;
  });
  const handle = (progress: WorkflowProgress) => {
    onProgress?.(progress);
    if (progress.type === 'step' && progress.step.state === 'waiting' && !autoApprove) {
      void local.call('workflow.approve', { runId: progress.runId, stepId: progress.step.stepId, approved: false });
    }
    if (progress.type === 'run' && ENDED.includes(progress.run.state)) settle?.();
  };
  const subscription = local.on('workflow.progress', (progress) => {
    if (runId === null) early.push(progress);
    else if (progress.runId === runId) handle(progress);
  });
  try {
    const started = await local.call('workflow.run', { name, inputs, autoApprove });
    runId = started.runId;
    for (const progress of early.splice(0)) if (progress.runId === runId) handle(progress);
    const onAbort = () => void local.call('workflow.cancel', { runId: started.runId }).catch(() => undefined);
    signal?.addEventListener('abort', onAbort, { once: true });
    await done;
    signal?.removeEventListener('abort', onAbort);
    return await local.call('workflow.run.get', { runId: started.runId });
  } finally {
    subscription.dispose();
  }
}
