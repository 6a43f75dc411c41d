// The completion feature: ghost-text code completion from the model that serves `completion` (ai.infill). Its code
// (Monaco's inline completions provider, the request scheduling, the context ring, the status item and its quick
// pick) is a chunk of its own, loaded when the first file opens; the files opened while it loads are handed to it.
import { type Disposable, errorMessage, toDisposable } from '@pa/shared';
import type * as monaco from 'monaco-editor';
import type { ComponentType } from 'react';
import type { Contribution, WorkbenchApi } from '../workbench/contributions';
import { FeatureSlot } from '../workbench/feature-slot';
import type { LoadedCompletion } from './loaded';

type Loaded = LoadedCompletion & { Item: ComponentType<{ controller: LoadedCompletion['controller'] }> };

function activateOnFirstFile(api: WorkbenchApi, slot: FeatureSlot<Loaded>): Disposable {
  const seen: Array<{ path: string; model: monaco.editor.ITextModel }> = [];
  let filled: Disposable | null = null;
  let disposed = false;
  const gate = api.onDidOpenModel((path, model) => {
    seen.push({ path, model });
    if (seen.length > 1) return; // already loading
    import('./loaded').then(
      ({ LoadedCompletion, CompletionStatusItem }) => {
        gate.dispose();
        if (disposed) return;
        filled = slot.fill(() => {
          const loaded = Object.assign(new LoadedCompletion(api), { Item: CompletionStatusItem });
          for (const file of seen.splice(0))
            if (!file.model.isDisposed()) loaded.controller.adopt(file.path, file.model);
          return loaded;
        });
      },
      (error: unknown) => {
        seen.length = 0; // the next file tries again
        api.notify(`Code completion could not be loaded: ${errorMessage(error)}`, 'error');
      },
    );
  });
  return toDisposable(() => {
    disposed = true;
    gate.dispose();
    filled?.dispose();
  });
}

function withController(slot: FeatureSlot<Loaded>, run: (loaded: Loaded) => void | Promise<void>, api: WorkbenchApi) {
  const loaded = slot.current.value;
  if (loaded) return run(loaded);
  api.notify('Code completion starts with the first file you open.', 'info');
}

export function completionFeature(): Contribution {
  const slot = new FeatureSlot<Loaded>();
  return {
    id: 'completion',
    activate: (api) => activateOnFirstFile(api, slot),
    statusItems: [
      {
        id: 'completion.status',
        align: 'right',
        order: 22,
        component: slot.view((loaded) => <loaded.Item controller={loaded.controller} />),
      },
    ],
    commands: [
      {
        id: 'completion.toggle',
        title: 'Code Completion: Toggle Inline Suggestions',
        run: (api) => withController(slot, (loaded) => loaded.controller.toggleGlobal(), api),
      },
      {
        id: 'completion.toggleLanguage',
        title: "Code Completion: Toggle Inline Suggestions for the File's Language",
        run: (api) =>
          withController(
            slot,
            (loaded) => {
              const language = loaded.controller.activeLanguage();
              if (language) return loaded.controller.toggleLanguage(language);
            },
            api,
          ),
      },
      {
        id: 'completion.snooze',
        title: 'Code Completion: Snooze Inline Suggestions for 5 Minutes',
        run: (api) => withController(slot, (loaded) => loaded.controller.toggleSnooze(), api),
      },
    ],
  };
}
