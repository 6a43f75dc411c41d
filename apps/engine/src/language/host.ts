// The filesystem TypeScript's config parser and module resolution see: the workspace and nothing else. A path is
// readable only when its real path (symlinks followed) is inside the real workspace root, so a tsconfig that
// `extends` or lists `../secret.ts`, an `include` that walks out, or a symlink to /etc all find nothing.
// Symlinks are not resolved for TypeScript itself (no `realpath`): a package keeps its node_modules path, as the
// editor's TypeScript service (which has no filesystem) will look it up; where a file really lives is answered by
// `realInside`.
import { type Dirent, readdirSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { isWithin } from '../files/index.js';

export interface ConfinedHost extends ts.ParseConfigHost, Omit<ts.ModuleResolutionHost, 'useCaseSensitiveFileNames'> {
  readonly root: string;
  /** The real path of `path` when it exists inside the workspace, else null. */
  realInside(path: string): string | null;
  /** Paths a directory walk met and left out because they lead outside the workspace. */
  readonly refused: Set<string>;
}

/** `root` must already be a real path. */
export function confinedHost(root: string): ConfinedHost {
  const refused = new Set<string>();
  // module resolution asks about the same paths again and again (every import probes package.json, index.d.ts…);
  // a host lives for one request, so its answers may be remembered
  const known = new Map<string, string | null>();
  const realInside = (path: string): string | null => {
    const cached = known.get(path);
    if (cached !== undefined) return cached;
    let real: string | null;
    try {
      real = realpathSync(path);
    } catch {
      real = null;
    }
    const inside = real !== null && isWithin(root, real) ? real : null;
    known.set(path, inside);
    return inside;
  };
  return {
    root,
    refused,
    realInside,
    useCaseSensitiveFileNames: ts.sys.useCaseSensitiveFileNames,
    getCurrentDirectory: () => root,
    fileExists: (path) => realInside(path) !== null && ts.sys.fileExists(path),
    directoryExists: (path) => realInside(path) !== null && ts.sys.directoryExists(path),
    readFile: (path) => (realInside(path) === null ? undefined : ts.sys.readFile(path)),
    getDirectories: (path) => (realInside(path) === null ? [] : ts.sys.getDirectories(path)),
    readDirectory(dir, extensions, excludes, includes, depth) {
      if (realInside(dir) === null) return [];
      const entries = (path: string) => confinedEntries(path, realInside, refused);
      if (matchFiles) {
        return matchFiles(
          dir,
          extensions,
          excludes,
          includes,
          ts.sys.useCaseSensitiveFileNames,
          root,
          depth,
          entries,
          (p) => realInside(p) ?? p,
        );
      }
      return ts.sys.readDirectory(dir, extensions, excludes, includes, depth).filter((path) => {
        if (realInside(path) !== null) return true;
        refused.add(path);
        return false;
      });
    },
  };
}

type FileSystemEntries = { files: readonly string[]; directories: readonly string[] };
type MatchFiles = (
  path: string,
  extensions: readonly string[] | undefined,
  excludes: readonly string[] | undefined,
  includes: readonly string[] | undefined,
  useCaseSensitiveFileNames: boolean,
  currentDirectory: string,
  depth: number | undefined,
  getFileSystemEntries: (path: string) => FileSystemEntries,
  realpath: (path: string) => string,
) => string[];
/**
 * TypeScript's own include/exclude matcher (what `ts.sys.readDirectory` runs), given a directory lister that never
 * steps through a symlink out of the workspace: the plain one would walk wherever a symlink to `/` points before its
 * results could be filtered. Internal to TypeScript but exported at run time; without it the filtered walk is used.
 */
const matchFiles = (ts as unknown as { matchFiles?: MatchFiles }).matchFiles;

function confinedEntries(
  path: string,
  realInside: (path: string) => string | null,
  refused: Set<string>,
): FileSystemEntries {
  let dirents: Dirent[];
  try {
    dirents = readdirSync(path || '.', { withFileTypes: true });
  } catch {
    return { files: [], directories: [] };
  }
  const files: string[] = [];
  const directories: string[] = [];
  for (const dirent of dirents) {
    let isFile = dirent.isFile();
    let isDirectory = dirent.isDirectory();
    if (dirent.isSymbolicLink()) {
      const full = join(path, dirent.name);
      if (realInside(full) === null) {
        refused.add(full);
        continue;
      }
      try {
        const stat = statSync(full);
        isFile = stat.isFile();
        isDirectory = stat.isDirectory();
      } catch {
        continue;
      }
    }
    if (isFile) files.push(dirent.name);
    else if (isDirectory) directories.push(dirent.name);
  }
  files.sort();
  directories.sort();
  return { files, directories };
}
