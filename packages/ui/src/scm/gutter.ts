// The editor gutter's change markers (VS Code's "dirty diff"): lines of the open buffer added, modified or deleted
// against the file at HEAD, recomputed as the buffer changes. `changedRanges` is pure; `showGutterMarkers` keeps the
// active editor's decorations in step.
import type { Disposable, EngineClient } from '@pa/shared';
import { diffLines } from 'diff';
import type * as monaco from 'monaco-editor';
import type { WorkbenchApi } from '../workbench/contributions';

export interface ChangedRange {
  kind: 'added' | 'modified' | 'deleted';
  /** 1-based lines of the new text; a deletion marks the line after which lines went (0: before the first). */
  start: number;
  end: number;
}

const countLines = (value: string) => (value === '' ? 0 : value.split('\n').length - (value.endsWith('\n') ? 1 : 0));

export function changedRanges(base: string, text: string): ChangedRange[] {
  const ranges: ChangedRange[] = [];
  let line = 1;
  let removed = 0;
  for (const part of diffLines(base, text)) {
    const count = part.count ?? countLines(part.value);
    if (part.removed) {
      removed = count;
      continue;
    }
    if (part.added) {
      ranges.push({ kind: removed > 0 ? 'modified' : 'added', start: line, end: line + count - 1 });
      removed = 0;
    } else {
      if (removed > 0) ranges.push({ kind: 'deleted', start: line - 1, end: line - 1 });
      removed = 0;
    }
    line += part.added || !part.removed ? count : 0;
  }
  if (removed > 0) ranges.push({ kind: 'deleted', start: line - 1, end: line - 1 });
  return ranges;
}

const SETTLE_MS = 150;

/** Keeps gutter markers on the active editor's file; `refresh` reads HEAD again (after a commit or a checkout). */
export function showGutterMarkers(
  api: Pick<WorkbenchApi, 'editor' | 'activeFile' | 'onDidChangeActiveFile'>,
  client: EngineClient,
): Disposable & { refresh(): void } {
  let base: { path: string; text: string | null } | null = null;
  let decorations: monaco.editor.IEditorDecorationsCollection | null = null;
  let contentListener: monaco.IDisposable | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let disposed = false;

  const paint = () => {
    const editor = api.editor();
    const model = editor?.getModel();
    if (!editor || !model || !base || base.text === null) {
      decorations?.clear();
      return;
    }
    const ranges = changedRanges(base.text, model.getValue());
    const next = ranges.map((range) => ({
      range: {
        startLineNumber: Math.max(range.start, 1),
        startColumn: 1,
        endLineNumber: Math.max(range.end, 1),
        endColumn: 1,
      },
      options: { isWholeLine: true, linesDecorationsClassName: `git-gutter--${range.kind}` },
    }));
    if (!decorations) decorations = editor.createDecorationsCollection(next);
    else decorations.set(next);
  };

  const schedule = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(paint, SETTLE_MS);
  };

  const load = async () => {
    const path = api.activeFile();
    contentListener?.dispose();
    contentListener = null;
    decorations?.clear();
    decorations = null;
    if (!path) {
      base = null;
      return;
    }
    try {
      const shown = await client.call('git.show', { path, ref: 'HEAD' });
      if (disposed || api.activeFile() !== path) return;
      // a file git does not know (untracked, or no repository) gets no markers, as in VS Code
      base = { path, text: shown.exists && !shown.binary ? shown.content : null };
    } catch {
      base = { path, text: null }; // not a repository, or a path git cannot show: no markers
    }
    contentListener = api.editor()?.onDidChangeModelContent(schedule) ?? null;
    paint();
  };

  const active = api.onDidChangeActiveFile(() => void load());
  void load();
  return {
    refresh: () => void load(),
    dispose() {
      disposed = true;
      if (timer) clearTimeout(timer);
      active.dispose();
      contentListener?.dispose();
      decorations?.clear();
    },
  };
}
