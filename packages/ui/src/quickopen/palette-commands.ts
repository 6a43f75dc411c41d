// One command palette: the workbench's commands and the active Monaco editor's own actions (Format Document, Fold
// All, Change All Occurrences, …) in one list, each with its key binding, so Monaco's second palette is never needed.
import type * as monaco from 'monaco-editor';
import type { RegisteredCommand } from '../workbench/commands';

export interface PaletteCommand {
  /** 'c:<command id>' for a workbench command, 'e:<action id>' for an editor action. */
  key: string;
  title: string;
  shortcut: string | null;
  run(): void;
}

/** Monaco's own quick-command widget: our palette replaces it. */
export const MONACO_QUICK_COMMAND = 'editor.action.quickCommand';

/**
 * The standalone editor's keybinding service (not in Monaco's public API): the label of an action's binding.
 * Looked up defensively, so a Monaco without it only loses the shortcuts, never the actions.
 */
interface KeybindingLookup {
  _standaloneKeybindingService?: {
    lookupKeybinding(id: string): { getLabel(): string | null } | undefined;
  };
}

export function paletteCommands(
  commands: RegisteredCommand[],
  runCommand: (id: string) => void,
  editor: monaco.editor.ICodeEditor | null,
  /** The workbench's binding of a command (keybindings.json applied), for an editor action too. */
  shortcutFor: (id: string) => string | null = () => null,
): PaletteCommand[] {
  const list: PaletteCommand[] = commands.map((command) => ({
    key: `c:${command.id}`,
    title: command.title,
    shortcut: command.shortcut,
    run: () => runCommand(command.id),
  }));
  if (editor) list.push(...editorActions(editor, new Set(commands.map((command) => command.title)), shortcutFor));
  return list.sort((a, b) => a.title.localeCompare(b.title));
}

function editorActions(
  editor: monaco.editor.ICodeEditor,
  taken: Set<string>,
  shortcutFor: (id: string) => string | null,
): PaletteCommand[] {
  const keybindings = (editor as unknown as KeybindingLookup)._standaloneKeybindingService;
  const actions: PaletteCommand[] = [];
  for (const action of editor.getSupportedActions()) {
    // a workbench command of the same name (Go to Line) is the one the workbench binds its keys to
    if (action.id === MONACO_QUICK_COMMAND || !action.label || taken.has(action.label)) continue;
    let shortcut: string | null = shortcutFor(action.id);
    try {
      shortcut ??= keybindings?.lookupKeybinding(action.id)?.getLabel() ?? null;
    } catch {
      // an internal API that changed shape: the action stays, with the workbench's keys if any
    }
    actions.push({
      key: `e:${action.id}`,
      title: action.label,
      shortcut,
      run: () => {
        // an action's precondition often needs the editor's focus (editorTextFocus), which the palette took
        editor.focus();
        void action.run();
      },
    });
  }
  return actions;
}

/** F1 inside Monaco opens our palette (Monaco binds it to its own quick-command widget). */
export function bindPaletteKeys(
  monacoApi: typeof monaco,
  editor: monaco.editor.ICodeEditor,
  openPalette: () => void,
): void {
  // every editor Monaco creates is a standalone one here; addCommand is how such an editor rebinds a key
  if (!isStandalone(editor)) return;
  editor.addCommand(monacoApi.KeyCode.F1, openPalette);
  editor.addCommand(monacoApi.KeyMod.CtrlCmd | monacoApi.KeyMod.Shift | monacoApi.KeyCode.KeyP, openPalette);
}

function isStandalone(editor: monaco.editor.ICodeEditor): editor is monaco.editor.IStandaloneCodeEditor {
  return typeof (editor as Partial<monaco.editor.IStandaloneCodeEditor>).addCommand === 'function';
}
