// The IPC channel names between Electron main and the preload, in one place so the two cannot drift.
// Engine traffic does not use IPC: it flows over the MessagePort that ENGINE_PORT delivers.

/** preload → main: "give this window a port to the engine". */
export const CONNECT_ENGINE = 'pa:connect-engine';
/** main → preload: carries the MessagePort (payload {restarted: boolean}). */
export const ENGINE_PORT = 'pa:engine-port';
/** main → preload: the engine process died; a new port follows once it is back. */
export const ENGINE_EXITED = 'pa:engine-exited';
/** preload → main (invoke): the native folder picker. */
export const PICK_FOLDER = 'pa:pick-folder';
/** preload → main (invoke): the native file picker, answering with the file's text. */
export const PICK_TEXT_FILE = 'pa:pick-text-file';
/** main → preload: a menu item was chosen; forwarded to the page as a `pa:command` DOM event. */
export const MENU_COMMAND = 'pa:menu-command';

/** The DOM event the page listens to for menu commands (detail: the workbench command id). */
export const PAGE_COMMAND_EVENT = 'pa:command';

export const MenuCommand = {
  openFolder: 'workbench.openFolder',
  save: 'workbench.save',
} as const;
export type MenuCommand = (typeof MenuCommand)[keyof typeof MenuCommand];
