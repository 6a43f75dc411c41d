// Which project formatter applies to a file: Prettier when node_modules/prettier is installed and the project has a
// Prettier configuration (a .prettierrc*, a prettier.config.*, or a "prettier" key in package.json); Biome when
// node_modules/@biomejs/biome is installed next to a biome.json(c). Reads files only; every path is confined to the
// workspace (symlinks followed), so a package that is a symlink out of the workspace is never considered.
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { extname, posix } from 'node:path';
import { ErrorCode, type FormatterInfo, type FormatterName, PaError } from '@pa/shared';
import { resolveInside } from '../files/index.js';

interface FormatterSpec {
  /** The package's folder, workspace-relative. */
  packageDir: string;
  /** The bin of package.json that is the command line (prettier's bin/prettier.cjs, biome's bin/biome). */
  binName: string;
  configFiles: readonly string[];
  /** A key of package.json that configures it too. */
  packageJsonKey?: string;
  extensions: ReadonlySet<string>;
  /** The arguments that format stdin as `path`. */
  args(path: string): string[];
}

const PRETTIER_CONFIGS = [
  '.prettierrc',
  ...['json', 'yaml', 'yml', 'json5', 'toml', 'js', 'cjs', 'mjs', 'ts', 'cts', 'mts'].map(
    (ext) => `.prettierrc.${ext}`,
  ),
  ...['js', 'cjs', 'mjs', 'ts', 'cts', 'mts'].map((ext) => `prettier.config.${ext}`),
];
const SCRIPT_EXTENSIONS = ['.js', '.jsx', '.mjs', '.cjs', '.ts', '.tsx', '.mts', '.cts', '.json', '.jsonc', '.css'];

export const FORMATTERS: Record<FormatterName, FormatterSpec> = {
  prettier: {
    packageDir: 'node_modules/prettier',
    binName: 'prettier',
    configFiles: PRETTIER_CONFIGS,
    packageJsonKey: 'prettier',
    extensions: new Set([
      ...SCRIPT_EXTENSIONS,
      ...['.json5', '.scss', '.less', '.html', '.htm', '.vue', '.md', '.markdown', '.mdx', '.yaml', '.yml'],
      ...['.graphql', '.gql', '.hbs', '.handlebars'],
    ]),
    args: (path) => ['--stdin-filepath', path],
  },
  biome: {
    packageDir: 'node_modules/@biomejs/biome',
    binName: 'biome',
    configFiles: ['biome.json', 'biome.jsonc'],
    extensions: new Set([...SCRIPT_EXTENSIONS, '.graphql', '.gql']),
    args: (path) => ['format', `--stdin-file-path=${path}`],
  },
};

/** The order 'auto' prefers when a project has both configured. */
const ORDER: readonly FormatterName[] = ['prettier', 'biome'];

export interface FoundFormatter {
  info: FormatterInfo;
  /** The real path of the package's JS entry, proven inside the workspace. */
  entry: string;
  args: string[];
}

function readJson(file: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/** Whether `rel` exists inside the workspace (a symlink leading out counts as absent). */
function existsInside(root: string, rel: string): boolean {
  try {
    return existsSync(resolveInside(root, rel));
  } catch {
    return false;
  }
}

function isConfigured(root: string, spec: FormatterSpec): boolean {
  if (spec.configFiles.some((file) => existsInside(root, file))) return true;
  if (!spec.packageJsonKey || !existsInside(root, 'package.json')) return false;
  const manifest = readJson(resolveInside(root, 'package.json'));
  return manifest !== null && Object.hasOwn(manifest, spec.packageJsonKey);
}

/** The installed package's manifest, or null when it is absent or leads out of the workspace. */
function installedManifest(root: string, spec: FormatterSpec): Record<string, unknown> | null {
  const rel = `${spec.packageDir}/package.json`;
  if (!existsInside(root, rel)) return null;
  return readJson(resolveInside(root, rel));
}

function binOf(manifest: Record<string, unknown>, name: string): string | null {
  const { bin } = manifest;
  if (typeof bin === 'string') return bin;
  if (bin !== null && typeof bin === 'object' && typeof (bin as Record<string, unknown>)[name] === 'string') {
    return (bin as Record<string, string>)[name] ?? null;
  }
  return null;
}

/** The formatters installed and configured in `root` that handle `path`, in the order 'auto' prefers. */
export function detectFormatters(root: string, path: string): FormatterInfo[] {
  const ext = extname(path).toLowerCase();
  const found: FormatterInfo[] = [];
  for (const name of ORDER) {
    const spec = FORMATTERS[name];
    if (!spec.extensions.has(ext)) continue;
    const manifest = installedManifest(root, spec);
    if (!manifest || !isConfigured(root, spec)) continue;
    const version = typeof manifest.version === 'string' ? manifest.version.slice(0, 100) : 'unknown';
    found.push({ name, version });
  }
  return found;
}

/**
 * The command line of `name` in `root`: its package's bin, resolved inside the workspace with every symlink
 * followed. A package, or an entry, that leads out of the workspace is refused (E_BAD_REQUEST, from confinement).
 */
export function resolveFormatter(root: string, info: FormatterInfo, path: string): FoundFormatter {
  const spec = FORMATTERS[info.name];
  // confinement first: a package folder that is a symlink out is refused, not read
  resolveInside(root, spec.packageDir);
  const manifest = installedManifest(root, spec);
  const bin = manifest ? binOf(manifest, spec.binName) : null;
  if (!bin) {
    throw new PaError(ErrorCode.NOT_FOUND, `${spec.packageDir}/package.json names no "${spec.binName}" command.`);
  }
  const entryRel = posix.normalize(posix.join(spec.packageDir, bin));
  if (!entryRel.startsWith(`${spec.packageDir}/`)) {
    throw new PaError(ErrorCode.BAD_REQUEST, `The ${spec.binName} command "${bin}" lies outside its package.`, {
      reason: 'path_outside_workspace',
    });
  }
  const entry = resolveInside(root, entryRel);
  if (!existsSync(entry)) throw new PaError(ErrorCode.NOT_FOUND, `${entryRel} is missing.`);
  // the real path proven inside is what runs, not a symlink that could be swapped afterwards
  return { info, entry: realpathSync(entry), args: spec.args(path) };
}
