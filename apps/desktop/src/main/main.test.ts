// main.ts wired to a stand-in for Electron (its binary cannot run here): checks that the policies of policy.ts
// are really applied — the window's webPreferences, blocked navigation, denied windows, the IPC sender check and
// the app:// handler's confinement and CSP — rather than only existing as functions.
import { EventEmitter } from 'node:events';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

const electron = vi.hoisted(() => {
  const appPath = `${process.env.TMPDIR ?? '/tmp'}/pa-main-test-${process.pid}`;
  return {
    appPath,
    schemes: [] as unknown[],
    appListeners: new Map<string, (...args: unknown[]) => void>(),
    ipcListeners: new Map<string, (...args: unknown[]) => unknown>(),
    protocolHandlers: new Map<string, (request: Request) => Promise<Response>>(),
    windows: [] as Array<{ options: { webPreferences: Record<string, unknown> }; url: string }>,
    openedExternally: [] as string[],
    forks: [] as Array<{ received: unknown[] }>,
  };
});

vi.mock('electron', async () => {
  const { EventEmitter } = await import('node:events');
  const { PassThrough } = await import('node:stream');
  const app = Object.assign(new EventEmitter(), {
    isPackaged: true,
    getAppPath: () => `${electron.appPath}/resources/app.asar`,
    getVersion: () => '0.1.0',
    requestSingleInstanceLock: () => true,
    whenReady: () => Promise.resolve(),
    quit: () => {},
    setAboutPanelOptions: () => {},
    showAboutPanel: () => {},
  });
  const originalOn = app.on.bind(app);
  app.on = ((event: string, listener: (...args: unknown[]) => void) => {
    electron.appListeners.set(event, listener);
    return originalOn(event, listener);
  }) as typeof app.on;
  class BrowserWindow extends EventEmitter {
    static getAllWindows = () => [];
    static fromWebContents = () => null;
    readonly webContents = new EventEmitter();
    constructor(readonly options: { webPreferences: Record<string, unknown> }) {
      super();
      electron.windows.push(this as unknown as (typeof electron.windows)[number]);
    }
    url = '';
    async loadURL(url: string) {
      this.url = url;
    }
  }
  return {
    app,
    BrowserWindow,
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown[]) => electron.schemes.push(...schemes),
      handle: (scheme: string, handler: (request: Request) => Promise<Response>) =>
        electron.protocolHandlers.set(scheme, handler),
    },
    session: { defaultSession: { setPermissionRequestHandler: () => {}, setPermissionCheckHandler: () => {} } },
    ipcMain: {
      on: (channel: string, listener: (...args: unknown[]) => void) => electron.ipcListeners.set(channel, listener),
      handle: (channel: string, listener: (...args: unknown[]) => unknown) =>
        electron.ipcListeners.set(channel, listener),
    },
    dialog: { showOpenDialog: async () => ({ canceled: false, filePaths: ['/picked'] }), showErrorBox: () => {} },
    shell: { openExternal: async (url: string) => void electron.openedExternally.push(url) },
    Menu: { buildFromTemplate: (template: unknown) => template, setApplicationMenu: () => {} },
    MessageChannelMain: class {
      port1 = {};
      port2 = {};
    },
    utilityProcess: {
      fork: () => {
        const child = Object.assign(new EventEmitter(), {
          stdout: new PassThrough(),
          stderr: new PassThrough(),
          received: [] as unknown[],
          postMessage: (message: unknown) => child.received.push(message),
          kill: () => true,
        });
        electron.forks.push(child);
        return child;
      },
    },
  };
});

// The packaged layout: app.asar/ui is the built UI, with a file outside it that must never be served.
mkdirSync(join(electron.appPath, 'resources', 'app.asar', 'ui', 'assets'), { recursive: true });
writeFileSync(join(electron.appPath, 'resources', 'app.asar', 'ui', 'index.html'), '<!doctype html><title>UI</title>');
writeFileSync(join(electron.appPath, 'resources', 'app.asar', 'secret.txt'), 'not for the page');
(process as { resourcesPath?: string }).resourcesPath = join(electron.appPath, 'resources');
afterAll(() => rmSync(electron.appPath, { recursive: true, force: true }));

await import('./main.js');
await vi.waitFor(() => expect(electron.windows).toHaveLength(1));
const { CONNECT_ENGINE, PICK_FOLDER } = await import('../channels.js');

function fakeContents() {
  const contents = Object.assign(new EventEmitter(), {
    openHandler: null as ((details: { url: string }) => { action: string }) | null,
    posted: [] as unknown[],
    setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
      contents.openHandler = handler;
    },
    isDestroyed: () => false,
    postMessage: (...args: unknown[]) => contents.posted.push(args),
    send: () => {},
  });
  electron.appListeners.get('web-contents-created')?.({}, contents);
  return contents;
}

function navigate(contents: EventEmitter, event: 'will-navigate' | 'will-redirect', url: string): boolean {
  let prevented = false;
  contents.emit(event, { url, preventDefault: () => (prevented = true) });
  return prevented;
}

describe('Electron main, wired', () => {
  it('registers app:// as a standard, secure scheme before the app is ready', () => {
    expect(electron.schemes).toEqual([
      expect.objectContaining({ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) }),
    ]);
  });

  it('opens one sandboxed, isolated window on app://ui', () => {
    const [window] = electron.windows;
    expect(window?.url).toBe('app://ui/index.html');
    expect(window?.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      devTools: false,
      preload: join(electron.appPath, 'resources', 'app.asar', 'dist', 'preload.cjs'),
    });
  });

  it('blocks navigation and redirects away from the app on every web contents', () => {
    const contents = fakeContents();
    expect(navigate(contents, 'will-navigate', 'https://evil.example/')).toBe(true);
    expect(navigate(contents, 'will-redirect', 'file:///etc/passwd')).toBe(true);
    expect(navigate(contents, 'will-navigate', 'app://ui/index.html#x')).toBe(false);
  });

  it('denies new windows, sending only http(s) links to the OS browser', () => {
    const contents = fakeContents();
    expect(contents.openHandler?.({ url: 'https://docs.example.com/' })).toEqual({ action: 'deny' });
    expect(contents.openHandler?.({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(electron.openedExternally).toEqual(['https://docs.example.com/']);
  });

  it('serves the built UI with the CSP, and nothing outside it', async () => {
    const handler = electron.protocolHandlers.get('app');
    const page = await handler?.(new Request('app://ui/index.html'));
    expect(page?.status).toBe(200);
    expect(page?.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page?.text()).toContain('<title>UI</title>');
    expect((await handler?.(new Request('app://ui/..%2fsecret.txt')))?.status).toBe(404);
    expect((await handler?.(new Request('app://ui/missing.js')))?.status).toBe(404);
  });

  it('connects only windows whose frame is the app to the engine', async () => {
    const connect = electron.ipcListeners.get(CONNECT_ENGINE);
    const [engine] = electron.forks as Array<{ received: unknown[]; stdout: NodeJS.WritableStream }>;
    engine?.stdout.write('{"ready":true}\n');
    const evil = fakeContents();
    connect?.({ sender: evil, senderFrame: { url: 'https://evil.example/' } });
    connect?.({ sender: evil, senderFrame: null });
    const good = fakeContents();
    connect?.({ sender: good, senderFrame: { url: 'app://ui/index.html' } });
    await vi.waitFor(() => expect(good.posted).toHaveLength(1));
    expect(evil.posted).toEqual([]);
  });

  it('refuses native dialogs to untrusted senders', async () => {
    const pick = electron.ipcListeners.get(PICK_FOLDER) as (event: unknown) => Promise<unknown>;
    await expect(pick({ sender: fakeContents(), senderFrame: { url: 'app://ui.evil/' } })).rejects.toThrow(/Refused/);
    await expect(pick({ sender: fakeContents(), senderFrame: { url: 'app://ui/index.html' } })).resolves.toBe(
      '/picked',
    );
  });
});
