// The Output tab of the bottom panel: the output of workflow runs (output-controller.ts), newest first.
import { useEffect, useRef } from 'react';
import type { Contribution } from '../workbench/contributions';
import { FeatureSlot } from '../workbench/feature-slot';
import { Icons } from '../workbench/icons';
import { useObservable } from '../workbench/observable';
import { OutputController, outputText } from './output-controller';
import './output.css';

export const OUTPUT_VIEW_ID = 'output';

function OutputView({ controller }: { controller: OutputController }) {
  const state = useObservable(controller.state);
  const body = useRef<HTMLPreElement>(null);
  useEffect(() => void controller.refresh(), [controller]);
  const text = state.run ? outputText(state.run) : '';
  // biome-ignore lint/correctness/useExhaustiveDependencies: follow the end as text arrives
  useEffect(() => {
    const element = body.current;
    if (element) element.scrollTop = element.scrollHeight;
  }, [text]);
  return (
    <div className="output">
      <div className="output__bar">
        <select
          aria-label="Output of"
          value={state.run?.id ?? ''}
          onChange={(event) => void controller.show(event.target.value)}
        >
          {state.runs.length === 0 && <option value="">No workflow runs yet</option>}
          {state.runs.map((run) => (
            <option key={run.id} value={run.id}>
              Workflow: {run.workflow} · {run.state} · {new Date(run.createdAt).toLocaleTimeString()}
            </option>
          ))}
        </select>
        <button type="button" className="icon-button" title="Refresh" onClick={() => void controller.refresh()}>
          {Icons.refresh()}
        </button>
      </div>
      {state.error && <div className="output__error">{state.error}</div>}
      <pre ref={body} className="output__text">
        {text || (state.runs.length === 0 ? 'The output of workflow runs shows here.' : '')}
      </pre>
    </div>
  );
}

export function outputFeature(): Contribution {
  const controller = new FeatureSlot<OutputController>();
  return {
    id: 'output',
    views: [
      {
        id: OUTPUT_VIEW_ID,
        title: 'Output',
        icon: '≡',
        location: 'bottom',
        order: 30,
        component: controller.view((output) => <OutputView controller={output} />),
      },
    ],
    commands: [{ id: 'output.show', title: 'View: Show Output', run: (api) => api.showView(OUTPUT_VIEW_ID) }],
    activate: (api) => controller.fill(() => new OutputController(api)),
  };
}
