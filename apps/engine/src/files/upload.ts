// Writes too big for one message: files.writeBegin stages a temp file in the checked folder (atomic.ts), each
// files.writeChunk appends at the offset the engine expects, files.writeCommit renames it in place. An upload
// belongs to the connection that began it; one left idle, or whose connection or workspace goes, is removed.
import { randomBytes } from 'node:crypto';
import type { Stats } from 'node:fs';
import { ErrorCode, MAX_EDITABLE_BYTES, PaError } from '@pa/shared';
import { commitStaged, discardStaged, type StagedWrite, stageInside, writeStaged } from './atomic.js';

/** An upload with no chunk for this long is abandoned and its temp file removed. */
export const UPLOAD_IDLE_MS = 60_000;
/** Uploads one connection may have open at once (each holds a file descriptor and a temp file). */
export const MAX_UPLOADS_PER_CONNECTION = 8;

interface Upload {
  readonly id: string;
  readonly owner: number;
  /** The checked workspace-relative path, '/'-joined. */
  readonly rel: string;
  readonly expectedMtimeMs: number | undefined;
  readonly realRoot: string;
  readonly size: number;
  readonly staged: StagedWrite;
  received: number;
  timer: ReturnType<typeof setTimeout>;
}

export interface UploadsOptions {
  idleMs?: number;
  maxBytes?: number;
}

export class Uploads {
  private readonly uploads = new Map<string, Upload>();
  private readonly idleMs: number;
  private readonly maxBytes: number;

  constructor(options: UploadsOptions = {}) {
    this.idleMs = options.idleMs ?? UPLOAD_IDLE_MS;
    this.maxBytes = options.maxBytes ?? MAX_EDITABLE_BYTES;
  }

  /** Stages a write of `size` bytes to `segments` (a checked path) under `realRoot`; returns its upload id. */
  begin(owner: number, realRoot: string, segments: readonly string[], size: number, expectedMtimeMs?: number): string {
    const rel = segments.join('/');
    if (size > this.maxBytes) {
      throw new PaError(
        ErrorCode.TOO_LARGE,
        `"${rel}" would be ${size} bytes; the editor saves files up to ${mebibytes(this.maxBytes)}. Save it in smaller files, or with another tool.`,
        { limit: this.maxBytes },
      );
    }
    const open = [...this.uploads.values()].filter((upload) => upload.owner === owner).length;
    if (open >= MAX_UPLOADS_PER_CONNECTION) {
      throw new PaError(
        ErrorCode.QUOTA,
        `${open} saves are already in progress from this window; wait for them to finish and save again.`,
      );
    }
    const staged = stageInside(realRoot, segments);
    const id = randomBytes(12).toString('hex');
    const timer = this.idleTimer(id);
    this.uploads.set(id, { id, owner, rel, expectedMtimeMs, realRoot, size, staged, received: 0, timer });
    return id;
  }

  /** Appends `data` (as UTF-8) at `offset`, which must be the count of bytes received so far. */
  append(owner: number, id: string, offset: number, data: string): number {
    const upload = this.require(owner, id);
    if (offset !== upload.received) {
      this.discard(upload);
      throw new PaError(
        ErrorCode.BAD_REQUEST,
        `A part of "${upload.rel}" came at byte ${offset}, but ${upload.received} bytes had arrived; the save was abandoned. Save again.`,
        { reason: 'offset', received: upload.received },
      );
    }
    const bytes = Buffer.from(data, 'utf8');
    if (upload.received + bytes.length > upload.size) {
      this.discard(upload);
      throw new PaError(
        ErrorCode.TOO_LARGE,
        `"${upload.rel}" grew past the ${upload.size} bytes its save announced; the save was abandoned. Save again.`,
      );
    }
    try {
      writeStaged(upload.staged, bytes, offset);
    } catch (error) {
      this.discard(upload);
      throw error;
    }
    upload.received += bytes.length;
    clearTimeout(upload.timer);
    upload.timer = this.idleTimer(id);
    return upload.received;
  }

  /** The path an upload writes to. */
  pathOf(owner: number, id: string): string {
    return this.require(owner, id).rel;
  }

  /** Puts a complete upload in place; `check` (a conflict check, given the expected disk time) may refuse it. */
  commit(owner: number, id: string, check: (expectedMtimeMs: number | undefined) => void = () => {}): Stats {
    const upload = this.require(owner, id);
    this.forget(upload);
    try {
      if (upload.received !== upload.size) {
        throw new PaError(
          ErrorCode.BAD_REQUEST,
          `The save of "${upload.rel}" ended after ${upload.received} of ${upload.size} bytes and was abandoned. Save again.`,
          { reason: 'incomplete' },
        );
      }
      check(upload.expectedMtimeMs);
      return commitStaged(upload.realRoot, upload.staged);
    } catch (error) {
      discardStaged(upload.realRoot, upload.staged);
      throw error;
    }
  }

  abort(owner: number, id: string): void {
    this.discard(this.require(owner, id));
  }

  /** Abandons the uploads of one connection (it closed), or all of them (the workspace closed). */
  abortAll(owner?: number): void {
    for (const upload of [...this.uploads.values()])
      if (owner === undefined || upload.owner === owner) this.discard(upload);
  }

  private require(owner: number, id: string): Upload {
    const upload = this.uploads.get(id);
    if (!upload || upload.owner !== owner) {
      throw new PaError(
        ErrorCode.NOT_FOUND,
        'That save is no longer in progress (it finished, failed, or sat idle too long); save again.',
        { reason: 'unknown_upload' },
      );
    }
    return upload;
  }

  private idleTimer(id: string): ReturnType<typeof setTimeout> {
    const timer = setTimeout(() => {
      const upload = this.uploads.get(id);
      if (upload) this.discard(upload);
    }, this.idleMs);
    timer.unref?.();
    return timer;
  }

  private forget(upload: Upload): void {
    clearTimeout(upload.timer);
    this.uploads.delete(upload.id);
  }

  private discard(upload: Upload): void {
    this.forget(upload);
    discardStaged(upload.realRoot, upload.staged);
  }
}

function mebibytes(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024))} MB`;
}
