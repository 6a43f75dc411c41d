// Electron main: app lifecycle, the window, menus and native dialogs. The security rules are in policy.ts, the
// engine process in engine-process.ts; this file only wires them to Electron. No business logic lives here.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { errorMessage } from '@pa/shared/lifecycle';
import {
  app,
  BrowserWindow,
  dialog,
  type IpcMainEvent,
  ipcMain,
  Menu,
  protocol,
  session,
  shell,
  type WebContents,
} from 'electron';
import { CONNECT_ENGINE, MENU_COMMAND, type MenuCommand, PICK_FOLDER, PICK_TEXT_FILE } from '../channels.js';
import { type AppLayout, appLayout, contentTypeFor, resolveAppFile } from './app-files.js';
import { MAX_PICKED_FILE_BYTES, parseTextFileRequest } from './dialog-options.js';
import { EngineProcess } from './engine-process.js';
import { menuTemplate } from './menu.js';
import {
  APP_ORIGIN,
  APP_SCHEME,
  contentSecurityPolicy,
  isTrustedSender,
  navigationDecision,
  permissionDecision,
  webPreferencesFor,
  windowOpenDecision,
} from './policy.js';
import { chooseEngineRuntime } from './runtime-choice.js';

// Must happen before `ready`: a standard, secure scheme gives the UI a real origin (app://ui) for CSP and fetch.
protocol.registerSchemesAsPrivileged([
  {
    scheme: APP_SCHEME,
    privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, codeCache: true },
  },
]);

const devMode = !app.isPackaged;
let mainWindow: BrowserWindow | null = null;

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('web-contents-created', (_event, contents) => harden(contents));
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => fail(error));
}

function start(): void {
  const layout = appLayout(app.getAppPath(), app.isPackaged, process.resourcesPath, process.env);
  serveUi(layout.uiDir);
  session.defaultSession.setPermissionRequestHandler((_contents, permission, callback, details) =>
    callback(permissionDecision(permission, details.requestingUrl, APP_ORIGIN)),
  );
  session.defaultSession.setPermissionCheckHandler((_contents, permission, origin) =>
    permissionDecision(permission, origin, APP_ORIGIN),
  );

  const engine = new EngineProcess({
    entry: layout.engineMain,
    runtime: chooseEngineRuntime(app.isPackaged, process.env),
    // Built-in workflows and the license public key ship in resources/ (electron-builder.yml extraResources).
    env: { ...process.env, PA_RESOURCES_DIR: layout.resourcesDir },
    log: (line) => process.stderr.write(`${line}\n`),
    onDidGiveUp: (stderr) =>
      dialog.showErrorBox('The engine keeps stopping', `ClaudeEditor's engine crashed repeatedly.\n\n${stderr}`),
  });
  engine.start();
  app.on('before-quit', () => engine.stop());
  handleIpc(engine);

  app.setAboutPanelOptions({ applicationName: 'ClaudeEditor', applicationVersion: app.getVersion() });
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      menuTemplate({
        isMac: process.platform === 'darwin',
        devMode,
        sendToPage: (command: MenuCommand) => mainWindow?.webContents.send(MENU_COMMAND, command),
        showAbout: () => app.showAboutPanel(),
      }),
    ),
  );

  createWindow(layout);
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow(layout);
  });
}

function createWindow(layout: AppLayout): void {
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 640,
    minHeight: 400,
    show: false,
    title: 'ClaudeEditor',
    backgroundColor: '#1e1f22',
    icon: join(layout.resourcesDir, 'icons', 'icon.png'),
    webPreferences: webPreferencesFor(layout.preload, { devTools: devMode }),
  });
  window.once('ready-to-show', () => window.show());
  window.on('closed', () => {
    if (mainWindow === window) mainWindow = null;
  });
  mainWindow = window;
  void window.loadURL(`${APP_ORIGIN}/index.html`);
}

/** Serves packages/ui's build as app://ui/, every response carrying the CSP (so it holds for workers too). */
function serveUi(uiDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const file = resolveAppFile(request.url, uiDir);
    if (!file) return new Response('Not found', { status: 404 });
    try {
      const body = await readFile(file);
      return new Response(new Uint8Array(body), {
        headers: {
          'content-type': contentTypeFor(file),
          'content-security-policy': contentSecurityPolicy(),
          'x-content-type-options': 'nosniff',
        },
      });
    } catch {
      // missing (or a directory): the page gets a 404, as from any web server
      return new Response('Not found', { status: 404 });
    }
  });
}

/** Applied to every web contents Electron creates: no navigation away, no new windows, no <webview>. */
function harden(contents: WebContents): void {
  const guard = (event: { url: string; preventDefault(): void }) => {
    if (navigationDecision(event.url, APP_ORIGIN) === 'deny') event.preventDefault();
  };
  contents.on('will-navigate', guard);
  contents.on('will-redirect', guard);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    const decision = windowOpenDecision(url);
    if (decision.openExternally) void shell.openExternal(decision.openExternally);
    return { action: decision.action };
  });
}

function handleIpc(engine: EngineProcess): void {
  const trusted = (event: IpcMainEvent): boolean => isTrustedSender(event.senderFrame?.url, APP_ORIGIN);
  const refuse = (): never => {
    throw new Error('Refused: this request did not come from the ClaudeEditor window.');
  };

  ipcMain.on(CONNECT_ENGINE, (event) => {
    if (trusted(event)) engine.connect(event.sender);
  });

  ipcMain.handle(PICK_FOLDER, async (event) => {
    if (!trusted(event)) refuse();
    const options = { title: 'Open Folder', properties: ['openDirectory', 'createDirectory'] as const };
    const window = BrowserWindow.fromWebContents(event.sender);
    const result = window
      ? await dialog.showOpenDialog(window, { ...options, properties: [...options.properties] })
      : await dialog.showOpenDialog({ ...options, properties: [...options.properties] });
    return result.canceled ? null : (result.filePaths[0] ?? null);
  });

  ipcMain.handle(PICK_TEXT_FILE, async (event, input) => {
    if (!trusted(event)) refuse();
    const request = parseTextFileRequest(input);
    if (!request) throw new Error('The file picker was asked for with a malformed title or extension list.');
    const options = {
      title: request.title,
      properties: ['openFile' as const],
      filters: [{ name: request.title, extensions: request.extensions }],
    };
    const window = BrowserWindow.fromWebContents(event.sender);
    const result = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
    const path = result.filePaths[0];
    if (result.canceled || !path) return null;
    if ((await stat(path)).size > MAX_PICKED_FILE_BYTES) {
      throw new Error(`That file is larger than ${MAX_PICKED_FILE_BYTES} bytes; pick the license or text file itself.`);
    }
    return { path, text: await readFile(path, 'utf8') };
  });
}

function fail(error: unknown): void {
  dialog.showErrorBox('ClaudeEditor could not start', errorMessage(error));
  app.quit();
}
