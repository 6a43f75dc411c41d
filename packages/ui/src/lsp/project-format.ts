// Format Document with the project's own Prettier or Biome, as VS Code's extensions do: when the engine detects one
// installed and configured for the file, it formats the text and the result lands as one undoable edit covering
// only the changed middle of the text (the common start and end stay, and with them the cursor in most cases).
import { errorMessage, type FormatDetect } from '@pa/shared';
import type * as monaco from 'monaco-editor';
import type { WorkbenchApi } from '../workbench/contributions';

/** The one edit that turns `before` into `after`: the span between their common prefix and suffix. */
export function minimalEdit(before: string, after: string): { start: number; end: number; text: string } | null {
  if (before === after) return null;
  let start = 0;
  const shorter = Math.min(before.length, after.length);
  while (start < shorter && before.charCodeAt(start) === after.charCodeAt(start)) start += 1;
  let tail = 0;
  while (
    tail < shorter - start &&
    before.charCodeAt(before.length - 1 - tail) === after.charCodeAt(after.length - 1 - tail)
  ) {
    tail += 1;
  }
  return { start, end: before.length - tail, text: after.slice(start, after.length - tail) };
}

/**
 * Formats the active file with the project's formatter when one applies. Resolves true when it handled the
 * command (formatted, or failed with a toast carrying the formatter's message), false when none applies and the
 * language's own formatter should run.
 */
export async function formatWithProject(
  api: WorkbenchApi,
  editor: monaco.editor.IStandaloneCodeEditor,
  model: monaco.editor.ITextModel,
): Promise<boolean> {
  const path = api.activeFile();
  if (!path) return false;
  let detected: FormatDetect;
  try {
    detected = await api.client.call('format.detect', { path });
  } catch {
    return false;
  }
  if (!detected.formatter) return false;
  const before = model.getValue();
  const versionBefore = model.getVersionId();
  try {
    const { content } = await api.client.call('format.document', { path, content: before });
    // the text changed while the formatter ran: its answer is for text that is gone
    if (model.isDisposed() || model.getVersionId() !== versionBefore) return true;
    const edit = minimalEdit(before, content);
    if (!edit) return true;
    const start = model.getPositionAt(edit.start);
    const end = model.getPositionAt(edit.end);
    editor.pushUndoStop();
    editor.executeEdits('format', [
      {
        range: {
          startLineNumber: start.lineNumber,
          startColumn: start.column,
          endLineNumber: end.lineNumber,
          endColumn: end.column,
        },
        text: edit.text,
      },
    ]);
    editor.pushUndoStop();
  } catch (error) {
    api.notify(errorMessage(error), 'error');
  }
  return true;
}
