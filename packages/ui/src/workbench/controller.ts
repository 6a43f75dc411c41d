// The workbench's behaviour, outside React: tabs and documents, outside changes, the workspace, views, and the
// WorkbenchApi that features program against (commands, toasts and dialogs live in their own modules).
// Components render its state and call its methods.
import {
  type BufferBackup,
  type Disposable,
  type EditorSession,
  type EngineClient,
  ErrorCode,
  errorMessage,
  type FileChange,
  MAX_BACKUP_CHARS,
  type PaBridge,
  PaError,
  type WorkspaceInfo,
} from '@pa/shared';
import { Documents } from '../editor/documents';
import { externalChangeAction } from '../editor/external-change';
import { readWholeFile } from '../editor/file-transfer';
import { fileModelFactory } from '../editor/models';
import { monaco } from '../editor/monaco';
import { baseName } from '../explorer/tree';
import { isImagePath } from '../preview/image-types';
import { SettingsStore } from '../settings/settings-store';
import { AutoSave } from './auto-save';
import { builtInCommands } from './builtin-commands';
import { CommandRegistry, type RegisteredCommand } from './commands';
import type { Contribution, EditorContribution, ViewContribution, WorkbenchApi } from './contributions';
import {
  activeGroup,
  allTabs,
  type GroupsAction,
  type GroupsState,
  groupsReducer,
  groupsShowing,
  initialGroups,
  neighbourGroup,
  restoredGroups,
  type SplitSide,
  sessionLayout,
} from './editor-groups';
import { editorTabPath, isFileTab, parseEditorTab } from './editor-input';
import { HotExit, type PageStorage } from './hot-exit';
import type { KeyStroke } from './keybinding';
import { EXPLORER_VIEW, type Layout, parseLayout } from './layout';
import { Notifications, type Toast } from './notifications';
import { Emitter, Observable } from './observable';
import { type ConfirmOptions, type PromptOptions, Prompts } from './prompts';
import { type CloseScope, emptyTabs, type TabsState, tabsToClose } from './tabs';

export { EXPLORER_VIEW } from './layout';

/** How a file opens: `preserveFocus` leaves the keyboard where it is; `preview` opens it in the preview tab. */
export interface OpenOptions {
  preserveFocus?: boolean;
  preview?: boolean;
}

/** The Format Document command (contributed by the language feature) that format on save runs. */
export const FORMAT_DOCUMENT_COMMAND = 'editor.action.formatDocument';

export type Overlay = 'quickOpen' | 'palette' | 'openFolder' | null;

export interface WorkbenchState {
  /** False until the engine has said which workspace is open (so the welcome screen does not flash). */
  ready: boolean;
  workspace: WorkspaceInfo | null;
  /** The split editor: its groups, each with its tabs, and the active group (editor-groups.ts). */
  groups: GroupsState;
  /** Every open tab once, the active group's active tab active: derived from `groups`, read by most of the UI. */
  tabs: TabsState;
  /** The side bar's view, null when the side bar is collapsed. */
  sideView: string | null;
  /** The right-hand panel's view, null when the panel is hidden. */
  panelView: string | null;
  sideWidth: number;
  panelWidth: number;
  /** The bottom panel's view, null when the bottom panel is hidden. */
  bottomView: string | null;
  bottomHeight: number;
  cursor: { line: number; column: number; selected: number } | null;
  overlay: Overlay;
  /**
   * Open files that changed or vanished on disk while modified in the editor; `backupChanged`: a restored backup
   * of unsaved text whose file changed on disk since it was backed up (keep it or discard it).
   */
  diskWarnings: Record<string, 'changed' | 'deleted' | 'backupChanged'>;
  /** "Compare" on a restored backup whose file changed on disk: the disk's text, shown against the unsaved one. */
  diskCompare: { path: string; disk: string } | null;
}

const LAYOUT_KEY = 'pa.workbench.layout';
/** The preview feature's image editor (preview/index.tsx), which openFile routes images to. */
const IMAGE_PREVIEW_EDITOR = 'image.preview';

export type LayoutStorage = Pick<Storage, 'getItem' | 'setItem'>;

function defaultStorage(): LayoutStorage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null; // some embedders throw on access to localStorage
  }
}

/** The engine's question when it wants the user to confirm opening a folder (E_FORBIDDEN confirm_required). */
export function confirmationAsked(error: unknown): string | null {
  if (!(error instanceof PaError) || error.code !== ErrorCode.FORBIDDEN) return null;
  const data = error.data as { reason?: unknown } | null | undefined;
  return data?.reason === 'confirm_required' ? error.message : null;
}

export class WorkbenchController {
  readonly state: Observable<WorkbenchState>;
  readonly documents: Documents;
  readonly api: WorkbenchApi;
  readonly sideViews: ViewContribution[];
  readonly panelViews: ViewContribution[];
  readonly bottomViews: ViewContribution[];
  /** The editors features contribute (settings, previews), by id: shown in tabs instead of Monaco. */
  readonly editors: ReadonlyMap<string, EditorContribution>;
  readonly isMac: boolean;
  readonly commands: CommandRegistry;
  readonly notifications = new Notifications();
  readonly prompts = new Prompts(() => this.refocusEditor());
  private readonly activeFileChanged = new Emitter<string | null>();
  private readonly workspaceChanged = new Emitter<WorkspaceInfo | null>();
  readonly filesChanged = new Emitter<FileChange[]>();
  /** Each editor group's Monaco editor, by group id; all of them show models from the same Documents. */
  private readonly groupEditors = new Map<number, monaco.editor.IStandaloneCodeEditor>();
  /** Cursor and scroll of each file (by path) in each group (by id): a file in two groups keeps two views. */
  private readonly viewStates = new Map<string, Map<number, monaco.editor.ICodeEditorViewState | null>>();
  private fileList: Promise<string[]> | null = null;
  private focusOnShow = true;
  /** Hot exit: unsaved buffers and the session backed up in the engine (hot-exit.ts). */
  readonly hotExit: HotExit;
  /** The auto-save setting (off by default), for every file alike. */
  readonly autoSave: AutoSave;
  /** The settings files as the engine reads them, and what applies (editors, auto-save, theme, zoom). */
  readonly settings: SettingsStore;
  /** Cursors of restored tabs not shown yet: set when the tab is first shown. */
  private readonly restoredPositions = new Map<string, { line: number; column: number }>();

  constructor(
    readonly client: EngineClient,
    readonly bridge: PaBridge | null,
    private readonly features: Contribution[],
    options: { platform?: string; storage?: LayoutStorage | null; pageStorage?: PageStorage | null } = {},
  ) {
    this.isMac = /mac/i.test(bridge?.platform ?? options.platform ?? navigator.platform);
    const views = features.flatMap((feature) => feature.views ?? []).sort((a, b) => a.order - b.order);
    this.sideViews = views.filter((view) => view.location === 'sidebar');
    this.panelViews = views.filter((view) => view.location === 'panel');
    this.bottomViews = views.filter((view) => view.location === 'bottom');
    this.editors = new Map(features.flatMap((feature) => feature.editors ?? []).map((editor) => [editor.id, editor]));
    const storage = options.storage === undefined ? defaultStorage() : options.storage;
    const known = new Set([EXPLORER_VIEW, ...views.map((view) => view.id)]);
    const layout = parseLayout(storage?.getItem(LAYOUT_KEY) ?? null, known);
    this.state = new Observable<WorkbenchState>({
      ready: false,
      workspace: null,
      groups: initialGroups,
      tabs: emptyTabs,
      ...layout,
      cursor: null,
      overlay: null,
      diskWarnings: {},
      diskCompare: null,
    });
    if (storage) this.rememberLayout(storage, layout);
    this.documents = new Documents(client, fileModelFactory(monaco));
    this.documents.onDidChangeDirty.event(({ path, dirty }) =>
      this.dispatchGroups({ type: 'everywhere', action: { type: 'setDirty', path, dirty } }),
    );
    this.hotExit = new HotExit(
      {
        client,
        workspaceRoot: () => this.state.value.workspace?.root ?? null,
        unsaved: (path) => this.unsavedBuffer(path),
        dirtyPaths: () => this.documents.paths().filter((path) => this.documents.isDirty(path)),
        session: () => this.session(),
      },
      options.pageStorage === undefined ? (defaultStorage() as PageStorage | null) : options.pageStorage,
    );
    // saved, or undone back to the disk's text: nothing left to back up
    this.documents.onDidChangeDirty.event(({ path, dirty }) => {
      if (!dirty) this.hotExit.forget(path);
    });
    this.autoSave = new AutoSave({
      storage: storage ?? null,
      save: (path) => this.save(path),
      isDirty: (path) => this.documents.isDirty(path),
    });
    this.settings = new SettingsStore(client, (message, kind) => this.notify(message, kind));
    this.documents.onDidOpenModel.event(({ path, model }) => {
      model.onDidChangeContent(() => {
        this.hotExit.changed(path);
        this.autoSave.changed(path);
      });
    });
    const platform = bridge?.platform ?? options.platform ?? navigator.platform;
    this.commands = new CommandRegistry(this.isMac, (message, kind) => this.notify(message, kind), {
      isWindows: /^win/i.test(platform),
      isWeb: bridge === null,
    });
    this.api = this.createApi();
    for (const command of builtInCommands(this)) this.commands.register(command);
    for (const feature of features) for (const command of feature.commands ?? []) this.commands.register(command);
  }

  /** Connects to engine events and activates the features; the result undoes all of it. */
  start(): Disposable {
    const subscriptions: Disposable[] = [
      this.client.on('files.changed', ({ changes }) => this.handleExternalChanges(changes)),
      this.client.on('workspace.changed', ({ workspace }) => this.adoptWorkspace(workspace)),
    ];
    void this.refreshWorkspace();
    subscriptions.push(this.settings.start());
    const followAutoSave = () => {
      const settings = this.settings.effective.value;
      this.autoSave.configure(settings['files.autoSave'] === 'afterDelay', settings['files.autoSaveDelay']);
    };
    const stopAutoSave = this.settings.snapshot.subscribe(followAutoSave);
    subscriptions.push({ dispose: stopAutoSave });
    // Electron's menu items arrive as a DOM event from the preload (apps/desktop/src/channels.ts)
    if (typeof window !== 'undefined') {
      const onMenuCommand = (event: Event) => {
        const id = (event as CustomEvent<unknown>).detail;
        if (typeof id === 'string') this.runCommand(id);
      };
      window.addEventListener('pa:command', onMenuCommand);
      subscriptions.push({ dispose: () => window.removeEventListener('pa:command', onMenuCommand) });
    }
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
        this.hotExit.dispose();
        this.autoSave.dispose();
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
      const { sideWidth, panelWidth, sideView, panelView, bottomHeight, bottomView } = this.state.value;
      const next = JSON.stringify({ sideWidth, panelWidth, sideView, panelView, bottomHeight, bottomView });
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

  private dispatchGroups(action: GroupsAction): void {
    const before = this.state.value.groups;
    this.applyGroups(groupsReducer(before, action), action.type === 'everywhere' && action.action.type === 'rename');
  }

  /**
   * Puts a new layout in place: each group's editor shows its group's active tab, and a file no group shows any
   * more is let go of (its model disposed), except while a rename moves it (the documents follow on their own).
   */
  private applyGroups(after: GroupsState, renaming = false): void {
    const before = this.state.value.groups;
    if (after === before) return;
    const tabsBefore = this.state.value.tabs;
    this.patch({ groups: after, tabs: allTabs(after) });
    this.hotExit.sessionChanged();
    for (const group of after.groups) {
      const previous = before.groups.find((candidate) => candidate.id === group.id)?.tabs.active ?? null;
      const shown = this.groupEditors.get(group.id)?.getModel() ?? null;
      const wanted = group.tabs.active ? (this.documents.get(group.tabs.active)?.model ?? null) : null;
      if (previous !== group.tabs.active || shown !== wanted) this.showInGroup(group.id, previous);
    }
    if (after.active !== before.active) {
      const editor = this.groupEditors.get(after.active);
      if (this.focusOnShow && editor?.getModel()) editor.focus();
      this.updateCursor();
    }
    if (!renaming) {
      const kept = new Set(after.groups.flatMap((group) => group.tabs.tabs.map((tab) => tab.path)));
      for (const tab of tabsBefore.tabs) if (!kept.has(tab.path)) this.release(tab.path);
    }
    const active = this.state.value.tabs.active;
    if (active !== tabsBefore.active) this.activeFileChanged.fire(active !== null && isFileTab(active) ? active : null);
  }

  /** No tab shows the file any more: its model, views and warnings go (its backup stays until it is saved). */
  private release(path: string): void {
    this.documents.close(path);
    this.viewStates.delete(path);
    this.clearDiskWarning(path);
  }

  // ---- editor ---------------------------------------------------------------------------------------------------

  /** The active group's editor: where files open, what the status bar and features read. */
  private get editorInstance(): monaco.editor.IStandaloneCodeEditor | null {
    return this.groupEditors.get(this.state.value.groups.active) ?? null;
  }

  /** Every group's editor (settings applied to editor options reach all of them). */
  editorInstances(): monaco.editor.IStandaloneCodeEditor[] {
    return [...this.groupEditors.values()];
  }

  /** A group's editor component hands over its Monaco instance; null when it unmounts. */
  attachEditor(group: number, editor: monaco.editor.IStandaloneCodeEditor | null): void {
    if (editor) {
      this.groupEditors.set(group, editor);
      this.showInGroup(group, null);
    } else this.groupEditors.delete(group);
  }

  private showInGroup(id: number, previous: string | null): void {
    const editor = this.groupEditors.get(id);
    const group = this.state.value.groups.groups.find((candidate) => candidate.id === id);
    if (!editor || !group) return;
    if (previous && this.documents.get(previous) && editor.getModel()) {
      const views = this.viewStates.get(previous) ?? new Map();
      views.set(id, editor.saveViewState());
      this.viewStates.set(previous, views);
    }
    const active = group.tabs.active;
    const doc = active ? this.documents.get(active) : null;
    editor.setModel(doc?.model ?? null);
    // binary files are shown empty; typing there and saving would destroy them
    editor.updateOptions({ readOnly: doc?.binary ?? false });
    if (active && doc) {
      const viewState = this.viewStates.get(active)?.get(id);
      const restored = this.restoredPositions.get(active);
      if (viewState) editor.restoreViewState(viewState);
      else if (restored) {
        const position = { lineNumber: restored.line, column: restored.column };
        editor.setPosition(position);
        editor.revealPositionInCenterIfOutsideViewport(position);
      }
      this.restoredPositions.delete(active);
      if (this.focusOnShow && id === this.state.value.groups.active) editor.focus();
    }
    if (id === this.state.value.groups.active) this.updateCursor();
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
    this.hotExit.sessionChanged();
  }

  // ---- hot exit -------------------------------------------------------------------------------------------------

  private unsavedBuffer(path: string): { content: string; mtimeMs: number | null } | null {
    const doc = this.documents.get(path);
    if (!doc || doc.binary || !this.documents.isDirty(path)) return null;
    // too big to back up: not copied out of the model at every pause in typing (the page asks before it unloads)
    if (doc.model.getValueLength() > MAX_BACKUP_CHARS) return null;
    return { content: doc.model.getValue(), mtimeMs: doc.mtimeMs };
  }

  /**
   * The open tabs with their cursors (a shown one's from its editor, the others' from their saved view) and the
   * split editor's layout.
   */
  private session(): EditorSession {
    const { groups } = this.state.value;
    const { tabs, active } = this.state.value.tabs;
    const shownAt = (path: string) => {
      for (const group of [activeGroup(groups), ...groups.groups]) {
        const editor = this.groupEditors.get(group.id);
        if (group.tabs.active === path && editor?.getModel()) return editor.getPosition();
      }
      return null;
    };
    return {
      active,
      tabs: tabs.map(({ path }) => {
        const shown = shownAt(path);
        const saved = [...(this.viewStates.get(path)?.values() ?? [])].find(Boolean)?.cursorState[0]?.position;
        const position = shown
          ? { line: shown.lineNumber, column: shown.column }
          : saved
            ? { line: saved.lineNumber, column: saved.column }
            : (this.restoredPositions.get(path) ?? { line: 1, column: 1 });
        return { path, ...position };
      }),
      layout: sessionLayout(groups),
    };
  }

  /** Reopens the workspace's last tabs with their unsaved text (marked dirty) and cursors. */
  private async restoreSession(root: string): Promise<void> {
    let restored: Awaited<ReturnType<HotExit['restore']>>;
    try {
      restored = await this.hotExit.restore();
    } catch (error) {
      this.notify(`Could not restore the last session's tabs: ${errorMessage(error)}`, 'warning');
      return;
    }
    const { session, backups } = restored;
    const stillHere = () => this.state.value.workspace?.root === root;
    const byPath = new Map(backups.map((backup) => [backup.path, backup]));
    for (const tab of session?.tabs ?? []) this.restoredPositions.set(tab.path, tab);
    const paths = [...new Set([...(session?.tabs ?? []).map((tab) => tab.path), ...byPath.keys()])];
    const gone: BufferBackup[] = [];
    const opened: string[] = [];
    const dirty: string[] = [];
    for (const path of paths) {
      const editor = parseEditorTab(path);
      if (editor) {
        // a contributed editor's tab (settings, a preview) comes back when its feature is still here
        if (this.editors.has(editor.editorId)) opened.push(path);
        continue;
      }
      const backup = byPath.get(path);
      try {
        await this.documents.open(path);
      } catch {
        if (backup) gone.push(backup); // a closed tab's file that went is just not reopened
        continue;
      }
      if (!stillHere()) return;
      opened.push(path);
      // the text goes in before the editor shows the model, so the restored cursor is not moved by the edit
      if (backup && this.applyBackup(path, backup)) dirty.push(path);
    }
    if (!stillHere()) return;
    // the groups come back as they were (an older session without a layout: one group), files that went left out
    this.focusOnShow = false;
    this.applyGroups(restoredGroups(session?.layout ?? null, opened, session?.active ?? null, this.state.value.groups));
    for (const path of dirty)
      this.dispatchGroups({ type: 'everywhere', action: { type: 'setDirty', path, dirty: true } });
    this.focusOnShow = true;
    for (const backup of gone) if (stillHere()) await this.offerDeletedBackup(backup);
  }

  /** Puts a backup's text into the open document; false when that leaves it clean (the disk holds it). */
  private applyBackup(path: string, backup: BufferBackup): boolean {
    const doc = this.documents.get(path);
    if (!doc) return false;
    if (doc.model.getValue() !== backup.content) {
      // an edit, so Ctrl+Z goes back to the disk's text
      doc.model.pushEditOperations([], [{ range: doc.model.getFullModelRange(), text: backup.content }], () => null);
    }
    if (!this.documents.isDirty(path)) {
      this.hotExit.forget(path); // the disk already holds it
      return false;
    }
    if (backup.disk === 'changed') {
      // saving must not silently overwrite what changed on disk: the old time makes Save ask
      doc.mtimeMs = backup.mtimeMs ?? 0;
      this.patch({ diskWarnings: { ...this.state.value.diskWarnings, [path]: 'backupChanged' } });
    }
    return true;
  }

  /** A backed-up buffer whose file is gone from disk: write it back as a new file, or discard it. */
  private async offerDeletedBackup(backup: BufferBackup): Promise<void> {
    const choice = await this.confirm({
      title: `${baseName(backup.path)} is no longer on disk`,
      message: `You had unsaved changes in ${backup.path}, backed up before the editor closed, and the file has since been deleted. Restore them as a new file, or discard them?`,
      buttons: [
        { id: 'restore', label: 'Restore File', variant: 'primary' },
        { id: 'discard', label: 'Discard Changes', variant: 'danger' },
      ],
    });
    if (choice !== 'restore') {
      if (choice === 'discard') this.hotExit.forget(backup.path);
      return; // dismissed: the backup stays for the next time
    }
    try {
      await this.client.call('files.create', { path: backup.path, kind: 'file', content: backup.content });
      this.hotExit.forget(backup.path);
      await this.openFile(backup.path);
    } catch (error) {
      this.notify(`Could not restore ${backup.path}: ${errorMessage(error)} Its backup is kept.`, 'error');
    }
  }

  /** "Compare" on a restored backup whose file changed on disk: reads the disk's text to show beside the unsaved. */
  async compareWithDisk(path: string): Promise<void> {
    try {
      const disk = await readWholeFile(this.client, path);
      this.patch({ diskCompare: { path, disk: disk.content } });
    } catch (error) {
      this.notify(`Could not read ${path} from disk to compare: ${errorMessage(error)}`, 'error');
    }
  }

  closeCompare(): void {
    if (this.state.value.diskCompare) this.patch({ diskCompare: null });
  }

  /** "Discard mine" on a restored backup whose file changed on disk: the disk's text, the backup gone. */
  async discardBackup(path: string): Promise<void> {
    this.hotExit.forget(path);
    await this.reloadFromDisk(path);
  }

  // ---- files and tabs -------------------------------------------------------------------------------------------

  /**
   * Opens a file in the active group. `preserveFocus`: a single click in the explorer shows the file but leaves the
   * keyboard in the tree; `preview`: in the group's preview tab, which the next preview replaces.
   */
  async openFile(path: string, position?: { line: number; column?: number }, options: OpenOptions = {}): Promise<void> {
    // an image opens in the image preview (the preview feature's editor), not as an empty "binary file" tab
    if (isImagePath(path) && this.editors.has(IMAGE_PREVIEW_EDITOR)) {
      this.openEditor(IMAGE_PREVIEW_EDITOR, path, options);
      return;
    }
    try {
      await this.documents.open(path);
    } catch (error) {
      this.notify(errorMessage(error), 'error');
      return;
    }
    this.openTab(path, options);
    // a document a feature edited before it had a tab (rename across files) shows dirty from the start
    if (this.documents.isDirty(path)) {
      this.dispatchGroups({ type: 'everywhere', action: { type: 'setDirty', path, dirty: true } });
    }
    if (position && this.editorInstance && this.state.value.tabs.active === path) {
      const target = { lineNumber: position.line, column: position.column ?? 1 };
      this.editorInstance.setPosition(target);
      this.editorInstance.revealPositionInCenterIfOutsideViewport(target);
      this.editorInstance.focus();
    }
  }

  /** Reads a file into an open document without showing a tab (WorkbenchApi.openDocument). */
  async openDocument(path: string): Promise<monaco.editor.ITextModel | null> {
    try {
      return (await this.documents.open(path)).model;
    } catch (error) {
      this.notify(errorMessage(error), 'error');
      return null;
    }
  }

  /** Opens (or focuses) the tab of an editor a feature contributed, showing `resource`. */
  openEditor(editorId: string, resource = '', options: OpenOptions = {}): void {
    if (!this.editors.has(editorId)) {
      this.notify(`No editor "${editorId}" is installed.`, 'error');
      return;
    }
    this.openTab(editorTabPath(editorId, resource), options);
  }

  private openTab(path: string, options: OpenOptions, at?: { group: number; index: number; pinned: boolean }): void {
    this.focusOnShow = !options.preserveFocus;
    this.dispatchGroups({
      type: 'tabs',
      group: at?.group,
      action: { type: 'open', path, preview: options.preview, index: at?.index, pinned: at?.pinned },
    });
    this.focusOnShow = true;
  }

  /** What a tab shows as its name: the file's name, or the contributed editor's title. */
  tabTitle(path: string): string {
    const tab = parseEditorTab(path);
    if (!tab) return baseName(path);
    return this.editors.get(tab.editorId)?.title(tab.resource) ?? tab.editorId;
  }

  /** Shows a tab of a group (the active group by default) and makes that group the active one. */
  activateTab(path: string, group?: number): void {
    this.dispatchGroups({ type: 'tabs', group, action: { type: 'activate', path } });
  }

  /** A tab dragged along a strip, or onto another group's strip (`index` left out: at its end). */
  moveTab(path: string, toIndex?: number, from = this.state.value.groups.active, to = from): void {
    this.dispatchGroups({ type: 'moveTab', from, to, path, index: toIndex });
  }

  /** Double click on a preview tab, or its file in the explorer: it stays open. */
  keepTab(path: string, group = this.state.value.groups.active): void {
    this.dispatchGroups({ type: 'tabs', group, action: { type: 'keep', path } });
  }

  pinTab(path: string, pinned: boolean, group = this.state.value.groups.active): void {
    this.dispatchGroups({ type: 'tabs', group, action: { type: 'pin', path, pinned } });
  }

  // ---- editor groups --------------------------------------------------------------------------------------------

  /**
   * Split Editor Right/Down: the active group's tab (or `path` of `group`) is shown in a new group beside it (or
   * beside the group `beside`) too. `move`: it leaves its group instead (a tab dropped on a group's edge).
   */
  splitEditor(side: SplitSide, options: { group?: number; path?: string; move?: boolean; beside?: number } = {}): void {
    const group = options.group ?? this.state.value.groups.active;
    const source = this.state.value.groups.groups.find((candidate) => candidate.id === group);
    const path = options.path ?? source?.tabs.active ?? null;
    if (path === null) return;
    this.dispatchGroups({ type: 'split', group, path, side, move: options.move, beside: options.beside });
  }

  /** Move Editor into Right/Left Group: into the neighbour, or a new group on that side when there is none. */
  moveEditorToGroup(step: 1 | -1): void {
    const { groups } = this.state.value;
    const path = activeGroup(groups).tabs.active;
    if (path === null) return;
    const index = groups.groups.findIndex((group) => group.id === groups.active);
    const neighbour = groups.groups[index + step];
    if (neighbour) this.moveTab(path, undefined, groups.active, neighbour.id);
    else
      this.splitEditor(
        step === 1 ? (groups.orientation === 'row' ? 'right' : 'down') : groups.orientation === 'row' ? 'left' : 'up',
        { move: true },
      );
  }

  focusGroup(id: number): void {
    this.dispatchGroups({ type: 'focus', group: id });
  }

  /** Ctrl+1/2/3: the Nth group; one past the last splits the active editor into it, as VS Code does. */
  focusGroupAt(position: number): void {
    const { groups } = this.state.value;
    const group = groups.groups[position - 1];
    if (group) {
      this.focusGroup(group.id);
      this.groupEditors.get(group.id)?.focus();
    } else if (position === groups.groups.length + 1) this.splitEditor(groups.orientation === 'row' ? 'right' : 'down');
  }

  focusNeighbourGroup(step: 1 | -1): void {
    const id = neighbourGroup(this.state.value.groups, step);
    this.focusGroup(id);
    this.groupEditors.get(id)?.focus();
  }

  resizeGroups(sizes: number[]): void {
    this.dispatchGroups({ type: 'resize', sizes });
  }

  /** Reopen Closed Editor: the last closed tab, back in its group (the active one if that went) at its place. */
  async reopenClosedEditor(): Promise<void> {
    const { groups } = this.state.value;
    const entry = groups.closed.at(-1);
    if (!entry) return;
    this.dispatchGroups({ type: 'popClosed' });
    const editor = parseEditorTab(entry.path);
    if (editor && !this.editors.has(editor.editorId)) return;
    if (!editor) {
      try {
        await this.documents.open(entry.path);
      } catch (error) {
        this.notify(`Could not reopen ${entry.path}: ${errorMessage(error)}`, 'error');
        return;
      }
    }
    const group = this.state.value.groups.groups.some((candidate) => candidate.id === entry.group)
      ? entry.group
      : this.state.value.groups.active;
    this.openTab(entry.path, {}, { group, index: entry.index, pinned: entry.pinned });
  }

  /** Close Others / to the Right / Saved / All of a group's tab menu; stops when the user cancels a save prompt. */
  async closeTabs(scope: CloseScope, path: string, group = this.state.value.groups.active): Promise<void> {
    const tabs = this.state.value.groups.groups.find((candidate) => candidate.id === group)?.tabs;
    if (!tabs) return;
    for (const closing of tabsToClose(tabs, scope, path)) if (!(await this.closeTab(closing, group))) return;
  }

  /** A tab's path for the clipboard: relative to the workspace, or absolute. */
  tabPath(path: string, relative: boolean): string {
    const root = this.state.value.workspace?.root;
    if (relative || !root) return path;
    const separator = root.includes('\\') && !root.includes('/') ? '\\' : '/';
    return `${root.replace(/[\\/]+$/, '')}${separator}${separator === '/' ? path : path.replaceAll('/', '\\')}`;
  }

  /** Reveal in Explorer: the tab's file becomes the active one (the explorer reveals that) and the explorer shows. */
  revealInExplorer(path: string, group = this.state.value.groups.active): void {
    this.activateTab(path, group);
    this.showView(EXPLORER_VIEW);
  }

  /**
   * Closes a tab (in the active group, or `group`), asking first when it has unsaved changes no other group shows.
   * Resolves false when the user cancelled.
   */
  async closeTab(path: string, group?: number): Promise<boolean> {
    const groups = this.state.value.groups;
    const showing = groupsShowing(groups, path);
    const from = showing.find((candidate) => candidate.id === (group ?? groups.active)) ?? showing[0];
    if (!from) return true;
    if (showing.length === 1 && this.documents.isDirty(path)) {
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
      if (choice === 'discard') this.hotExit.forget(path);
    }
    // the model goes with the last tab that shows it (applyGroups)
    this.dispatchGroups({ type: 'tabs', group: from.id, action: { type: 'close', path } });
    return true;
  }

  /** Saves a file (the active one by default). Resolves true when it is on disk. */
  /**
   * Ctrl+S: the active file, formatted first when `editor.formatOnSave` is on (by the Format Document command a
   * feature contributes: the project's Prettier/Biome, a language server, Monaco's own). As in VS Code, auto-save and
   * Save All do not format; a formatter that fails is reported and the file is saved as it is.
   */
  async saveActive(): Promise<boolean> {
    const path = this.api.activeFile();
    if (path && this.settings.effective.value['editor.formatOnSave']) {
      try {
        await this.commands.runAndWait(FORMAT_DOCUMENT_COMMAND, this.api);
      } catch (error) {
        this.notify(`Could not format ${baseName(path)} before saving: ${errorMessage(error)}`, 'warning');
      }
    }
    // the file Ctrl+S was pressed in, even when another tab became active while it was formatted
    return this.save(path ?? this.state.value.tabs.active);
  }

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
      // the tab stays dirty: the text is only in the editor, and the message says so
      this.notify(
        `Could not save ${path}: ${errorMessage(error)} Your changes are still unsaved in the editor.`,
        'error',
      );
      return false;
    }
  }

  /**
   * A feature's save of an open file (collab writing a shared file): the same write as Ctrl+S, so the tab's
   * dirty marker and the stored disk time follow, but a conflict is the caller's to handle, never a dialog.
   */
  async saveFile(path: string): Promise<void> {
    const doc = this.documents.get(path);
    if (!doc) throw new PaError(ErrorCode.NOT_FOUND, `"${path}" is not open in the editor; write it with files.write.`);
    if (doc.binary)
      throw new PaError(ErrorCode.BAD_REQUEST, `${baseName(path)} is a binary file; the editor does not save it.`);
    const outcome = await this.documents.save(path);
    if (outcome.status === 'conflict') throw new PaError(ErrorCode.CONFLICT, outcome.message);
    this.clearDiskWarning(path);
  }

  async saveAll(): Promise<void> {
    for (const tab of this.state.value.tabs.tabs) if (tab.dirty) await this.save(tab.path);
  }

  /** Replaces the editor's text with the disk's, keeping the view (cursor, scroll) where it was. */
  async reloadFromDisk(path: string): Promise<void> {
    // every group showing the file keeps its own view of it
    const model = this.documents.get(path)?.model;
    const views = this.editorInstances()
      .filter((editor) => model && editor.getModel() === model)
      .map((editor) => ({ editor, view: editor.saveViewState() }));
    try {
      const changed = await this.documents.reload(path);
      if (changed) for (const { editor, view } of views) if (view) editor.restoreViewState(view);
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
    if (this.state.value.diskCompare?.path === path) this.patch({ diskCompare: null });
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

  // ---- bookkeeping after the explorer changed files --------------------------------------------------------------

  /** A file or folder was renamed on disk: tabs and open documents follow it. */
  didRename(from: string, to: string): void {
    this.fileList = null;
    this.dispatchGroups({ type: 'everywhere', action: { type: 'rename', from, to } });
    this.documents.rename(from, to);
    for (const [path, views] of [...this.viewStates]) {
      if (path !== from && !path.startsWith(`${from}/`)) continue;
      this.viewStates.delete(path);
      this.viewStates.set(to + path.slice(from.length), views);
    }
    for (const group of this.state.value.groups.groups) this.showInGroup(group.id, null);
  }

  /** A file or folder was deleted on disk: its tabs close and its documents go. */
  didDelete(path: string): void {
    this.fileList = null;
    // tabs first, so the editor lets go of a model before it is disposed
    this.dispatchGroups({ type: 'everywhere', action: { type: 'remove', path } });
    for (const open of this.documents.paths()) {
      if (open === path || open.startsWith(`${path}/`)) {
        this.hotExit.forget(open);
        this.documents.close(open);
        this.viewStates.delete(open);
        this.clearDiskWarning(open);
      }
    }
  }

  didCreate(): void {
    this.fileList = null;
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
      else for (const path of this.documents.paths()) if (this.documents.isDirty(path)) this.discardBuffer(path);
    }
    try {
      let workspace: WorkspaceInfo;
      try {
        workspace = await this.client.call('workspace.open', { path });
      } catch (error) {
        // the disk's root, the home folder or a system folder: the engine wants the user to say so first
        const question = confirmationAsked(error);
        if (question === null) throw error;
        const choice = await this.confirm({
          title: 'Open this folder?',
          message: question,
          buttons: [
            { id: 'open', label: 'Open Anyway', variant: 'danger' },
            { id: 'cancel', label: 'Cancel', variant: 'secondary' },
          ],
        });
        if (choice !== 'open') return false;
        workspace = await this.client.call('workspace.open', { path, confirm: true });
      }
      this.adoptWorkspace(workspace);
      return true;
    } catch (error) {
      this.notify(errorMessage(error), 'error');
      return false;
    }
  }

  /** The user chose not to save: the buffer, its tab and its backup go. */
  private discardBuffer(path: string): void {
    this.hotExit.forget(path);
    this.dispatchGroups({ type: 'everywhere', action: { type: 'close', path } });
    this.release(path);
  }

  private adoptWorkspace(workspace: WorkspaceInfo | null): void {
    const current = this.state.value.workspace;
    if (current?.root === workspace?.root) {
      if (current?.name !== workspace?.name) this.patch({ workspace });
      return;
    }
    // another folder (a restarted engine, another window): the unsaved buffers wait in the page for this one
    this.hotExit.flushToPage();
    this.hotExit.dispose();
    this.restoredPositions.clear();
    this.documents.dispose();
    this.viewStates.clear();
    this.fileList = null;
    this.patch({ workspace, diskWarnings: {}, diskCompare: null, ready: true });
    // the documents are gone already; the tabs (and what Reopen Closed Editor offered) are the last folder's
    this.applyGroups(initialGroups);
    this.workspaceChanged.fire(workspace);
    if (workspace) void this.restoreSession(workspace.root);
  }

  // ---- views ----------------------------------------------------------------------------------------------------

  /** Activity bar click: shows the view, or collapses its area when it is already showing. */
  toggleView(id: string): void {
    const state = this.state.value;
    if (this.panelViews.some((view) => view.id === id)) {
      this.patch({ panelView: state.panelView === id ? null : id });
    } else if (this.bottomViews.some((view) => view.id === id)) {
      this.patch({ bottomView: state.bottomView === id ? null : id });
    } else {
      this.patch({ sideView: state.sideView === id ? null : id });
    }
  }

  showView(id: string): void {
    if (this.panelViews.some((view) => view.id === id)) this.patch({ panelView: id });
    else if (this.bottomViews.some((view) => view.id === id)) this.patch({ bottomView: id });
    else if (id === EXPLORER_VIEW || this.sideViews.some((view) => view.id === id)) this.patch({ sideView: id });
  }

  // ---- dialogs and notifications --------------------------------------------------------------------------------

  confirm(options: ConfirmOptions): Promise<string | null> {
    return this.prompts.confirm(options);
  }

  prompt(options: PromptOptions): Promise<string | null> {
    return this.prompts.prompt(options);
  }

  notify(message: string, kind: Toast['kind'] = 'info'): void {
    this.notifications.notify(message, kind);
  }

  // ---- commands -------------------------------------------------------------------------------------------------

  listCommands(): RegisteredCommand[] {
    return this.commands.list();
  }

  shortcutFor(id: string): string | null {
    return this.commands.shortcutFor(id);
  }

  runCommand(id: string): void {
    this.commands.run(id, this.api);
  }

  /** Runs the command bound to a key stroke. Returns true when one ran (the caller then prevents the default). */
  handleKey(stroke: KeyStroke): boolean {
    if (this.prompts.current.value) {
      this.commands.cancelChord();
      return false; // a modal question owns the keyboard
    }
    return this.commands.handleKey(stroke, this.api);
  }

  private createApi(): WorkbenchApi {
    return {
      client: this.client,
      native: this.bridge,
      workspace: () => this.state.value.workspace,
      openFile: (path, position) => this.openFile(path, position),
      openEditor: (editorId, resource) => this.openEditor(editorId, resource),
      listFiles: () => this.listFiles(),
      activeFile: () => {
        // the active group's active tab
        const active = this.state.value.tabs.active;
        return active !== null && isFileTab(active) ? active : null;
      },
      editor: () => (this.editorInstance?.getModel() ? this.editorInstance : null),
      model: (path) => this.documents.get(path)?.model ?? null,
      openDocument: (path) => this.openDocument(path),
      saveFile: (path) => this.saveFile(path),
      onDidChangeActiveFile: (listener) => this.activeFileChanged.event(listener),
      onDidOpenModel: (listener) => this.documents.onDidOpenModel.event(({ path, model }) => listener(path, model)),
      autoSave: this.autoSave.enabled,
      settings: this.settings,
      keybindings: this.commands,
      onDidSaveFile: (listener) => this.documents.onDidSave.event(({ path, content }) => listener(path, content)),
      onDidChangeWorkspace: (listener) => this.workspaceChanged.event(listener),
      showView: (id) => this.showView(id),
      toggleView: (id) => this.toggleView(id),
      notify: (message, kind) => this.notify(message, kind),
      confirm: (options) => this.confirm(options),
      runCommand: (id) => this.runCommand(id),
    };
  }
}

export type { RegisteredCommand } from './commands';
export type { Toast } from './notifications';
export type { Dialog, DialogButton } from './prompts';
