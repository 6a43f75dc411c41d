// Commands by id with their key bindings: the palette lists them, the window's key handler runs them. The bindings
// are the commands' defaults, Monaco's editor bindings (EditorKeybindings, once an editor exists) and the user's
// keybindings.json over them (keybindings/resolve.ts); a key press goes through the chord state machine
// (keybindings/chords.ts) and the bindings' `when` clauses (keybindings/when.ts).
import { errorMessage, type KeybindingEntry } from '@pa/shared';
import { ChordDispatcher } from '../keybindings/chords';
import { type BindingItem, type ResolvedKeybindings, resolveKeybindings } from '../keybindings/resolve';
import { evaluateWhen, type WhenContext, whenContextOf } from '../keybindings/when';
import type { CommandContribution, WorkbenchApi } from './contributions';
import { formatKeySequence, type Keybinding, type KeyStroke, parseKeySequence } from './keybinding';
import { Observable } from './observable';

export interface RegisteredCommand extends CommandContribution {
  /** The first stroke of the binding that applies (the default, or the user's), null when the command has none. */
  binding: Keybinding | null;
  /** The binding as this platform spells it, for menus and the palette ('Ctrl+K Ctrl+S' for a chord). */
  shortcut: string | null;
}

/** What Monaco contributes (keybindings/monaco-keys.ts): its default bindings and a way to run its commands. */
export interface EditorKeybindings {
  /** Monaco's default bindings, as they were before any user entry removed one. */
  readonly items: readonly BindingItem[];
  /** Editor action ids with their labels (Format Document, …). */
  readonly titles: ReadonlyMap<string, string>;
  has(id: string): boolean;
  /** Runs a Monaco command in the active editor; false when there is none. */
  run(id: string): boolean;
  /** Takes the bindings user entries removed out of Monaco's own key handling too (replacing the last set). */
  applyRemovals(removed: readonly BindingItem[]): void;
}

/** How long "… is not a command" stays in the status bar. */
const UNBOUND_MESSAGE_MS = 3_000;

export class CommandRegistry {
  private readonly commands = new Map<string, CommandContribution>();
  private readonly defaults: BindingItem[] = [];
  private userEntries: readonly KeybindingEntry[] = [];
  private editorBindings: EditorKeybindings | null = null;
  private resolved: ResolvedKeybindings | null = null;
  private readonly dispatcher: ChordDispatcher;
  private statusTimer: ReturnType<typeof setTimeout> | undefined;
  private suspended = 0;
  /** Bumped whenever the bindings change (a user entry, Monaco's bindings arriving): the views re-read. */
  readonly changes = new Observable(0);
  /** The status bar's chord message ("(Ctrl+K) was pressed. Waiting for second key of chord..."), or null. */
  readonly chordStatus = new Observable<string | null>(null);

  constructor(
    readonly isMac: boolean,
    private readonly reportError: (message: string, kind: 'warning' | 'error') => void,
    private readonly platform: { isWindows: boolean; isWeb: boolean } = { isWindows: false, isWeb: true },
  ) {
    this.dispatcher = new ChordDispatcher(isMac);
  }

  register(command: CommandContribution): void {
    this.commands.set(command.id, command);
    if (command.keybinding) this.addDefaultBinding(command.id, command.keybinding);
  }

  /** A default binding besides the command's own (a second key, a chord). */
  addDefaultBinding(command: string, key: string, when?: string): void {
    try {
      const keys = parseKeySequence(key, this.isMac);
      this.defaults.push({ command, keys, whenText: when ?? null, when: null, source: 'default' });
      this.changed();
    } catch (error) {
      // a feature's broken binding must not take its command away: it stays in the palette
      this.reportError(`Command "${command}": ${(error as Error).message}`, 'warning');
    }
  }

  /** Applies keybindings.json's entries (again, each time the file changes). */
  setUserKeybindings(entries: readonly KeybindingEntry[]): void {
    this.userEntries = entries;
    this.changed();
  }

  hasEditorKeybindings(): boolean {
    return this.editorBindings !== null;
  }

  setEditorKeybindings(editor: EditorKeybindings | null): void {
    this.editorBindings = editor;
    this.changed();
  }

  /** The bindings in priority order (the last match wins), what user entries removed, and their problems. */
  keybindings(): ResolvedKeybindings {
    if (!this.resolved) {
      const defaults = [...(this.editorBindings?.items ?? []), ...this.defaults];
      this.resolved = resolveKeybindings(defaults, this.userEntries, {
        isMac: this.isMac,
        isCommand: (id) => this.isCommand(id),
      });
    }
    return this.resolved;
  }

  isCommand(id: string): boolean {
    // before Monaco's bindings arrive (no editor yet), an id that is not ours may still be one of Monaco's
    return this.commands.has(id) || (this.editorBindings ? this.editorBindings.has(id) : !/^workbench\./.test(id));
  }

  /** A command's title: the workbench's, Monaco's action label, or null. */
  titleFor(id: string): string | null {
    return this.commands.get(id)?.title ?? this.editorBindings?.titles.get(id) ?? null;
  }

  /** The editor action ids Monaco knows, with their labels. */
  editorTitles(): ReadonlyMap<string, string> {
    return this.editorBindings?.titles ?? new Map();
  }

  list(): RegisteredCommand[] {
    return [...this.commands.values()].map((command) => {
      const binding = this.bindingOf(command.id);
      return {
        ...command,
        binding: binding?.keys[0] ?? null,
        shortcut: binding ? formatKeySequence(binding.keys, this.isMac) : null,
      };
    });
  }

  shortcutFor(id: string): string | null {
    const binding = this.bindingOf(id);
    return binding ? formatKeySequence(binding.keys, this.isMac) : null;
  }

  /** The binding shown for a command: the user's latest, else its first default. */
  private bindingOf(id: string): BindingItem | undefined {
    const items = this.keybindings().items.filter((item) => item.command === id);
    const user = items.filter((item) => item.source === 'user');
    return user[user.length - 1] ?? items[0];
  }

  /**
   * Runs a command and waits for it (Save waiting for Format Document); false when no such command is registered.
   * A failure rejects, for the caller to report.
   */
  async runAndWait(id: string, api: WorkbenchApi): Promise<boolean> {
    const command = this.commands.get(id);
    if (!command) return false;
    await command.run(api);
    return true;
  }

  run(id: string, api: WorkbenchApi): void {
    const command = this.commands.get(id);
    if (!command) {
      if (this.editorBindings?.has(id)) {
        if (!this.editorBindings.run(id)) this.reportError(`"${id}" needs an open editor.`, 'warning');
        return;
      }
      this.reportError(`No command "${id}".`, 'warning');
      return;
    }
    try {
      const result = command.run(api);
      if (result instanceof Promise) result.catch((error: unknown) => this.reportError(errorMessage(error), 'error'));
    } catch (error) {
      this.reportError(errorMessage(error), 'error');
    }
  }

  /** The single-stroke command a key stroke runs now (no chord, every `when` as in `context`), if any. */
  commandFor(stroke: KeyStroke, context: WhenContext = this.contextNow(null)): CommandContribution | null {
    const dispatcher = new ChordDispatcher(this.isMac);
    const result = dispatcher.press(stroke, this.dispatchItems(), (item) => this.applies(item, context));
    return result.kind === 'run' ? (this.commands.get(result.item.command) ?? null) : null;
  }

  /**
   * A key press: runs the binding that wins for it, or starts or ends a chord. True when the key was ours (the
   * caller then keeps it from Monaco and the browser).
   */
  handleKey(stroke: KeyStroke, api: WorkbenchApi, context: WhenContext = this.contextNow(api)): boolean {
    if (this.suspended > 0) return false;
    const result = this.dispatcher.press(stroke, this.dispatchItems(), (item) => this.applies(item, context));
    switch (result.kind) {
      case 'none':
      case 'wait':
        return false;
      case 'run':
        this.showStatus(null);
        this.run(result.item.command, api);
        return true;
      case 'chord':
        this.showStatus(result.message);
        return true;
      case 'cancelled':
        this.showStatus(null);
        return true;
      case 'unbound':
        this.showStatus(result.message, UNBOUND_MESSAGE_MS);
        return true;
    }
  }

  /**
   * Lets a view have every key (recording a key combination) until the returned function is called: the bindings
   * run nothing meanwhile.
   */
  suspend(): () => void {
    this.suspended++;
    this.cancelChord();
    let done = false;
    return () => {
      if (!done) this.suspended--;
      done = true;
    };
  }

  /** Forgets a waiting chord (a click elsewhere, a dialog taking the keyboard). */
  cancelChord(): void {
    if (this.dispatcher.waiting) this.showStatus(null);
    this.dispatcher.cancel();
  }

  /** What the focused element tells the `when` clauses now. */
  contextNow(api: WorkbenchApi | null): WhenContext {
    const active = typeof document === 'undefined' ? null : document.activeElement;
    const language = api?.editor()?.getModel()?.getLanguageId() ?? null;
    return whenContextOf(active, { isMac: this.isMac, ...this.platform }, language);
  }

  /** Monaco handles its single strokes itself; its chords go through ours, so the two share Ctrl+K. */
  private dispatchItems(): BindingItem[] {
    return this.keybindings().items.filter((item) => item.source !== 'editor' || item.keys.length > 1);
  }

  private applies(item: BindingItem, context: WhenContext): boolean {
    if (item.source === 'editor') return context.editorFocus;
    // the terminal keeps Ctrl+K (readline's kill-line) from the default chords, as VS Code does with
    // terminal.integrated.allowChords off; a user's chord applies there as its `when` says
    if (item.source === 'default' && item.keys.length > 1 && context.terminalFocus) return false;
    return item.when === null || evaluateWhen(item.when, context);
  }

  private showStatus(message: string | null, clearAfterMs?: number): void {
    clearTimeout(this.statusTimer);
    this.chordStatus.set(message);
    if (message !== null && clearAfterMs !== undefined) {
      this.statusTimer = setTimeout(() => {
        if (this.chordStatus.value === message) this.chordStatus.set(null);
      }, clearAfterMs);
    }
  }

  private changed(): void {
    this.resolved = null;
    if (this.editorBindings) {
      const { removed } = this.keybindings();
      this.editorBindings.applyRemovals(removed.filter((item) => item.source === 'editor'));
    }
    this.changes.set(this.changes.value + 1);
  }
}
