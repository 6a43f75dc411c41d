// Path confinement: every client path is workspace-relative and must resolve inside the workspace root,
// symlinks included. Anything else is refused with E_BAD_REQUEST before any filesystem call.
import { realpathSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { ErrorCode, PaError } from '@pa/shared';

/** The longest file or folder name the common filesystems take (bytes of UTF-8; NAME_MAX on Linux and macOS). */
export const MAX_NAME_BYTES = 255;
/** The longest path the engine writes or reads, root included (PATH_MAX on Linux is 4096 with its NUL). */
export const MAX_PATH_BYTES = 4095;

/** Checks the shape of a relative path and returns its normalised '/'-joined segments. */
export function checkRelativePath(rel: string): string[] {
  if (rel.includes('\0')) throw refuse(rel, 'contains a NUL byte');
  if (Buffer.byteLength(rel) > MAX_PATH_BYTES) throw tooLong(rel, `is longer than ${MAX_PATH_BYTES} bytes`);
  if (rel.includes('\\')) throw refuse(rel, 'contains a backslash; use "/" separators');
  if (isAbsolute(rel) || /^[a-zA-Z]:/.test(rel)) throw refuse(rel, 'is absolute');
  const segments = rel.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.some((segment) => segment === '..')) throw refuse(rel, 'climbs out with ".."');
  if (segments.some((segment) => Buffer.byteLength(segment) > MAX_NAME_BYTES)) {
    throw tooLong(rel, `has a name longer than ${MAX_NAME_BYTES} bytes`);
  }
  return segments;
}

/**
 * Resolves `rel` under `root` and proves the result (or, for a path that does not exist yet, its nearest existing
 * ancestor) is inside the real root after following symlinks.
 */
export function resolveInside(root: string, rel: string): string {
  const segments = checkRelativePath(rel);
  const realRoot = realpathSync(root);
  const target = join(realRoot, ...segments);
  if (Buffer.byteLength(target) > MAX_PATH_BYTES) throw tooLong(rel, 'makes a path too long for the filesystem');
  let probe = target;
  for (;;) {
    let real: string | null = null;
    try {
      real = realpathSync(probe);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (real !== null) {
      if (!isWithin(realRoot, real)) throw refuse(rel, 'leads outside the workspace through a symlink');
      return target;
    }
    const parent = dirname(probe);
    if (parent === probe) throw refuse(rel, 'is outside the workspace');
    probe = parent;
  }
}

/** The workspace-relative '/' path of an absolute path known to be inside root. */
export function toRelative(root: string, absolute: string): string {
  return relative(root, absolute).split(sep).join('/');
}

export function isWithin(root: string, candidate: string): boolean {
  const rel = relative(root, candidate);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

function tooLong(rel: string, why: string): PaError {
  return new PaError(ErrorCode.BAD_REQUEST, `Path "${rel.slice(0, 200)}…" ${why}; choose a shorter name.`, {
    reason: 'name_too_long',
  });
}

function refuse(rel: string, why: string): PaError {
  return new PaError(ErrorCode.BAD_REQUEST, `Path "${rel.slice(0, 200)}" ${why}.`, {
    reason: 'path_outside_workspace',
  });
}
