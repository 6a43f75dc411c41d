// The Workflow panel: the workflows with their descriptions (and validation errors by line), the input form, the
// live run with cancel, and the run history with re-run.
import {
  ErrorCode,
  PaError,
  type RunDetail,
  type RunRecord,
  TrustRefusal,
  type WorkflowProgress,
  type WorkflowSummary,
} from '@pa/shared';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useEngine, useEvent } from '../client/engine';
import { useWorkbench } from '../workbench/contributions';
import { InputForm } from './InputForm';
import { RunTimeline } from './RunTimeline';
import { showReviewComments } from './review-decorations';
import { applyProgress, isFinished, reviewComments } from './run-state';
import { TrustDialog, type TrustRequest } from './TrustDialog';

export function WorkflowView() {
  const { client, state: connectionState } = useEngine();
  const api = useWorkbench();
  const [workflows, setWorkflows] = useState<WorkflowSummary[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const [run, setRun] = useState<RunDetail | null>(null);
  const [history, setHistory] = useState<RunRecord[]>([]);
  const [trustRequest, setTrustRequest] = useState<(TrustRequest & { retry(): void }) | null>(null);
  const [error, setError] = useState<string | null>(null);

  const refresh = useCallback(async () => {
    try {
      const [{ workflows: list }, { runs }] = await Promise.all([
        client.call('workflow.list'),
        client.call('workflow.runs', { limit: 30 }),
      ]);
      setWorkflows(list);
      setHistory(runs);
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    }
  }, [client]);

  // The edition decides which workflows are allowed: a license activated or removed re-reads the list.
  useEvent('license.changed', () => void refresh());

  useEffect(() => {
    void refresh();
    const subscription = api.onDidChangeWorkspace(() => void refresh());
    return () => subscription.dispose();
  }, [refresh, api]);

  /** A run followed live while still in progress in this engine, else as stored. */
  const attachOrGet = useCallback(
    (runId: string): Promise<RunDetail> =>
      client.call('workflow.attach', { runId }).then(
        (attached) => attached.run,
        (caught: unknown) => {
          if (caught instanceof PaError && caught.code === ErrorCode.NOT_FOUND)
            return client.call('workflow.run.get', { runId });
          throw caught;
        },
      ),
    [client],
  );

  const shownRun = useRef<RunDetail | null>(null);
  shownRun.current = run;

  // A new connection follows no run yet. On each (re)connection: the run on screen if it is still going, else the
  // newest run in progress (started before a page reload, or from another window) comes back, live.
  useEffect(() => {
    if (connectionState !== 'connected') return;
    let disposed = false;
    void (async () => {
      try {
        const shown = shownRun.current;
        const runId =
          shown && !isFinished(shown.state) ? shown.id : (await client.call('workflow.active')).runs.at(-1)?.id;
        if (!runId || disposed) return;
        const detail = await attachOrGet(runId);
        if (!disposed) setRun((current) => (current === null || current.id === runId ? detail : current));
      } catch (caught) {
        setError(caught instanceof Error ? caught.message : String(caught));
      }
    })();
    return () => {
      disposed = true;
    };
  }, [client, connectionState, attachOrGet]);

  const open = async (runId: string) => {
    try {
      setRun(await attachOrGet(runId));
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    }
  };

  useEvent('workflow.progress', (progress: WorkflowProgress) => {
    setRun((current) => (current ? applyProgress(current, progress) : current));
    if (progress.type === 'run' && isFinished(progress.run.state)) void refresh();
  });

  // Review comments go onto the editor while the run that made them is on screen.
  useEffect(() => {
    if (run?.state !== 'succeeded') return;
    const comments = reviewComments(run);
    if (comments.length === 0) return;
    const shown = showReviewComments(api, comments);
    return () => shown.dispose();
  }, [run, api]);

  /**
   * Starts a run (or re-run) and shows it. The engine refuses one that would run this folder's own code before the
   * user trusts the folder, naming what would run; the user sees that list once, trusts, and the start is retried.
   */
  const follow = async (workflowName: string, start: () => Promise<{ streamId: string; runId: string }>) => {
    setError(null);
    try {
      const { runId } = await start();
      setRun(await client.call('workflow.run.get', { runId }));
      void refresh();
    } catch (caught) {
      const refusal =
        caught instanceof PaError && caught.code === ErrorCode.UNAUTHORIZED
          ? TrustRefusal.safeParse(caught.data)
          : null;
      if (refusal?.success) {
        const { root } = await client.call('workflow.trust.get');
        setTrustRequest({
          workflow: workflowName,
          root,
          items: refusal.data.trustNeeded,
          retry: () => void follow(workflowName, start),
        });
        return;
      }
      setError(caught instanceof Error ? caught.message : String(caught));
    }
  };

  const decideTrust = async (trusted: boolean) => {
    const request = trustRequest;
    setTrustRequest(null);
    if (!trusted || !request) return;
    try {
      await client.call('workflow.trust.set', { trusted: true });
      request.retry();
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    }
  };

  const workflow = workflows.find((entry) => entry.name === selected) ?? null;

  return (
    <div className="wf" data-testid="workflow-panel">
      {error && (
        <div className="wf-banner wf-banner--error" role="alert">
          {error}
        </div>
      )}
      {trustRequest && <TrustDialog request={trustRequest} onDecide={(trusted) => void decideTrust(trusted)} />}

      {run ? (
        <section className="wf-run" aria-label="Run">
          <header className="wf-run__head">
            <button type="button" className="link-button" onClick={() => setRun(null)}>
              ← Workflows
            </button>
            <span className="wf-run__title">{run.workflow}</span>
            <span className={`wf-state wf-state--${run.state}`} data-testid="wf-run-state">
              {run.state}
            </span>
            {!isFinished(run.state) && (
              <button
                type="button"
                className="button button--danger button--small"
                onClick={() => void client.call('workflow.cancel', { runId: run.id })}
                data-testid="wf-cancel"
              >
                Cancel
              </button>
            )}
            {isFinished(run.state) && run.state !== 'succeeded' && (
              <button
                type="button"
                className="button button--secondary button--small"
                onClick={() => void follow(run.workflow, () => client.call('workflow.rerun', { runId: run.id }))}
              >
                Re-run from failed step
              </button>
            )}
          </header>
          {run.error && <p className="wf-run__error">{run.error}</p>}
          <RunTimeline
            detail={run}
            onApprove={(stepId, approved) => void client.call('workflow.approve', { runId: run.id, stepId, approved })}
          />
        </section>
      ) : (
        <>
          <section aria-label="Workflows">
            <h3 className="wf-heading">Workflows</h3>
            <ul className="wf-list">
              {workflows.map((entry) => (
                <li key={`${entry.source}:${entry.name}`}>
                  <button
                    type="button"
                    className={`wf-card${entry.name === selected ? ' wf-card--selected' : ''}`}
                    onClick={() => setSelected(entry.name === selected ? null : entry.name)}
                    data-testid={`wf-card-${entry.name}`}
                  >
                    <span className="wf-card__title">
                      {entry.name}
                      {entry.source === 'project' && <span className="wf-tag">project</span>}
                      {!entry.allowed && <span className="wf-tag wf-tag--locked">upgrade</span>}
                      {entry.needsTrust && (
                        <span className="wf-tag" title="Runs this folder's own code: asks you to trust it first">
                          needs trust
                        </span>
                      )}
                    </span>
                    <span className="wf-card__description">{entry.description}</span>
                    {entry.issues.map((issue) => (
                      <span key={`${issue.line}:${issue.column}:${issue.message}`} className="wf-card__issue">
                        {entry.file}:{issue.line}:{issue.column} — {issue.message}
                      </span>
                    ))}
                  </button>
                  {workflow && entry.name === selected && entry.issues.length === 0 && (
                    <InputForm
                      workflow={workflow}
                      onRun={(inputs) =>
                        void follow(entry.name, () => client.call('workflow.run', { name: entry.name, inputs }))
                      }
                    />
                  )}
                </li>
              ))}
            </ul>
          </section>
          <section aria-label="Run history">
            <h3 className="wf-heading">History</h3>
            {history.length === 0 && <p className="wf-empty">No runs yet.</p>}
            <ul className="wf-history">
              {history.map((record) => (
                <li key={record.id} className="wf-history__item">
                  <button
                    type="button"
                    className="link-button"
                    onClick={() => void open(record.id)}
                    data-testid={`wf-history-${record.id}`}
                  >
                    {record.workflow}
                  </button>
                  <span className={`wf-state wf-state--${record.state}`}>{record.state}</span>
                  <span className="wf-history__time">{new Date(record.createdAt).toLocaleTimeString()}</span>
                  {isFinished(record.state) && (
                    <button
                      type="button"
                      className="button button--secondary button--small"
                      onClick={() =>
                        void follow(record.workflow, () => client.call('workflow.rerun', { runId: record.id }))
                      }
                    >
                      Re-run
                    </button>
                  )}
                </li>
              ))}
            </ul>
          </section>
        </>
      )}
    </div>
  );
}
