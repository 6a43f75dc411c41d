// The Workflow panel's behaviour outside React: the workflows and the history, the run on screen followed live
// through its workflow.attach stream, starting runs (with the trust question the engine may ask first), cancel,
// approvals, and what happens when the connection comes back: the run on screen, or the newest run in progress,
// is followed again.
import {
  type Disposable,
  DisposableStore,
  ErrorCode,
  errorMessage,
  PaError,
  type RunDetail,
  type RunRecord,
  type TrustItem,
  TrustRefusal,
  type WorkflowSummary,
} from '@pa/shared';
import type { WorkbenchApi } from '../workbench/contributions';
import { Observable } from '../workbench/observable';
import { applyProgress, isFinished } from './run-state';

/** What the trust dialog asks about: the workflow, the folder, what would run from it. */
export interface TrustRequest {
  workflow: string;
  root: string;
  items: TrustItem[];
}

export interface WorkflowState {
  workflows: WorkflowSummary[];
  /** The newest runs first. */
  history: RunRecord[];
  /** The run on screen (null: the list), kept current while it is in progress. */
  run: RunDetail | null;
  /** A start the engine refused until the folder is trusted; answered with decideTrust(). */
  trustRequest: TrustRequest | null;
  /** What the last action that failed said, until the next start. */
  error: string | null;
}

export type WorkflowApi = Pick<WorkbenchApi, 'client' | 'onDidChangeWorkspace'>;

const HISTORY_LIMIT = 30;

export class WorkflowController implements Disposable {
  readonly state = new Observable<WorkflowState>({
    workflows: [],
    history: [],
    run: null,
    trustRequest: null,
    error: null,
  });
  private readonly subscriptions = new DisposableStore();
  /** The stream following the run on screen, if one is. */
  private following: { runId: string; abort: AbortController } | null = null;
  private retry: (() => Promise<void>) | null = null;
  private disposed = false;

  constructor(private readonly api: WorkflowApi) {
    // The edition decides which workflows are allowed: a license activated or removed re-reads the list.
    this.subscriptions.add(api.client.on('license.changed', () => void this.refresh()));
    this.subscriptions.add(api.onDidChangeWorkspace(() => void this.refresh()));
  }

  async refresh(): Promise<void> {
    const { client } = this.api;
    try {
      const [{ workflows }, { runs }] = await Promise.all([
        client.call('workflow.list'),
        client.call('workflow.runs', { limit: HISTORY_LIMIT }),
      ]);
      this.patch({ workflows, history: runs });
    } catch (error) {
      this.patch({ error: errorMessage(error) });
    }
  }

  /**
   * The connection is up (first time, or again after it dropped, which ended the stream): the lists are read again,
   * and the run on screen is followed again if it is still going; with none on screen, the newest run in progress
   * (started before a page reload, or from another window) is shown.
   */
  async connected(): Promise<void> {
    void this.refresh();
    const shown = this.state.value.run;
    if (shown && this.following?.runId === shown.id) return;
    try {
      const runId = shown
        ? isFinished(shown.state)
          ? undefined
          : shown.id
        : (await this.api.client.call('workflow.active')).runs.at(-1)?.id;
      if (!runId || this.following) return;
      const now = this.state.value.run;
      if (now && now.id !== runId) return; // the user opened another run meanwhile
      await this.attach(runId);
    } catch (error) {
      this.patch({ error: errorMessage(error) });
    }
  }

  /** Starts a workflow and shows its run. */
  run(name: string, inputs: Record<string, string>): Promise<void> {
    return this.start(name, () => this.api.client.call('workflow.run', { name, inputs }));
  }

  /** Runs a finished run again from its first step that did not succeed. */
  rerun(run: Pick<RunRecord, 'id' | 'workflow'>): Promise<void> {
    return this.start(run.workflow, () => this.api.client.call('workflow.rerun', { runId: run.id }));
  }

  /**
   * Shows a run, followed live while it is in progress: resolves once it is on screen. A run in progress in another
   * engine (a `pa` command) shows as stored.
   */
  attach(runId: string): Promise<void> {
    this.stopFollowing();
    const following = { runId, abort: new AbortController() };
    this.following = following;
    const progress = this.api.client.stream('workflow.attach', { runId }, { signal: following.abort.signal });
    return new Promise<void>((shown) => {
      void (async () => {
        try {
          for await (const item of progress) {
            if (this.following !== following) break;
            if (item.type === 'snapshot') {
              this.patch({ run: item.run });
              shown();
            } else this.patchRun(runId, (run) => applyProgress(run, item));
          }
          const ended = await progress.result;
          this.patchRun(runId, (run) => applyProgress(run, { type: 'run', run: ended }));
          void this.refresh();
        } catch (error) {
          await this.attachFailed(following, error);
        } finally {
          if (this.following === following) this.following = null;
          shown();
        }
      })();
    });
  }

  /** Back to the list: the run on screen is no longer followed (it goes on in the engine). */
  close(): void {
    this.stopFollowing();
    this.patch({ run: null });
  }

  async cancel(): Promise<void> {
    const run = this.state.value.run;
    if (!run) return;
    await this.act(this.api.client.call('workflow.cancel', { runId: run.id }));
  }

  async approve(stepId: string, approved: boolean): Promise<void> {
    const run = this.state.value.run;
    if (!run) return;
    await this.act(this.api.client.call('workflow.approve', { runId: run.id, stepId, approved }));
  }

  /** The answer to the trust dialog: trusting the folder retries the start it refused. */
  async decideTrust(trusted: boolean): Promise<void> {
    const retry = this.retry;
    this.retry = null;
    this.patch({ trustRequest: null });
    if (!trusted || !retry) return;
    try {
      await this.api.client.call('workflow.trust.set', { trusted: true });
    } catch (error) {
      this.patch({ error: errorMessage(error) });
      return;
    }
    await retry();
  }

  dispose(): void {
    this.disposed = true;
    this.stopFollowing();
    this.subscriptions.dispose();
  }

  /**
   * Starts a run (or re-run) and shows it. The engine refuses one that would run this folder's own code before the
   * user trusts the folder, naming what would run; the user sees that list once, trusts, and the start is retried.
   */
  private async start(workflow: string, start: () => Promise<{ runId: string }>): Promise<void> {
    this.patch({ error: null });
    let runId: string;
    try {
      ({ runId } = await start());
    } catch (error) {
      const refusal =
        error instanceof PaError && error.code === ErrorCode.UNAUTHORIZED ? TrustRefusal.safeParse(error.data) : null;
      if (!refusal?.success) {
        this.patch({ error: errorMessage(error) });
        return;
      }
      try {
        const { root } = await this.api.client.call('workflow.trust.get');
        this.retry = () => this.start(workflow, start);
        this.patch({ trustRequest: { workflow, root, items: refusal.data.trustNeeded } });
      } catch (trustError) {
        this.patch({ error: errorMessage(trustError) });
      }
      return;
    }
    void this.refresh();
    await this.attach(runId);
  }

  private async attachFailed(following: { runId: string }, error: unknown): Promise<void> {
    if (!(error instanceof PaError)) {
      this.patch({ error: errorMessage(error) });
      return;
    }
    switch (error.code) {
      case ErrorCode.CANCELLED: // this panel stopped following it
        return;
      case ErrorCode.UNAVAILABLE: // the connection dropped: connected() follows it again
        return;
      case ErrorCode.NOT_FOUND: // in progress in another engine: as stored
        try {
          const run = await this.api.client.call('workflow.run.get', { runId: following.runId });
          if (this.following === following) this.patch({ run });
        } catch (getError) {
          this.patch({ error: errorMessage(getError) });
        }
        return;
      default:
        this.patch({ error: error.message });
    }
  }

  private async act(call: Promise<unknown>): Promise<void> {
    try {
      await call;
    } catch (error) {
      this.patch({ error: errorMessage(error) });
    }
  }

  private stopFollowing(): void {
    const following = this.following;
    this.following = null;
    following?.abort.abort();
  }

  private patchRun(runId: string, change: (run: RunDetail) => RunDetail): void {
    const run = this.state.value.run;
    if (run?.id === runId) this.patch({ run: change(run) });
  }

  private patch(change: Partial<WorkflowState>): void {
    if (!this.disposed) this.state.set({ ...this.state.value, ...change });
  }
}
