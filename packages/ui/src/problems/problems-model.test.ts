import type * as monaco from 'monaco-editor';
import { describe, expect, it } from 'vitest';
import { groupProblems, ProblemsModel } from './problems-model';

function marker(path: string, line: number, severity: number, message = 'm', scheme = 'file'): monaco.editor.IMarker {
  return {
    owner: 'lsp.python',
    resource: { scheme, path: `/${path}` } as monaco.Uri,
    severity,
    message,
    startLineNumber: line,
    startColumn: 1,
    endLineNumber: line,
    endColumn: 2,
  };
}

describe('groupProblems', () => {
  it('groups by file, files with errors first, rows by line, and counts by severity', () => {
    const state = groupProblems([
      marker('b.py', 9, 4),
      marker('z.py', 3, 8),
      marker('z.py', 1, 4),
      marker('a.py', 2, 2),
      marker('a.py', 1, 1), // a hint is not a problem
      marker('x', 1, 8, 'm', 'inmemory'), // nor is a model outside the workspace
    ]);
    expect(state.files.map((file) => file.path)).toEqual(['z.py', 'a.py', 'b.py']);
    expect(state.files[0]?.problems.map((problem) => problem.line)).toEqual([1, 3]);
    expect(state).toMatchObject({ errors: 1, warnings: 2, infos: 1 });
  });

  it('keeps up with a workspace of 20,000 markers', () => {
    const markers = Array.from({ length: 20_000 }, (_, n) => marker(`src/f${n % 500}.py`, n, n % 3 === 0 ? 8 : 4));
    const started = performance.now();
    const state = groupProblems(markers);
    expect(performance.now() - started).toBeLessThan(500);
    expect(state.files).toHaveLength(500);
    expect(state.errors + state.warnings).toBe(20_000);
  });
});

describe('ProblemsModel', () => {
  it('reads a burst of marker changes once per frame', () => {
    let markers = [marker('a.py', 1, 8)];
    let listener = () => {};
    let reads = 0;
    const frames: Array<() => void> = [];
    const model = new ProblemsModel(
      {
        getModelMarkers: () => {
          reads++;
          return markers;
        },
        onDidChangeMarkers: (next) => {
          listener = next;
          return { dispose: () => {} };
        },
      },
      (run) => frames.push(run),
      () => {},
    );
    markers = [marker('a.py', 1, 8), marker('b.py', 1, 4)];
    for (let n = 0; n < 100; n++) listener();
    expect(frames).toHaveLength(1);
    frames[0]?.();
    expect(reads).toBe(2);
    expect(model.state.value).toMatchObject({ errors: 1, warnings: 1 });
    model.dispose();
  });
});
