// The keybindings feature: keybindings.json applied live (each snapshot of settings.watch re-resolves the bindings),
// Monaco's bindings joined to ours once an editor exists, VS Code's Ctrl+K chords for workbench commands, and the
// Keyboard Shortcuts editor — a lazy chunk, loaded the first time it opens.
import { lazy, Suspense } from 'react';
import type { Contribution } from '../workbench/contributions';

export const KEYBOARD_SHORTCUTS_EDITOR = 'keybindings';
export const OPEN_KEYBOARD_SHORTCUTS = 'workbench.action.openGlobalKeybindings';

/** A keyboard. */
const KEYBOARD_ICON =
  '<svg viewBox="0 0 16 16" width="16" height="16" fill="none" stroke="currentColor" stroke-width="1.2"><rect x="1.5" y="4" width="13" height="8" rx="1.2"/><path d="M4 6.5h1M7 6.5h1M10 6.5h1M4 9.5h8"/></svg>';

/** VS Code's chords for commands the workbench has (besides each command's own key). */
export const DEFAULT_CHORDS: ReadonlyArray<{ command: string; key: string }> = [
  { command: 'workbench.openFolder', key: 'Mod+K Mod+O' },
  { command: 'workbench.closeAllEditors', key: 'Mod+K Mod+W' },
  { command: 'workbench.closeSavedEditors', key: 'Mod+K U' },
  { command: 'workbench.keepEditor', key: 'Mod+K Enter' },
  { command: 'workbench.pinEditor', key: 'Mod+K Shift+Enter' },
  { command: 'workbench.splitEditorDown', key: 'Mod+K Mod+\\' },
  { command: 'markdown.showPreviewToSide', key: 'Mod+K V' },
];

const Editor = lazy(() =>
  import('./KeyboardShortcutsEditor').then((module) => ({ default: module.KeyboardShortcutsEditor })),
);

function LazyKeyboardShortcuts({ resource }: { resource: string }) {
  return (
    <Suspense fallback={<div className="keyboard-shortcuts__loading">Loading Keyboard Shortcuts…</div>}>
      <Editor resource={resource} />
    </Suspense>
  );
}

export function keybindingsFeature(): Contribution {
  return {
    id: 'keybindings',
    editors: [
      {
        id: KEYBOARD_SHORTCUTS_EDITOR,
        title: () => 'Keyboard Shortcuts',
        icon: KEYBOARD_ICON,
        component: LazyKeyboardShortcuts,
      },
    ],
    commands: [
      {
        id: OPEN_KEYBOARD_SHORTCUTS,
        title: 'Preferences: Open Keyboard Shortcuts',
        keybinding: 'Mod+K Mod+S',
        run: (api) => api.openEditor(KEYBOARD_SHORTCUTS_EDITOR, ''),
      },
    ],
    activate: (api) => {
      const registry = api.keybindings;
      for (const chord of DEFAULT_CHORDS) registry.addDefaultBinding(chord.command, chord.key);
      let applied = '';
      const follow = () => {
        const file = api.settings.snapshot.value?.keybindings;
        const entries = file?.entries ?? [];
        const text = JSON.stringify(entries);
        if (text === applied) return;
        applied = text;
        registry.setUserKeybindings(entries);
        const problems = (file?.problems.length ?? 0) + registry.keybindings().problems.length;
        if (problems > 0) {
          api.notify(
            `keybindings.json: ${problems} ${problems === 1 ? 'problem' : 'problems'} — Preferences: Open Keyboard Shortcuts shows which.`,
            'warning',
          );
        }
      };
      follow();
      const stop = api.settings.snapshot.subscribe(follow);
      // a click elsewhere ends a waiting chord, as in VS Code
      const cancel = () => registry.cancelChord();
      window.addEventListener('mousedown', cancel, true);
      // Monaco's bindings join ours once an editor exists (its module is loaded apart, with Monaco)
      let disposed = false;
      let install: { dispose(): void } | null = null;
      void import('./monaco-keys').then(({ installEditorKeybindings }) => {
        if (!disposed) install = installEditorKeybindings(registry, () => api.editor());
      });
      return {
        dispose: () => {
          disposed = true;
          stop();
          window.removeEventListener('mousedown', cancel, true);
          install?.dispose();
          registry.cancelChord();
        },
      };
    },
  };
}
