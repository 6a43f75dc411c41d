// From the shared files map to this participant's disk. Every key in the map is data from a peer (anyone with the
// room secret can add one), so a path is written only once this participant's engine admitted it (collab.admit:
// the host's shared files, never .git or other protected paths), and a removed one is deleted only if the engine
// agrees (collab.deleteFile); a refused change is kept for Live Share to show.
import { type EngineClient, ErrorCode, PaError } from '@pa/shared';
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
  saveDelayMs?: number;
}

/** Live Share lists this many refusals, the newest last. */
const MAX_REFUSALS = 20;
/** collab.admit takes paths up to this long; a longer key is refused here. */
const MAX_PATH = 4096;

export class SharedFilesSync {
  /** Changes the engine refused, one line per path, for the host to see. */
  readonly refusals = new Observable<readonly RefusedChange[]>([]);
  private readonly admitted: Set<string>;
  private readonly refused = new Set<string>();
  private readonly dirty = new Set<string>();
  private saveTimer: ReturnType<typeof setTimeout> | null = null;
  private saving: Promise<void> = Promise.resolve();
  private readonly stopObserving: () => void;

  constructor(
    private readonly files: Y.Map<Y.Text>,
    private readonly options: SharedFilesOptions,
  ) {
    this.admitted = new Set(options.admitted);
    const onFiles = (events: Array<Y.YEvent<Y.AbstractType<unknown>>>) => {
      for (const event of events) {
        if (event instanceof Y.YMapEvent) {
          for (const key of event.keysChanged as Set<string>) this.dirty.add(key);
        } else {
          const key = event.path[0];
          if (typeof key === 'string') this.dirty.add(key);
        }
      }
      this.saveTimer ??= setTimeout(() => void this.save(), options.saveDelayMs ?? 300);
    };
    files.observeDeep(onFiles);
    this.stopObserving = () => files.unobserveDeep(onFiles);
  }

  /** Whether this participant's engine writes `path` (only then is it bound to an editor or followed). */
  isAdmitted(path: string): boolean {
    return this.admitted.has(path);
  }

  /** Writes pending shared-file changes to disk now (also runs on a short timer); one save at a time. */
  save(): Promise<void> {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = null;
    this.saving = this.saving.then(() => this.saveDirty());
    return this.saving;
  }

  dispose(): void {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = null;
    this.stopObserving();
  }

  private async saveDirty(): Promise<void> {
    const paths = [...this.dirty];
    this.dirty.clear();
    for (const path of paths) {
      const text = this.files.get(path);
      try {
        // our own engine writes our own disk; a remote peer never reaches it
        if (text instanceof Y.Text) {
          if (await this.admit(path)) await this.options.writer.write(path, text.toString());
        } else if (this.admitted.has(path)) {
          // a removed shared file: the engine deletes it only where the host allowed file changes
          await this.options.client.call('collab.deleteFile', { roomId: this.options.roomId, path });
          this.admitted.delete(path);
          this.options.writer.forget(path);
        }
      } catch (error) {
        if (error instanceof PaError && error.code === ErrorCode.FORBIDDEN) {
          this.refuse(path, error.message);
        } else {
          // the engine did not answer: try again with the next change rather than lose this one
          this.dirty.add(path);
          console.warn(`collab: could not save ${path}:`, error);
        }
      }
    }
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

  private refuse(path: string, message: string): void {
    this.refused.add(path);
    this.refusals.update((list) =>
      list.some((refusal) => refusal.message === message) ? list : [...list, { path, message }].slice(-MAX_REFUSALS),
    );
  }
}
