// A confined folder "handle" for Node, which has no openat(): the process's working directory. inFolder() chdir()s
// from the real workspace root into each folder of a path, one segment at a time, checks the real path of every
// folder it lands in (a symlink that stays inside the workspace is allowed, as resolveInside allows it), and runs
// `use` there. Whatever `use` does relative to '.' happens in the folder that was checked, not at a path that can
// be re-resolved: swapping a folder on the path for a symlink to outside afterwards cannot redirect it.
// Left: the checked folder itself may be moved out of the workspace by someone with write access to its parent
// between the check and the use (then the operation follows it there). Everything here and in `use` must be
// synchronous, so no other engine code runs while the working directory is borrowed.
import { mkdirSync, realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { ErrorCode, PaError } from '@pa/shared';
import { isWithin } from './confine.js';

export interface InFolderOptions {
  /** Make missing folders on the way (the way a write makes its parents). */
  create: boolean;
}

export function inFolder<T>(realRoot: string, folders: readonly string[], options: InFolderOptions, use: () => T): T {
  const home = currentDirectory();
  try {
    enter(realRoot, realRoot);
    for (const segment of folders) {
      if (options.create) {
        try {
          mkdirSync(segment);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        }
      }
      enter(segment, realRoot);
    }
    return use();
  } finally {
    returnTo(home);
  }
}

function currentDirectory(): string {
  try {
    return process.cwd();
  } catch {
    return homedir(); // the engine's own working directory was removed
  }
}

function returnTo(home: string): void {
  try {
    process.chdir(home);
  } catch {
    process.chdir(homedir()); // the engine's own working directory was removed meanwhile
  }
}

/**
 * chdir()s into `dir` and proves the folder it reached is inside the real root. The native realpath of '.' asks the
 * kernel for the path of the folder itself (getcwd() on Linux and macOS, the final path of the opened handle on
 * Windows, where a junction in the path would survive getcwd()); Node's JS realpath would walk the path string
 * again and could be fooled by a swap behind it.
 */
function enter(dir: string, realRoot: string): void {
  process.chdir(dir);
  if (!isWithin(realRoot, realpathSync.native('.'))) {
    throw new PaError(ErrorCode.BAD_REQUEST, 'The path leads outside the workspace through a symlink.', {
      reason: 'path_outside_workspace',
    });
  }
}
