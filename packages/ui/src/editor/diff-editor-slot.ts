// Which diff the editor area shows over the active file (diff-editor.tsx renders it): features open one here
// without loading Monaco themselves.
import type * as monaco from 'monaco-editor';
import { Observable } from '../workbench/observable';

export interface DiffEditorAction {
  label: string;
  /** `line`: the 1-based line of the right side the cursor is on. */
  run(line: number): unknown;
}

export interface DiffEditorRequest {
  path: string;
  /** e.g. `a.ts (Index ↔ Working Tree)`. */
  title: string;
  original: string;
  modified: { model: monaco.editor.ITextModel } | { text: string };
  actions: DiffEditorAction[];
}

/** The diff shown over the editor area, or null. One workbench per page, so one slot. */
export const diffEditorSlot = new Observable<DiffEditorRequest | null>(null);

export function openDiffEditor(request: DiffEditorRequest): void {
  diffEditorSlot.set(request);
}

export function closeDiffEditor(): void {
  diffEditorSlot.set(null);
}
