// The Problems tab of the bottom panel: every problem Monaco holds for workspace files — the open files' and what
// language servers report for the rest of the workspace — grouped by file (collapsible), live as it changes; a click
// opens the file at the problem. The status bar counts errors and warnings; clicking it opens the tab.
import { useState } from 'react';
import { monaco } from '../editor/monaco';
import { type Contribution, useWorkbench } from '../workbench/contributions';
import { FeatureSlot } from '../workbench/feature-slot';
import { Icons } from '../workbench/icons';
import { useObservable } from '../workbench/observable';
import { type Problem, ProblemsModel } from './problems-model';
import { ProblemsPublisher } from './problems-publisher';
import './problems.css';

export const PROBLEMS_VIEW_ID = 'problems';
/** Rows drawn at most (a server reporting 50,000 problems must not draw 50,000 rows); the counts stay exact. */
const MAX_ROWS = 2_000;

function SeverityIcon({ severity }: { severity: Problem['severity'] }) {
  return (
    <span className={`problems__icon problems__icon--${severity}`}>
      {severity === 'error' ? Icons.error(14) : severity === 'warning' ? Icons.warning(14) : Icons.info(14)}
    </span>
  );
}

function ProblemsView({ model }: { model: ProblemsModel }) {
  const api = useWorkbench();
  const state = useObservable(model.state);
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  if (state.files.length === 0) {
    return <div className="problems__empty">No problems have been detected in the workspace.</div>;
  }
  const toggle = (path: string) =>
    setCollapsed((before) => {
      const next = new Set(before);
      if (!next.delete(path)) next.add(path);
      return next;
    });
  let budget = MAX_ROWS;
  const total = state.errors + state.warnings + state.infos;
  return (
    <div className="problems">
      {state.files.map((file) => {
        const open = !collapsed.has(file.path);
        const shown = open ? file.problems.slice(0, Math.max(0, budget)) : [];
        budget -= shown.length;
        const slash = file.path.lastIndexOf('/');
        return (
          <div key={file.path}>
            <button type="button" className="problems__file" aria-expanded={open} onClick={() => toggle(file.path)}>
              <span className="problems__chevron">{open ? Icons.chevronDown() : Icons.chevronRight()}</span>
              <span className="problems__name">{file.path.slice(slash + 1)}</span>
              {slash > 0 && <span className="problems__dir">{file.path.slice(0, slash)}</span>}
              <span className="problems__count">{file.problems.length}</span>
            </button>
            {shown.map((problem) => (
              <button
                key={problem.key}
                type="button"
                className="problems__row"
                data-severity={problem.severity}
                onClick={() => void api.openFile(problem.path, { line: problem.line, column: problem.column })}
              >
                <SeverityIcon severity={problem.severity} />
                <span className="problems__message">{problem.message}</span>
                <span className="problems__where">
                  {problem.source} [Ln {problem.line}, Col {problem.column}]
                </span>
              </button>
            ))}
          </div>
        );
      })}
      {budget < 0 || total > MAX_ROWS ? (
        <div className="problems__empty">
          Showing the first {MAX_ROWS.toLocaleString()} of {total.toLocaleString()} problems.
        </div>
      ) : null}
    </div>
  );
}

function ProblemsStatusItem({ model }: { model: ProblemsModel }) {
  const api = useWorkbench();
  const { errors, warnings } = useObservable(model.state);
  return (
    <button
      type="button"
      className="status-item problems-status"
      data-testid="problems-status"
      title={`${errors} errors, ${warnings} warnings — show Problems`}
      onClick={() => api.showView(PROBLEMS_VIEW_ID)}
    >
      {Icons.error(14)}
      <span data-testid="problems-errors">{errors}</span>
      {Icons.warning(14)}
      <span data-testid="problems-warnings">{warnings}</span>
    </button>
  );
}

export function problemsFeature(): Contribution {
  const problems = new FeatureSlot<ProblemsModel>();
  return {
    id: 'problems',
    views: [
      {
        id: PROBLEMS_VIEW_ID,
        title: 'Problems',
        icon: '⚠',
        location: 'bottom',
        order: 20,
        component: problems.view((model) => <ProblemsView model={model} />),
      },
    ],
    statusItems: [
      {
        id: 'problems.status',
        align: 'left',
        order: 20,
        component: problems.view((model) => <ProblemsStatusItem model={model} />),
      },
    ],
    commands: [
      {
        id: 'problems.show',
        title: 'View: Show Problems',
        keybinding: 'Mod+Shift+M',
        run: (api) => api.showView(PROBLEMS_VIEW_ID),
      },
    ],
    activate: (api) => {
      const filled = problems.fill(
        () =>
          new ProblemsModel({
            getModelMarkers: (filter) => monaco.editor.getModelMarkers(filter),
            onDidChangeMarkers: (listener) => monaco.editor.onDidChangeMarkers(listener),
          }),
      );
      const model = problems.current.value;
      // the engine keeps what the panel holds, for the agent's diagnostics tool
      const publisher = model ? ProblemsPublisher.forClient(model.state, api.client) : null;
      const workspaceWatch = api.onDidChangeWorkspace(() => publisher?.restart());
      return {
        dispose: () => {
          workspaceWatch.dispose();
          publisher?.dispose();
          filled.dispose();
        },
      };
    },
  };
}
