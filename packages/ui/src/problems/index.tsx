// The Problems tab of the bottom panel: the markers (errors, warnings) Monaco holds for the open files, grouped
// by file, live as they change; a click opens the file at the marker.
import { useEffect, useState } from 'react';
import { monaco } from '../editor/monaco';
import { type Contribution, useWorkbench } from '../workbench/contributions';
import { Icons } from '../workbench/icons';
import './problems.css';

export const PROBLEMS_VIEW_ID = 'problems';

interface Problem {
  path: string;
  line: number;
  column: number;
  message: string;
  source: string;
  severity: 'error' | 'warning' | 'info';
}

/** Markers of the workspace's file models (file:///path), errors first, then by file and line. */
export function readProblems(markers: monaco.editor.IMarker[]): Problem[] {
  return markers
    .filter((marker) => marker.resource.scheme === 'file')
    .map((marker) => ({
      path: marker.resource.path.replace(/^\//, ''),
      line: marker.startLineNumber,
      column: marker.startColumn,
      message: marker.message,
      source: marker.source ?? marker.owner,
      severity:
        marker.severity === monaco.MarkerSeverity.Error
          ? ('error' as const)
          : marker.severity === monaco.MarkerSeverity.Warning
            ? ('warning' as const)
            : ('info' as const),
    }))
    .sort((a, b) => a.path.localeCompare(b.path) || a.line - b.line || a.column - b.column);
}

function ProblemsView() {
  const api = useWorkbench();
  const [problems, setProblems] = useState(() => readProblems(monaco.editor.getModelMarkers({})));
  useEffect(() => {
    const subscription = monaco.editor.onDidChangeMarkers(() =>
      setProblems(readProblems(monaco.editor.getModelMarkers({}))),
    );
    return () => subscription.dispose();
  }, []);
  if (problems.length === 0) {
    return <div className="problems__empty">No problems have been detected in the open files.</div>;
  }
  const files = [...new Set(problems.map((problem) => problem.path))];
  return (
    <div className="problems">
      {files.map((path) => {
        const inFile = problems.filter((problem) => problem.path === path);
        return (
          <div key={path}>
            <div className="problems__file">
              <span>{path.split('/').pop()}</span>
              <span className="problems__dir">{path}</span>
              <span className="problems__count">{inFile.length}</span>
            </div>
            {inFile.map((problem) => (
              <button
                key={`${problem.line}:${problem.column}:${problem.message}`}
                type="button"
                className="problems__row"
                onClick={() => void api.openFile(problem.path, { line: problem.line, column: problem.column })}
              >
                <span className={`problems__icon problems__icon--${problem.severity}`}>
                  {problem.severity === 'error'
                    ? Icons.error(14)
                    : problem.severity === 'warning'
                      ? Icons.warning(14)
                      : Icons.info(14)}
                </span>
                <span className="problems__message">{problem.message}</span>
                <span className="problems__where">
                  {problem.source} [Ln {problem.line}, Col {problem.column}]
                </span>
              </button>
            ))}
          </div>
        );
      })}
    </div>
  );
}

export function problemsFeature(): Contribution {
  return {
    id: 'problems',
    views: [
      {
        id: PROBLEMS_VIEW_ID,
        title: 'Problems',
        icon: '⚠',
        location: 'bottom',
        order: 20,
        component: ProblemsView,
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
  };
}
