// "Edit with AI" (Ctrl/Cmd+I) as a small state machine outside React: selection → instruction → streamed proposal
// → diff → accept (one undoable edit in the editor) or reject.
import { type AiAnswer, type AiToken, type EngineClient, errorMessage, type RpcStream } from '@pa/shared';
import type * as monaco from 'monaco-editor';
import type { WorkbenchApi } from '../workbench/contributions';
import { Observable } from '../workbench/observable';

export type EditState =
  | { phase: 'idle' }
  | { phase: 'prompting'; target: EditTarget; error?: string }
  | { phase: 'generating'; target: EditTarget; instruction: string; proposed: string }
  | { phase: 'reviewing'; target: EditTarget; instruction: string; proposed: string; answeredBy: string };

export interface EditTarget {
  path: string;
  language: string;
  /** The selected range (the current line when nothing was selected). */
  range: monaco.IRange;
  original: string;
}

export class EditController {
  readonly state = new Observable<EditState>({ phase: 'idle' });
  /** The proposal streaming now, stopped by reject(). */
  private proposal: RpcStream<AiToken, AiAnswer> | null = null;

  constructor(private readonly api: WorkbenchApi) {}

  private get client(): EngineClient {
    return this.api.client;
  }

  /** Opens the instruction box for the active editor's selection. */
  start(): void {
    const editor = this.api.editor();
    const model = editor?.getModel();
    const path = this.api.activeFile();
    const selection = editor?.getSelection();
    if (!editor || !model || !path || !selection) {
      this.api.notify('Open a file and select the code to edit with AI.', 'warning');
      return;
    }
    const range: monaco.IRange = selection.isEmpty()
      ? {
          startLineNumber: selection.startLineNumber,
          startColumn: 1,
          endLineNumber: selection.startLineNumber,
          endColumn: model.getLineMaxColumn(selection.startLineNumber),
        }
      : selection;
    this.state.set({
      phase: 'prompting',
      target: { path, language: model.getLanguageId(), range, original: model.getValueInRange(range) },
    });
  }

  async submit(instruction: string): Promise<void> {
    const current = this.state.value;
    if (current.phase !== 'prompting' || !instruction.trim()) return;
    const { target } = current;
    this.state.set({ phase: 'generating', target, instruction, proposed: '' });
    const proposal = this.client.stream('ai.edit', {
      instruction,
      code: target.original,
      path: target.path,
      language: target.language,
    });
    this.proposal = proposal;
    // still this proposal's turn: not rejected, and the box not reopened for another edit meanwhile
    const ours = (): boolean => this.proposal === proposal && this.state.value.phase === 'generating';
    try {
      for await (const { text } of proposal) {
        const state = this.state.value;
        if (!ours() || state.phase !== 'generating') break; // leaving the loop stops the engine too
        this.state.set({ ...state, proposed: state.proposed + text });
      }
      const done = await proposal.result;
      if (!ours()) return;
      this.state.set({
        phase: 'reviewing',
        target,
        instruction,
        proposed: keepTrailingNewline(target.original, done.text),
        answeredBy: `${done.route.providerId} · ${done.route.model}`,
      });
    } catch (error) {
      if (ours()) this.state.set({ phase: 'prompting', target, error: errorMessage(error) });
    } finally {
      if (this.proposal === proposal) this.proposal = null;
    }
  }

  /** Applies the proposal as one edit with undo stops around it, so Ctrl/Cmd+Z takes it back. */
  accept(): void {
    const current = this.state.value;
    if (current.phase !== 'reviewing') return;
    const editor = this.api.editor();
    const model = this.api.model(current.target.path);
    if (!editor || !model || editor.getModel() !== model) {
      this.api.notify(`Open ${current.target.path} again to apply the edit.`, 'warning');
      return;
    }
    editor.pushUndoStop();
    editor.executeEdits('ai.edit', [{ range: current.target.range, text: current.proposed, forceMoveMarkers: true }]);
    editor.pushUndoStop();
    this.state.set({ phase: 'idle' });
    editor.focus();
  }

  reject(): void {
    this.proposal?.cancel();
    this.state.set({ phase: 'idle' });
    this.api.editor()?.focus();
  }
}

/** Models drop a selection's final newline; keep it so accepting does not join the next line onto the edit. */
export function keepTrailingNewline(original: string, proposed: string): string {
  return original.endsWith('\n') && !proposed.endsWith('\n') ? `${proposed}\n` : proposed;
}
