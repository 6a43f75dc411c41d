// The browser side of the collab benchmarks, bundled by esbuild into a page: trace replay through a Y.Text bound
// to a Monaco model with y-monaco (and through a bare Y.Text as the baseline), and a y-webrtc peer for latency.
import * as monaco from 'monaco-editor/esm/vs/editor/editor.api.js';
import { MonacoBinding } from 'y-monaco';
import { Awareness } from 'y-protocols/awareness';
import { WebrtcProvider } from 'y-webrtc';
import * as Y from 'yjs';
import { SharedCursors } from '../../packages/ui/src/collab/cursors';
import { keepChangeBufferShort, pieceTreeOf } from '../../packages/ui/src/editor/change-buffer';

export type Patch = [number, number, string];
export interface SequentialTrace {
  startContent: string;
  endContent: string;
  txns: Array<{ patches: Patch[] }>;
}

declare global {
  interface Window {
    collabBench: typeof collabBench;
  }
}

window.MonacoEnvironment = { getWorkerUrl: () => './editor.worker.js' };

const container = document.createElement('div');
container.style.cssText = 'width:1000px;height:700px';
document.body.append(container);
const editor = monaco.editor.create(container, { automaticLayout: false, minimap: { enabled: false } });

/**
 * A full garbage collection before each timed replay (Chromium runs with --expose-gc), so no replay pays for the
 * garbage of the one before it: the same for every variant, and what keeps the rounds from scattering ±30%.
 */
function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function replayBare(trace: SequentialTrace): { ms: number; ok: boolean } {
  const doc = new Y.Doc();
  const text = doc.getText('file');
  text.insert(0, trace.startContent);
  collectGarbage();
  const started = performance.now();
  applyToText(doc, text, trace);
  const ms = performance.now() - started;
  const ok = text.toString() === trace.endContent;
  doc.destroy();
  return { ms, ok };
}

/** Types every patch into the model, one applyEdits per patch, as keystrokes arrive; returns the ms it took. */
function typeTrace(model: monaco.editor.ITextModel, trace: SequentialTrace): number {
  const started = performance.now();
  for (const txn of trace.txns) {
    for (const [pos, deleted, inserted] of txn.patches) {
      const start = model.getPositionAt(pos);
      const end = model.getPositionAt(pos + deleted);
      model.applyEdits([
        { range: new monaco.Range(start.lineNumber, start.column, end.lineNumber, end.column), text: inserted },
      ]);
    }
  }
  return performance.now() - started;
}

export interface ReplayResult {
  ms: number;
  ok: boolean;
  /** chars left in the model's piece-tree change buffer at the end: what V8 copies per edit (change-buffer.ts) */
  changeBufferChars: number | null;
}

export interface BoundReplay {
  /** Monaco shows the model in an editor, with our selection published and remote cursors drawn (SharedCursors). */
  editor: boolean;
  /** Patches are applied to the Y.Text (as a peer's edits arrive) and y-monaco carries them into the model; else
   * they are typed into the model (as the programmer who made the trace did) and y-monaco carries them to Yjs. */
  remote: boolean;
  /** keepChangeBufferShort, as the product does (false shows what it saves). */
  sealed: boolean;
}

/**
 * The trace through a Y.Text bound to a Monaco model with y-monaco, set up as SharedSession.bind does in the
 * workbench. Async only so the presence work SharedCursors defers to the end of the task is inside the timing.
 */
async function replayBound(trace: SequentialTrace, options: BoundReplay): Promise<ReplayResult> {
  const doc = new Y.Doc();
  const text = doc.getText('file');
  text.insert(0, trace.startContent);
  const model = monaco.editor.createModel('', 'plaintext');
  const awareness = new Awareness(doc);
  awareness.setLocalState({ user: { name: 'bench', color: '#888888' }, file: 'file' });
  const editors = new Set<monaco.editor.IStandaloneCodeEditor>();
  let cursors: SharedCursors | null = null;
  if (options.editor) {
    editor.setModel(model);
    editors.add(editor);
    cursors = new SharedCursors(editor, awareness, (shown) => (shown === model ? text : null));
  }
  const binding = new MonacoBinding(text, model, editors, null);
  if (options.sealed) keepChangeBufferShort(model);
  await settled();
  collectGarbage();
  const started = performance.now();
  if (options.remote) applyToText(doc, text, trace);
  else typeTrace(model, trace);
  await settled();
  const ms = performance.now() - started;
  const ok = text.toString() === trace.endContent && model.getValue() === trace.endContent;
  const changeBufferChars = pieceTreeOf(model)?._buffers[0]?.buffer.length ?? null;
  cursors?.dispose();
  binding.destroy();
  awareness.destroy();
  editor.setModel(null);
  model.dispose();
  doc.destroy();
  return { ms, ok, changeBufferChars };
}

/** Lets the microtasks queued so far (and those they queue) run. */
async function settled(): Promise<void> {
  for (let i = 0; i < 4; i++) await Promise.resolve();
}

function applyToText(doc: Y.Doc, text: Y.Text, trace: SequentialTrace): void {
  for (const txn of trace.txns) {
    for (const [pos, deleted, inserted] of txn.patches) {
      doc.transact(() => {
        if (deleted > 0) text.delete(pos, deleted);
        if (inserted) text.insert(pos, inserted);
      });
    }
  }
}

/**
 * What presence costs one keystroke at the end of the trace, where the Y.Text is as fragmented as it gets: our
 * cursor published (one relative position) and one remote peer's cursor drawn. Microseconds per keystroke.
 */
async function presencePerKeystroke(trace: SequentialTrace, keystrokes: number): Promise<number> {
  const doc = new Y.Doc();
  const text = doc.getText('file');
  text.insert(0, trace.startContent);
  applyToText(doc, text, trace);
  const model = monaco.editor.createModel(text.toString(), 'plaintext');
  const binding = new MonacoBinding(text, model, new Set([editor]), null);
  editor.setModel(model);
  const awareness = new Awareness(doc);
  awareness.setLocalState({ user: { name: 'bench', color: '#888888' }, file: 'file' });
  // a remote peer with its cursor in the middle of the file
  const middle = Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(text, Math.floor(text.length / 2)));
  awareness.states.set(doc.clientID + 1, { user: { name: 'peer' }, selection: { anchor: middle, head: middle } });
  const lines = model.getLineCount();
  const type = async () => {
    const started = performance.now();
    for (let i = 0; i < keystrokes; i++) {
      // one keystroke per task, as typed: the cursor moves to another line, then the task ends
      editor.setPosition({ lineNumber: 1 + ((i * 7919) % lines), column: 1 });
      await settled();
    }
    return performance.now() - started;
  };
  // the same cursor moves without presence, to subtract what the editor itself does
  const without = await type();
  const cursors = new SharedCursors(editor, awareness, (shown) => (shown === model ? text : null));
  await settled();
  const withPresence = await type();
  const us = ((withPresence - without) * 1000) / keystrokes;
  cursors.dispose();
  binding.destroy();
  awareness.destroy();
  editor.setModel(null);
  model.dispose();
  doc.destroy();
  return us;
}

/** Diagnostic: the same typing into a Monaco model with no Yjs at all, with or without an editor showing it. */
function replayMonacoOnly(trace: SequentialTrace, withEditor: boolean, sealed: boolean): ReplayResult {
  const model = monaco.editor.createModel(trace.startContent, 'plaintext');
  if (withEditor) editor.setModel(model);
  if (sealed) keepChangeBufferShort(model);
  collectGarbage();
  const ms = typeTrace(model, trace);
  const ok = model.getValue() === trace.endContent;
  const changeBufferChars = pieceTreeOf(model)?._buffers[0]?.buffer.length ?? null;
  editor.setModel(null);
  model.dispose();
  return { ms, ok, changeBufferChars };
}

/** One y-webrtc peer in this browser process; `type` stamps the wall-clock send time into the text. */
function webrtcPeer(room: string, signaling: string, password: string) {
  const doc = new Y.Doc();
  const text = doc.getText('file');
  const provider = new WebrtcProvider(room, doc, {
    signaling: [signaling],
    password,
    peerOpts: { config: { iceServers: [] } },
  });
  const seen: Array<{ mark: string; at: number }> = [];
  text.observe((event) => {
    if (event.transaction.local) return;
    for (const op of event.delta) {
      if (typeof op.insert === 'string') seen.push({ mark: op.insert, at: performance.timeOrigin + performance.now() });
    }
  });
  return {
    peers: () => provider.room?.webrtcConns.size ?? 0,
    synced: () => provider.room?.synced ?? false,
    type(mark: string) {
      const at = performance.timeOrigin + performance.now();
      text.insert(text.length, mark);
      return at;
    },
    seen: () => seen.splice(0),
    length: () => text.length,
  };
}

let peer: ReturnType<typeof webrtcPeer> | null = null;

const collabBench = {
  replayBare,
  replayBound,
  replayMonacoOnly,
  presencePerKeystroke,
  startPeer(room: string, signaling: string, password: string) {
    peer = webrtcPeer(room, signaling, password);
  },
  peer: () => {
    if (!peer) throw new Error('startPeer first');
    return peer;
  },
};
window.collabBench = collabBench;
