// The workbench's behaviour, outside React: tabs, documents, dialogs, commands, notifications and the
// WorkbenchApi that features program against. Components render its state and call its methods.
import {
  type Disposable,
  type EngineClient,
  type FileChange,
  type PaBridge,
  PaError,
  type WorkspaceInfo,
} from '@pa/shared';
import { Documents } from '../editor/documents';
import { externalChangeAction } from '../editor/external-change';
import type { monaco } from '../editor/monaco';
import { baseName, parentOf, validateEntryName } from '../explorer/tree';
import type { CommandContribution, Contribution, ViewContribution, WorkbenchApi } from './contributions';
import { formatKeybinding, type Keybinding, type KeyStroke, matchesKeybinding, parseKeybinding } from './keybinding';
import { type Layout, parseLayout } from './layout';
import { Emitter, Observable } from './observable';
import { emptyTabs, type TabsAction, type TabsState, tabsReducer } from './tabs';

export const EXPLORER_VIEW = 'explorer';

export interface Toast {
  id: number;
  message: string;
  kind: 'info' | 'warning' | 'error';
}

export interface DialogButton {
  id: string;
  label: string;
  variant?: 'primary' | 'danger' | 'secondary';
}

export type Dialog =
  | { kind: 'confirm'; title: string; message: string; buttons: DialogButton[]; resolve(id: string | null): void }
  | {
      kind: 'prompt';
      title: string;
      value: string;
      placeholder?: string;
      confirmLabel: string;
      validate(value: string): string | null;
      resolve(value: string | null): void;
    };

export type Overlay = 'quickOpen' | 'palette' | 'openFolder' | null;

export interface WorkbenchState {
  /** False until the engine has said which workspace is open (so the welcome screen does not flash). */
  ready: boolean;
  workspace: WorkspaceInfo | null;
  tabs: TabsState;
  /** The side bar's view, null when the side bar is collapsed. */
  sideView: string | null;
  /** The right-hand panel's view, null when the panel is hidden. */
  panelView: string | null;
  sideWidth: number;
  panelWidth: number;
  cursor: { line: number; column: number; selected: number } | null;
  overlay: Overlay;
  dialog: Dialog | null;
  toasts: Toast[];
  /** Open files that changed or vanished on disk while modified in the editor. */
  diskWarnings: Record<string, 'changed' | 'deleted'>;
}

export interface RegisteredCommand extends CommandContribution {
  binding: Keybinding | null;
  /** The binding as this platform spells it, for menus and the palette. */
  shortcut: string | null;
}

const TOAST_MS = { info: 5000, warning: 8000, error: 10000 } as const;

const LAYOUT_KEY = 'pa.workbench.layout';

export type LayoutStorage = Pick<Storage, 'getItem' | 'setItem'>;

function defaultStorage(): LayoutStorage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null; // some embedders throw on access to localStorage
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof PaError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

export class WorkbenchController {
  readonly state: Observable<WorkbenchState>;
  readonly documents: Documents;
  readonly api: WorkbenchApi;
  readonly sideViews: ViewContribution[];
  readonly panelViews: ViewContribution[];
  readonly isMac: boolean;
  private readonly commands = new Map<string, RegisteredCommand>();
  private readonly activeFileChanged = new Emitter<string | null>();
  private readonly workspaceChanged = new Emitter<WorkspaceInfo | null>();
  readonly filesChanged = new Emitter<FileChange[]>();
  private editorInstance: monaco.editor.IStandaloneCodeEditor | null = null;
  private readonly viewStates = new Map<string, monaco.editor.ICodeEditorViewState | null>();
  private fileList: Promise<string[]> | null = null;
  private nextToastId = 1;
  private focusOnShow = true;

  constructor(
    readonly client: EngineClient,
    readonly bridge: PaBridge | null,
    private readonly features: Contribution[],
    options: { platform?: string; storage?: LayoutStorage | null } = {},
  ) {
    this.isMac = /mac/i.test(bridge?.platform ?? options.platform ?? navigator.platform);
    const views = features.flatMap((feature) => feature.views ?? []).sort((a, b) => a.order - b.order);
    this.sideViews = views.filter((view) => view.location === 'sidebar');
    this.panelViews = views.filter((view) => view.location === 'panel');
    const storage = options.storage === undefined ? defaultStorage() : options.storage;
    const known = new Set([EXPLORER_VIEW, ...views.map((view) => view.id)]);
    const layout = parseLayout(storage?.getItem(LAYOUT_KEY) ?? null, known);
    this.state = new Observable<WorkbenchState>({
      ready: false,
      workspace: null,
      tabs: emptyTabs,
      ...layout,
      cursor: null,
      overlay: null,
      dialog: null,
      toasts: [],
      diskWarnings: {},
    });
    if (storage) this.rememberLayout(storage, layout);
    this.documents = new Documents(client);
    this.documents.onDidChangeDirty.event(({ path, dirty }) => this.dispatchTabs({ type: 'setDirty', path, dirty }));
    this.api = this.createApi();
    this.registerBuiltInCommands();
    for (const feature of features) for (const command of feature.commands ?? []) this.registerCommand(command);
  }

  /** Connects to engine events and activates the features; the result undoes all of it. */
  start(): Disposable {
    const subscriptions: Disposable[] = [
      this.client.on('files.changed', ({ changes }) => this.handleExternalChanges(changes)),
      this.client.on('workspace.changed', ({ workspace }) => this.adoptWorkspace(workspace)),
    ];
    void this.refreshWorkspace();
    for (const feature of this.features) {
      try {
        const disposable = feature.activate?.(this.api);
        if (disposable) subscriptions.push(disposable);
      } catch (error) {
        this.notify(`The ${feature.id} feature failed to start: ${errorMessage(error)}`, 'error');
      }
    }
    return {
      dispose: () => {
        for (const subscription of subscriptions) subscription.dispose();
        this.documents.dispose();
      },
    };
  }

  /** Asks the engine again (after a reconnect the engine may have restarted with another folder). */
  async refreshWorkspace(): Promise<void> {
    try {
      const { workspace } = await this.client.call('workspace.current');
      this.adoptWorkspace(workspace);
    } catch (error) {
      this.notify(errorMessage(error), 'error');
    } finally {
      this.patch({ ready: true });
    }
  }

  private rememberLayout(storage: LayoutStorage, initial: Layout): void {
    let saved = JSON.stringify(initial);
    this.state.subscribe(() => {
      const { sideWidth, panelWidth, sideView, panelView } = this.state.value;
      const next = JSON.stringify({ sideWidth, panelWidth, sideView, panelView });
      if (next === saved) return;
      saved = next;
      try {
        storage.setItem(LAYOUT_KEY, next);
      } catch {
        // storage full or disabled (private mode): the layout simply is not remembered
      }
    });
  }

  // ---- state helpers -------------------------------------------------------------------------------------------

  patch(partial: Partial<WorkbenchState>): void {
    this.state.update((state) => ({ ...state, ...partial }));
  }

  private dispatchTabs(action: TabsAction): void {
    const before = this.state.value.tabs;
    const after = tabsReducer(before, action);
    if (after === before) return;
    this.patch({ tabs: after });
    if (after.active !== before.active) {
      this.showActiveInEditor(before.active);
      this.activeFileChanged.fire(after.active);
    }
  }

  // ---- editor ---------------------------------------------------------------------------------------------------

  /** The editor component hands over its Monaco instance; null when it unmounts. */
  attachEditor(editor: monaco.editor.IStandaloneCodeEditor | null): void {
    this.editorInstance = editor;
    if (editor) this.showActiveInEditor(null);
  }

  private showActiveInEditor(previous: string | null): void {
    const editor = this.editorInstance;
    if (!editor) return;
    if (previous && this.documents.get(previous)) this.viewStates.set(previous, editor.saveViewState());
    const active = this.state.value.tabs.active;
    const doc = active ? this.documents.get(active) : null;
    editor.setModel(doc?.model ?? null);
    // binary files are shown empty; typing there and saving would destroy them
    editor.updateOptions({ readOnly: doc?.binary ?? false });
    if (active && doc) {
      const viewState = this.viewStates.get(active);
      if (viewState) editor.restoreViewState(viewState);
      if (this.focusOnShow) editor.focus();
    }
    this.updateCursor();
  }

  updateCursor(): void {
    const editor = this.editorInstance;
    const position = editor?.getModel() ? editor.getPosition() : null;
    if (!editor || !position) {
      this.patch({ cursor: null });
      return;
    }
    const model = editor.getModel();
    const selected = (editor.getSelections() ?? []).reduce(
      (sum, selection) => sum + (model?.getValueLengthInRange(selection) ?? 0),
      0,
    );
    this.patch({ cursor: { line: position.lineNumber, column: position.column, selected } });
  }

  // ---- files and tabs -------------------------------------------------------------------------------------------

  /** `preserveFocus`: a single click in the explorer shows the file but leaves the keyboard in the tree. */
  async openFile(
    path: string,
    position?: { line: number; column?: number },
    options: { preserveFocus?: boolean } = {},
  ): Promise<void> {
    try {
      await this.documents.open(path);
    } catch (error) {
      this.notify(errorMessage(error), 'error');
      return;
    }
    this.focusOnShow = !options.preserveFocus;
    this.dispatchTabs({ type: 'open', path });
    this.focusOnShow = true;
    if (position && this.editorInstance && this.state.value.tabs.active === path) {
      const target = { lineNumber: position.line, column: position.column ?? 1 };
      this.editorInstance.setPosition(target);
      this.editorInstance.revealPositionInCenterIfOutsideViewport(target);
      this.editorInstance.focus();
    }
  }

  activateTab(path: string): void {
    this.dispatchTabs({ type: 'activate', path });
  }

  moveTab(path: string, toIndex: number): void {
    this.dispatchTabs({ type: 'move', path, toIndex });
  }

  /** Closes a tab, asking first when it has unsaved changes. Resolves false when the user cancelled. */
  async closeTab(path: string): Promise<boolean> {
    if (this.documents.isDirty(path)) {
      const choice = await this.confirm({
        title: `Save changes to ${baseName(path)}?`,
        message: 'Your changes will be lost if you close it without saving.',
        buttons: [
          { id: 'save', label: 'Save', variant: 'primary' },
          { id: 'discard', label: "Don't Save", variant: 'danger' },
          { id: 'cancel', label: 'Cancel', variant: 'secondary' },
        ],
      });
      if (choice === 'save' && !(await this.save(path))) return false;
      if (choice !== 'save' && choice !== 'discard') return false;
    }
    this.dispatchTabs({ type: 'close', path });
    this.documents.close(path);
    this.viewStates.delete(path);
    this.clearDiskWarning(path);
    return true;
  }

  /** Saves a file (the active one by default). Resolves true when it is on disk. */
  async save(path: string | null = this.state.value.tabs.active): Promise<boolean> {
    const doc = path ? this.documents.get(path) : null;
    if (!path || !doc) return false;
    if (doc.binary) {
      this.notify(`${baseName(path)} is a binary file; the editor does not save it.`, 'warning');
      return false;
    }
    try {
      const outcome = await this.documents.save(path);
      if (outcome.status === 'saved') {
        this.clearDiskWarning(path);
        return true;
      }
      const choice = await this.confirm({
        title: `${baseName(path)} changed on disk`,
        message: `${outcome.message} Overwrite it with your version, or reload it and lose your changes?`,
        buttons: [
          { id: 'overwrite', label: 'Overwrite', variant: 'danger' },
          { id: 'reload', label: 'Reload from disk', variant: 'secondary' },
          { id: 'cancel', label: 'Cancel', variant: 'secondary' },
        ],
      });
      if (choice === 'overwrite') {
        await this.documents.save(path, { overwrite: true });
        this.clearDiskWarning(path);
        return true;
      }
      if (choice === 'reload') await this.reloadFromDisk(path);
      return false;
    } catch (error) {
      this.notify(`Could not save ${path}: ${errorMessage(error)}`, 'error');
      return false;
    }
  }

  async saveAll(): Promise<void> {
    for (const tab of this.state.value.tabs.tabs) if (tab.dirty) await this.save(tab.path);
  }

  /** Replaces the editor's text with the disk's, keeping the view (cursor, scroll) where it was. */
  async reloadFromDisk(path: string): Promise<void> {
    const editor = this.editorInstance;
    const isShown = editor !== null && this.state.value.tabs.active === path;
    const viewState = isShown ? editor.saveViewState() : null;
    try {
      const changed = await this.documents.reload(path);
      if (changed && isShown && viewState) editor.restoreViewState(viewState);
      if (path in this.state.value.diskWarnings) this.focusEditorOn(path);
      this.clearDiskWarning(path);
    } catch (error) {
      this.notify(`Could not reload ${path}: ${errorMessage(error)}`, 'error');
    }
  }

  async keepMine(path: string): Promise<void> {
    await this.documents.acceptDiskVersionTime(path);
    this.clearDiskWarning(path);
    this.focusEditorOn(path);
  }

  /** A closed dialog leaves focus on nothing; give it back to the editor when a file is open. */
  private refocusEditor(): void {
    if (this.editorInstance?.getModel()) this.editorInstance.focus();
  }

  /** After a choice in a bar or dialog, typing goes back to the file it was about. */
  private focusEditorOn(path: string): void {
    if (this.state.value.tabs.active === path) this.editorInstance?.focus();
  }

  private clearDiskWarning(path: string): void {
    if (!(path in this.state.value.diskWarnings)) return;
    const { [path]: _removed, ...rest } = this.state.value.diskWarnings;
    this.patch({ diskWarnings: rest });
  }

  private handleExternalChanges(changes: FileChange[]): void {
    if (changes.some((change) => change.kind !== 'changed')) this.fileList = null;
    for (const change of changes) {
      if (!this.documents.get(change.path)) continue;
      const action = externalChangeAction(change.kind, this.documents.isDirty(change.path));
      if (action === 'reload') void this.reloadFromDisk(change.path);
      else {
        const kind = action === 'warnDeleted' ? 'deleted' : 'changed';
        this.patch({ diskWarnings: { ...this.state.value.diskWarnings, [change.path]: kind } });
      }
    }
    this.filesChanged.fire(changes);
  }

  /** Every file of the workspace for quick open, fetched once per workspace and refreshed when files come or go. */
  listFiles(): Promise<string[]> {
    this.fileList ??= this.client
      .call('files.tree', {})
      .then((tree) => tree.files)
      .catch((error: unknown) => {
        this.fileList = null;
        throw error;
      });
    return this.fileList;
  }

  // ---- explorer operations --------------------------------------------------------------------------------------

  async createEntry(dir: string, kind: 'file' | 'dir', siblings: string[]): Promise<string | null> {
    const name = await this.prompt({
      title: kind === 'file' ? 'New file' : 'New folder',
      placeholder: kind === 'file' ? 'name.ts or folder/name.ts' : 'folder name',
      value: '',
      confirmLabel: 'Create',
      validate: (value) => validateEntryName(value, siblings),
    });
    if (name === null) return null;
    const path = dir ? `${dir}/${name.trim()}` : name.trim();
    try {
      await this.client.call('files.create', { path, kind });
      this.fileList = null;
      if (kind === 'file') await this.openFile(path);
      return path;
    } catch (error) {
      this.notify(errorMessage(error), 'error');
      return null;
    }
  }

  async renameEntry(path: string, siblings: string[]): Promise<string | null> {
    const name = await this.prompt({
      title: `Rename ${baseName(path)}`,
      value: baseName(path),
      confirmLabel: 'Rename',
      validate: (value) =>
        value.trim() === baseName(path)
          ? null
          : validateEntryName(
              value,
              siblings.filter((s) => s !== baseName(path)),
            ),
    });
    if (name === null || name.trim() === baseName(path)) return null;
    const parent = parentOf(path);
    const to = parent ? `${parent}/${name.trim()}` : name.trim();
    try {
      await this.client.call('files.rename', { from: path, to });
      this.fileList = null;
      this.dispatchTabs({ type: 'rename', from: path, to });
      this.documents.rename(path, to);
      this.showActiveInEditor(null);
      return to;
    } catch (error) {
      this.notify(errorMessage(error), 'error');
      return null;
    }
  }

  async deleteEntry(path: string, kind: 'file' | 'dir'): Promise<boolean> {
    const choice = await this.confirm({
      title: `Delete ${baseName(path)}?`,
      message:
        kind === 'dir'
          ? `The folder "${path}" and everything in it will be deleted from disk.`
          : `"${path}" will be deleted from disk.`,
      buttons: [
        { id: 'delete', label: 'Delete', variant: 'danger' },
        { id: 'cancel', label: 'Cancel', variant: 'secondary' },
      ],
    });
    if (choice !== 'delete') return false;
    try {
      await this.client.call('files.delete', { path });
      this.fileList = null;
      // tabs first, so the editor lets go of a model before it is disposed
      this.dispatchTabs({ type: 'remove', path });
      for (const open of this.documents.paths()) {
        if (open === path || open.startsWith(`${path}/`)) {
          this.documents.close(open);
          this.viewStates.delete(open);
          this.clearDiskWarning(open);
        }
      }
      return true;
    } catch (error) {
      this.notify(errorMessage(error), 'error');
      return false;
    }
  }

  // ---- workspace ------------------------------------------------------------------------------------------------

  async openFolder(): Promise<void> {
    if (!this.bridge) {
      this.patch({ overlay: 'openFolder' });
      return;
    }
    const folder = await this.bridge.pickFolder();
    if (folder) await this.openWorkspace(folder);
  }

  async openWorkspace(path: string): Promise<boolean> {
    if (this.state.value.tabs.tabs.some((tab) => tab.dirty)) {
      const choice = await this.confirm({
        title: 'Unsaved changes',
        message: 'Some open files have unsaved changes. Save them before switching folders?',
        buttons: [
          { id: 'save', label: 'Save All', variant: 'primary' },
          { id: 'discard', label: "Don't Save", variant: 'danger' },
          { id: 'cancel', label: 'Cancel', variant: 'secondary' },
        ],
      });
      if (choice === 'save') await this.saveAll();
      else if (choice !== 'discard') return false;
    }
    try {
      const workspace = await this.client.call('workspace.open', { path });
      this.adoptWorkspace(workspace);
      return true;
    } catch (error) {
      this.notify(errorMessage(error), 'error');
      return false;
    }
  }

  private adoptWorkspace(workspace: WorkspaceInfo | null): void {
    const current = this.state.value.workspace;
    if (current?.root === workspace?.root) {
      if (current?.name !== workspace?.name) this.patch({ workspace });
      return;
    }
    this.documents.dispose();
    this.viewStates.clear();
    this.fileList = null;
    this.patch({ workspace, diskWarnings: {}, ready: true });
    for (const tab of this.state.value.tabs.tabs) this.dispatchTabs({ type: 'close', path: tab.path });
    this.workspaceChanged.fire(workspace);
  }

  // ---- views ----------------------------------------------------------------------------------------------------

  /** Activity bar click: shows the view, or collapses its area when it is already showing. */
  toggleView(id: string): void {
    const state = this.state.value;
    if (this.panelViews.some((view) => view.id === id)) {
      this.patch({ panelView: state.panelView === id ? null : id });
    } else {
      this.patch({ sideView: state.sideView === id ? null : id });
    }
  }

  showView(id: string): void {
    if (this.panelViews.some((view) => view.id === id)) this.patch({ panelView: id });
    else if (id === EXPLORER_VIEW || this.sideViews.some((view) => view.id === id)) this.patch({ sideView: id });
  }

  // ---- dialogs and notifications --------------------------------------------------------------------------------

  confirm(options: { title: string; message: string; buttons: DialogButton[] }): Promise<string | null> {
    return new Promise((resolve) => {
      this.patch({
        dialog: {
          kind: 'confirm',
          ...options,
          resolve: (id) => {
            this.patch({ dialog: null });
            this.refocusEditor();
            resolve(id);
          },
        },
      });
    });
  }

  prompt(options: {
    title: string;
    value: string;
    placeholder?: string;
    confirmLabel: string;
    validate(value: string): string | null;
  }): Promise<string | null> {
    return new Promise((resolve) => {
      this.patch({
        dialog: {
          kind: 'prompt',
          ...options,
          resolve: (value) => {
            this.patch({ dialog: null });
            this.refocusEditor();
            resolve(value);
          },
        },
      });
    });
  }

  notify(message: string, kind: Toast['kind'] = 'info'): void {
    const toast = { id: this.nextToastId++, message, kind };
    this.patch({ toasts: [...this.state.value.toasts, toast].slice(-5) });
    setTimeout(() => this.dismissToast(toast.id), TOAST_MS[kind]);
  }

  dismissToast(id: number): void {
    this.patch({ toasts: this.state.value.toasts.filter((toast) => toast.id !== id) });
  }

  // ---- commands -------------------------------------------------------------------------------------------------

  registerCommand(command: CommandContribution): void {
    let binding: Keybinding | null = null;
    try {
      binding = command.keybinding ? parseKeybinding(command.keybinding, this.isMac) : null;
    } catch (error) {
      console.error(error);
    }
    this.commands.set(command.id, {
      ...command,
      binding,
      shortcut: binding ? formatKeybinding(binding, this.isMac) : null,
    });
  }

  listCommands(): RegisteredCommand[] {
    return [...this.commands.values()];
  }

  shortcutFor(id: string): string | null {
    return this.commands.get(id)?.shortcut ?? null;
  }

  runCommand(id: string): void {
    const command = this.commands.get(id);
    if (!command) {
      this.notify(`No command "${id}".`, 'warning');
      return;
    }
    try {
      const result = command.run(this.api);
      if (result instanceof Promise) result.catch((error: unknown) => this.notify(errorMessage(error), 'error'));
    } catch (error) {
      this.notify(errorMessage(error), 'error');
    }
  }

  /** Runs the command bound to a key stroke. Returns true when one ran (the caller then prevents the default). */
  handleKey(stroke: KeyStroke): boolean {
    if (this.state.value.dialog) return false;
    for (const command of this.commands.values()) {
      if (command.binding && matchesKeybinding(command.binding, stroke)) {
        this.runCommand(command.id);
        return true;
      }
    }
    return false;
  }

  private registerBuiltInCommands(): void {
    const builtIn: CommandContribution[] = [
      { id: 'workbench.save', title: 'File: Save', keybinding: 'Mod+S', run: () => void this.save() },
      { id: 'workbench.saveAll', title: 'File: Save All', keybinding: 'Mod+Alt+S', run: () => this.saveAll() },
      {
        id: 'workbench.quickOpen',
        title: 'Go to File…',
        keybinding: 'Mod+P',
        run: () => this.patch({ overlay: 'quickOpen' }),
      },
      {
        id: 'workbench.commandPalette',
        title: 'Show All Commands',
        keybinding: 'Mod+Shift+P',
        run: () => this.patch({ overlay: 'palette' }),
      },
      { id: 'workbench.openFolder', title: 'File: Open Folder…', keybinding: 'Mod+O', run: () => this.openFolder() },
      {
        id: 'workbench.closeEditor',
        title: 'View: Close Editor',
        keybinding: 'Alt+W',
        run: () => {
          const active = this.state.value.tabs.active;
          if (active) void this.closeTab(active);
        },
      },
      {
        id: 'workbench.toggleSidebar',
        title: 'View: Toggle Side Bar',
        keybinding: 'Mod+B',
        run: () => this.patch({ sideView: this.state.value.sideView ? null : EXPLORER_VIEW }),
      },
      {
        id: 'workbench.togglePanel',
        title: 'View: Toggle Panel',
        keybinding: 'Mod+J',
        run: () => {
          const first = this.panelViews[0];
          this.patch({ panelView: this.state.value.panelView ? null : (first?.id ?? null) });
        },
      },
      {
        id: 'workbench.showExplorer',
        title: 'View: Show Explorer',
        keybinding: 'Mod+Shift+E',
        run: () => this.showView(EXPLORER_VIEW),
      },
    ];
    for (const command of builtIn) this.registerCommand(command);
  }

  private createApi(): WorkbenchApi {
    return {
      client: this.client,
      workspace: () => this.state.value.workspace,
      openFile: (path, position) => this.openFile(path, position),
      activeFile: () => this.state.value.tabs.active,
      editor: () => (this.editorInstance?.getModel() ? this.editorInstance : null),
      model: (path) => this.documents.get(path)?.model ?? null,
      onDidChangeActiveFile: (listener) => this.activeFileChanged.event(listener),
      onDidOpenModel: (listener) => this.documents.onDidOpenModel.event(({ path, model }) => listener(path, model)),
      onDidChangeWorkspace: (listener) => this.workspaceChanged.event(listener),
      showView: (id) => this.showView(id),
      notify: (message, kind) => this.notify(message, kind),
      runCommand: (id) => this.runCommand(id),
    };
  }
}
