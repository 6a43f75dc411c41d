// Merge conflicts in the editor: each conflict block of the active file gets its current and incoming sides
// coloured and a line of actions above it (Accept Current Change | Accept Incoming Change | Accept Both Changes),
// as VS Code's code lenses do. Accepting is one edit of the buffer, so Ctrl+Z undoes it.
import type { Disposable } from '@pa/shared';
import type * as monaco from 'monaco-editor';
import type { WorkbenchApi } from '../workbench/contributions';
import { type ConflictBlock, type ConflictChoice, findConflicts, resolution } from './conflicts';

const CHOICES: Array<{ choice: ConflictChoice; label: string }> = [
  { choice: 'current', label: 'Accept Current Change' },
  { choice: 'incoming', label: 'Accept Incoming Change' },
  { choice: 'both', label: 'Accept Both Changes' },
];

export function showConflictLenses(api: Pick<WorkbenchApi, 'editor' | 'onDidChangeActiveFile'>): Disposable {
  let editor: monaco.editor.IStandaloneCodeEditor | null = null;
  let decorations: monaco.editor.IEditorDecorationsCollection | null = null;
  let zones: string[] = [];
  let widgets: monaco.editor.IContentWidget[] = [];
  let listener: monaco.IDisposable | null = null;

  const clear = () => {
    decorations?.clear();
    const current = editor;
    if (current) {
      current.changeViewZones((accessor) => {
        for (const zone of zones) accessor.removeZone(zone);
      });
      for (const widget of widgets) current.removeContentWidget(widget);
    }
    zones = [];
    widgets = [];
  };

  const accept = (block: ConflictBlock, choice: ConflictChoice) => {
    const model = editor?.getModel();
    if (!editor || !model) return;
    const lines = resolution(block, choice);
    const last = block.end < model.getLineCount();
    const range = last
      ? { startLineNumber: block.start, startColumn: 1, endLineNumber: block.end + 1, endColumn: 1 }
      : {
          startLineNumber: block.start,
          startColumn: 1,
          endLineNumber: block.end,
          endColumn: model.getLineMaxColumn(block.end),
        };
    const text = lines.length === 0 ? '' : `${lines.join(model.getEOL())}${last ? model.getEOL() : ''}`;
    editor.executeEdits('git-conflict', [{ range, text }]);
    editor.pushUndoStop();
  };

  const paint = () => {
    clear();
    const model = editor?.getModel();
    if (!editor || !model) return;
    const text = model.getValue();
    if (!text.includes('<<<<<<<')) return;
    const blocks = findConflicts(text);
    decorations = editor.createDecorationsCollection(
      blocks.flatMap((block) => [
        {
          range: {
            startLineNumber: block.start,
            startColumn: 1,
            endLineNumber: block.start + block.current.length,
            endColumn: 1,
          },
          options: { isWholeLine: true, className: 'git-conflict--current' },
        },
        {
          range: { startLineNumber: block.separator + 1, startColumn: 1, endLineNumber: block.end, endColumn: 1 },
          options: { isWholeLine: true, className: 'git-conflict--incoming' },
        },
      ]),
    );
    const target = editor;
    target.changeViewZones((accessor) => {
      zones = blocks.map((block) =>
        accessor.addZone({
          afterLineNumber: block.start - 1,
          heightInLines: 1.3,
          domNode: document.createElement('div'),
        }),
      );
    });
    widgets = blocks.map((block, index) => {
      const node = document.createElement('div');
      node.className = 'git-conflict-lens';
      node.dataset.testid = 'conflict-lens';
      CHOICES.forEach(({ choice, label }, at) => {
        if (at > 0) node.append(document.createTextNode(' | '));
        const link = document.createElement('a');
        link.textContent = label;
        link.href = '#';
        link.addEventListener('mousedown', (event) => {
          event.preventDefault();
          accept(block, choice);
        });
        node.append(link);
      });
      return {
        getId: () => `git.conflict.${index}`,
        getDomNode: () => node,
        getPosition: () => ({ position: { lineNumber: block.start, column: 1 }, preference: [1 /* ABOVE */] }),
      };
    });
    for (const widget of widgets) target.addContentWidget(widget);
  };

  const attach = () => {
    clear();
    listener?.dispose();
    editor = api.editor();
    listener = editor?.onDidChangeModelContent(paint) ?? null;
    paint();
  };

  // the tab's model is set on the editor after the active file changes: paint once it is
  const active = api.onDidChangeActiveFile(() => setTimeout(attach, 0));
  attach();
  return {
    dispose() {
      active.dispose();
      listener?.dispose();
      clear();
    },
  };
}
