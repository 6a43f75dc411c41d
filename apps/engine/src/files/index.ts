// The files capability: tree, read, atomic write, create, rename, delete and an outside-change watcher, all
// confined to the open workspace. Nothing is written, created, renamed or deleted inside `.git` (however spelled):
// git's own files (config, hooks) make git run commands. Files too big for one message are read in parts
// (files.readChunk) and written through uploads (upload.ts).
import { isUtf8 } from 'node:buffer';
import { existsSync, lstatSync, realpathSync, rmSync, statSync } from 'node:fs';
import { mkdir, open, readFile, rename, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import {
  ErrorCode,
  type FileChange,
  MAX_EDITABLE_BYTES,
  PaError,
  READ_BYTES_MAX,
  READ_CHUNK_BYTES,
  READ_INLINE_BYTES,
} from '@pa/shared';
import { isGitPath } from '@pa/shared/protected-paths';
import { inspectText } from '@pa/shared/text-file';
import type { PartialHandlers } from '../rpc/handlers.js';
import type { Workspace } from '../workspace/index.js';
import { writeInside } from './atomic.js';
import { checkRelativePath, resolveInside } from './confine.js';
import { inFolder } from './folder-handle.js';
import { IgnoreRules } from './ignore-rules.js';
import { listDirectory, sweepAtomicTemps, walkFiles } from './tree.js';
import { Uploads } from './upload.js';
import { type WorkspaceWatcher, watchWorkspace } from './watch.js';

export { isAtomicTempName, writeFileAtomic } from './atomic.js';
export { checkRelativePath, isWithin, resolveInside, toRelative } from './confine.js';
export { IgnoreRules } from './ignore-rules.js';

/** Files larger than this are not sent to the editor, nor written by it (packages/shared says why this size). */
export { MAX_EDITABLE_BYTES };

export interface FilesCapability {
  handlers: PartialHandlers;
  /** Resolves (and confines) a workspace-relative path for another capability. */
  resolve(rel: string): string;
  /** Writes a workspace file atomically and remembers it so the watcher does not report our own write. */
  write(rel: string, content: string): Promise<{ size: number; mtimeMs: number }>;
  /** Hears the workspace-relative path of every file this engine wrote (a save); the result unsubscribes. */
  onDidWrite(listener: (path: string) => void): () => void;
  /** Hears what the watcher saw change that this engine did not write (another program, git, a terminal). */
  onDidChangeOutside(listener: (changes: FileChange[]) => void): () => void;
  dispose(): Promise<void>;
}

export interface FilesOptions {
  /**
   * The engine's own data folder (settings.json, keybindings.json, the database, licences): never written through
   * this capability, even when the open folder holds it (a home folder opened as the workspace). An AI edit, a
   * workflow or a replace-all could otherwise rewrite the user's settings, which name shells and servers to run.
   */
  dataDir?: string;
}

export function createFiles(
  workspace: Workspace,
  onChanges: (changes: FileChange[]) => void,
  options: FilesOptions = {},
): FilesCapability {
  let rules: IgnoreRules | null = null;
  let watcher: WorkspaceWatcher | null = null;
  // mtimes of our own writes: a watcher event that matches one is an echo, not an outside change
  const ownWrites = new Map<string, number>();
  const writeListeners = new Set<(path: string) => void>();
  const changeListeners = new Set<(changes: FileChange[]) => void>();

  // temp files an interrupted atomic write left behind are removed when a folder opens; the tree waits for it
  let sweeping: Promise<void> = Promise.resolve();
  const uploads = new Uploads();
  // connections whose uploads are abandoned when they close
  const watchedConnections = new Set<number>();

  const unsubscribe = workspace.onDidChange((info) => {
    uploads.abortAll();
    void watcher?.close();
    watcher = null;
    rules = info ? new IgnoreRules(info.root) : null;
    if (info && rules) {
      const root = info.root;
      sweeping = sweepAtomicTemps(root, rules);
      watcher = watchWorkspace(root, rules, (changes) => {
        const outside = changes.filter((change) => !isOwnEcho(root, change));
        if (outside.length === 0) return;
        onChanges(outside);
        for (const listener of changeListeners) listener(outside);
      });
    }
  });

  function isOwnEcho(root: string, change: FileChange): boolean {
    const mtime = ownWrites.get(change.path);
    if (mtime === undefined || change.kind === 'deleted') return false;
    try {
      if (statSync(resolveInside(root, change.path)).mtimeMs === mtime) return true;
    } catch {
      return false;
    }
    ownWrites.delete(change.path);
    return false;
  }

  function rulesFor(root: string): IgnoreRules {
    rules ??= new IgnoreRules(root);
    return rules;
  }

  const resolvePath = (rel: string) => resolveInside(workspace.requireRoot(), rel);

  /** Resolves a path the client wants to change: confined, never in the git folder nor in the engine's data. */
  function resolveWritable(rel: string): string {
    const target = resolvePath(rel);
    if (isGitPath(rel)) {
      throw new PaError(
        ErrorCode.FORBIDDEN,
        `"${rel.slice(0, 200)}" is inside the git folder; the editor never changes it (git's config and hooks run commands). Use git itself.`,
        { reason: 'git_path' },
      );
    }
    if (isInsideDataDir(target)) {
      throw new PaError(
        ErrorCode.FORBIDDEN,
        `"${rel.slice(0, 200)}" is inside the editor's own data folder (settings, key bindings, licences); it is changed only through the editor's settings.`,
        { reason: 'data_dir' },
      );
    }
    return target;
  }

  /** realpath of the data folder, once (it exists while the engine runs: the database is in it). */
  let dataRoot: string | null | undefined;
  function isInsideDataDir(target: string): boolean {
    if (dataRoot === undefined) {
      try {
        dataRoot = options.dataDir ? realpathSync(options.dataDir) : null;
      } catch {
        dataRoot = options.dataDir ? resolve(options.dataDir) : null;
      }
    }
    if (!dataRoot) return false;
    // the target's nearest existing folder, resolved: a symlink inside the workspace pointing into the data folder
    // is caught too (resolveInside already refuses one that leaves the workspace)
    let real = target;
    for (let probe = target; ; probe = dirname(probe)) {
      try {
        real = join(realpathSync(probe), relative(probe, target));
        break;
      } catch {
        if (dirname(probe) === probe) break;
      }
    }
    return real === dataRoot || real.startsWith(dataRoot.endsWith(sep) ? dataRoot : dataRoot + sep);
  }

  async function write(rel: string, content: string) {
    const root = realpathSync(workspace.requireRoot());
    let info: { size: number; mtimeMs: number };
    try {
      // the pre-check walks the path with realpath and so can meet a folder that is being swapped (a symlink that
      // is a folder by the time it is read: EINVAL); the check that holds is writeInside's, at the moment of writing
      resolveWritable(rel);
      info = writeInside(root, checkRelativePath(rel), content);
    } catch (error) {
      throw asRefusal(error, rel);
    }
    ownWrites.set(normalise(rel), info.mtimeMs);
    for (const listener of writeListeners) listener(normalise(rel));
    return { size: info.size, mtimeMs: info.mtimeMs };
  }

  /** The disk time check of a conflict-checked write: the file changed since the editor read it. */
  function checkMtime(rel: string, expectedMtimeMs: number | undefined): void {
    if (expectedMtimeMs === undefined) return;
    let info: ReturnType<typeof statSync>;
    try {
      info = statSync(resolvePath(rel), { throwIfNoEntry: false });
    } catch (error) {
      throw asRefusal(error, rel); // a file where a folder of the path must be (ENOTDIR): say so, typed
    }
    if (info && info.mtimeMs !== expectedMtimeMs) {
      throw new PaError(ErrorCode.CONFLICT, `"${rel}" changed on disk since it was opened. Reload or overwrite.`, {
        mtimeMs: info.mtimeMs,
      });
    }
  }

  const handlers: PartialHandlers = {
    'files.list': async ({ dir }) => {
      const root = workspace.requireRoot();
      const absolute = resolveInside(root, dir);
      const info = await stat(absolute).catch(() => null);
      if (!info) throw new PaError(ErrorCode.NOT_FOUND, `Folder "${dir}" does not exist.`);
      if (!info.isDirectory()) throw new PaError(ErrorCode.BAD_REQUEST, `"${dir}" is not a folder.`);
      return { entries: await listDirectory(root, absolute, normalise(dir), rulesFor(root)) };
    },
    'files.tree': async (params) => {
      const root = workspace.requireRoot();
      await sweeping;
      return walkFiles(root, rulesFor(root), params?.limit ?? 50_000);
    },
    'files.read': async ({ path }) => {
      const target = resolvePath(path);
      const info = await stat(target).catch(() => null);
      if (!info) throw new PaError(ErrorCode.NOT_FOUND, `File "${path}" does not exist.`);
      if (!info.isFile()) throw new PaError(ErrorCode.BAD_REQUEST, `"${path}" is not a file.`);
      if (info.size > MAX_EDITABLE_BYTES) throw tooLargeToEdit(path, info.size);
      if (info.size > READ_INLINE_BYTES) {
        // more than one message should carry: a binary file is said so from its first block, a text file is read
        // in parts (files.readChunk)
        const head = await readHead(target);
        if (!inspectText(head, false).binary) {
          throw new PaError(
            ErrorCode.TOO_LARGE,
            `"${path}" is ${info.size} bytes, more than one message carries; read it with files.readChunk.`,
            { reason: 'read_in_chunks', size: info.size, mtimeMs: info.mtimeMs },
          );
        }
        return { path: normalise(path), content: '', binary: true, size: info.size, mtimeMs: info.mtimeMs };
      }
      const bytes = await readFile(target);
      // by content, not name: a PDF called x.ai is binary; text is UTF-8 that decodes and encodes back unchanged
      // (its BOM kept in the string, its line endings as they are), anything else would be corrupted by a save
      const binary = inspectText(bytes).binary;
      return {
        path: normalise(path),
        content: binary ? '' : bytes.toString('utf8'),
        binary,
        size: info.size,
        mtimeMs: info.mtimeMs,
      };
    },
    'files.readBytes': async ({ path }) => {
      const target = resolvePath(path);
      // stat before open: opening a named pipe called x.png would wait for a writer forever
      const found = await stat(target).catch(() => null);
      if (!found) throw new PaError(ErrorCode.NOT_FOUND, `File "${path}" does not exist.`);
      if (!found.isFile()) throw new PaError(ErrorCode.BAD_REQUEST, `"${path}" is not a file.`);
      // one handle from the size check to the read: a file that grows in between is still read only to the cap
      const handle = await open(target, 'r');
      try {
        const info = await handle.stat();
        if (!info.isFile()) throw new PaError(ErrorCode.BAD_REQUEST, `"${path}" is not a file.`);
        if (info.size > READ_BYTES_MAX) {
          throw new PaError(
            ErrorCode.TOO_LARGE,
            `"${path}" is ${info.size} bytes; a preview shows files up to ${READ_BYTES_MAX / (1024 * 1024)} MiB.`,
            { size: info.size },
          );
        }
        const buffer = Buffer.alloc(info.size);
        const { bytesRead } = await handle.read(buffer, 0, info.size, 0);
        return {
          path: normalise(path),
          base64: buffer.subarray(0, bytesRead).toString('base64'),
          size: bytesRead,
          mtimeMs: info.mtimeMs,
        };
      } finally {
        await handle.close();
      }
    },
    'files.readChunk': async ({ path, offset, expectedMtimeMs }) => {
      const target = resolvePath(path);
      const info = await stat(target).catch(() => null);
      if (!info) throw new PaError(ErrorCode.NOT_FOUND, `File "${path}" does not exist.`);
      if (!info.isFile()) throw new PaError(ErrorCode.BAD_REQUEST, `"${path}" is not a file.`);
      const handle = await open(target, 'r');
      try {
        const now = await handle.stat();
        if (now.size > MAX_EDITABLE_BYTES) throw tooLargeToEdit(path, now.size);
        if (expectedMtimeMs !== undefined && now.mtimeMs !== expectedMtimeMs) {
          throw new PaError(ErrorCode.CONFLICT, `"${path}" changed on disk while it was read; open it again.`, {
            mtimeMs: now.mtimeMs,
          });
        }
        if (offset > now.size) {
          throw new PaError(ErrorCode.BAD_REQUEST, `"${path}" has ${now.size} bytes; there is nothing at ${offset}.`);
        }
        const buffer = Buffer.alloc(Math.min(READ_CHUNK_BYTES, now.size - offset));
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
        const end = offset + bytesRead >= now.size ? bytesRead : completeUtf8Length(buffer, bytesRead);
        if (!isUtf8(buffer.subarray(0, end))) {
          // bytes a string cannot carry: decoded, edited and saved they would come back changed
          throw new PaError(
            ErrorCode.BAD_REQUEST,
            `"${path}" is not UTF-8 text past byte ${offset}; the editor does not open it, so a save cannot corrupt it. Open it with another tool.`,
            { reason: 'binary' },
          );
        }
        return {
          text: buffer.subarray(0, end).toString('utf8'),
          nextOffset: offset + end,
          size: now.size,
          mtimeMs: now.mtimeMs,
        };
      } finally {
        await handle.close();
      }
    },
    'files.write': async ({ path, content, expectedMtimeMs }) => {
      checkMtime(path, expectedMtimeMs);
      const result = await write(path, content);
      return { path: normalise(path), ...result };
    },
    'files.writeBegin': async ({ path, size, expectedMtimeMs }, { connection }) => {
      checkMtime(path, expectedMtimeMs);
      if (!watchedConnections.has(connection.id)) {
        watchedConnections.add(connection.id);
        connection.onDidClose(() => {
          watchedConnections.delete(connection.id);
          uploads.abortAll(connection.id);
        });
      }
      const root = realpathSync(workspace.requireRoot());
      try {
        resolveWritable(path);
        return { uploadId: uploads.begin(connection.id, root, checkRelativePath(path), size, expectedMtimeMs) };
      } catch (error) {
        throw asRefusal(error, path);
      }
    },
    'files.writeChunk': async ({ uploadId, offset, data }, { connection }) => {
      const path = uploads.pathOf(connection.id, uploadId);
      try {
        return { received: uploads.append(connection.id, uploadId, offset, data) };
      } catch (error) {
        throw asRefusal(error, path);
      }
    },
    'files.writeCommit': async ({ uploadId }, { connection }) => {
      const path = uploads.pathOf(connection.id, uploadId);
      let info: { size: number; mtimeMs: number };
      try {
        // the disk time is checked again at the end: the file may have changed while the parts arrived
        info = uploads.commit(connection.id, uploadId, (expectedMtimeMs) => checkMtime(path, expectedMtimeMs));
      } catch (error) {
        throw asRefusal(error, path);
      }
      ownWrites.set(path, info.mtimeMs);
      for (const listener of writeListeners) listener(path);
      return { path, size: info.size, mtimeMs: info.mtimeMs };
    },
    'files.writeAbort': async ({ uploadId }, { connection }) => {
      uploads.abort(connection.id, uploadId);
      return { ok: true } as const;
    },
    'files.create': async ({ path, kind, content }) => {
      const target = resolveWritable(path);
      if (existsSync(target)) throw new PaError(ErrorCode.CONFLICT, `"${path}" already exists.`);
      const root = realpathSync(workspace.requireRoot());
      const segments = checkRelativePath(path);
      let info: { size: number; mtimeMs: number };
      try {
        // made inside the real folders checked at the moment of making them, like a write (folder-handle.ts)
        info =
          kind === 'dir'
            ? inFolder(root, segments, { create: true }, () => lstatSync('.'))
            : writeInside(root, segments, content ?? '', { exclusive: true });
      } catch (error) {
        throw asRefusal(error, path);
      }
      return { path: normalise(path), size: info.size, mtimeMs: info.mtimeMs };
    },
    'files.rename': async ({ from, to }) => {
      const source = resolveWritable(from);
      const target = resolveWritable(to);
      if (!existsSync(source)) throw new PaError(ErrorCode.NOT_FOUND, `"${from}" does not exist.`);
      if (existsSync(target)) throw new PaError(ErrorCode.CONFLICT, `"${to}" already exists.`);
      await mkdir(dirname(target), { recursive: true });
      await rename(source, target);
      return { ok: true } as const;
    },
    'files.delete': async ({ path }) => {
      const target = resolveWritable(path);
      if (target === resolveInside(workspace.requireRoot(), '')) {
        throw new PaError(ErrorCode.BAD_REQUEST, 'The workspace folder itself cannot be deleted from the editor.');
      }
      if (!existsSync(target)) throw new PaError(ErrorCode.NOT_FOUND, `"${path}" does not exist.`);
      const segments = checkRelativePath(path);
      const name = segments.at(-1) as string;
      // removed from inside its real parent folder, checked at the moment (a symlink there is unlinked, not followed)
      try {
        inFolder(realpathSync(workspace.requireRoot()), segments.slice(0, -1), { create: false }, () =>
          rmSync(name, { recursive: true }),
        );
      } catch (error) {
        throw asRefusal(error, path);
      }
      return { ok: true } as const;
    },
  };

  return {
    handlers,
    resolve: resolvePath,
    write,
    onDidWrite(listener) {
      writeListeners.add(listener);
      return () => writeListeners.delete(listener);
    },
    onDidChangeOutside(listener) {
      changeListeners.add(listener);
      return () => changeListeners.delete(listener);
    },
    dispose: async () => {
      unsubscribe();
      await watcher?.close();
    },
  };
}

function tooLargeToEdit(path: string, size: number): PaError {
  return new PaError(
    ErrorCode.TOO_LARGE,
    `"${path}" is ${size} bytes; the editor opens files up to ${MAX_EDITABLE_BYTES / (1024 * 1024)} MB. Open it with another tool.`,
    { limit: MAX_EDITABLE_BYTES },
  );
}

/** The first block of a file, where binary content shows (as git looks for it). */
async function readHead(target: string): Promise<Buffer> {
  const handle = await open(target, 'r');
  try {
    const buffer = Buffer.alloc(8192);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** `length` cut back so it ends on a whole UTF-8 character (a part of a file never splits one). */
function completeUtf8Length(bytes: Buffer, length: number): number {
  for (let back = 1; back <= Math.min(4, length); back++) {
    const byte = bytes[length - back] as number;
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: its character starts further back
    const needs = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return needs > back ? length - back : length;
  }
  return length;
}

/** Filesystem errors a client's path causes (a file where a folder must be, a name too long), as typed refusals. */
function asRefusal(error: unknown, rel: string): unknown {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const path = rel.slice(0, 200);
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return new PaError(
      ErrorCode.FORBIDDEN,
      `"${path}" cannot be written: permission denied. Check the permissions of the file and its folder, then save again.`,
      { reason: 'permission' },
    );
  }
  if (code === 'ENOSPC' || code === 'EDQUOT' || code === 'EFBIG') {
    return new PaError(
      ErrorCode.UNAVAILABLE,
      `The disk has no room to save "${path}"; free some space and save again.`,
      {
        reason: 'disk_full',
      },
    );
  }
  if (code === 'ENAMETOOLONG') {
    return new PaError(ErrorCode.BAD_REQUEST, `"${path}" is too long for the filesystem; choose a shorter name.`, {
      reason: 'name_too_long',
    });
  }
  if (code === 'ENOENT' || code === 'EINVAL') {
    return new PaError(
      ErrorCode.CONFLICT,
      `A folder on the path of "${path}" vanished while it was written; try again.`,
    );
  }
  if (code === 'ENOTDIR' || code === 'EISDIR' || code === 'EEXIST' || code === 'ELOOP') {
    return new PaError(
      ErrorCode.BAD_REQUEST,
      `"${path}" needs a folder where a file is, or a file where a folder is; move what is in the way and try again.`,
    );
  }
  return error;
}

function normalise(rel: string): string {
  return rel
    .split('/')
    .filter((segment) => segment !== '' && segment !== '.')
    .join('/');
}
