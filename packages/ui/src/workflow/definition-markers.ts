// While a project workflow file (.powerautomation/workflows/*.yml) is open, the engine's validation issues show
// as Monaco markers on the exact line and column, refreshed as the user types.
import type { Disposable } from '@pa/shared';
import { monaco } from '../editor/monaco';
import type { WorkbenchApi } from '../workbench/contributions';

const WORKFLOW_FILE = /^\.powerautomation\/workflows\/[^/]+\.ya?ml$/;
const OWNER = 'workflow';
const DEBOUNCE_MS = 300;

export function watchWorkflowDefinitions(api: WorkbenchApi): Disposable {
  const watched: Disposable[] = [];
  const attach = (path: string, model: monaco.editor.ITextModel) => {
    if (!WORKFLOW_FILE.test(path)) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const validate = async () => {
      const text = model.getValue();
      const { issues } = await api.client.call('workflow.validate', { text });
      if (model.isDisposed() || model.getValue() !== text) return;
      monaco.editor.setModelMarkers(
        model,
        OWNER,
        issues.map((issue) => ({
          severity: monaco.MarkerSeverity.Error,
          message: issue.message,
          startLineNumber: issue.line,
          startColumn: issue.column,
          endLineNumber: issue.line,
          endColumn: model.getLineMaxColumn(Math.min(issue.line, model.getLineCount())),
        })),
      );
    };
    const changes = model.onDidChangeContent(() => {
      clearTimeout(timer);
      // a failed check (engine restarting) leaves the old markers; the next edit checks again
      timer = setTimeout(() => void validate().catch(() => undefined), DEBOUNCE_MS);
    });
    void validate().catch(() => undefined);
    watched.push({
      dispose: () => {
        clearTimeout(timer);
        changes.dispose();
      },
    });
  };
  const opened = api.onDidOpenModel(attach);
  return {
    dispose() {
      opened.dispose();
      for (const item of watched.splice(0)) item.dispose();
    },
  };
}
