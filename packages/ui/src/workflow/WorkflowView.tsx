// The Workflow panel: the workflows with their descriptions (and validation errors by line), the input form, the
// live run with cancel, and the run history with re-run. What it shows and does lives in WorkflowController.
import { useEffect, useState } from 'react';
import { useEngine } from '../client/engine';
import { useWorkbench } from '../workbench/contributions';
import { useObservable } from '../workbench/observable';
import { InputForm } from './InputForm';
import { RunTimeline } from './RunTimeline';
import { showReviewComments } from './review-decorations';
import { isFinished, reviewComments } from './run-state';
import { TrustDialog } from './TrustDialog';
import type { WorkflowController } from './workflow-controller';

export function WorkflowView({ controller }: { controller: WorkflowController }) {
  const { state: connectionState } = useEngine();
  const api = useWorkbench();
  const { workflows, history, run, trustRequest, error } = useObservable(controller.state);
  const [selected, setSelected] = useState<string | null>(null);

  // On each (re)connection the controller reads the lists again and follows the run in progress again.
  useEffect(() => {
    if (connectionState === 'connected') void controller.connected();
  }, [connectionState, controller]);

  // Review comments go onto the editor while the run that made them is on screen.
  useEffect(() => {
    if (run?.state !== 'succeeded') return;
    const comments = reviewComments(run);
    if (comments.length === 0) return;
    const shown = showReviewComments(api, comments);
    return () => shown.dispose();
  }, [run, api]);

  const workflow = workflows.find((entry) => entry.name === selected) ?? null;

  return (
    <div className="wf" data-testid="workflow-panel">
      {error && (
        <div className="wf-banner wf-banner--error" role="alert">
          {error}
        </div>
      )}
      {trustRequest && (
        <TrustDialog request={trustRequest} onDecide={(trusted) => void controller.decideTrust(trusted)} />
      )}

      {run ? (
        <section className="wf-run" aria-label="Run">
          <header className="wf-run__head">
            <button type="button" className="link-button" onClick={() => controller.close()}>
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
                onClick={() => void controller.cancel()}
                data-testid="wf-cancel"
              >
                Cancel
              </button>
            )}
            {isFinished(run.state) && run.state !== 'succeeded' && (
              <button
                type="button"
                className="button button--secondary button--small"
                onClick={() => void controller.rerun(run)}
              >
                Re-run from failed step
              </button>
            )}
          </header>
          {run.error && <p className="wf-run__error">{run.error}</p>}
          <RunTimeline detail={run} onApprove={(stepId, approved) => void controller.approve(stepId, approved)} />
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
                    <InputForm workflow={workflow} onRun={(inputs) => void controller.run(entry.name, inputs)} />
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
                    onClick={() => void controller.attach(record.id)}
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
                      onClick={() => void controller.rerun(record)}
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
