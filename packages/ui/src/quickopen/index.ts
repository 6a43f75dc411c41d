// The command palette as a feature: every Monaco editor (code, diff, the TypeScript peek) sends F1 and
// Ctrl/Cmd+Shift+P to our palette, which also lists the editor's own actions (palette-commands.ts).
import { monaco } from '../editor/monaco';
import type { Contribution } from '../workbench/contributions';
import { bindPaletteKeys } from './palette-commands';

export function paletteFeature(): Contribution {
  return {
    id: 'palette',
    activate(api) {
      const open = () => api.runCommand('workbench.commandPalette');
      for (const editor of monaco.editor.getEditors()) bindPaletteKeys(monaco, editor, open);
      // Monaco announces an editor from inside its constructor, before its keybinding service is set: bind after
      return monaco.editor.onDidCreateEditor((editor) => queueMicrotask(() => bindPaletteKeys(monaco, editor, open)));
    },
  };
}
