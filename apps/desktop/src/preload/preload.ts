// The preload (sandboxed, bundled to CommonJS by scripts/build.mjs): asks main for a port to the engine and
// exposes one narrow typed object, `window.pa` (PaBridge), through contextBridge. No raw ipcRenderer reaches the page.
import { contextBridge, ipcRenderer } from 'electron';
import {
  CONNECT_ENGINE,
  ENGINE_EXITED,
  ENGINE_PORT,
  MENU_COMMAND,
  MenuCommand,
  PAGE_COMMAND_EVENT,
  PICK_FOLDER,
  PICK_TEXT_FILE,
} from '../channels.js';
import { createBridgeHost } from './bridge.js';
import { parsePickedFile, parsePickedFolder } from './native-answers.js';

const host = createBridgeHost({
  platform: process.platform,
  pickFolder: async () => parsePickedFolder(await ipcRenderer.invoke(PICK_FOLDER)),
  pickTextFile: async (options) => parsePickedFile(await ipcRenderer.invoke(PICK_TEXT_FILE, options)),
});

ipcRenderer.on(ENGINE_PORT, (event) => {
  const [port] = event.ports;
  if (port) host.attach(port);
});
ipcRenderer.on(ENGINE_EXITED, () => host.detach('the engine stopped; it is being restarted'));

const menuCommands: ReadonlySet<string> = new Set(Object.values(MenuCommand));
ipcRenderer.on(MENU_COMMAND, (_event, command) => {
  // Only the known command ids reach the page, as a DOM event the workbench maps to its own commands.
  if (typeof command === 'string' && menuCommands.has(command)) {
    window.dispatchEvent(new CustomEvent(PAGE_COMMAND_EVENT, { detail: command }));
  }
});

contextBridge.exposeInMainWorld('pa', host.bridge);
ipcRenderer.send(CONNECT_ENGINE);
