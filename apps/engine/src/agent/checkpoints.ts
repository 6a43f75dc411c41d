// Agent checkpoints (issue 17, "Agent mode"): before the first write of each agent turn the turn captures every file
// it will touch (created and deleted ones included: a file that did not exist is recorded as absent), and after its
// writes it settles them (records the sha256 of what it left there). "Restore to here" on a turn puts every file
// that turn or any later one touched back byte for byte, as it was before that turn. A restore is itself undoable:
// it first captures everything it is about to change in a 'restore' checkpoint, and restoring that one undoes it.
// No git needed: contents live in SQLite, content-addressed (identical bytes share one blob), and the oldest
// checkpoints are dropped when the blobs pass a size cap.
//
// Conflicts: a file whose bytes differ from what the last of those turns left there (the user edited it after the
// turn), or that changed between two of the turns being undone, or that a turn never settled and is no longer as
// it was at the checkpoint, is reported and left alone unless the restore is forced. A path that now leads outside
// the workspace through a symlink, or where a folder or a symlink now stands, is never written, forced or not.
//
// Paths are workspace-relative, confined with confine.ts, never inside a `.git` folder; writes are atomic and made
// inside the checked parent folder (writeInside), deletions too, so a folder swapped for a symlink meanwhile cannot
// send a restore outside the workspace. Everything is synchronous: the folder handle borrows the working directory.
import { createHash } from 'node:crypto';
import {
  closeSync,
  constants,
  fchmodSync,
  fstatSync,
  lstatSync,
  openSync,
  readFileSync,
  realpathSync,
  type Stats,
  unlinkSync,
} from 'node:fs';
import { resolve } from 'node:path';
import { ErrorCode, PaError } from '@pa/shared';
import { checkRelativePath, inFolder, resolveInside, writeInside } from '../files/api.js';
import type { Store } from '../store/index.js';

/** The migrations of the 'agent.checkpoints' capability (Store.migrate). */
export const CHECKPOINT_MIGRATIONS: string[] = [
  `CREATE TABLE checkpoint_blobs (
     hash TEXT PRIMARY KEY,
     bytes BLOB NOT NULL,
     size INTEGER NOT NULL
   );
   CREATE TABLE checkpoints (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     root TEXT NOT NULL,
     turn_id TEXT NOT NULL,
     label TEXT NOT NULL,
     kind TEXT NOT NULL CHECK (kind IN ('turn', 'restore')),
     restored_id INTEGER,
     created_at INTEGER NOT NULL
   );
   CREATE INDEX checkpoints_root ON checkpoints (root, id);
   CREATE TABLE checkpoint_files (
     checkpoint_id INTEGER NOT NULL REFERENCES checkpoints (id) ON DELETE CASCADE,
     path TEXT NOT NULL,
     before_hash TEXT REFERENCES checkpoint_blobs (hash),
     before_mode INTEGER,
     settled INTEGER NOT NULL DEFAULT 0,
     after_hash TEXT,
     PRIMARY KEY (checkpoint_id, path)
   );
   CREATE INDEX checkpoint_files_blob ON checkpoint_files (before_hash);`,
];

/** Blob bytes kept before the oldest checkpoints are dropped. */
export const DEFAULT_CHECKPOINT_CAP_BYTES = 256 * 1024 * 1024;

export type CheckpointKind = 'turn' | 'restore';

export interface CheckpointInfo {
  id: number;
  /** The real path of the workspace root. */
  root: string;
  turnId: string;
  label: string;
  kind: CheckpointKind;
  /** For a 'restore' checkpoint: the checkpoint that restore went back to (restoring this one undoes it). */
  restoredId: number | null;
  createdAt: number;
  /** How many files it holds. */
  files: number;
}

/**
 * Why a path was left alone. `edited`: it is not what the last turn left there (the user edited it afterwards);
 * `edited_between`: it changed between two of the turns undone; `unsettled`: a turn never recorded what it left and
 * the file is not as it was at the checkpoint. Those three a forced restore overwrites. Never overwritten:
 * `outside_workspace` (the path now leads out through a symlink, or into `.git`), `not_a_file` (a folder or a
 * symlink stands there now), `failed` (the write or the deletion failed).
 */
export type ConflictReason = 'edited' | 'edited_between' | 'unsettled' | 'outside_workspace' | 'not_a_file' | 'failed';

export interface RestoreConflict {
  path: string;
  reason: ConflictReason;
}

export interface RestoreResult {
  /** The paths put back (written, recreated or deleted); paths already as they were are in neither list. */
  restored: string[];
  conflicts: RestoreConflict[];
  /** The 'restore' checkpoint that undoes this restore; null when nothing was changed. */
  undoCheckpointId: number | null;
}

export interface CheckpointUsage {
  checkpoints: number;
  blobs: number;
  /** Blob bytes stored (what the cap limits). */
  bytes: number;
}

/** One agent turn's checkpoint; see CheckpointStore.begin. */
export interface Checkpoint {
  readonly id: number;
  readonly root: string;
  /**
   * Records the current bytes (or the absence) of each path the first time this checkpoint sees it; later captures
   * of a path are no-ops. Call it before every write, creation, deletion or rename (for a rename, both paths). One
   * SQLite transaction per call. E_BAD_REQUEST for a path outside the workspace or a folder/symlink at the path,
   * E_FORBIDDEN inside `.git`, E_TOO_LARGE for a file bigger than the cap.
   */
  capture(paths: string | readonly string[]): void;
  /**
   * Records what the turn left at a captured path: `left` the bytes it wrote, null when it deleted the file, or
   * omitted to read the file now. May be called again after another write; the last call counts.
   */
  settle(path: string, left?: Uint8Array | string | null): void;
  /** Settles every captured path not settled yet (reading it now), closes the checkpoint and collects garbage. */
  finish(): void;
}

/** What stands at a path now. */
type PathState =
  | { kind: 'absent' }
  | { kind: 'file'; bytes: Buffer; hash: string; mode: number }
  | { kind: 'folder' }
  | { kind: 'symlink' };

interface ChainRow {
  id: number;
  path: string;
  before_hash: string | null;
  before_mode: number | null;
  settled: number;
  after_hash: string | null;
}

interface CheckpointRow {
  id: number;
  root: string;
  turn_id: string;
  label: string;
  kind: CheckpointKind;
  restored_id: number | null;
  created_at: number;
  files: number;
}

/** A state a checkpoint can hold. */
type Capturable = Extract<PathState, { kind: 'absent' | 'file' }>;

interface Planned {
  path: string;
  segments: string[];
  /** The blob to write back, or null to delete the file. */
  targetHash: string | null;
  targetMode: number | null;
  current: Capturable;
}

// O_NOFOLLOW: a symlink swapped in at the target between the lstat and the open is refused, not read through.
const OPEN_NO_FOLLOW = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0);

export class CheckpointStore {
  readonly #db: Store['db'];
  readonly #cap: number;
  readonly #open = new Set<number>();
  readonly #statements;

  constructor(store: Store, options: { capBytes?: number } = {}) {
    store.migrate('agent.checkpoints', CHECKPOINT_MIGRATIONS);
    this.#db = store.db;
    this.#cap = options.capBytes ?? DEFAULT_CHECKPOINT_CAP_BYTES;
    const db = store.db;
    this.#statements = {
      insertCheckpoint: db.prepare<[string, string, string, CheckpointKind, number | null, number]>(
        'INSERT INTO checkpoints (root, turn_id, label, kind, restored_id, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      getCheckpoint: db.prepare<[number], CheckpointRow>(
        `SELECT c.*, (SELECT COUNT(*) FROM checkpoint_files f WHERE f.checkpoint_id = c.id) AS files
         FROM checkpoints c WHERE c.id = ?`,
      ),
      listCheckpoints: db.prepare<[string], CheckpointRow>(
        `SELECT c.*, (SELECT COUNT(*) FROM checkpoint_files f WHERE f.checkpoint_id = c.id) AS files
         FROM checkpoints c WHERE c.root = ? ORDER BY c.id`,
      ),
      insertBlob: db.prepare<[string, Buffer, number]>(
        'INSERT OR IGNORE INTO checkpoint_blobs (hash, bytes, size) VALUES (?, ?, ?)',
      ),
      getBlob: db.prepare<[string], { bytes: Buffer }>('SELECT bytes FROM checkpoint_blobs WHERE hash = ?'),
      insertFile: db.prepare<[number, string, string | null, number | null]>(
        'INSERT OR IGNORE INTO checkpoint_files (checkpoint_id, path, before_hash, before_mode) VALUES (?, ?, ?, ?)',
      ),
      settleFile: db.prepare<[number, string | null, number, string]>(
        'UPDATE checkpoint_files SET settled = ?, after_hash = ? WHERE checkpoint_id = ? AND path = ?',
      ),
      deleteFile: db.prepare<[number, string]>('DELETE FROM checkpoint_files WHERE checkpoint_id = ? AND path = ?'),
      hasFile: db.prepare<[number, string], { one: number }>(
        'SELECT 1 AS one FROM checkpoint_files WHERE checkpoint_id = ? AND path = ?',
      ),
      // every capture of every path by the checkpoint and the later ones of its workspace, oldest first per path
      chain: db.prepare<[string, number], ChainRow>(
        `SELECT f.checkpoint_id AS id, f.path, f.before_hash, f.before_mode, f.settled, f.after_hash
         FROM checkpoint_files f JOIN checkpoints c ON c.id = f.checkpoint_id
         WHERE c.root = ? AND c.id >= ? ORDER BY f.path, f.checkpoint_id`,
      ),
      usage: db.prepare<[], CheckpointUsage>(
        `SELECT (SELECT COUNT(*) FROM checkpoints) AS checkpoints, COUNT(*) AS blobs, COALESCE(SUM(size), 0) AS bytes
         FROM checkpoint_blobs`,
      ),
      oldest: db.prepare<[], { id: number }>('SELECT id FROM checkpoints ORDER BY id'),
      newest: db.prepare<[], { id: number | null }>('SELECT MAX(id) AS id FROM checkpoints'),
      hashesOf: db
        .prepare<[number], string>(
          'SELECT DISTINCT before_hash FROM checkpoint_files WHERE checkpoint_id = ? AND before_hash IS NOT NULL',
        )
        .pluck(),
      deleteCheckpoint: db.prepare<[number]>('DELETE FROM checkpoints WHERE id = ?'),
      deleteOrphan: db.prepare<[string, string], { size: number }>(
        `DELETE FROM checkpoint_blobs WHERE hash = ?
         AND NOT EXISTS (SELECT 1 FROM checkpoint_files WHERE before_hash = ?) RETURNING size`,
      ),
    };
  }

  /** Opens the checkpoint of one agent turn in the workspace at `root`. */
  begin(root: string, turnId: string, label: string): Checkpoint {
    const realRoot = realRootOf(root);
    const id = Number(
      this.#statements.insertCheckpoint.run(realRoot, turnId, label, 'turn', null, Date.now()).lastInsertRowid,
    );
    this.#open.add(id);
    return this.#checkpoint(id, realRoot);
  }

  /** The checkpoints of a workspace, oldest first (the transcript's order). */
  list(root: string): CheckpointInfo[] {
    let realRoot: string;
    try {
      realRoot = realpathSync(root);
    } catch {
      realRoot = resolve(root);
    }
    return this.#statements.listCheckpoints.all(realRoot).map(toInfo);
  }

  /** One checkpoint, or E_NOT_FOUND (unknown, or dropped by the size cap). */
  get(checkpointId: number): CheckpointInfo {
    const row = this.#statements.getCheckpoint.get(checkpointId);
    if (!row) throw notFound(checkpointId);
    return toInfo(row);
  }

  usage(): CheckpointUsage {
    return this.#statements.usage.get() as CheckpointUsage;
  }

  /**
   * Puts every file the checkpoint or any later one of its workspace touched back as it was when the checkpoint
   * captured it (the workspace as it was before that turn). Captures what it is about to change first, in a
   * 'restore' checkpoint (`undoCheckpointId`); conflicts are left alone unless `force` (see ConflictReason).
   */
  restore(checkpointId: number, options: { force?: boolean } = {}): RestoreResult {
    const head = this.#statements.getCheckpoint.get(checkpointId);
    if (!head) throw notFound(checkpointId);
    return this.#restore(head, null, options.force ?? false, `Restore to "${head.label}"`);
  }

  /**
   * Puts only `paths` back as the checkpoint captured them (the review's per-file "Reject"), with restore()'s rules:
   * the later turns' captures of those paths count, conflicts are left alone unless `force`, and a 'restore'
   * checkpoint of what it changes comes first (`undoCheckpointId`). Every path must be one the checkpoint itself
   * captured (E_BAD_REQUEST otherwise); a path outside the workspace is E_BAD_REQUEST, one inside `.git` E_FORBIDDEN.
   */
  restoreFiles(checkpointId: number, paths: readonly string[], options: { force?: boolean } = {}): RestoreResult {
    const head = this.#statements.getCheckpoint.get(checkpointId);
    if (!head) throw notFound(checkpointId);
    const wanted = new Set(paths.map((path) => safeSegments(path).join('/')));
    if (wanted.size === 0) throw new PaError(ErrorCode.BAD_REQUEST, 'Name at least one file to restore.');
    for (const path of wanted) {
      if (!this.#statements.hasFile.get(checkpointId, path)) {
        throw new PaError(
          ErrorCode.BAD_REQUEST,
          `"${path.slice(0, 200)}" is not a file checkpoint ${checkpointId} holds.`,
          { reason: 'not_captured' },
        );
      }
    }
    const names = [...wanted];
    const what = names.length === 1 ? (names[0] as string).slice(0, 200) : `${names.length} files`;
    return this.#restore(head, wanted, options.force ?? false, `Restore ${what} of "${head.label}"`);
  }

  #restore(head: CheckpointRow, only: ReadonlySet<string> | null, force: boolean, label: string): RestoreResult {
    const checkpointId = head.id;
    const realRoot = realRootOf(head.root);
    const conflicts: RestoreConflict[] = [];
    const planned: Planned[] = [];
    for (const chain of groupByPath(this.#statements.chain.all(head.root, checkpointId))) {
      const first = chain[0] as ChainRow;
      const path = first.path;
      if (only && !only.has(path)) continue;
      let segments: string[];
      let current: PathState;
      try {
        segments = safeSegments(path);
        current = readState(realRoot, path);
      } catch (error) {
        conflicts.push({ path, reason: error instanceof PaError ? 'outside_workspace' : 'failed' });
        continue;
      }
      if (current.kind === 'folder' || current.kind === 'symlink') {
        conflicts.push({ path, reason: 'not_a_file' });
        continue;
      }
      const currentHash = current.kind === 'file' ? current.hash : null;
      const atTarget =
        currentHash === first.before_hash && (current.kind === 'absent' || current.mode === first.before_mode);
      if (atTarget) continue;
      const reason = force ? null : conflictOf(chain, currentHash);
      if (reason) {
        conflicts.push({ path, reason });
        continue;
      }
      planned.push({ path, segments, targetHash: first.before_hash, targetMode: first.before_mode, current });
    }
    if (planned.length === 0) return { restored: [], conflicts, undoCheckpointId: null };

    const s = this.#statements;
    const undoId = this.#db.transaction(() => {
      const id = Number(
        s.insertCheckpoint.run(head.root, head.turn_id, label, 'restore', head.id, Date.now()).lastInsertRowid,
      );
      for (const { path, current } of planned) {
        if (current.kind === 'file') s.insertBlob.run(current.hash, current.bytes, current.bytes.length);
        s.insertFile.run(
          id,
          path,
          current.kind === 'file' ? current.hash : null,
          current.kind === 'file' ? current.mode : null,
        );
      }
      return id;
    })();
    this.#open.add(undoId);

    const restored: string[] = [];
    const failed = new Set<string>();
    for (const item of planned) {
      try {
        putBack(realRoot, item, item.targetHash === null ? null : this.#blob(item.targetHash));
        restored.push(item.path);
      } catch {
        failed.add(item.path);
        conflicts.push({ path: item.path, reason: 'failed' });
      }
    }
    this.#db.transaction(() => {
      for (const item of planned) {
        if (failed.has(item.path)) s.deleteFile.run(undoId, item.path);
        else s.settleFile.run(1, item.targetHash, undoId, item.path);
      }
    })();
    this.#open.delete(undoId);
    this.gc();
    return { restored, conflicts, undoCheckpointId: undoId };
  }

  /**
   * Drops the oldest checkpoints (and the blobs no checkpoint uses any more) while the blobs take more than the
   * cap. Never drops the newest checkpoint or one still open. Answers how many checkpoints it dropped.
   */
  gc(): number {
    const s = this.#statements;
    let bytes = this.usage().bytes;
    if (bytes <= this.#cap) return 0;
    const newest = s.newest.get()?.id ?? null;
    let dropped = 0;
    this.#db.transaction(() => {
      for (const { id } of s.oldest.all()) {
        if (bytes <= this.#cap) break;
        if (id === newest || this.#open.has(id)) continue;
        const hashes = s.hashesOf.all(id);
        s.deleteCheckpoint.run(id);
        for (const hash of hashes) {
          const gone = s.deleteOrphan.get(hash, hash);
          if (gone) bytes -= gone.size;
        }
        dropped++;
      }
    })();
    return dropped;
  }

  #blob(hash: string): Buffer {
    const row = this.#statements.getBlob.get(hash);
    if (!row) throw new PaError(ErrorCode.INTERNAL, 'A checkpoint blob is missing.');
    return row.bytes;
  }

  #checkpoint(id: number, realRoot: string): Checkpoint {
    const s = this.#statements;
    const db = this.#db;
    const cap = this.#cap;
    const captured = new Set<string>();
    const settled = new Set<string>();
    let open = true;
    const ensureOpen = () => {
      if (!open) throw new PaError(ErrorCode.BAD_REQUEST, `Checkpoint ${id} is finished.`);
    };
    const keyOf = (rel: string) => {
      const key = safeSegments(rel).join('/');
      if (!captured.has(key)) {
        throw new PaError(ErrorCode.BAD_REQUEST, `"${key.slice(0, 200)}" was not captured by checkpoint ${id}.`);
      }
      return key;
    };
    const settleNow = (key: string, left: Uint8Array | string | null | undefined) => {
      if (left === undefined) {
        let state: PathState | null = null;
        try {
          state = readState(realRoot, key);
        } catch {
          // the path leads elsewhere now (or cannot be read): what the turn left is unknown
        }
        if (state === null) s.settleFile.run(0, null, id, key);
        else if (state.kind === 'file') s.settleFile.run(1, state.hash, id, key);
        else if (state.kind === 'absent') s.settleFile.run(1, null, id, key);
        else s.settleFile.run(0, null, id, key); // a folder or symlink left there: unknown, restore treats it so
      } else s.settleFile.run(1, left === null ? null : sha256(left), id, key);
      settled.add(key);
    };
    return {
      id,
      root: realRoot,
      capture(paths) {
        ensureOpen();
        const fresh = new Map<string, Capturable>();
        for (const rel of typeof paths === 'string' ? [paths] : paths) {
          const key = safeSegments(rel).join('/');
          if (captured.has(key) || fresh.has(key)) continue;
          const state = readState(realRoot, key);
          if (state.kind === 'folder' || state.kind === 'symlink') {
            throw new PaError(
              ErrorCode.BAD_REQUEST,
              `"${key.slice(0, 200)}" is a ${state.kind}; checkpoints hold files (capture the files in it).`,
              { reason: 'not_a_file' },
            );
          }
          if (state.kind === 'file' && state.bytes.length > cap) {
            throw new PaError(ErrorCode.TOO_LARGE, `"${key.slice(0, 200)}" is larger than the checkpoint size cap.`);
          }
          fresh.set(key, state);
        }
        if (fresh.size === 0) return;
        db.transaction(() => {
          for (const [key, state] of fresh) {
            if (state.kind === 'file') s.insertBlob.run(state.hash, state.bytes, state.bytes.length);
            s.insertFile.run(
              id,
              key,
              state.kind === 'file' ? state.hash : null,
              state.kind === 'file' ? state.mode : null,
            );
          }
        })();
        for (const key of fresh.keys()) captured.add(key);
      },
      settle(path, left) {
        ensureOpen();
        settleNow(keyOf(path), left);
      },
      finish: () => {
        if (!open) return;
        db.transaction(() => {
          for (const key of captured) if (!settled.has(key)) settleNow(key, undefined);
        })();
        open = false;
        this.#open.delete(id);
        this.gc();
      },
    };
  }
}

/** Why a path must not be overwritten without `force`, or null. `chain` is its captures, oldest first. */
function conflictOf(chain: readonly ChainRow[], currentHash: string | null): ConflictReason | null {
  for (let index = 1; index < chain.length; index++) {
    const earlier = chain[index - 1] as ChainRow;
    const later = chain[index] as ChainRow;
    if (earlier.settled && earlier.after_hash !== later.before_hash) return 'edited_between';
  }
  const last = chain.at(-1) as ChainRow;
  if (!last.settled) return 'unsettled';
  return last.after_hash === currentHash ? null : 'edited';
}

function groupByPath(rows: readonly ChainRow[]): ChainRow[][] {
  const groups: ChainRow[][] = [];
  for (const row of rows) {
    const last = groups.at(-1);
    if (last && (last[0] as ChainRow).path === row.path) last.push(row);
    else groups.push([row]);
  }
  return groups;
}

/** Writes `bytes` back at the planned path (null: deletes it), inside the checked parent folder. */
function putBack(realRoot: string, item: Planned, bytes: Buffer | null): void {
  const parents = item.segments.slice(0, -1);
  const name = item.segments.at(-1) as string;
  if (bytes === null) {
    inFolder(realRoot, parents, { create: false }, () => {
      const at = lstatSync(name, { throwIfNoEntry: false });
      if (!at) return;
      if (!at.isFile()) throw new PaError(ErrorCode.CONFLICT, `"${item.path}" is no longer a file.`);
      unlinkSync(name);
    });
    return;
  }
  const landed = writeInside(realRoot, item.segments, bytes);
  const mode = item.targetMode;
  if (mode !== null && (landed.mode & 0o7777) !== mode) {
    inFolder(realRoot, parents, { create: false }, () => {
      const fd = openSync(name, OPEN_NO_FOLLOW);
      try {
        fchmodSync(fd, mode);
      } finally {
        closeSync(fd);
      }
    });
  }
}

/** What stands at `rel` (already checked) under the real root, never following a symlink at the path itself. */
function readState(realRoot: string, rel: string): PathState {
  const target = resolveInside(realRoot, rel);
  let at: Stats | undefined;
  try {
    at = lstatSync(target, { throwIfNoEntry: false });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') return { kind: 'absent' };
    throw error;
  }
  if (!at) return { kind: 'absent' };
  if (at.isSymbolicLink()) return { kind: 'symlink' };
  if (!at.isFile()) return { kind: 'folder' };
  let fd: number;
  try {
    fd = openSync(target, OPEN_NO_FOLLOW);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') return { kind: 'symlink' };
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'absent' };
    throw error;
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) return { kind: 'folder' };
    const bytes = readFileSync(fd);
    return { kind: 'file', bytes, hash: sha256(bytes), mode: info.mode & 0o7777 };
  } finally {
    closeSync(fd);
  }
}

/** The checked, normalised segments of a workspace-relative file path; never into a `.git` folder. */
function safeSegments(rel: string): string[] {
  const segments = checkRelativePath(rel);
  if (segments.length === 0) throw new PaError(ErrorCode.BAD_REQUEST, 'A file path is needed.');
  if (segments.some((segment) => segment.toLowerCase() === '.git')) {
    throw new PaError(ErrorCode.FORBIDDEN, `Path "${rel.slice(0, 200)}" is inside .git; checkpoints never touch it.`, {
      reason: 'protected_path',
    });
  }
  return segments;
}

function realRootOf(root: string): string {
  try {
    return realpathSync(root);
  } catch {
    throw new PaError(ErrorCode.NOT_FOUND, `The workspace folder "${root.slice(0, 200)}" does not exist.`);
  }
}

function notFound(id: number): PaError {
  return new PaError(ErrorCode.NOT_FOUND, `No checkpoint ${id} (it may have been dropped to stay under the size cap).`);
}

function toInfo(row: CheckpointRow): CheckpointInfo {
  return {
    id: row.id,
    root: row.root,
    turnId: row.turn_id,
    label: row.label,
    kind: row.kind,
    restoredId: row.restored_id,
    createdAt: row.created_at,
    files: row.files,
  };
}

/** The sha256 of bytes (a string counts as its UTF-8 bytes), in hex: a blob's address. */
function sha256(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}
