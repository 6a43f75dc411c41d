// The `edit` step: applies a unified diff (or writes given contents) inside the workspace. Every target is
// confined (and refused inside `.git`) first and every file is patched in memory before anything is written, so a
// conflict changes nothing and names the hunk that did not apply; the writes then go through the edit journal,
// so they land all together or not at all, crash included.
import { existsSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { ErrorCode, PaError } from '@pa/shared';
import { applyPatch, parsePatch, type StructuredPatch, type StructuredPatchHunk } from 'diff';
import { refuseGitPath } from '../protected-paths.js';
import type { EditJournal, JournalledWrite } from './edit-journal.js';

export interface FileChange {
  path: string;
  action: 'created' | 'modified' | 'deleted';
  /** Kept for the UI's diff view (cut at 256 KiB each). */
  before: string;
  after: string;
}

export interface EditTarget {
  /** Resolves a workspace-relative path, refusing traversal and symlink escapes (throws PaError). */
  resolve(rel: string): string;
  write(rel: string, content: string): Promise<unknown>;
  /** Makes a step's writes one operation. */
  journal: EditJournal;
}

type PlannedChange = FileChange & Omit<JournalledWrite, 'path'>;

const VIEW_LIMIT = 256 * 1024;

/** Strips Markdown fences and chatter around a diff a model wrote. */
export function extractDiff(text: string): string {
  const fenced = /```(?:diff|patch)?\s*\n([\s\S]*?)```/.exec(text);
  const body = fenced ? (fenced[1] as string) : text;
  const start = body.search(/^(diff --git |--- )/m);
  return start >= 0 ? body.slice(start) : body;
}

export function parseDiff(text: string): StructuredPatch[] {
  let patches: StructuredPatch[];
  try {
    patches = parsePatch(extractDiff(text));
  } catch (error) {
    throw new PaError(ErrorCode.BAD_REQUEST, `The diff could not be read: ${(error as Error).message}`);
  }
  patches = patches.filter((patch) => patch.hunks.length > 0 || patch.newFileName === '/dev/null');
  if (patches.length === 0) throw new PaError(ErrorCode.BAD_REQUEST, 'The diff holds no hunks to apply.');
  return patches;
}

function cleanPath(name: string | undefined): string | null {
  if (!name || name === '/dev/null') return null;
  return name.replace(/^[ab]\//, '').replace(/\t.*$/, '');
}

function hunkText(hunk: StructuredPatchHunk): string {
  return [`@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@`, ...hunk.lines].join('\n');
}

function clip(text: string): string {
  return text.length > VIEW_LIMIT ? `${text.slice(0, VIEW_LIMIT)}\n[… cut for display …]` : text;
}

/** Plans every file change of a diff without writing; throws E_CONFLICT naming the first hunk that failed. */
export function planDiff(diff: string, target: EditTarget): PlannedChange[] {
  const changes: PlannedChange[] = [];
  for (const patch of parseDiff(diff)) {
    const oldPath = cleanPath(patch.oldFileName);
    const newPath = cleanPath(patch.newFileName);
    const path = newPath ?? oldPath;
    if (!path) throw new PaError(ErrorCode.BAD_REQUEST, 'A file in the diff has no name.');
    refuseGitPath(path);
    if (oldPath) refuseGitPath(oldPath);
    const absolute = target.resolve(path);
    if (oldPath && oldPath !== path) target.resolve(oldPath);
    const exists = existsSync(absolute);
    if (oldPath && !exists) {
      throw new PaError(ErrorCode.CONFLICT, `The diff changes "${path}", which does not exist.`, { path });
    }
    if (!oldPath && exists) {
      throw new PaError(ErrorCode.CONFLICT, `The diff creates "${path}", which already exists.`, { path });
    }
    const before = exists ? readFileSync(absolute, 'utf8') : '';
    const original = exists ? before : null;
    if (!newPath) {
      changes.push({ path, action: 'deleted', before: clip(before), after: '', absolute, content: null, original });
      continue;
    }
    const after = applyPatch(before, patch);
    if (after === false) throw conflict(path, before, patch);
    changes.push({
      path,
      action: oldPath ? 'modified' : 'created',
      before: clip(before),
      after: clip(after),
      absolute,
      content: after,
      original,
    });
  }
  return changes;
}

export async function applyDiff(diff: string, target: EditTarget): Promise<FileChange[]> {
  const planned = planDiff(diff, target);
  await target.journal.apply(planned, {
    write: target.write,
    remove: (rel) => rm(target.resolve(rel)),
  });
  return planned.map(({ content: _content, absolute: _absolute, original: _original, ...change }) => change);
}

export async function writeContent(path: string, content: string, target: EditTarget): Promise<FileChange[]> {
  refuseGitPath(path);
  const absolute = target.resolve(path);
  const before = existsSync(absolute) ? readFileSync(absolute, 'utf8') : null;
  await target.journal.apply([{ path, absolute, content, original: before }], {
    write: target.write,
    remove: (rel) => rm(target.resolve(rel)),
  });
  return [{ path, action: before === null ? 'created' : 'modified', before: clip(before ?? ''), after: clip(content) }];
}

/** Applies the hunks one by one to find the first that does not fit. */
function conflict(path: string, source: string, patch: StructuredPatch): PaError {
  let current = source;
  for (const hunk of patch.hunks) {
    const next = applyPatch(current, { ...patch, hunks: [hunk] });
    if (next === false) {
      const text = hunkText(hunk);
      return new PaError(
        ErrorCode.CONFLICT,
        `The change to "${path}" does not apply: this hunk does not match the file.\n${text}`,
        { path, hunk: text },
      );
    }
    current = next;
  }
  return new PaError(ErrorCode.CONFLICT, `The change to "${path}" does not apply to the file as it is now.`, { path });
}
