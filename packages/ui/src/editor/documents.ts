// Open documents: one Monaco model per file, the disk mtime it was read at (for conflict-checked saves), and
// dirty tracking by Monaco's alternative version id (undoing back to the saved text makes the file clean again).
import { type EngineClient, ErrorCode, PaError } from '@pa/shared';
import { joinBom, splitBom } from '@pa/shared/text-file';
import type * as monaco from 'monaco-editor';
import { Emitter } from '../workbench/observable';
import { readWholeFile, writeWholeFile } from './file-transfer';
import { SerialByKey } from './serial';

/** Makes the model of an opened file; injected so the save and dirty logic runs in tests without a browser. */
export type ModelFactory = (path: string, text: string, binary: boolean) => monaco.editor.ITextModel;

export interface OpenDocument {
  path: string;
  model: monaco.editor.ITextModel;
  /** Alternative version id of the text last read from or written to disk; -1 when never saved as such. */
  savedVersionId: number;
  mtimeMs: number;
  binary: boolean;
  /** The file began with a UTF-8 byte order mark: Monaco's model drops it, the save puts it back. */
  bom: boolean;
  /** The dirty state last announced, so listeners hear each flip once. */
  announcedDirty: boolean;
}

export type SaveOutcome = { status: 'saved' } | { status: 'conflict'; message: string };

export class Documents {
  private readonly docs = new Map<string, OpenDocument>();
  private readonly opening = new Map<string, Promise<OpenDocument>>();
  /**
   * Saves of one file run one after another: two writes sent with the same expected mtime (a feature's
   * background save racing Ctrl+S) would turn the second into a false conflict.
   */
  private readonly saves = new SerialByKey();
  readonly onDidChangeDirty = new Emitter<{ path: string; dirty: boolean }>();
  readonly onDidOpenModel = new Emitter<{ path: string; model: monaco.editor.ITextModel }>();
  /** A file's text reached the disk through this editor (`content`: exactly what was written). */
  readonly onDidSave = new Emitter<{ path: string; content: string }>();

  constructor(
    private readonly client: Pick<EngineClient, 'call'>,
    private readonly createModel: ModelFactory,
  ) {}

  get(path: string): OpenDocument | null {
    return this.docs.get(path) ?? null;
  }

  isDirty(path: string): boolean {
    const doc = this.docs.get(path);
    return doc !== undefined && doc.model.getAlternativeVersionId() !== doc.savedVersionId;
  }

  paths(): string[] {
    return [...this.docs.keys()];
  }

  /** Reads the file and creates its model, or returns the one already open. */
  open(path: string): Promise<OpenDocument> {
    const existing = this.docs.get(path);
    if (existing) return Promise.resolve(existing);
    const pending = this.opening.get(path);
    if (pending) return pending;
    const promise = readWholeFile(this.client, path)
      .then((file) => {
        const { bom, text } = splitBom(file.binary ? '' : file.content);
        return this.adopt(path, text, file.mtimeMs, file.binary, null, bom);
      })
      .finally(() => this.opening.delete(path));
    this.opening.set(path, promise);
    return promise;
  }

  /**
   * Writes the editor's text, checked against the disk time it was read at unless `overwrite`; on success the
   * stored disk time follows and the text written counts as saved.
   */
  save(path: string, options: { overwrite?: boolean } = {}): Promise<SaveOutcome> {
    return this.saves.run(path, () => this.write(path, options));
  }

  private async write(path: string, options: { overwrite?: boolean }): Promise<SaveOutcome> {
    const doc = this.require(path);
    const versionId = doc.model.getAlternativeVersionId();
    const content = this.contentOf(doc);
    try {
      const stat = await writeWholeFile(this.client, {
        path,
        content,
        ...(options.overwrite ? {} : { expectedMtimeMs: doc.mtimeMs }),
      });
      doc.mtimeMs = stat.mtimeMs;
      this.markSaved(doc, versionId);
      this.onDidSave.fire({ path, content });
      return { status: 'saved' };
    } catch (error) {
      if (error instanceof PaError && error.code === ErrorCode.CONFLICT)
        return { status: 'conflict', message: error.message };
      throw error;
    }
  }

  /**
   * Replaces the text with the disk version. Returns false when the disk already held what the editor shows
   * (our own save echoing back), so callers can skip disturbing the view.
   */
  async reload(path: string): Promise<boolean> {
    const doc = this.require(path);
    const file = await readWholeFile(this.client, path);
    doc.mtimeMs = file.mtimeMs;
    const { bom, text } = splitBom(file.content);
    doc.bom = bom;
    if (doc.model.getValue() === text) {
      this.markSaved(doc, doc.model.getAlternativeVersionId());
      return false;
    }
    // an edit, not setValue: it keeps undo history and lets Monaco keep the cursor where the text is unchanged
    doc.model.pushEditOperations([], [{ range: doc.model.getFullModelRange(), text }], () => null);
    this.markSaved(doc, doc.model.getAlternativeVersionId());
    return true;
  }

  /** "Keep mine": adopt the disk's current mtime so the next save overwrites knowingly. */
  async acceptDiskVersionTime(path: string): Promise<void> {
    const doc = this.require(path);
    const file = await readWholeFile(this.client, path).catch(() => null);
    doc.mtimeMs = file?.mtimeMs ?? 0;
    if (!file) {
      // deleted on disk: the editor's text is now the only copy, so it counts as unsaved
      doc.savedVersionId = -1;
      this.announceDirty(doc);
    }
  }

  /** Models are keyed by URI, so a renamed file gets a new model carrying the text and the dirty state. */
  rename(from: string, to: string): void {
    for (const [path, doc] of [...this.docs]) {
      if (path !== from && !path.startsWith(`${from}/`)) continue;
      const target = to + path.slice(from.length);
      const wasDirty = this.isDirty(path);
      const text = doc.model.getValue();
      this.close(path);
      this.adopt(target, text, doc.mtimeMs, doc.binary, wasDirty ? -1 : null, doc.bom);
    }
  }

  close(path: string): void {
    const doc = this.docs.get(path);
    if (!doc) return;
    this.docs.delete(path);
    doc.model.dispose();
  }

  dispose(): void {
    for (const path of [...this.docs.keys()]) this.close(path);
  }

  /** The file's text as saved: the model's text, line endings as the model holds them, with its BOM put back. */
  contentOf(doc: OpenDocument): string {
    return joinBom(doc.model.getValue(), doc.bom);
  }

  private adopt(
    path: string,
    text: string,
    mtimeMs: number,
    binary: boolean,
    savedVersionId: number | null,
    bom = false,
  ) {
    const model = this.createModel(path, text, binary);
    const doc: OpenDocument = {
      path,
      model,
      savedVersionId: savedVersionId ?? model.getAlternativeVersionId(),
      mtimeMs,
      binary,
      bom,
      announcedDirty: false,
    };
    model.onDidChangeContent(() => this.announceDirty(doc));
    this.docs.set(path, doc);
    this.onDidOpenModel.fire({ path, model });
    this.announceDirty(doc);
    return doc;
  }

  private isDirtyDoc(doc: OpenDocument): boolean {
    return doc.model.getAlternativeVersionId() !== doc.savedVersionId;
  }

  private markSaved(doc: OpenDocument, versionId: number): void {
    doc.savedVersionId = versionId;
    this.announceDirty(doc);
  }

  private announceDirty(doc: OpenDocument): void {
    const dirty = this.isDirtyDoc(doc);
    if (dirty === doc.announcedDirty || this.docs.get(doc.path) !== doc) return;
    doc.announcedDirty = dirty;
    this.onDidChangeDirty.fire({ path: doc.path, dirty });
  }

  private require(path: string): OpenDocument {
    const doc = this.docs.get(path);
    if (!doc) throw new PaError(ErrorCode.NOT_FOUND, `"${path}" is not open in the editor.`);
    return doc;
  }
}
