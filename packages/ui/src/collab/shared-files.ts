// From the shared files map to this participant's disk. Every key in the map is data from a peer (anyone with the
// room secret can add one), so a path is written only once this participant's engine admitted it (collab.admit:
// the host's shared files, never .git or other protected paths), and a removed one is deleted only if the engine
// agrees (collab.deleteFile); a refused change is kept for Live Share to show.
// Shared files follow the save model of every file: a peer's change is checked with the engine at once (so a
// refusal shows and an open tab binds) but reaches the disk only when this participant saves, unless auto-save is
// on. The one exception is a guest receiving a file it does not have yet: that copy is written so it can be opened.
import { type EngineClient, ErrorCode, PaError } from '@pa/shared';
import { joinBom } from '@pa/shared/text-file';
import * as Y from 'yjs';
import { Observable } from '../workbench/observable';
import type { SharedFileWriter } from './disk-writer';

export interface RefusedChange {
  path: string;
  /** The engine's sentence: "Refused a guest's change to .GIT/config: inside the git repository." */
  message: string;
}

export interface SharedFilesOptions {
  client: Pick<EngineClient, 'call'>;
  roomId: string;
  writer: SharedFileWriter;
  /** Paths the engine already writes for the session (CollabSession.files). */
  admitted: readonly string[];
  /** Called when the engine admits a new path, e.g. to bind its open model. */
  onDidAdmit?: (path: string) => void;
  /** Whether the file began with a UTF-8 byte order mark (kept beside its text: editor models drop it). */
  bom?: (path: string) => boolean;
  /** Writes every admitted change by itself while this answers true (the auto-save setting); else only save(). */
  autoSave?: () => boolean;
  /** Guest: writes a shared file this disk does not have yet when it arrives (the guest's copy to open). */
  writeMissing?: boolean;
  /** How soon after a change the engine is asked about its path. */
  checkDelayMs?: number;
}

/** Live Share lists this many refusals, the newest last. */
const MAX_REFUSALS = 20;
/** collab.admit takes paths up to this long; a longer key is refused here. */
const MAX_PATH = 4096;

export class SharedFilesSync {
  /** Changes the engine refused, one line per path, for the host to see. */
  readonly refusals = new Observable<readonly RefusedChange[]>([]);
  /** Admitted shared files whose text (or removal) is not on this disk yet, sorted. */
  readonly unsaved = new Observable<readonly string[]>([]);
  private readonly admitted: Set<string>;
  private readonly refused = new Set<string>();
  /** Changed keys the engine has not been asked about yet. */
  private readonly unchecked = new Set<string>();
  private readonly changed = new Set<string>();
  private onDisk: Promise<Set<string>> | null = null;
  private checkTimer: ReturnType<typeof setTimeout> | null = null;
  private queue: Promise<void> = Promise.resolve();
  private readonly stopObserving: () => void;

  constructor(
    private readonly files: Y.Map<Y.Text>,
    private readonly options: SharedFilesOptions,
  ) {
    this.admitted = new Set(options.admitted);
    const onFiles = (events: Array<Y.YEvent<Y.AbstractType<unknown>>>) => {
      for (const event of events) {
        if (event instanceof Y.YMapEvent) {
          for (const key of event.keysChanged as Set<string>) this.noteChange(key, true);
        } else {
          const key = event.path[0];
          if (typeof key === 'string') this.noteChange(key, false);
        }
      }
      this.publish();
      this.checkTimer ??= setTimeout(() => void this.check(), options.checkDelayMs ?? 300);
    };
    files.observeDeep(onFiles);
    this.stopObserving = () => files.unobserveDeep(onFiles);
  }

  /** Whether this participant's engine writes `path` (only then is it bound to an editor or followed). */
  isAdmitted(path: string): boolean {
    return this.admitted.has(path);
  }

  /** Asks the engine about every changed key now (also runs on a short timer); writes only under auto-save. */
  check(): Promise<void> {
    if (this.checkTimer) clearTimeout(this.checkTimer);
    this.checkTimer = null;
    return this.enqueue(() => this.checkChanged());
  }

  /**
   * Writes the changes of `paths` (default: every unsaved shared file) to this disk: what the user's Save does.
   * Rejects with the first failure other than a refusal (a refusal is listed instead); the others are still tried.
   */
  save(paths?: readonly string[]): Promise<void> {
    return this.check().then(() => this.enqueue(() => this.write(paths ?? [...this.changed])));
  }

  /** `content` is on this disk as `path` (the host shared it from there, or the workbench saved its tab). */
  markOnDisk(path: string, content: string): void {
    const text = this.files.get(path);
    if (!(text instanceof Y.Text) || joinBom(text.toString(), this.options.bom?.(path) ?? false) !== content) return;
    this.options.writer.remember(path, content);
    if (this.changed.delete(path)) this.publish();
  }

  dispose(): void {
    if (this.checkTimer) clearTimeout(this.checkTimer);
    this.checkTimer = null;
    this.stopObserving();
  }

  /**
   * A key a guest sees arrive is the host's file, not an edit (written only when missing here); anything else, a
   * text edit, a replaced or removed text, a file a guest added on the host, is a change to save.
   */
  private noteChange(key: string, fromMap: boolean): void {
    this.unchecked.add(key);
    const arrival = fromMap && this.options.writeMissing && !this.admitted.has(key);
    if (!arrival && !this.refused.has(key)) this.changed.add(key);
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => {});
    return run;
  }

  private async checkChanged(): Promise<void> {
    const paths = [...this.unchecked];
    this.unchecked.clear();
    const writeNow: string[] = [];
    for (const path of paths) {
      try {
        if (!(this.files.get(path) instanceof Y.Text)) {
          // a removal reaches the disk when saved, and only where the host allowed file changes (collab.deleteFile)
          if (this.options.autoSave?.() && this.admitted.has(path)) writeNow.push(path);
          continue;
        }
        if (!(await this.admit(path))) continue;
        if (this.options.autoSave?.() || (this.options.writeMissing && !(await this.exists(path)))) writeNow.push(path);
      } catch (error) {
        // the engine did not answer: ask again with the next change rather than lose this one
        this.unchecked.add(path);
        console.warn(`collab: could not check ${path}:`, error);
      }
    }
    this.publish();
    if (writeNow.length > 0) await this.write(writeNow).catch((error) => console.warn('collab:', error));
  }

  private async write(paths: readonly string[]): Promise<void> {
    let failure: unknown = null;
    for (const path of paths) {
      const text = this.files.get(path);
      try {
        // our own engine writes our own disk; a remote peer never reaches it
        if (text instanceof Y.Text) {
          if (!(await this.admit(path))) continue;
          await this.options.writer.write(path, joinBom(text.toString(), this.options.bom?.(path) ?? false));
          (await this.onDisk)?.add(path);
        } else if (this.admitted.has(path)) {
          // a removed shared file: the engine deletes it only where the host allowed file changes
          await this.options.client.call('collab.deleteFile', { roomId: this.options.roomId, path });
          this.admitted.delete(path);
          this.options.writer.forget(path);
        }
        this.changed.delete(path);
      } catch (error) {
        if (error instanceof PaError && error.code === ErrorCode.FORBIDDEN) {
          this.changed.delete(path);
          this.refuse(path, error.message);
        } else {
          failure ??= error;
        }
      }
    }
    this.publish();
    if (failure !== null) throw failure;
  }

  private exists(path: string): Promise<boolean> {
    this.onDisk ??= this.options.client
      .call('files.tree', { limit: 200_000 })
      .then(({ files }) => new Set(files))
      .catch((error) => {
        this.onDisk = null;
        throw error;
      });
    return this.onDisk.then((files) => files.has(path));
  }

  private async admit(path: string): Promise<boolean> {
    if (this.admitted.has(path)) return true;
    if (this.refused.has(path)) return false;
    if (path.length > MAX_PATH) {
      this.refuse(path, `Refused a guest's change to ${path.slice(0, 80)}…: the path is too long.`);
      return false;
    }
    const answer = await this.options.client.call('collab.admit', { roomId: this.options.roomId, path });
    if (!answer.admitted) {
      this.refuse(path, answer.message);
      return false;
    }
    this.admitted.add(path);
    this.options.onDidAdmit?.(path);
    return true;
  }

  private publish(): void {
    const unsaved = [...this.changed].filter((path) => this.admitted.has(path)).sort();
    const current = this.unsaved.value;
    if (unsaved.length !== current.length || unsaved.some((path, i) => path !== current[i])) this.unsaved.set(unsaved);
  }

  private refuse(path: string, message: string): void {
    this.refused.add(path);
    this.changed.delete(path);
    this.refusals.update((list) =>
      list.some((refusal) => refusal.message === message) ? list : [...list, { path, message }].slice(-MAX_REFUSALS),
    );
  }
}
