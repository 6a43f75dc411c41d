// Review comments as Monaco decorations: a coloured gutter mark and line tint with the comment on hover, on every
// open file the review talked about and on files opened later.
import type { Disposable } from '@pa/shared';
import { monaco } from '../editor/monaco';
import type { WorkbenchApi } from '../workbench/contributions';
import type { ReviewComment } from './run-state';

export function showReviewComments(api: WorkbenchApi, comments: readonly ReviewComment[]): Disposable {
  const applied = new Map<monaco.editor.ITextModel, string[]>();
  const decorate = (path: string, model: monaco.editor.ITextModel) => {
    const mine = comments.filter((comment) => comment.file === path);
    if (mine.length === 0) return;
    const decorations = mine.map((comment) => ({
      range: new monaco.Range(comment.line, 1, comment.line, 1),
      options: {
        isWholeLine: true,
        className: `wf-review-line wf-review-line--${comment.severity}`,
        // The line-decorations column (beside the line numbers) is always drawn; the glyph margin is off in
        // the workbench's editor, so a mark there would never show.
        linesDecorationsClassName: `wf-review-glyph wf-review-glyph--${comment.severity}`,
        hoverMessage: { value: `**Review (${comment.severity})**: ${comment.message}` },
        overviewRuler: {
          color: comment.severity === 'error' ? '#f0717b' : '#e9b54f',
          position: monaco.editor.OverviewRulerLane.Right,
        },
      },
    }));
    applied.set(model, model.deltaDecorations(applied.get(model) ?? [], decorations));
  };
  for (const path of new Set(comments.map((comment) => comment.file))) {
    const model = api.model(path);
    if (model) decorate(path, model);
  }
  const opened = api.onDidOpenModel((path, model) => decorate(path, model));
  return {
    dispose() {
      opened.dispose();
      for (const [model, ids] of applied) if (!model.isDisposed()) model.deltaDecorations(ids, []);
      applied.clear();
    },
  };
}
