// Monaco's side of the key bindings: its default bindings and action labels (read from the standalone keybinding
// service, which is not public API, so read defensively: a Monaco without it only loses its rows), running one of
// its commands in the focused or active editor, and taking out of Monaco the bindings keybindings.json removed
// (`-editor.action.x`), through monaco.editor.addKeybindingRules — Monaco's own, public way to do that.
import { monaco } from '../editor/monaco';
import { MONACO_QUICK_COMMAND } from '../quickopen/palette-commands';
import type { CommandRegistry, EditorKeybindings } from '../workbench/commands';
import { type Keybinding, parseKeySequence } from '../workbench/keybinding';
import type { BindingItem } from './resolve';

interface ResolvedItem {
  command: string | null;
  isDefault: boolean;
  when: { serialize(): string } | undefined | null;
  resolvedKeybinding: { getUserSettingsLabel(): string | null } | undefined;
}

interface StandaloneKeybindingService {
  getKeybindings(): readonly ResolvedItem[];
}

/** Monaco's default bindings as items; [] when its keybinding service is not there. */
export function monacoDefaultBindings(editor: monaco.editor.ICodeEditor, isMac: boolean): BindingItem[] {
  const service = (editor as unknown as { _standaloneKeybindingService?: StandaloneKeybindingService })
    ._standaloneKeybindingService;
  let resolved: readonly ResolvedItem[];
  try {
    resolved = service?.getKeybindings() ?? [];
  } catch {
    return [];
  }
  const items: BindingItem[] = [];
  for (const item of resolved) {
    const label = item.resolvedKeybinding?.getUserSettingsLabel();
    // dynamic bindings (editor.addCommand's, our removal rules) are not Monaco's defaults
    if (!item.isDefault || !item.command || item.command.startsWith('-') || !label) continue;
    // Monaco's own palette: F1 and Ctrl+Shift+P open ours (palette-commands.ts)
    if (item.command === MONACO_QUICK_COMMAND) continue;
    try {
      const keys = parseKeySequence(label, isMac);
      items.push({
        command: item.command,
        keys,
        whenText: item.when?.serialize() || null,
        when: null,
        source: 'editor',
      });
    } catch {
      // a key this parser does not spell (a single modifier chord): Monaco keeps handling it
    }
  }
  return items;
}

const KEY_CODES: Record<string, keyof typeof monaco.KeyCode> = {
  enter: 'Enter',
  escape: 'Escape',
  tab: 'Tab',
  ' ': 'Space',
  backspace: 'Backspace',
  delete: 'Delete',
  insert: 'Insert',
  home: 'Home',
  end: 'End',
  pageup: 'PageUp',
  pagedown: 'PageDown',
  arrowup: 'UpArrow',
  arrowdown: 'DownArrow',
  arrowleft: 'LeftArrow',
  arrowright: 'RightArrow',
  ';': 'Semicolon',
  '=': 'Equal',
  ',': 'Comma',
  '-': 'Minus',
  '.': 'Period',
  '/': 'Slash',
  '`': 'Backquote',
  '[': 'BracketLeft',
  '\\': 'Backslash',
  ']': 'BracketRight',
  "'": 'Quote',
};

/** One stroke as Monaco's number (KeyMod | KeyCode), or null for a key Monaco has no code for. */
function monacoStroke(stroke: Keybinding, isMac: boolean): number | null {
  let name: string | undefined = KEY_CODES[stroke.key];
  if (/^[a-z]$/.test(stroke.key)) name = `Key${stroke.key.toUpperCase()}`;
  else if (/^[0-9]$/.test(stroke.key)) name = `Digit${stroke.key}`;
  else if (/^f([1-9]|1[0-9])$/.test(stroke.key)) name = stroke.key.toUpperCase();
  const code = name === undefined ? undefined : (monaco.KeyCode as unknown as Record<string, number>)[name];
  if (code === undefined) return null;
  const { KeyMod } = monaco;
  // CtrlCmd is Cmd on macOS and Ctrl elsewhere; WinCtrl is the other one
  let mods = 0;
  if (stroke.ctrl) mods |= isMac ? KeyMod.WinCtrl : KeyMod.CtrlCmd;
  if (stroke.meta) mods |= isMac ? KeyMod.CtrlCmd : KeyMod.WinCtrl;
  if (stroke.shift) mods |= KeyMod.Shift;
  if (stroke.alt) mods |= KeyMod.Alt;
  return mods | code;
}

export function monacoKeybinding(keys: readonly Keybinding[], isMac: boolean): number | null {
  const strokes = keys.map((stroke) => monacoStroke(stroke, isMac));
  if (strokes.some((stroke) => stroke === null)) return null;
  const [first, second] = strokes as number[];
  if (first === undefined) return null;
  return second === undefined ? first : monaco.KeyMod.chord(first, second);
}

function focusedOrActive(active: () => monaco.editor.ICodeEditor | null): monaco.editor.ICodeEditor | null {
  return monaco.editor.getEditors().find((editor) => editor.hasTextFocus()) ?? active();
}

export function createEditorKeybindings(
  editor: monaco.editor.ICodeEditor,
  isMac: boolean,
  activeEditor: () => monaco.editor.ICodeEditor | null,
): EditorKeybindings {
  const items = monacoDefaultBindings(editor, isMac);
  const titles = new Map<string, string>();
  for (const action of editor.getSupportedActions()) {
    if (action.label && action.id !== MONACO_QUICK_COMMAND) titles.set(action.id, action.label);
  }
  const known = new Set([...items.map((item) => item.command), ...titles.keys()]);
  let rules: monaco.IDisposable | null = null;
  return {
    items,
    titles,
    has: (id) => known.has(id),
    run(id) {
      const target = focusedOrActive(activeEditor);
      if (!target) return false;
      target.focus();
      target.trigger('keyboard', id, null);
      return true;
    },
    applyRemovals(removed: readonly BindingItem[]) {
      rules?.dispose();
      const list: monaco.editor.IKeybindingRule[] = [];
      for (const item of removed) {
        const keybinding = monacoKeybinding(item.keys, isMac);
        if (keybinding !== null) list.push({ keybinding, command: `-${item.command}`, when: item.whenText });
      }
      rules = list.length > 0 ? monaco.editor.addKeybindingRules(list) : null;
    },
  };
}

/**
 * Gives the registry Monaco's bindings once the first editor exists (they are the same for every editor); the
 * Keyboard Shortcuts editor calls this too, with an editor of its own when none is open yet.
 */
export function installEditorKeybindings(
  registry: CommandRegistry,
  activeEditor: () => monaco.editor.ICodeEditor | null,
): monaco.IDisposable {
  if (registry.hasEditorKeybindings()) return { dispose: () => undefined };
  const adopt = (editor: monaco.editor.ICodeEditor) => {
    if (!registry.hasEditorKeybindings())
      registry.setEditorKeybindings(createEditorKeybindings(editor, registry.isMac, activeEditor));
  };
  const existing = monaco.editor.getEditors()[0];
  if (existing) {
    adopt(existing);
    return { dispose: () => undefined };
  }
  // the event fires while the editor is being built: read it once it is
  const subscription = monaco.editor.onDidCreateEditor((editor) => {
    subscription.dispose();
    setTimeout(() => adopt(editor as monaco.editor.ICodeEditor), 0);
  });
  return subscription;
}
