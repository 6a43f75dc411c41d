// Monaco's diff editor over the editor area for the file of the active tab: what source control opens when a change
// is clicked (HEAD or the index on the left, the file on the right). The right side is the open file's own model
// when it is editable (typing there edits the file), or a fixed text (the index). Side by side or inline; the
// toolbar's actions (stage / unstage / discard the hunk at the cursor) come with the request (diff-editor-slot.ts).
import { useEffect, useRef, useState } from 'react';
import { baseName } from '../explorer/tree';
import { useObservable } from '../workbench/observable';
import { closeDiffEditor, diffEditorSlot } from './diff-editor-slot';
import { languageForPath } from './language';
import { monaco } from './monaco';

/** Rendered by the editor area over its Monaco host while a diff of the active tab's file is open. */
export function DiffEditorOverlay({ active }: { active: string | null }) {
  const request = useObservable(diffEditorSlot);
  const [sideBySide, setSideBySide] = useState(true);
  const host = useRef<HTMLDivElement>(null);
  const editorRef = useRef<monaco.editor.IStandaloneDiffEditor | null>(null);
  const shown = request && request.path === active ? request : null;

  useEffect(() => {
    if (!shown || !host.current) return;
    const language = languageForPath(shown.path, monaco.languages.getLanguages());
    const editor = monaco.editor.createDiffEditor(host.current, {
      automaticLayout: true,
      renderSideBySide: sideBySide,
      originalEditable: false,
      readOnly: !('model' in shown.modified),
      minimap: { enabled: false },
      theme: 'pa-dark',
      fontSize: 13,
    });
    const original = monaco.editor.createModel(shown.original, language);
    const ownModified = 'text' in shown.modified ? monaco.editor.createModel(shown.modified.text, language) : null;
    const modified = 'model' in shown.modified ? shown.modified.model : (ownModified as monaco.editor.ITextModel);
    editor.setModel({ original, modified });
    editorRef.current = editor;
    return () => {
      editorRef.current = null;
      editor.dispose();
      original.dispose();
      ownModified?.dispose();
    };
  }, [shown, sideBySide]);

  if (!shown) return null;
  const cursorLine = () => editorRef.current?.getModifiedEditor().getPosition()?.lineNumber ?? 1;
  return (
    <section className="diff-editor" aria-label={shown.title} data-testid="diff-editor">
      <div className="diff-editor__toolbar">
        <span className="diff-editor__title" title={shown.path}>
          {shown.title || baseName(shown.path)}
        </span>
        {shown.actions.map((action) => (
          <button
            key={action.label}
            type="button"
            className="button button--small button--secondary"
            onClick={() => void action.run(cursorLine())}
          >
            {action.label}
          </button>
        ))}
        <button
          type="button"
          className="button button--small button--secondary"
          aria-pressed={!sideBySide}
          onClick={() => setSideBySide((value) => !value)}
        >
          {sideBySide ? 'Inline' : 'Side by Side'}
        </button>
        <button type="button" className="diff-editor__close" aria-label="Close diff" onClick={closeDiffEditor}>
          ×
        </button>
      </div>
      <div ref={host} className="diff-editor__body" />
    </section>
  );
}
