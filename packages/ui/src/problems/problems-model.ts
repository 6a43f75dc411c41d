// What the Problems panel and its status item show: every marker Monaco holds for workspace files — the open
// files' (TypeScript, JSON, CSS, a language server's) and those a language server reported for files no tab shows —
// grouped by file, errors first. Marker changes come in bursts (a server publishing a whole workspace), so they are
// read at most once per frame.
import type { Disposable } from '@pa/shared';
import type * as monaco from 'monaco-editor';
import { Observable } from '../workbench/observable';

export type Severity = 'error' | 'warning' | 'info';

export interface Problem {
  /** Unique within its file (two markers may share a place and a message). */
  key: string;
  path: string;
  line: number;
  column: number;
  message: string;
  source: string;
  severity: Severity;
}

export interface ProblemFile {
  path: string;
  problems: Problem[];
  errors: number;
  warnings: number;
}

export interface ProblemsState {
  files: ProblemFile[];
  errors: number;
  warnings: number;
  infos: number;
}

const EMPTY: ProblemsState = { files: [], errors: 0, warnings: 0, infos: 0 };
const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Monaco's MarkerSeverity: Hint 1, Info 2, Warning 4, Error 8 (hints are not problems). */
function severityOf(value: number): Severity | null {
  if (value >= 8) return 'error';
  if (value >= 4) return 'warning';
  if (value >= 2) return 'info';
  return null;
}

/** Markers of workspace files (file:///path) grouped by file: files with errors first, then by path; rows by line. */
export function groupProblems(markers: readonly monaco.editor.IMarker[]): ProblemsState {
  const byPath = new Map<string, Problem[]>();
  let errors = 0;
  let warnings = 0;
  let infos = 0;
  for (const marker of markers) {
    if (marker.resource.scheme !== 'file') continue;
    const severity = severityOf(marker.severity);
    if (!severity) continue;
    if (severity === 'error') errors++;
    else if (severity === 'warning') warnings++;
    else infos++;
    const path = marker.resource.path.replace(/^\//, '');
    let list = byPath.get(path);
    if (!list) {
      list = [];
      byPath.set(path, list);
    }
    list.push({
      key: `${marker.owner}:${list.length}`,
      path,
      line: marker.startLineNumber,
      column: marker.startColumn,
      message: marker.message,
      source: marker.source ?? marker.owner,
      severity,
    });
  }
  const files: ProblemFile[] = [];
  for (const [path, problems] of byPath) {
    problems.sort((a, b) => a.line - b.line || a.column - b.column || RANK[a.severity] - RANK[b.severity]);
    const fileErrors = problems.filter((problem) => problem.severity === 'error').length;
    const fileWarnings = problems.filter((problem) => problem.severity === 'warning').length;
    files.push({ path, problems, errors: fileErrors, warnings: fileWarnings });
  }
  files.sort((a, b) => Number(b.errors > 0) - Number(a.errors > 0) || a.path.localeCompare(b.path));
  return { files, errors, warnings, infos };
}

export interface MarkerSource {
  getModelMarkers(filter: Record<string, never>): monaco.editor.IMarker[];
  onDidChangeMarkers(listener: () => void): Disposable;
}

export class ProblemsModel implements Disposable {
  readonly state = new Observable<ProblemsState>(EMPTY);
  private readonly subscription: Disposable;
  private pending: number | null = null;

  constructor(
    private readonly markers: MarkerSource,
    private readonly schedule: (run: () => void) => number = (run) => requestAnimationFrame(run),
    private readonly unschedule: (handle: number) => void = (handle) => cancelAnimationFrame(handle),
  ) {
    this.read();
    this.subscription = markers.onDidChangeMarkers(() => {
      this.pending ??= this.schedule(() => {
        this.pending = null;
        this.read();
      });
    });
  }

  dispose(): void {
    this.subscription.dispose();
    if (this.pending !== null) this.unschedule(this.pending);
  }

  private read(): void {
    this.state.set(groupProblems(this.markers.getModelMarkers({})));
  }
}
