// The layer rule of DESIGN.md as a check (VS Code's layer checker, in small): which package may import what.
// `npm test` runs it through check-layers.test.ts; a forbidden import fails the build instead of a review.
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, posix } from 'node:path';
import ts from 'typescript';

export interface Layer {
  /** Repository-relative source folder. */
  dir: string;
  /** Why a specifier is forbidden here, or null when it is allowed. */
  forbid(specifier: string, file: { isTest: boolean }): string | null;
  /** Why a relative import of `target` (repository-relative) from `file` is forbidden, or null. */
  forbidRelative?(file: string, target: string): string | null;
}

export interface Violation {
  file: string;
  specifier: string;
  reason: string;
}

const nodeBuiltins: ReadonlySet<string> = new Set(builtinModules.filter((name) => !name.startsWith('_')));

function isNode(specifier: string): boolean {
  return specifier.startsWith('node:') || nodeBuiltins.has(specifier.split('/')[0] ?? '');
}

/** Unit tests run under vitest in Node, so they may read fixtures with Node modules; shipped code may not. */
function isNodeInShippedCode(specifier: string, file: { isTest: boolean }): boolean {
  return !file.isTest && isNode(specifier);
}

function isElectron(specifier: string): boolean {
  return specifier === 'electron' || specifier.startsWith('electron/');
}

/** The workspace package an `@pa/…` specifier names, or null. */
function ourPackage(specifier: string): string | null {
  const match = /^@pa\/([^/]+)/.exec(specifier);
  return match ? `@pa/${match[1]}` : null;
}

const ENGINE_SRC = 'apps/engine/src';
/**
 * Folders of apps/engine/src that are the engine's plumbing rather than a capability: the RPC router and transports,
 * the HTTP server, the `pa` command's shared parts. Every other folder is a capability (ai, backup, collab, files,
 * license, mcp, quota, secrets, store, workflow, workspace, …); the files directly in src assemble them.
 */
export const ENGINE_INFRASTRUCTURE: ReadonlySet<string> = new Set(['rpc', 'server', 'cli']);
/** A capability's doors: what another capability (or the assembly) may import of it. */
const DOOR = /^(index|api)(\.[cm]?[jt]s)?$/;

/** The capability folder a repository path of the engine lies in, or null (assembly, infrastructure, elsewhere). */
export function engineCapabilityOf(path: string): string | null {
  if (!path.startsWith(`${ENGINE_SRC}/`)) return null;
  const segments = path.slice(ENGINE_SRC.length + 1).split('/');
  const folder = segments[0];
  if (segments.length < 2 || folder === undefined || ENGINE_INFRASTRUCTURE.has(folder)) return null;
  return folder;
}

/** The `pa` program, which adds each capability's commands through the capability's third door, its cli.ts. */
const PA_PROGRAM = `${ENGINE_SRC}/cli.ts`;
const CLI_DOOR = /^cli(\.[cm]?[jt]s)?$/;

/** Inside the engine, a capability is reached only through its index.ts or api.ts, never its other files. */
function forbidCapabilityInternals(file: string, target: string): string | null {
  const capability = engineCapabilityOf(target);
  if (capability === null || capability === engineCapabilityOf(file)) return null;
  const inside = target.slice(ENGINE_SRC.length + capability.length + 2);
  if (DOOR.test(inside) || (file === PA_PROGRAM && CLI_DOOR.test(inside))) return null;
  return `another capability's files are private: import ${capability}/index.ts or ${capability}/api.ts`;
}

export const LAYERS: Layer[] = [
  {
    dir: 'packages/shared/src',
    forbid: (s, file) =>
      ourPackage(s)
        ? 'packages/shared imports nothing of ours'
        : isNodeInShippedCode(s, file) || isElectron(s)
          ? 'packages/shared runs everywhere (browser, engine, preload): no Node or Electron modules'
          : null,
  },
  {
    dir: 'packages/ui/src',
    forbid: (s, file) =>
      ourPackage(s) && ourPackage(s) !== '@pa/shared'
        ? 'packages/ui imports only @pa/shared of ours'
        : isNodeInShippedCode(s, file) || isElectron(s)
          ? 'packages/ui runs in a sandboxed page: no Node or Electron modules (use window.pa)'
          : null,
  },
  {
    dir: ENGINE_SRC,
    forbid: (s) =>
      isElectron(s)
        ? 'apps/engine must run without Electron (utilityProcess, child process, pa serve)'
        : ourPackage(s) === '@pa/ui' || ourPackage(s) === '@pa/desktop'
          ? 'apps/engine never imports the UI or the desktop shell'
          : null,
    forbidRelative: forbidCapabilityInternals,
  },
  {
    dir: 'apps/desktop/src',
    forbid: (s) =>
      ourPackage(s) === '@pa/ui' || ourPackage(s) === '@pa/engine'
        ? 'apps/desktop is glue: it loads the built UI and spawns the built engine, never imports them'
        : null,
  },
  {
    dir: 'apps/desktop/src/preload',
    forbid: (s, file) =>
      ourPackage(s) && ourPackage(s) !== '@pa/shared'
        ? 'the preload bridges to the engine over a port; it imports only @pa/shared of ours'
        : isNodeInShippedCode(s, file)
          ? 'the sandboxed preload can require only electron: no Node modules'
          : null,
  },
  {
    dir: 'apps/relay/src',
    forbid: (s) =>
      isElectron(s)
        ? 'apps/relay is a server: no Electron'
        : ourPackage(s) && ourPackage(s) !== '@pa/shared'
          ? 'apps/relay imports only @pa/shared of ours'
          : null,
  },
];

/** Every module specifier a source file names: imports, re-exports, require(), import(), type references. */
export function specifiersOf(text: string): string[] {
  const info = ts.preProcessFile(text, true, true);
  return [...info.importedFiles, ...info.typeReferenceDirectives].map((ref) => ref.fileName);
}

/** Checks one file of a layer. `file` is repository-relative; relative imports must stay inside the package. */
export function checkFile(layer: Layer, file: string, text: string): Violation[] {
  const violations: Violation[] = [];
  // Repository paths use '/' on every platform, so posix path arithmetic keeps the check the same on Windows.
  const packageRoot = posix.dirname(layer.dir);
  const isTest = TEST_FILE.test(file);
  for (const specifier of specifiersOf(text)) {
    if (specifier.startsWith('.')) {
      const repoPath = posix.resolve('/', posix.dirname(file), specifier).slice(1);
      const target = posix.relative(packageRoot, repoPath);
      // Tests may share the repository's test support (tests/support: fixtures, the built-engine launcher).
      const sharedTestSupport = isTest && repoPath.startsWith('tests/');
      if ((target === '..' || target.startsWith('../')) && !sharedTestSupport) {
        violations.push({ file, specifier, reason: `${packageRoot} reaches outside its package by path` });
        continue;
      }
      const reason = layer.forbidRelative?.(file, repoPath);
      if (reason) violations.push({ file, specifier, reason });
      continue;
    }
    const reason = layer.forbid(specifier, { isTest });
    if (reason) violations.push({ file, specifier, reason });
  }
  return violations;
}

const TEST_FILE = /\.(test|spec)\.[cm]?[jt]sx?$/;
const SOURCE = /\.(ts|tsx|mts|cts|js|mjs|cjs|jsx)$/;

function sourceFiles(root: string, dir: string): string[] {
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(join(root, dir), { withFileTypes: true });
  } catch {
    return []; // a layer with no source folder yet has nothing to break
  }
  return entries.flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(root, path);
    return SOURCE.test(entry.name) ? [path] : [];
  });
}

/** Checks every source file of every layer under `root` (tests too, with the Node allowance above). */
export function checkRepository(root: string, layers: Layer[] = LAYERS): Violation[] {
  return layers.flatMap((layer) =>
    sourceFiles(root, layer.dir).flatMap((file) => checkFile(layer, file, readFileSync(join(root, file), 'utf8'))),
  );
}
