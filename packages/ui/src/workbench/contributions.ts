// How a feature (license, ai, workflow, collab) plugs into the workbench without the workbench knowing it:
// views in the side bar or the panel, status bar items, commands with key bindings, and an activation hook.
import type { Disposable, EngineClient, PaBridge, WorkspaceInfo } from '@pa/shared';
import type * as monaco from 'monaco-editor';
import { type ComponentType, createContext, useContext } from 'react';
import type { SettingsStore } from '../settings/settings-store';
import type { CommandRegistry } from './commands';
import type { Observable } from './observable';
import type { ConfirmOptions } from './prompts';

/** What features may use of Electron's preload bridge: the OS pickers (calls go through `client`). */
export type NativeServices = Pick<PaBridge, 'pickFolder' | 'pickTextFile'>;

export interface WorkbenchApi {
  readonly client: EngineClient;
  /** The connection's native services, null in browser mode (a feature then falls back to the page's own). */
  readonly native: NativeServices | null;
  workspace(): WorkspaceInfo | null;
  /** Opens (or focuses) a file in a tab and reveals the position when given (1-based). */
  openFile(path: string, position?: { line: number; column?: number }): Promise<void>;
  /**
   * Opens (or focuses) a tab of an editor a feature contributed (`Contribution.editors`), showing `resource`
   * ('' when the editor shows one thing only, like Settings).
   */
  openEditor(editorId: string, resource?: string): void;
  /**
   * Every file of the workspace (workspace-relative, as quick open lists them): read once per workspace and read
   * again when files come or go.
   */
  listFiles(): Promise<string[]>;
  /** Workspace-relative path of the active tab, or null (also while a contributed editor's tab is active). */
  activeFile(): string | null;
  /** The code editor of the active tab (null while none is open). */
  editor(): monaco.editor.IStandaloneCodeEditor | null;
  /** The Monaco model of an open file, or null. */
  model(path: string): monaco.editor.ITextModel | null;
  /**
   * Opens a file as a document without a tab (a language feature's edit to a file not shown): its model is then
   * `model(path)`, edits make it dirty and it saves like any document. Null (with a toast) when it cannot be read.
   */
  openDocument(path: string): Promise<monaco.editor.ITextModel | null>;
  /**
   * Saves an open file's current text the way Ctrl+S does (conflict-checked against the disk time it was read
   * at), so its tab loses the dirty marker and a later save does not see the write as an outside change.
   * Rejects with E_NOT_FOUND when the file is not open (write it with `files.write`), E_CONFLICT when it changed
   * on disk since (no dialog is shown: the caller decides), E_BAD_REQUEST for a binary file.
   */
  saveFile(path: string): Promise<void>;
  onDidChangeActiveFile(listener: (path: string | null) => void): Disposable;
  /** Fires when a file's model is created (tab opened) — e.g. to bind it to a shared Y.Text. */
  onDidOpenModel(listener: (path: string, model: monaco.editor.ITextModel) => void): Disposable;
  /** The auto-save setting (off by default): a session's shared files follow it like every other file. */
  readonly autoSave: Observable<boolean>;
  /** The settings (user and workspace files, what applies now); `settings.set` changes one. */
  readonly settings: SettingsStore;
  /** The commands' key bindings with the user's keybindings.json applied (the Keyboard Shortcuts editor reads them). */
  readonly keybindings: CommandRegistry;
  /** Fires when the editor wrote a file's text to disk (`content`: exactly the text written, BOM included). */
  onDidSaveFile(listener: (path: string, content: string) => void): Disposable;
  onDidChangeWorkspace(listener: (workspace: WorkspaceInfo | null) => void): Disposable;
  /** Shows a view (side bar, panel or bottom panel) by id. */
  showView(id: string): void;
  /** Shows a view, or hides its area when that view is showing (an activity bar click, Ctrl+` for the terminal). */
  toggleView(id: string): void;
  notify(message: string, kind?: 'info' | 'warning' | 'error'): void;
  /** Asks a modal question; resolves with the id of the button chosen, or null when dismissed. */
  confirm(options: ConfirmOptions): Promise<string | null>;
  runCommand(id: string): void;
}

export interface ViewContribution {
  id: string;
  title: string;
  /**
   * A short glyph or inline SVG string drawn in the activity bar. Prefer SVG (`<svg …>…</svg>`, drawn in the
   * item's colour as a mask image, never inserted as markup): a glyph shows only where an installed font has it.
   */
  icon: string;
  /**
   * 'sidebar': left, beside the explorer; 'panel': the right-hand panel (chat, workflow timeline); 'bottom': the
   * bottom panel under the editor (terminal, problems, output).
   */
  location: 'sidebar' | 'panel' | 'bottom';
  order: number;
  component: ComponentType;
}

/**
 * An editor shown in a tab instead of Monaco (settings, keyboard shortcuts, a Markdown or image preview). Its tab's
 * path is editorTabPath(id, resource) (editor-input.ts); the component gets the resource and fills the editor area.
 */
export interface EditorContribution {
  /** Letters, digits, '.', '_' and '-', e.g. 'settings', 'markdown.preview'. */
  id: string;
  /** The tab's title for a resource. */
  title(resource: string): string;
  /** An inline SVG string (`<svg …>…</svg>`), drawn in the tab's colour like a view's icon; a file icon if absent. */
  icon?: string;
  component: ComponentType<{ resource: string }>;
}

export interface StatusItemContribution {
  id: string;
  align: 'left' | 'right';
  order: number;
  component: ComponentType;
}

export interface CommandContribution {
  id: string;
  title: string;
  /** e.g. 'Mod+K' (Mod = Ctrl, or Cmd on macOS), 'Mod+Shift+L'. */
  keybinding?: string;
  run(api: WorkbenchApi): void | Promise<void>;
}

export interface Contribution {
  id: string;
  views?: ViewContribution[];
  editors?: EditorContribution[];
  statusItems?: StatusItemContribution[];
  commands?: CommandContribution[];
  /** Called once the workbench is up; whatever it returns is disposed when the window goes. */
  activate?(api: WorkbenchApi): Disposable | undefined;
}

export const WorkbenchContext = createContext<WorkbenchApi | null>(null);

export function useWorkbench(): WorkbenchApi {
  const api = useContext(WorkbenchContext);
  if (!api) throw new Error('useWorkbench() outside the workbench');
  return api;
}
