// The application menu as data: File / Edit / View / Help. Commands that belong to the workbench (Open Folder,
// Save) are forwarded to the page, which owns them; main only shows native things (About, dev tools).
import type { MenuItemConstructorOptions } from 'electron';
import { MenuCommand } from '../channels.js';

export interface MenuContext {
  isMac: boolean;
  devMode: boolean;
  /** Forwards a workbench command to the focused window's page. */
  sendToPage(command: MenuCommand): void;
  showAbout(): void;
}

export function menuTemplate(context: MenuContext): MenuItemConstructorOptions[] {
  const view: MenuItemConstructorOptions[] = [
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' },
  ];
  if (context.devMode) view.push({ type: 'separator' }, { role: 'reload' }, { role: 'toggleDevTools' });
  return [
    ...(context.isMac ? [{ role: 'appMenu' } as const] : []),
    {
      label: '&File',
      submenu: [
        {
          label: 'Open Folder…',
          accelerator: 'CmdOrCtrl+O',
          click: () => context.sendToPage(MenuCommand.openFolder),
        },
        {
          label: 'Save',
          accelerator: 'CmdOrCtrl+S',
          // The editor binds Ctrl/Cmd+S itself; registering it here too would save twice.
          registerAccelerator: false,
          click: () => context.sendToPage(MenuCommand.save),
        },
        { type: 'separator' },
        { role: 'quit' },
      ],
    },
    { label: '&Edit', role: 'editMenu' },
    { label: '&View', submenu: view },
    { label: '&Help', role: 'help', submenu: [{ label: 'About ClaudeEditor', click: () => context.showAbout() }] },
  ];
}
