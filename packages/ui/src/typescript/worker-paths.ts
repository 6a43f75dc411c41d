// Where the editor's TypeScript worker finds things. It has no filesystem: every file is a model or an extra lib
// named by a file URI string, `file:///` + the workspace-relative path (the workbench's models use the same URIs), so
// TypeScript's own module resolution walks `file:///app/src` → `file:///node_modules/pkg/package.json` as it would
// on disk. The engine sends workspace-relative paths and path-valued options; this turns them into that space.
import type { CompilerOptionValue, LanguageConfig, LanguageProjectResult } from '@pa/shared';

/** The worker's name for a workspace file (unencoded, as TypeScript composes names while resolving). */
export function workerFileName(path: string): string {
  return `file:///${path}`;
}

/** The workspace path of a worker file name, or null for one that is not a workspace file (a lib.d.ts). */
export function workspacePathOf(fileName: string): string | null {
  if (!fileName.startsWith('file:///')) return null;
  const path = fileName.slice('file:///'.length);
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/**
 * The `target` values the worker's TypeScript (5.4 in Monaco 0.52) knows: a newer one (ES2024 = 11 in 5.9) would
 * make it look for a default lib it does not ship; ESNext (99) gives it the newest it has.
 */
const NEWEST_KNOWN_TARGET = 10;
const ESNEXT = 99;
/** Options the worker cannot use: it has no directories to list (typings arrive as files) and emits nothing. */
const LEFT_OUT = new Set([
  'types',
  'typeRoots',
  'declaration',
  'declarationMap',
  'emitDeclarationOnly',
  'sourceMap',
  'noEmit',
]);

export type WorkerCompilerOptions = Record<string, CompilerOptionValue>;

/** The engine's options for the worker: paths in its URI space, each workspace package mapped as resolved. */
export function workerCompilerOptions(
  config: Pick<LanguageConfig, 'compilerOptions'> & Pick<LanguageProjectResult, 'workspaceModules'>,
): WorkerCompilerOptions {
  const options: WorkerCompilerOptions = {};
  for (const [key, value] of Object.entries(config.compilerOptions)) {
    if (LEFT_OUT.has(key)) continue;
    options[key] = value;
  }
  if (typeof options.baseUrl === 'string') options.baseUrl = workerFileName(options.baseUrl);
  if (typeof options.rootDir === 'string') options.rootDir = workerFileName(options.rootDir);
  if (Array.isArray(options.rootDirs)) {
    options.rootDirs = options.rootDirs.flatMap((dir) => (typeof dir === 'string' ? [workerFileName(dir)] : []));
  }
  const paths: Record<string, CompilerOptionValue> = {};
  const given = options.paths;
  if (given && typeof given === 'object' && !Array.isArray(given)) {
    for (const [pattern, targets] of Object.entries(given)) {
      if (!Array.isArray(targets)) continue;
      paths[pattern] = targets.flatMap((target) => (typeof target === 'string' ? [workerFileName(target)] : []));
    }
  }
  // an exact name wins over any wildcard pattern, so these cannot change what the project's own paths map
  for (const [name, target] of Object.entries(config.workspaceModules)) paths[name] = [workerFileName(target)];
  if (Object.keys(paths).length > 0) options.paths = paths;
  else delete options.paths;
  if (typeof options.target === 'number' && options.target > NEWEST_KNOWN_TARGET && options.target !== ESNEXT) {
    options.target = ESNEXT;
  }
  // Monaco's default: models named without a TS extension (an untitled buffer) are still read
  options.allowNonTsExtensions = true;
  return options;
}

/** Two JSON values (compiler options) equal, whatever the order of their keys: then the worker needs no restart. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.length !== keysB.length) return false;
  return keysA.every(
    (key) => key in b && sameJson((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]),
  );
}
