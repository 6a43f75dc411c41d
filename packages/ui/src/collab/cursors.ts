// Our selection published to the others, and theirs drawn in the editor, over Yjs awareness in y-monaco's format
// (state.selection = {anchor, head}; classes yRemoteSelection-<clientId>, coloured by cursor-styles). y-monaco can do
// both, but per edit: after every cursor move it turns our selection into relative positions (two walks over the
// file's whole Y.Text) and after every transaction it redraws every remote cursor. Here each runs at most once per
// task, in a microtask: still before the next paint, but a burst (paste, multi-cursor edit, a backlog of remote
// updates) costs one publish and one redraw. y-monaco's binding is then made without awareness: text only.
import { DisposableStore } from '@pa/shared';
import { peerSelectionOf, type RelativePositionJson } from '@pa/shared/relay/presence';
import type * as monaco from 'monaco-editor';
import type { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';

/** The shared text bound to a model, or null for a model that is not a shared file. */
export type SharedTextOf = (model: monaco.editor.ITextModel) => Y.Text | null;

/** Runs `work` once after the current task's synchronous code, however often it was asked for meanwhile. */
export function coalesced(work: () => void): { request(): void; cancel(): void } {
  let queued = false;
  let cancelled = false;
  return {
    request() {
      if (queued || cancelled) return;
      queued = true;
      queueMicrotask(() => {
        queued = false;
        if (!cancelled) work();
      });
    },
    cancel() {
      cancelled = true;
    },
  };
}

export class SharedCursors {
  private readonly decorations: monaco.editor.IEditorDecorationsCollection;
  private readonly publish = coalesced(() => this.publishNow());
  private readonly render = coalesced(() => this.renderNow());
  private readonly store = new DisposableStore();
  /** The class names of what is drawn, in order: ranges alone do not tell two peers at one spot apart. */
  private drawnClasses: string[] = [];

  constructor(
    private readonly editor: monaco.editor.ICodeEditor,
    private readonly awareness: Awareness,
    private readonly textOf: SharedTextOf,
  ) {
    this.decorations = editor.createDecorationsCollection();
    const publish = () => this.publish.request();
    const render = () => this.render.request();
    this.store.add(editor.onDidChangeCursorSelection(publish));
    this.store.add(
      editor.onDidChangeModel(() => {
        publish();
        render();
      }),
    );
    // remote cursors are relative positions: redraw when they move and when the text under them changes
    const doc = awareness.doc;
    awareness.on('change', render);
    this.store.defer(() => awareness.off('change', render));
    doc.on('afterTransaction', render);
    this.store.defer(() => doc.off('afterTransaction', render));
    publish();
    render();
  }

  /** Publishes and draws again at the end of this task, for a model that just became shared (nothing else moved). */
  refresh(): void {
    this.publish.request();
    this.render.request();
  }

  dispose(): void {
    this.publish.cancel();
    this.render.cancel();
    this.store.dispose();
    this.decorations.clear();
  }

  private publishNow(): void {
    const model = this.editor.getModel();
    const text = model && this.textOf(model);
    const selection = this.editor.getSelection();
    if (!model || !text || !selection) {
      if (this.awareness.getLocalState()?.selection != null) this.awareness.setLocalStateField('selection', null);
      return;
    }
    // y-monaco's order: anchor is where the selection started, head where the cursor is
    const anchor = model.getOffsetAt(selection.getSelectionStart());
    const head = model.getOffsetAt(selection.getPosition());
    // each relative position is a walk along the Y.Text: a plain cursor (no selection) needs only one
    const at = (offset: number) => Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(text, offset));
    const headPosition = at(head);
    this.awareness.setLocalStateField('selection', {
      anchor: anchor === head ? headPosition : at(anchor),
      head: headPosition,
    });
  }

  private renderNow(): void {
    const model = this.editor.getModel();
    const text = model && this.textOf(model);
    const decorations: monaco.editor.IModelDeltaDecoration[] = [];
    if (model && text) {
      this.awareness.getStates().forEach((state, clientId) => {
        if (clientId === this.awareness.clientID) return;
        const decoration = remoteSelection(clientId, state, text, model);
        if (decoration) decorations.push(decoration);
      });
    }
    // the usual keystroke moves no remote cursor (Monaco already shifted the drawn ones): leave the view alone
    if (this.isDrawn(decorations)) return;
    this.decorations.set(decorations);
    this.drawnClasses = decorations.map(classesOf);
  }

  private isDrawn(decorations: readonly monaco.editor.IModelDeltaDecoration[]): boolean {
    const drawn = this.decorations.getRanges();
    return (
      drawn.length === decorations.length &&
      decorations.every((decoration, i) => {
        const at = drawn[i];
        const range = decoration.range;
        return (
          at !== undefined &&
          this.drawnClasses[i] === classesOf(decoration) &&
          at.startLineNumber === range.startLineNumber &&
          at.startColumn === range.startColumn &&
          at.endLineNumber === range.endLineNumber &&
          at.endColumn === range.endColumn
        );
      })
    );
  }
}

/** A peer's selection as a decoration in `model`, or null when it is elsewhere, absent or malformed. */
function remoteSelection(
  clientId: number,
  state: unknown,
  text: Y.Text,
  model: monaco.editor.ITextModel,
): monaco.editor.IModelDeltaDecoration | null {
  const selection = peerSelectionOf(state);
  const doc = text.doc;
  if (!selection || !doc) return null;
  const absolute = (json: RelativePositionJson) =>
    Y.createAbsolutePositionFromRelativePosition(Y.createRelativePositionFromJSON(json), doc);
  const head = absolute(selection.head);
  const anchor = sameRelativePosition(selection.anchor, selection.head) ? head : absolute(selection.anchor);
  if (!anchor || !head || anchor.type !== text || head.type !== text) return null;
  const forward = anchor.index <= head.index;
  const start = model.getPositionAt(Math.min(anchor.index, head.index));
  const end = model.getPositionAt(Math.max(anchor.index, head.index));
  const headClass = `yRemoteSelectionHead yRemoteSelectionHead-${clientId}`;
  return {
    range: {
      startLineNumber: start.lineNumber,
      startColumn: start.column,
      endLineNumber: end.lineNumber,
      endColumn: end.column,
    },
    options: {
      className: `yRemoteSelection yRemoteSelection-${clientId}`,
      // the label sits at the head: after the range when selecting forwards, before it when backwards
      afterContentClassName: forward ? headClass : null,
      beforeContentClassName: forward ? null : headClass,
      stickiness: 1, // NeverGrowsWhenTypingAtEdges: our own typing next to a remote cursor does not stretch it
    },
  };
}

function classesOf(decoration: monaco.editor.IModelDeltaDecoration): string {
  const { className, afterContentClassName, beforeContentClassName } = decoration.options;
  return `${className ?? ''}|${afterContentClassName ?? ''}|${beforeContentClassName ?? ''}`;
}

function sameRelativePosition(a: RelativePositionJson, b: RelativePositionJson): boolean {
  return (
    a.item?.client === b.item?.client &&
    a.item?.clock === b.item?.clock &&
    a.type?.client === b.type?.client &&
    a.type?.clock === b.type?.clock &&
    a.tname === b.tname &&
    a.assoc === b.assoc
  );
}
