// The Output tab's state: the engine has no log stream for the page, so Output shows what the engine does that
// prints: the output of workflow runs. The newest run is shown (any run of the last few can be picked), followed
// live with `workflow.attach` while it is in progress; each step's output under its name.
import { type Disposable, errorMessage, type RunDetail, type RunRecord } from '@pa/shared';
import type { WorkbenchApi } from '../workbench/contributions';
import { Observable } from '../workbench/observable';
import { applyProgress } from '../workflow/run-state';

export type OutputApi = Pick<WorkbenchApi, 'client'>;

export interface OutputState {
  runs: RunRecord[];
  run: RunDetail | null;
  error: string | null;
}

const RUNS_LISTED = 20;

export class OutputController implements Disposable {
  readonly state = new Observable<OutputState>({ runs: [], run: null, error: null });
  private following: AbortController | null = null;

  constructor(private readonly api: OutputApi) {}

  /** Lists the recent runs and shows `runId` (default: the newest). */
  async refresh(runId?: string): Promise<void> {
    try {
      const { runs } = await this.api.client.call('workflow.runs', { limit: RUNS_LISTED });
      this.state.update((state) => ({ ...state, runs, error: null }));
      const chosen = runId ?? runs[0]?.id;
      if (chosen) await this.show(chosen);
    } catch (error) {
      this.state.update((state) => ({ ...state, error: errorMessage(error) }));
    }
  }

  /** Shows a run's output: a snapshot, then live progress while it runs. */
  async show(runId: string): Promise<void> {
    this.following?.abort();
    const following = new AbortController();
    this.following = following;
    const progress = this.api.client.stream('workflow.attach', { runId }, { signal: following.signal });
    try {
      for await (const item of progress) {
        if (this.following !== following) return;
        this.state.update((state) => ({
          ...state,
          run: item.type === 'snapshot' ? item.run : state.run && applyProgress(state.run, item),
        }));
      }
    } catch (error) {
      if (this.following === following && !following.signal.aborted) {
        this.state.update((state) => ({ ...state, error: errorMessage(error) }));
      }
    }
  }

  dispose(): void {
    this.following?.abort();
    this.following = null;
  }
}

/** A run's output as one text: each step's logs under a header naming the step. */
export function outputText(run: RunDetail): string {
  return run.steps
    .filter((step) => step.logs.length > 0 || step.error)
    .map((step) => `── ${step.name} (${step.state}) ──\n${step.logs}${step.error ? `\n${step.error}\n` : ''}`)
    .join('\n');
}
