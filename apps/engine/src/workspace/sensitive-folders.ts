// Folders a workspace should not be opened on without the user saying so: the filesystem root, the home folder
// and the system's own folders. A workspace gives the editor, the AI tools and workflows the run of every file in
// it, so opening one of these by a slip (or at a page's or a link's suggestion) must ask first.
import { homedir } from 'node:os';
import { resolve, sep } from 'node:path';

/** The system's folders: they and everything inside them ask first. */
const SYSTEM_TREES = [
  '/etc',
  '/usr',
  '/bin',
  '/sbin',
  '/lib',
  '/lib32',
  '/lib64',
  '/boot',
  '/dev',
  '/proc',
  '/sys',
  '/root',
  '/System',
  '/Library',
  '/Applications',
  'C:/Windows',
  'C:/Program Files',
  'C:/Program Files (x86)',
  'C:/ProgramData',
];
/** Folders that hold other people's or the system's data as a whole: only they themselves ask first. */
const WHOLE_FOLDERS = ['/', '/home', '/Users', '/var', '/private', '/opt', '/mnt', '/media', '/Volumes', 'C:/Users'];

export interface SensitiveFolderOptions {
  home?: string;
  /** Compare case-insensitively (Windows and macOS filesystems). */
  foldCase?: boolean;
}

/** Why opening `path` as a workspace needs a confirmation, or null when it does not. */
export function sensitiveFolder(path: string, options: SensitiveFolderOptions = {}): string | null {
  const foldCase = options.foldCase ?? process.platform !== 'linux';
  const key = (value: string) => {
    const slashes = value.split(sep).join('/').replace(/\\/g, '/');
    const trimmed = slashes.length > 1 ? slashes.replace(/\/+$/, '') : slashes;
    // any drive stands for C: (D:/Windows is as much a system folder on a second install)
    const drive = trimmed.replace(/^[A-Za-z]:(?=\/|$)/, 'C:');
    return foldCase ? drive.toLowerCase() : drive;
  };
  const target = key(resolve(path));
  const home = key(resolve(options.home ?? homedir()));
  if (target === home) return 'your home folder';
  if (/^(c:|C:)\/?$/.test(target) || WHOLE_FOLDERS.some((folder) => key(folder) === target)) {
    return target === '/' || /^c:\/?$/i.test(target) ? 'the root of the disk' : 'a folder that holds the whole system';
  }
  const tree = SYSTEM_TREES.map(key).find((folder) => target === folder || target.startsWith(`${folder}/`));
  return tree ? 'a system folder' : null;
}
