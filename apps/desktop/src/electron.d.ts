// The slice of Electron 38's API this app uses, typed by hand: the `electron` package (which ships the real
// electron.d.ts) is an optional dependency whose binary download fails here, so it may be absent. Every signature
// below is a subset of the real one, so the code stays correct when the real package is installed.
// An ambient module wins over node_modules resolution, so the two never clash.

declare module 'electron' {
  import type { EventEmitter } from 'node:events';

  interface Event {
    preventDefault(): void;
    readonly defaultPrevented: boolean;
  }

  // ---- main process ----

  interface App extends EventEmitter {
    readonly isPackaged: boolean;
    name: string;
    getAppPath(): string;
    getVersion(): string;
    getPath(name: 'home' | 'userData' | 'documents'): string;
    whenReady(): Promise<void>;
    quit(): void;
    requestSingleInstanceLock(): boolean;
    setAboutPanelOptions(options: {
      applicationName?: string;
      applicationVersion?: string;
      copyright?: string;
      website?: string;
      iconPath?: string;
    }): void;
    showAboutPanel(): void;
    on(event: 'second-instance', listener: (event: Event, argv: string[], workingDirectory: string) => void): this;
    on(event: 'window-all-closed' | 'before-quit', listener: () => void): this;
    on(event: 'activate', listener: (event: Event, hasVisibleWindows: boolean) => void): this;
    on(event: 'web-contents-created', listener: (event: Event, contents: WebContents) => void): this;
  }

  interface WebPreferences {
    preload?: string;
    contextIsolation?: boolean;
    sandbox?: boolean;
    nodeIntegration?: boolean;
    nodeIntegrationInWorker?: boolean;
    nodeIntegrationInSubFrames?: boolean;
    webSecurity?: boolean;
    allowRunningInsecureContent?: boolean;
    webviewTag?: boolean;
    experimentalFeatures?: boolean;
    navigateOnDragDrop?: boolean;
    spellcheck?: boolean;
    devTools?: boolean;
    safeDialogs?: boolean;
  }

  interface BrowserWindowConstructorOptions {
    width?: number;
    height?: number;
    minWidth?: number;
    minHeight?: number;
    show?: boolean;
    title?: string;
    icon?: string;
    backgroundColor?: string;
    webPreferences?: WebPreferences;
  }

  class BrowserWindow extends EventEmitter {
    constructor(options?: BrowserWindowConstructorOptions);
    static getAllWindows(): BrowserWindow[];
    static fromWebContents(webContents: WebContents): BrowserWindow | null;
    readonly webContents: WebContents;
    loadURL(url: string): Promise<void>;
    show(): void;
    focus(): void;
    restore(): void;
    isMinimized(): boolean;
    isDestroyed(): boolean;
    once(event: 'ready-to-show', listener: () => void): this;
    on(event: 'closed', listener: () => void): this;
  }

  interface WindowOpenHandlerDetails {
    url: string;
    frameName: string;
    disposition: string;
  }

  type WindowOpenHandlerResponse = { action: 'deny' } | { action: 'allow' };

  interface WebFrameMain {
    readonly url: string;
    readonly origin: string;
  }

  interface WillNavigateEvent extends Event {
    readonly url: string;
  }

  interface WebContents extends EventEmitter {
    readonly id: number;
    getURL(): string;
    isDestroyed(): boolean;
    send(channel: string, ...args: unknown[]): void;
    postMessage(channel: string, message: unknown, transfer?: MessagePortMain[]): void;
    setWindowOpenHandler(handler: (details: WindowOpenHandlerDetails) => WindowOpenHandlerResponse): void;
    toggleDevTools(): void;
    on(
      event: 'will-navigate' | 'will-redirect' | 'will-frame-navigate',
      listener: (event: WillNavigateEvent) => void,
    ): this;
    on(event: 'will-attach-webview', listener: (event: Event) => void): this;
    on(event: 'did-finish-load' | 'destroyed', listener: () => void): this;
    once(event: 'destroyed', listener: () => void): this;
    off(event: 'destroyed', listener: () => void): this;
  }

  interface IpcMainEvent extends Event {
    readonly sender: WebContents;
    readonly senderFrame: WebFrameMain | null;
  }

  type IpcMainInvokeEvent = IpcMainEvent;

  interface IpcMain {
    on(channel: string, listener: (event: IpcMainEvent, ...args: unknown[]) => void): this;
    handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown): void;
  }

  interface MenuItemConstructorOptions {
    label?: string;
    role?:
      | 'appMenu'
      | 'fileMenu'
      | 'editMenu'
      | 'viewMenu'
      | 'windowMenu'
      | 'help'
      | 'about'
      | 'quit'
      | 'undo'
      | 'redo'
      | 'cut'
      | 'copy'
      | 'paste'
      | 'selectAll'
      | 'reload'
      | 'toggleDevTools'
      | 'resetZoom'
      | 'zoomIn'
      | 'zoomOut'
      | 'togglefullscreen';
    type?: 'normal' | 'separator' | 'submenu';
    accelerator?: string;
    visible?: boolean;
    registerAccelerator?: boolean;
    click?: (menuItem: unknown, window: BrowserWindow | undefined) => void;
    submenu?: MenuItemConstructorOptions[];
  }

  class Menu {
    static buildFromTemplate(template: MenuItemConstructorOptions[]): Menu;
    static setApplicationMenu(menu: Menu | null): void;
    append(menuItem: unknown): void;
  }

  interface OpenDialogOptions {
    title?: string;
    properties?: Array<'openFile' | 'openDirectory' | 'createDirectory' | 'dontAddToRecent'>;
    filters?: Array<{ name: string; extensions: string[] }>;
  }

  interface OpenDialogReturnValue {
    canceled: boolean;
    filePaths: string[];
  }

  interface MessageBoxOptions {
    type?: 'none' | 'info' | 'error' | 'question' | 'warning';
    title?: string;
    message: string;
    detail?: string;
  }

  interface Dialog {
    showOpenDialog(window: BrowserWindow, options: OpenDialogOptions): Promise<OpenDialogReturnValue>;
    showOpenDialog(options: OpenDialogOptions): Promise<OpenDialogReturnValue>;
    showMessageBox(window: BrowserWindow, options: MessageBoxOptions): Promise<{ response: number }>;
    showErrorBox(title: string, content: string): void;
  }

  interface Shell {
    openExternal(url: string): Promise<void>;
  }

  interface CustomScheme {
    scheme: string;
    privileges?: {
      standard?: boolean;
      secure?: boolean;
      supportFetchAPI?: boolean;
      corsEnabled?: boolean;
      codeCache?: boolean;
      stream?: boolean;
    };
  }

  interface Protocol {
    registerSchemesAsPrivileged(customSchemes: CustomScheme[]): void;
    handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void;
  }

  interface Session {
    readonly protocol: Protocol;
    setPermissionRequestHandler(
      handler:
        | ((
            webContents: WebContents,
            permission: string,
            callback: (permissionGranted: boolean) => void,
            details: { requestingUrl?: string },
          ) => void)
        | null,
    ): void;
    setPermissionCheckHandler(
      handler: ((webContents: WebContents | null, permission: string, requestingOrigin: string) => boolean) | null,
    ): void;
  }

  interface MessageEvent {
    data: unknown;
    ports: MessagePortMain[];
  }

  class MessagePortMain extends EventEmitter {
    postMessage(message: unknown, transfer?: MessagePortMain[]): void;
    start(): void;
    close(): void;
    on(event: 'message', listener: (messageEvent: MessageEvent) => void): this;
    on(event: 'close', listener: () => void): this;
  }

  class MessageChannelMain {
    readonly port1: MessagePortMain;
    readonly port2: MessagePortMain;
  }

  interface ForkOptions {
    env?: NodeJS.ProcessEnv;
    execArgv?: string[];
    cwd?: string;
    stdio?: 'pipe' | 'ignore' | 'inherit' | Array<'pipe' | 'ignore' | 'inherit'>;
    serviceName?: string;
  }

  class UtilityProcess extends EventEmitter {
    readonly pid: number | undefined;
    readonly stdout: NodeJS.ReadableStream | null;
    readonly stderr: NodeJS.ReadableStream | null;
    postMessage(message: unknown, transfer?: MessagePortMain[]): void;
    kill(): boolean;
    on(event: 'spawn', listener: () => void): this;
    on(event: 'exit', listener: (code: number) => void): this;
    once(event: 'exit', listener: (code: number) => void): this;
  }

  interface UtilityProcessStatic {
    fork(modulePath: string, args?: string[], options?: ForkOptions): UtilityProcess;
  }

  const app: App;
  const ipcMain: IpcMain;
  const dialog: Dialog;
  const shell: Shell;
  const protocol: Protocol;
  const session: { readonly defaultSession: Session };
  const utilityProcess: UtilityProcessStatic;

  // ---- preload (sandboxed renderer) ----

  interface IpcRendererEvent {
    readonly ports: MessagePort[];
  }

  interface IpcRenderer {
    on(channel: string, listener: (event: IpcRendererEvent, ...args: unknown[]) => void): this;
    send(channel: string, ...args: unknown[]): void;
    invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  }

  interface ContextBridge {
    exposeInMainWorld(apiKey: string, api: unknown): void;
  }

  const ipcRenderer: IpcRenderer;
  const contextBridge: ContextBridge;

  export {
    app,
    BrowserWindow,
    type BrowserWindowConstructorOptions,
    contextBridge,
    dialog,
    type Event,
    type IpcMainEvent,
    type IpcRendererEvent,
    ipcMain,
    ipcRenderer,
    Menu,
    type MenuItemConstructorOptions,
    MessageChannelMain,
    MessagePortMain,
    protocol,
    type Session,
    session,
    shell,
    UtilityProcess,
    utilityProcess,
    type WebContents,
    type WebPreferences,
    type WindowOpenHandlerDetails,
    type WindowOpenHandlerResponse,
  };
}

// Electron adds this to Node's `process` in the main process.
declare namespace NodeJS {
  interface Process {
    /** The packaged app's resources folder (where app.asar and extraResources live). */
    readonly resourcesPath: string;
  }
}
