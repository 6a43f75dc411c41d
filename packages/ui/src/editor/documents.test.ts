import { type EngineClient, ErrorCode, PaError } from '@pa/shared';
import type * as monaco from 'monaco-editor';
import { describe, expect, it } from 'vitest';
import { Documents } from './documents';

/** Monaco's model, reduced to what Documents uses: text, an alternative version id, change listeners. */
class FakeModel {
  private versionId = 1;
  private readonly listeners = new Set<() => void>();
  constructor(private text: string) {}
  getValue = () => this.text;
  getAlternativeVersionId = () => this.versionId;
  getFullModelRange = () => ({});
  onDidChangeContent = (listener: () => void) => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };
  pushEditOperations = (_selections: unknown, edits: Array<{ text: string }>) => this.type(edits[0]?.text ?? '');
  dispose = () => this.listeners.clear();
  /** An edit, as typing or a remote peer's change bound by y-monaco would make. */
  type(text: string): void {
    this.text = text;
    this.versionId += 1;
    for (const listener of [...this.listeners]) listener();
  }
}

/** The engine's files methods over a map, with the engine's mtime check; `holdWrites` parks writes until released. */
class FakeEngine {
  readonly disk = new Map<string, { content: string; mtimeMs: number }>();
  readonly writes: Array<{ content: string; expectedMtimeMs: number | undefined }> = [];
  private clock = 1000;
  private held: Array<() => void> | null = null;

  holdWrites(): void {
    this.held = [];
  }

  releaseWrites(): void {
    const held = this.held ?? [];
    this.held = null;
    for (const release of held) release();
  }

  pendingWrites(): number {
    return this.held?.length ?? 0;
  }

  /** Someone else changes the file on disk. */
  touch(path: string, content: string): void {
    this.clock += 1;
    this.disk.set(path, { content, mtimeMs: this.clock });
  }

  readonly call = (async (method: string, params: { path: string; content?: string; expectedMtimeMs?: number }) => {
    const file = this.disk.get(params.path);
    if (method === 'files.read') {
      if (!file) throw new PaError(ErrorCode.NOT_FOUND, `${params.path} does not exist.`);
      return { path: params.path, content: file.content, binary: false, mtimeMs: file.mtimeMs, size: 0 };
    }
    if (method !== 'files.write') throw new Error(`unexpected ${method}`);
    if (this.held) await new Promise<void>((resolve) => this.held?.push(resolve));
    this.writes.push({ content: params.content ?? '', expectedMtimeMs: params.expectedMtimeMs });
    const current = this.disk.get(params.path);
    if (params.expectedMtimeMs !== undefined && current && current.mtimeMs !== params.expectedMtimeMs)
      throw new PaError(ErrorCode.CONFLICT, `${params.path} changed on disk since you opened it.`);
    this.touch(params.path, params.content ?? '');
    return { path: params.path, mtimeMs: this.clock, size: 0 };
  }) as unknown as EngineClient['call'];
}

async function setup(text = 'one') {
  const engine = new FakeEngine();
  engine.touch('a.ts', text);
  const models = new Map<string, FakeModel>();
  const documents = new Documents(engine, (path, content) => {
    const model = new FakeModel(content);
    models.set(path, model);
    return model as unknown as monaco.editor.ITextModel;
  });
  const dirtyEvents: boolean[] = [];
  documents.onDidChangeDirty.event(({ dirty }) => dirtyEvents.push(dirty));
  await documents.open('a.ts');
  const model = models.get('a.ts');
  if (!model) throw new Error('no model was made');
  return { engine, documents, model, dirtyEvents };
}

describe('Documents.save', () => {
  it('writes the text checked against the disk time it was read at, then counts as clean with the new time', async () => {
    const { engine, documents, model, dirtyEvents } = await setup();
    const readAt = documents.get('a.ts')?.mtimeMs;
    model.type('two');
    expect(documents.isDirty('a.ts')).toBe(true);
    await expect(documents.save('a.ts')).resolves.toEqual({ status: 'saved' });
    expect(engine.writes).toEqual([{ content: 'two', expectedMtimeMs: readAt }]);
    expect(documents.get('a.ts')?.mtimeMs).toBe(engine.disk.get('a.ts')?.mtimeMs);
    expect(documents.isDirty('a.ts')).toBe(false);
    expect(dirtyEvents).toEqual([true, false]);
  });

  it('lets a save that follows another (a feature save, then Ctrl+S) pass the conflict check', async () => {
    const { engine, documents, model } = await setup();
    model.type('two');
    await documents.save('a.ts');
    model.type('three');
    await expect(documents.save('a.ts')).resolves.toEqual({ status: 'saved' });
    expect(engine.disk.get('a.ts')?.content).toBe('three');
  });

  it('runs two saves of one file one after the other, so the second is checked against the first one’s time', async () => {
    const { engine, documents, model } = await setup();
    const readAt = documents.get('a.ts')?.mtimeMs ?? Number.NaN;
    model.type('two');
    engine.holdWrites();
    const background = documents.save('a.ts');
    const ctrlS = documents.save('a.ts');
    await expect.poll(() => engine.pendingWrites()).toBe(1);
    engine.releaseWrites();
    await expect(background).resolves.toEqual({ status: 'saved' });
    await expect(ctrlS).resolves.toEqual({ status: 'saved' });
    expect(engine.writes).toHaveLength(2);
    // the fake disk's clock ticks once per write: the second save carries the time the first one produced
    expect(engine.writes.map((write) => write.expectedMtimeMs)).toEqual([readAt, readAt + 1]);
  });

  it('keeps the file dirty when it was edited while its save was on the way', async () => {
    const { engine, documents, model } = await setup();
    model.type('two');
    engine.holdWrites();
    const saving = documents.save('a.ts');
    await expect.poll(() => engine.pendingWrites()).toBe(1);
    model.type('three');
    engine.releaseWrites();
    await saving;
    expect(engine.disk.get('a.ts')?.content).toBe('two');
    expect(documents.isDirty('a.ts')).toBe(true);
  });

  it('answers a conflict when the disk changed since the file was read, and the file stays dirty', async () => {
    const { engine, documents, model } = await setup();
    engine.touch('a.ts', 'changed elsewhere');
    model.type('mine');
    const outcome = await documents.save('a.ts');
    expect(outcome.status).toBe('conflict');
    expect(engine.disk.get('a.ts')?.content).toBe('changed elsewhere');
    expect(documents.isDirty('a.ts')).toBe(true);
  });

  it('keeps a UTF-8 byte order mark and CRLF line endings: the model holds the text, the save puts the BOM back', async () => {
    const { engine, documents, model } = await setup('\uFEFFone\r\n');
    expect(model.getValue()).toBe('one\r\n');
    const saved: Array<{ path: string; content: string }> = [];
    documents.onDidSave.event((event) => saved.push(event));
    model.type('two\r\n');
    await documents.save('a.ts');
    expect(engine.disk.get('a.ts')?.content).toBe('\uFEFFtwo\r\n');
    expect(saved).toEqual([{ path: 'a.ts', content: '\uFEFFtwo\r\n' }]);
    // the disk's text read back equals the model's: no false outside change
    await expect(documents.reload('a.ts')).resolves.toBe(false);
  });
});
