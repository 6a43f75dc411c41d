// The lsp feature's activation: the controller (sessions, providers, the translation to Monaco) loads with the first
// file a server serves, so a window that never opens Python, Go, Rust or C/C++ never fetches it. The files opened
// while it loads are handed to it once it is there, with the active one; a failed load is said once and the next
// such file tries again.
import { type Disposable, errorMessage, toDisposable } from '@pa/shared';
import type * as monaco from 'monaco-editor';
import type { WorkbenchApi } from '../workbench/contributions';
import type { FeatureSlot } from '../workbench/feature-slot';
import { serverForLanguage } from './translate';

/** What the activation needs of the controller (LspController). */
export interface LazyLspController extends Disposable {
  adopt(path: string, model: monaco.editor.ITextModel): void;
  followActive(path: string | null): void;
}

export type LspApi = Pick<WorkbenchApi, 'onDidOpenModel' | 'activeFile' | 'notify'>;

export function activateOnFirstFile<T extends LazyLspController>(
  api: LspApi,
  slot: FeatureSlot<T>,
  /** Fetches the controller's module; resolves with what creates the controller. */
  load: () => Promise<() => T>,
): Disposable {
  const seen: Array<{ path: string; model: monaco.editor.ITextModel }> = [];
  let filled: Disposable | null = null;
  let disposed = false;
  const gate = api.onDidOpenModel((path, model) => {
    if (!serverForLanguage(model.getLanguageId())) return;
    seen.push({ path, model });
    if (seen.length > 1) return; // already loading
    load().then(
      (create) => {
        gate.dispose();
        if (disposed) return;
        filled = slot.fill(() => {
          const controller = create();
          for (const file of seen.splice(0)) if (!file.model.isDisposed()) controller.adopt(file.path, file.model);
          controller.followActive(api.activeFile());
          return controller;
        });
      },
      (error: unknown) => {
        seen.length = 0; // the next file of a server language tries again
        api.notify(`The language server client could not be loaded: ${errorMessage(error)}`, 'error');
      },
    );
  });
  return toDisposable(() => {
    disposed = true;
    gate.dispose();
    filled?.dispose();
  });
}
