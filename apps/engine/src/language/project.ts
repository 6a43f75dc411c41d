// The project of one file as TypeScript sees it: the nearest tsconfig.json / jsconfig.json that includes it (a
// solution-style config is searched through its references, as tsserver does), parsed by TypeScript itself
// (`extends`, include/exclude, paths), then the files it reaches: its own sources, the workspace files their
// imports resolve to, and the typings of node_modules they use (`@types/*` included automatically, packages' own
// `.d.ts` through their package.json types/exports), each with the package.json the editor's resolution reads.
// Everything goes through the confined host: nothing outside the workspace is read. The compiler options are known
// before any file is read and each file is handed on as soon as it is read (a sink), so the editor can start its
// service while the rest arrives; a FileCache lets a later request (another project, or one prepared ahead) reuse
// what was read and scanned, checked against the file's size and mtime.
import { statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { CompilerOptionValue, LanguageFile } from '@pa/shared';
import ts from 'typescript';
import { toRelative } from '../files/index.js';
import type { ConfinedHost } from './host.js';

export interface ProjectLimits {
  maxFileBytes: number;
  maxFiles: number;
  maxTotalBytes: number;
}

export type SkipReason = 'outside_workspace' | 'too_large' | 'over_limit' | 'unreadable';

export interface ProjectModel {
  /** Workspace-relative; null when no config includes the file. */
  configPath: string | null;
  compilerOptions: Record<string, CompilerOptionValue>;
  workspaceModules: Record<string, string>;
  /** In the order to send: the opened file first, then sources, then typings. */
  files: LanguageFile[];
  bytes: number;
  skipped: Array<{ path: string; reason: SkipReason }>;
  configErrors: string[];
}

const CONFIG_NAMES = ['tsconfig.json', 'jsconfig.json'];
/** A solution config's references are followed this deep (a → b → c …) looking for the file's project. */
const MAX_REFERENCE_DEPTH = 6;
/** Configs a read-ahead parses at most (the root's and those it references). */
const MAX_PREPARED_CONFIGS = 64;
/** TypeScript's "No inputs were found": normal for a solution-style config (`files: []` + references). */
const NO_INPUTS = 18003;
const DECLARATION = /\.d\.[cm]?ts$/;
const SOURCE = /\.[cm]?[jt]sx?$/;
/** Options about output or the build: the editor's service emits nothing, and its paths would point nowhere. */
const DROPPED_OPTIONS = new Set([
  'configFilePath',
  'pathsBasePath',
  'outDir',
  'outFile',
  'out',
  'declarationDir',
  'tsBuildInfoFile',
  'composite',
  'incremental',
  'build',
  'watch',
  'project',
  'plugins',
  'listFiles',
  'listEmittedFiles',
  'generateCpuProfile',
  'generateTrace',
  'mapRoot',
  'sourceRoot',
]);
const PATH_OPTIONS = new Set(['baseUrl', 'rootDir']);
const PATH_LIST_OPTIONS = new Set(['rootDirs', 'typeRoots']);

const DEFAULT_OPTIONS: ts.CompilerOptions = {
  allowJs: true,
  checkJs: false,
  jsx: ts.JsxEmit.Preserve,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  esModuleInterop: true,
  allowSyntheticDefaultImports: true,
  skipLibCheck: true,
};

interface Parsed {
  path: string;
  parsed: ts.ParsedCommandLine;
}

/** What a load reports as it goes (all optional). */
export interface ProjectSink {
  /** The project's options, before any file is read (workspace modules are only known at the end). */
  config?(config: { configPath: string | null; compilerOptions: Record<string, CompilerOptionValue> }): void;
  /** A file, as soon as it was read: the opened file first, then breadth-first along the imports. */
  file?(file: LanguageFile): void;
  /** Asked between files: true ends the load where it is (cancelled; what was found so far is returned). */
  stopped?(): boolean;
}

interface CachedFile {
  size: number;
  mtimeMs: number;
  text: string;
  info: ts.PreProcessedFileInfo | null;
}

/**
 * Texts (and their scanned imports) by real path, kept between loads of one worker: a file is reused only while its
 * size and mtime are what they were. Bounded: past `maxBytes` of text the oldest entries go.
 */
export class FileCache {
  private readonly entries = new Map<string, CachedFile>();
  private bytes = 0;
  constructor(private readonly maxBytes: number) {}

  get(real: string, size: number, mtimeMs: number): CachedFile | null {
    const entry = this.entries.get(real);
    return entry && entry.size === size && entry.mtimeMs === mtimeMs ? entry : null;
  }

  set(real: string, entry: CachedFile): void {
    const old = this.entries.get(real);
    if (old) this.bytes -= old.text.length;
    this.entries.delete(real);
    this.entries.set(real, entry);
    this.bytes += entry.text.length;
    for (const [key, value] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(key);
      this.bytes -= value.text.length;
    }
  }

  get size(): number {
    return this.entries.size;
  }
}

/** `file` is absolute and inside the workspace (already confined by the caller). */
export function loadProject(
  host: ConfinedHost,
  file: string,
  limits: ProjectLimits,
  sink: ProjectSink = {},
  cache: FileCache | null = null,
): ProjectModel {
  const found = findProject(host, file);
  const options = found?.parsed.options ?? { ...DEFAULT_OPTIONS };
  const configErrors = (found?.parsed.errors ?? [])
    .filter((diagnostic) => diagnostic.code !== NO_INPUTS)
    .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
  const configPath = found ? toRelative(host.root, found.path) : null;
  const compilerOptions = optionsAsJson(host.root, options);
  sink.config?.({ configPath, compilerOptions });
  const collector = new Collector(host, options, limits, sink, cache);
  collector.add(file, 'source');
  for (const name of found?.parsed.fileNames ?? []) {
    if (sink.stopped?.()) break;
    collector.add(name, 'source');
  }
  collector.addAutomaticTypes(found ? dirname(found.path) : dirname(file));
  collector.followImports();
  return {
    configPath,
    compilerOptions,
    workspaceModules: collector.workspaceModules,
    files: collector.files(),
    bytes: collector.bytes,
    skipped: [
      ...collector.skipped,
      ...[...host.refused].map((path) => ({
        path: relativeName(host.root, path),
        reason: 'outside_workspace' as const,
      })),
    ],
    configErrors,
  };
}

/**
 * Reads ahead what the workspace's own projects will need (the root tsconfig.json / jsconfig.json and the projects
 * it references, each with what its files import) into `cache`, so the request for the first file opened finds it
 * read and scanned. Stops between files when `stopped` says so (a real request is waiting), and within one project's
 * limits in all (a repository of a thousand references reads no more ahead than one project may send). Returns the
 * configs parsed and the files read.
 */
export function prepareProjects(
  host: ConfinedHost,
  limits: ProjectLimits,
  cache: FileCache,
  stopped: () => boolean,
): { configs: number; files: number } {
  const configs: Parsed[] = [];
  const seen = new Set<string>();
  const visit = (path: string, depth: number) => {
    if (seen.has(path) || seen.size >= MAX_PREPARED_CONFIGS || depth > MAX_REFERENCE_DEPTH) return;
    if (stopped() || !host.fileExists(path)) return;
    seen.add(path);
    const config = parseConfig(host, path);
    configs.push(config);
    for (const reference of config.parsed.projectReferences ?? []) {
      visit(ts.resolveProjectReferencePath(reference), depth + 1);
    }
  };
  for (const name of CONFIG_NAMES) visit(join(host.root, name), 0);
  let files = 0;
  let bytes = 0;
  for (const config of configs) {
    if (stopped() || files >= limits.maxFiles || bytes >= limits.maxTotalBytes) break;
    if (config.parsed.fileNames.length === 0) continue;
    // what is left of the one budget all the projects share
    const left = { ...limits, maxFiles: limits.maxFiles - files, maxTotalBytes: limits.maxTotalBytes - bytes };
    const collector = new Collector(host, config.parsed.options, left, { stopped }, cache);
    for (const name of config.parsed.fileNames) {
      if (stopped()) break;
      collector.add(name, 'source');
    }
    collector.addAutomaticTypes(dirname(config.path));
    collector.followImports();
    files += collector.count;
    bytes += collector.bytes;
  }
  return { configs: configs.length, files };
}

function findProject(host: ConfinedHost, file: string): Parsed | null {
  let nearest: Parsed | null = null;
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    for (const name of CONFIG_NAMES) {
      const path = join(dir, name);
      if (!host.fileExists(path)) continue;
      const config = parseConfig(host, path);
      nearest ??= config;
      const owner = projectIncluding(host, config, file, new Set(), 0);
      if (owner) return owner;
    }
    if (dir === host.root || dirname(dir) === dir) break;
  }
  return nearest;
}

function projectIncluding(
  host: ConfinedHost,
  config: Parsed,
  file: string,
  seen: Set<string>,
  depth: number,
): Parsed | null {
  if (seen.has(config.path)) return null;
  seen.add(config.path);
  if (config.parsed.fileNames.includes(file)) return config;
  if (depth >= MAX_REFERENCE_DEPTH) return null;
  for (const reference of config.parsed.projectReferences ?? []) {
    const path = ts.resolveProjectReferencePath(reference);
    if (!host.fileExists(path)) continue;
    const owner = projectIncluding(host, parseConfig(host, path), file, seen, depth + 1);
    if (owner) return owner;
  }
  return null;
}

function parseConfig(host: ConfinedHost, path: string): Parsed {
  const read = ts.readConfigFile(path, host.readFile);
  const raw: unknown = read.config ?? {};
  const parsed = ts.parseJsonConfigFileContent(raw, host, dirname(path), undefined, path);
  if (read.error) parsed.errors.unshift(read.error);
  if (basename(path) === 'jsconfig.json') parsed.options = { allowJs: true, ...parsed.options };
  return { path, parsed };
}

/** Gathers files breadth-first within the limits, reading each once. */
class Collector {
  readonly workspaceModules: Record<string, string> = {};
  readonly skipped: Array<{ path: string; reason: SkipReason }> = [];
  bytes = 0;
  private readonly texts = new Map<string, { text: string; role: LanguageFile['role']; cached: CachedFile }>();
  private readonly queue: string[] = [];
  private readonly cache: ts.ModuleResolutionCache;

  constructor(
    private readonly host: ConfinedHost,
    private readonly options: ts.CompilerOptions,
    private readonly limits: ProjectLimits,
    private readonly sink: ProjectSink,
    private readonly fileCache: FileCache | null,
  ) {
    this.cache = ts.createModuleResolutionCache(host.root, (name) => name, options);
  }

  /** Reads `path` (absolute) into the project unless it is there, outside the workspace or over a limit. */
  add(path: string, role: LanguageFile['role']): boolean {
    if (this.texts.has(path)) return true;
    const real = this.host.realInside(path);
    if (real === null) return this.skip(path, 'outside_workspace');
    if (this.texts.size >= this.limits.maxFiles) return this.skip(path, 'over_limit');
    let size: number;
    let mtimeMs: number;
    try {
      const stat = statSync(real);
      if (!stat.isFile()) return this.skip(path, 'unreadable');
      size = stat.size;
      mtimeMs = stat.mtimeMs;
    } catch {
      return this.skip(path, 'unreadable');
    }
    if (size > this.limits.maxFileBytes) return this.skip(path, 'too_large');
    if (this.bytes + size > this.limits.maxTotalBytes) return this.skip(path, 'over_limit');
    let cached = this.fileCache?.get(real, size, mtimeMs) ?? null;
    const text = cached?.text ?? this.host.readFile(real);
    if (text === undefined) return this.skip(path, 'unreadable');
    if (!cached) {
      cached = { size, mtimeMs, text, info: null };
      this.fileCache?.set(real, cached);
    }
    this.bytes += size;
    this.texts.set(path, { text, role, cached });
    this.sink.file?.({ path: toRelative(this.host.root, path), text, role });
    if (!path.endsWith('.json')) this.queue.push(path);
    return true;
  }

  /** The `@types/*` packages TypeScript includes without an import (all of them, or those `types` names). */
  addAutomaticTypes(configDir: string): void {
    const containing = join(configDir, '__inferred type names__.ts');
    for (const name of ts.getAutomaticTypeDirectiveNames(this.options, this.host)) {
      const resolved = ts.resolveTypeReferenceDirective(
        name,
        containing,
        this.options,
        this.host,
      ).resolvedTypeReferenceDirective;
      if (resolved?.resolvedFileName) this.addTypings(resolved.resolvedFileName);
    }
  }

  /** Follows imports, `/// <reference>`s and type references of every file read until nothing new is reached. */
  followImports(): void {
    for (let index = 0; index < this.queue.length; index++) {
      if (this.sink.stopped?.()) return;
      const file = this.queue[index] as string;
      const entry = this.texts.get(file);
      if (!entry) continue;
      // scanned once per text: the cache keeps what the scan found with the text
      entry.cached.info ??= ts.preProcessFile(entry.text, true, true);
      const info = entry.cached.info;
      for (const reference of info.referencedFiles) {
        const target = join(dirname(file), reference.fileName);
        if (entry.role === 'typings') this.addTypings(target);
        else if (SOURCE.test(target)) this.add(target, 'source');
      }
      for (const reference of info.typeReferenceDirectives) {
        const resolved = ts.resolveTypeReferenceDirective(
          reference.fileName,
          file,
          this.options,
          this.host,
        ).resolvedTypeReferenceDirective;
        if (resolved?.resolvedFileName) this.addTypings(resolved.resolvedFileName);
      }
      for (const imported of info.importedFiles) this.resolveImport(imported.fileName, file);
    }
  }

  private resolveImport(name: string, from: string): void {
    const resolved = ts.resolveModuleName(name, from, this.options, this.host, this.cache).resolvedModule;
    if (!resolved) return;
    const target = resolved.resolvedFileName;
    const real = this.host.realInside(target);
    if (real === null) {
      this.skip(target, 'outside_workspace');
      return;
    }
    const inNodeModules = toRelative(this.host.root, real).split('/').includes('node_modules');
    if (!inNodeModules) {
      // a workspace file, perhaps reached through a symlinked package (node_modules/@scope/pkg → packages/pkg)
      if (!SOURCE.test(real)) return;
      this.add(real, 'source');
      if (!isRelative(name) && real !== target) this.workspaceModules[name] = toRelative(this.host.root, real);
      return;
    }
    if (DECLARATION.test(target)) this.addTypings(target);
  }

  private addTypings(path: string): void {
    if (!DECLARATION.test(path) || !this.add(path, 'typings')) return;
    const manifest = packageJsonOf(path);
    if (manifest && this.host.fileExists(manifest)) this.add(manifest, 'typings');
  }

  private skip(path: string, reason: SkipReason): false {
    this.skipped.push({ path: relativeName(this.host.root, path), reason });
    return false;
  }

  get count(): number {
    return this.texts.size;
  }

  files(): LanguageFile[] {
    const sources: LanguageFile[] = [];
    const typings: LanguageFile[] = [];
    for (const [path, { text, role }] of this.texts) {
      (role === 'source' ? sources : typings).push({ path: toRelative(this.host.root, path), text, role });
    }
    return [...sources, ...typings];
  }
}

/** The package.json of the package a file under node_modules belongs to (`node_modules/@scope/name/…`). */
export function packageJsonOf(path: string): string | null {
  const parts = path.split(/[\\/]/);
  const at = parts.lastIndexOf('node_modules');
  if (at < 0) return null;
  const scoped = parts[at + 1]?.startsWith('@');
  const end = at + (scoped ? 3 : 2);
  if (parts.length <= end) return null;
  return [...parts.slice(0, end), 'package.json'].join('/');
}

function isRelative(name: string): boolean {
  return name.startsWith('./') || name.startsWith('../') || name === '.' || name === '..' || name.startsWith('/');
}

/** How a skipped path is named: relative to the workspace (`../x.ts` for one outside it). */
function relativeName(root: string, path: string): string {
  return toRelative(root, path);
}

/**
 * The parsed options as JSON for the editor's service: output options dropped, absolute paths made
 * workspace-relative ('' is the root), `paths` substitutions resolved against baseUrl (or the config's folder)
 * so they no longer depend on it; a path outside the workspace is left out.
 */
export function optionsAsJson(root: string, options: ts.CompilerOptions): Record<string, CompilerOptionValue> {
  const inside = (path: string): string | null => {
    const rel = toRelative(root, path);
    return rel === '..' || rel.startsWith('../') || rel.startsWith('/') ? null : rel;
  };
  const json: Record<string, CompilerOptionValue> = {};
  for (const [key, value] of Object.entries(options)) {
    if (DROPPED_OPTIONS.has(key) || value === undefined) continue;
    if (PATH_OPTIONS.has(key) && typeof value === 'string') {
      const rel = inside(value);
      if (rel !== null) json[key] = rel;
    } else if (PATH_LIST_OPTIONS.has(key) && Array.isArray(value)) {
      json[key] = (value as string[]).flatMap((path) => inside(path) ?? []);
    } else if (key === 'paths' && typeof value === 'object' && value !== null) {
      const base = options.baseUrl ?? (options.pathsBasePath as string | undefined) ?? root;
      const paths: Record<string, CompilerOptionValue> = {};
      for (const [pattern, targets] of Object.entries(value as ts.MapLike<string[]>)) {
        paths[pattern] = targets.flatMap((target) => inside(join(base, target)) ?? []);
      }
      json[key] = paths;
    } else if (isJson(value)) {
      json[key] = value;
    }
  }
  return json;
}

function isJson(value: unknown): value is CompilerOptionValue {
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) return true;
  if (Array.isArray(value)) return value.every(isJson);
  if (typeof value === 'object') return Object.values(value).every(isJson);
  return false;
}
