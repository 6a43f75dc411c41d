// Writes shared files to this participant's disk through its own engine. A file open in a tab is saved through
// the workbench (WorkbenchApi.saveFile), so its tab's dirty marker and stored disk time follow the write and the
// next Ctrl+S is no false conflict; any other file is written with collab.writeFile, which the engine refuses
// (E_FORBIDDEN) unless it admitted the path for the session; a file unchanged on disk is skipped. It writes when
// SharedFilesSync says so (a save), and a failure is the caller's: the change stays unsaved.
import { type EngineClient, ErrorCode, PaError } from '@pa/shared';

export interface EditorFiles {
  isOpen(path: string): boolean;
  /** Saves the open file's current text (its model is bound to the shared text, so they are the same). */
  save(path: string): Promise<void>;
}

export class SharedFileWriter {
  /** What each file held on disk after our last write or read, so unchanged files are not rewritten. */
  private readonly lastWritten = new Map<string, string>();

  constructor(
    private readonly client: Pick<EngineClient, 'call'>,
    private readonly roomId: string,
    private readonly editorFiles: EditorFiles | null,
  ) {}

  /** Records text known to be on disk already (loaded from it, or restored from the stored session). */
  remember(path: string, content: string): void {
    this.lastWritten.set(path, content);
  }

  /** Forgets a file deleted from disk, so the same text written again is not skipped. */
  forget(path: string): void {
    this.lastWritten.delete(path);
  }

  /** Writes `content` (the file's text, BOM included); rejects when it did not reach the disk. */
  async write(path: string, content: string): Promise<void> {
    const open = this.editorFiles?.isOpen(path) ?? false;
    // an open file is saved even when its bytes are unchanged: the save is what clears its tab's dirty marker
    if (!open && this.lastWritten.get(path) === content) return;
    this.lastWritten.set(path, content);
    try {
      if (open && this.editorFiles) await this.saveOpen(this.editorFiles, path, content);
      else await this.writeClosed(path, content);
    } catch (error) {
      this.lastWritten.delete(path);
      throw error;
    }
  }

  private async writeClosed(path: string, content: string): Promise<void> {
    await this.client.call('collab.writeFile', { roomId: this.roomId, path, content });
  }

  private async saveOpen(editorFiles: EditorFiles, path: string, content: string): Promise<void> {
    try {
      await editorFiles.save(path);
    } catch (error) {
      // the tab closed while its save waited: the text still has to reach the disk
      if (!(error instanceof PaError && error.code === ErrorCode.NOT_FOUND)) throw error;
      await this.writeClosed(path, content);
    }
  }
}
