// The Outline of the active file while the view is shown: its symbols from the same service as quick open's `@`
// (document-symbols.ts), read again a moment after typing stops, and the row the cursor is in (follows the cursor).
import { type Disposable, DisposableStore, errorMessage } from '@pa/shared';
import type * as monaco from 'monaco-editor';
import { documentSymbols } from '../quickopen/document-symbols';
import type { WorkbenchApi } from '../workbench/contributions';
import { Observable } from '../workbench/observable';
import { activeRow, type OutlineRow, outlineRows } from './outline-model';

export interface OutlineState {
  path: string | null;
  /** null while loading, or when the file's language has no symbols here (`message` says which). */
  rows: OutlineRow[] | null;
  active: number;
  message: string | null;
}

const REFRESH_DELAY_MS = 300;

export class OutlineController implements Disposable {
  readonly state = new Observable<OutlineState>({ path: null, rows: null, active: -1, message: null });
  private readonly subscriptions = new DisposableStore();
  private fileSubscriptions: Disposable[] = [];
  private request = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly api: WorkbenchApi) {
    this.subscriptions.add(api.onDidChangeActiveFile(() => this.follow()));
    this.subscriptions.defer(() => this.unfollow());
    this.follow();
  }

  /** A click on a row: the symbol revealed in its file. */
  reveal(row: OutlineRow): void {
    const { path } = this.state.value;
    if (path) void this.api.openFile(path, { line: row.symbol.line, column: row.symbol.column });
  }

  dispose(): void {
    this.request++;
    this.subscriptions.dispose();
  }

  private follow(): void {
    this.unfollow();
    const path = this.api.activeFile();
    const model = path ? this.api.model(path) : null;
    const editor = this.api.editor();
    if (!path || !model) {
      this.state.set({ path: null, rows: null, active: -1, message: 'No editor is open that provides an outline.' });
      return;
    }
    this.state.set({ path, rows: null, active: -1, message: null });
    this.fileSubscriptions = [model.onDidChangeContent(() => this.schedule(model))];
    if (editor) {
      this.fileSubscriptions.push(
        editor.onDidChangeCursorPosition((event) => this.moveCursor(event.position.lineNumber)),
      );
    }
    void this.load(model);
  }

  private unfollow(): void {
    for (const subscription of this.fileSubscriptions.splice(0)) subscription.dispose();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(model: monaco.editor.ITextModel): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.load(model);
    }, REFRESH_DELAY_MS);
  }

  private moveCursor(line: number): void {
    const { rows } = this.state.value;
    if (rows) this.state.set({ ...this.state.value, active: activeRow(rows, line) });
  }

  private async load(model: monaco.editor.ITextModel): Promise<void> {
    const request = ++this.request;
    try {
      const symbols = await documentSymbols(model);
      if (request !== this.request) return;
      if (!symbols) {
        this.state.set({
          ...this.state.value,
          rows: null,
          message: 'The active editor cannot provide outline information.',
        });
        return;
      }
      const rows = outlineRows(symbols);
      const line = this.api.editor()?.getPosition()?.lineNumber ?? 1;
      this.state.set({
        ...this.state.value,
        rows,
        active: activeRow(rows, line),
        message: rows.length ? null : 'No symbols found in this file.',
      });
    } catch (error) {
      if (request === this.request) this.state.set({ ...this.state.value, rows: null, message: errorMessage(error) });
    }
  }
}
