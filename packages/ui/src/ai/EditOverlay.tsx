// The "Edit with AI" overlay: instruction box, then the streamed proposal, then a Monaco diff with Accept / Reject.
import { useEffect, useRef, useState } from 'react';
import { monaco } from '../editor/monaco';
import { useObservable } from '../workbench/observable';
import type { EditController } from './edit-controller';

function DiffView({ original, proposed, language }: { original: string; proposed: string; language: string }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!host.current) return;
    const diff = monaco.editor.createDiffEditor(host.current, {
      readOnly: true,
      renderSideBySide: true,
      automaticLayout: true,
      minimap: { enabled: false },
      scrollBeyondLastLine: false,
      theme: 'pa-dark',
    });
    const originalModel = monaco.editor.createModel(original, language);
    const proposedModel = monaco.editor.createModel(proposed, language);
    diff.setModel({ original: originalModel, modified: proposedModel });
    return () => {
      diff.dispose();
      originalModel.dispose();
      proposedModel.dispose();
    };
  }, [original, proposed, language]);
  return <div ref={host} className="ai-edit__diff" data-testid="ai-edit-diff" />;
}

export function EditOverlay({ edit }: { edit: EditController }) {
  const state = useObservable(edit.state);
  const [instruction, setInstruction] = useState('');
  if (state.phase === 'idle') return null;
  return (
    <div className="ai-edit" data-testid="ai-edit" role="dialog" aria-label="Edit with AI">
      <div className="ai-edit__header">
        <span className="ai-edit__title">Edit with AI</span>
        <span className="ai-edit__path">{state.target.path}</span>
      </div>
      {state.phase === 'prompting' && (
        <form
          className="ai-edit__prompt"
          onSubmit={(event) => {
            event.preventDefault();
            void edit.submit(instruction);
          }}
        >
          <input
            // biome-ignore lint/a11y/noAutofocus: the box exists to be typed into right after Ctrl/Cmd+I
            autoFocus
            data-testid="ai-edit-instruction"
            placeholder="Describe the change, e.g. “rename x to count”"
            value={instruction}
            onChange={(event) => setInstruction(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === 'Escape') edit.reject();
            }}
          />
          <button type="submit" className="ai-button ai-button--primary" disabled={!instruction.trim()}>
            Generate
          </button>
          <button type="button" className="ai-button" onClick={() => edit.reject()}>
            Cancel
          </button>
          {state.error && <div className="ai-message__error">{state.error}</div>}
        </form>
      )}
      {state.phase === 'generating' && (
        <div className="ai-edit__streaming">
          <pre>{state.proposed || 'Waiting for the first token…'}</pre>
          <button type="button" className="ai-button ai-button--danger" onClick={() => edit.reject()}>
            Stop
          </button>
        </div>
      )}
      {state.phase === 'reviewing' && (
        <>
          <DiffView original={state.target.original} proposed={state.proposed} language={state.target.language} />
          <div className="ai-edit__actions">
            <span className="ai-route">answered by {state.answeredBy}</span>
            <button type="button" className="ai-button" data-testid="ai-edit-reject" onClick={() => edit.reject()}>
              Reject
            </button>
            <button
              type="button"
              className="ai-button ai-button--primary"
              data-testid="ai-edit-accept"
              onClick={() => edit.accept()}
            >
              Accept
            </button>
          </div>
        </>
      )}
    </div>
  );
}
