// The index of one workspace, kept current: walks the folder (.gitignore and .aiignore respected, binaries and
// large files left out), chunks each file by syntax, writes chunks and keyword rows, then embeds the chunk texts no
// vector exists for yet, in batches. Changes from the watcher queue their paths; a file whose stat and content hash
// did not change costs a stat. Runs in the codebase worker thread (worker.ts); tests drive it in-process.
//
// Order of work: files first (a changed file is searchable by keyword as soon as it is chunked), vectors after, in
// batches between which queued files go first again.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { CodebaseHit, CodebaseSearchParams, CodebaseSearchResult, IndexStatus } from '@pa/shared';
import { CODEBASE_PREVIEW_CHARS } from '@pa/shared';
import { inspectText } from '@pa/shared/text-file';
import { AIIGNORE_FILE, AiIgnore } from '../ai/api.js';
import { IgnoreRules, walkFiles } from '../files/api.js';
import { queryTerms } from './keywords.js';
import { fuse } from './rank.js';
import { contentHash, type IndexStore, type StoredChunk } from './store.js';

export interface ChunkerLike {
  chunk(path: string, text: string): Promise<StoredChunk[]>;
}

export interface EmbedderLike {
  readonly dim: number;
  readonly modelId: string;
  embed(texts: string[], signal?: AbortSignal): Promise<Float32Array[]>;
}

export interface IndexerOptions {
  root: string;
  store: IndexStore;
  chunker: ChunkerLike;
  embedder: EmbedderLike | null;
  /** Why there is no embedder (shown beside keyword-only search). */
  embeddingsNote?: string | null;
  onStatus?: (status: IndexStatus) => void;
  /** Files larger than this are left out (generated bundles, data). */
  maxFileBytes?: number;
  /** Texts per inference call. */
  batchSize?: number;
  /** Most files one workspace indexes. */
  maxFiles?: number;
  now?: () => number;
}

export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;
const DEFAULT_MAX_FILES = 200_000;
const DEFAULT_BATCH = 32;
/** Status reports while indexing are at most this often. */
const STATUS_EVERY_MS = 250;
/** Counts of a progress report are at most this old (three COUNTs over 100,000 chunks are not free). */
const COUNTS_EVERY_MS = 1_000;
/** Hits each ranking brings before fusion. */
const CANDIDATES = 100;

export class Indexer {
  private readonly store: IndexStore;
  private readonly root: string;
  private chunker: ChunkerLike;
  private embedder: EmbedderLike | null;
  private embeddingsNote: string | null;
  private readonly queue = new Set<string>();
  private rules: IgnoreRules;
  private readonly aiIgnore: AiIgnore;
  private walking = false;
  private rescan = false;
  private paused = false;
  private closed = false;
  private running: Promise<void> | null = null;
  private error: string | null = null;
  private filesTotal = 0;
  /** Files the walk found that are not indexed: binary, too large, unreadable. */
  private readonly leftOut = new Set<string>();
  private runStarted = 0;
  private runFiles = 0;
  private lastStatus = 0;
  private counted: { at: number; counts: ReturnType<IndexStore['counts']> } | null = null;
  private statusTimer: NodeJS.Timeout | null = null;
  /** Stops an embedding batch when the model is swapped or the index closes. */
  private embedAbort = new AbortController();
  /** The batch of vectors being computed while files are chunked (one at a time: it takes the oldest pending). */
  private embedding: Promise<void> | null = null;
  /** Bodies added since the last batch took some (an estimate: the store's pending rows are the truth). */
  private unembedded = 0;

  constructor(private readonly options: IndexerOptions) {
    this.store = options.store;
    this.root = options.root;
    this.chunker = options.chunker;
    this.embedder = options.embedder;
    this.embeddingsNote = options.embeddingsNote ?? null;
    this.rules = new IgnoreRules(this.root);
    this.aiIgnore = new AiIgnore(() => this.root);
    this.store.useModel(this.embedder?.modelId ?? null, this.embedder?.dim ?? null);
  }

  private get now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** Walks the whole folder again (start, a changed ignore file, a rebuild). */
  scan(): void {
    this.rescan = true;
    this.kick();
  }

  /** Paths the watcher saw change (files or folders, workspace-relative). */
  changed(paths: readonly string[]): void {
    for (const path of paths) {
      const name = path.split('/').at(-1);
      if (name === '.gitignore' || path === AIIGNORE_FILE) {
        this.rules = new IgnoreRules(this.root);
        this.rescan = true;
      }
      this.queue.add(path);
    }
    this.kick();
  }

  pause(): void {
    this.paused = true;
    this.report(true);
  }

  resume(): void {
    this.paused = false;
    this.report(true);
    this.kick();
  }

  rebuild(): void {
    this.store.clear();
    this.scan();
  }

  /** Swaps the embedding model (null: keyword only); vectors of another model are dropped and made again. */
  setEmbedder(embedder: EmbedderLike | null, note: string | null = null): void {
    this.embedAbort.abort();
    this.embedAbort = new AbortController();
    this.embedder = embedder;
    this.embeddingsNote = note;
    this.store.useModel(embedder?.modelId ?? null, embedder?.dim ?? null);
    this.report(true);
    this.kick();
  }

  /** Resolves when every queued file and pending vector is done (tests, benchmarks). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** The status; `fresh: false` may use counts up to COUNTS_EVERY_MS old (progress reports on a large index). */
  status(fresh = true): IndexStatus {
    if (fresh || !this.counted || this.now - this.counted.at > COUNTS_EVERY_MS) {
      this.counted = { at: this.now, counts: this.store.counts() };
    }
    const counts = this.counted.counts;
    const busy = this.running !== null && (this.walking || this.queue.size > 0 || this.rescan || this.pendingVectors());
    const seconds = (this.now - this.runStarted) / 1000;
    return {
      state: this.error ? 'error' : this.paused ? 'paused' : busy ? 'indexing' : 'ready',
      filesTotal: Math.max(this.filesTotal - this.leftOut.size, counts.files),
      filesIndexed: counts.files,
      chunks: counts.chunks,
      filesPerSecond: busy && seconds > 0 ? this.runFiles / seconds : null,
      embeddingModel: this.embedder?.modelId ?? null,
      embeddingsNote: this.embedder ? null : this.embeddingsNote,
      embedded: counts.embedded,
      error: this.error,
    };
  }

  async search(params: CodebaseSearchParams): Promise<CodebaseSearchResult> {
    const started = performance.now();
    const terms = queryTerms(params.query);
    const folder = params.folder ? params.folder.replace(/\/+$/, '') : '';
    // a folder filter is applied after ranking: bring more candidates so enough remain
    const wanted = Math.max(CANDIDATES, params.limit * 2) * (folder ? 4 : 1);
    const embedder = this.embedder;
    const hybrid = params.mode === 'hybrid' && embedder !== null && this.store.hasVectors();
    // the query is embedded (in the embedding thread) while the keyword ranking runs here
    const embedding = hybrid && embedder ? embedder.embed([params.query]) : null;
    // folder-filtered queries need the wider net: most candidates may lie outside the folder
    const keyword = this.store.keywordSearch(terms, wanted, folder ? wanted : params.limit).map((hit) => hit.id);
    let vector: number[] = [];
    if (embedding) {
      const [query] = await embedding;
      if (query) {
        const near = this.store.vectorSearch(query, wanted);
        const byBody = new Map<number, number[]>();
        for (const row of this.store.chunksByBodies(near.map((hit) => hit.bodyId))) {
          byBody.set(row.bodyId, [...(byBody.get(row.bodyId) ?? []), row.id]);
        }
        vector = near.flatMap((hit) => byBody.get(hit.bodyId) ?? []);
      }
    }
    const rows = this.store.chunksByIds([...new Set([...keyword, ...vector])]);
    const inFolder = (path: string) => !folder || path === folder || path.startsWith(`${folder}/`);
    // .aiignore is read again at query time: a file excluded after it was indexed never comes back as context
    const excluded = this.aiIgnore.matcher();
    const candidates = new Map(
      rows.filter((row) => inFolder(row.path) && !excluded(row.path)).map((row) => [row.id, row]),
    );
    const hits: CodebaseHit[] = fuse({ keyword, vector }, candidates, terms, this.now)
      .slice(0, params.limit)
      .map(({ candidate, score, via }) => ({
        path: candidate.path,
        startLine: candidate.startLine,
        endLine: candidate.endLine,
        kind: candidate.kind,
        name: candidate.name,
        text: candidate.text.slice(0, CODEBASE_PREVIEW_CHARS),
        score,
        via,
      }));
    return { hits, hybrid: hybrid && vector.length > 0, elapsedMs: performance.now() - started };
  }

  close(): void {
    this.closed = true;
    this.embedAbort.abort();
    if (this.statusTimer) clearTimeout(this.statusTimer);
  }

  private pendingVectors(): boolean {
    return this.embedder !== null && this.store.pendingCount() > 0;
  }

  private kick(): void {
    if (this.running || this.closed || this.paused) {
      this.report(false);
      return;
    }
    this.runStarted = this.now;
    this.runFiles = 0;
    this.running = this.work()
      .catch((error: unknown) => {
        this.error = error instanceof Error ? error.message : String(error);
      })
      .finally(() => {
        this.running = null;
        this.report(true);
        // work queued while the loop was finishing
        if (!this.closed && !this.paused && (this.queue.size > 0 || this.rescan)) this.kick();
      });
    this.report(true);
  }

  private async work(): Promise<void> {
    while (!this.closed && !this.paused) {
      if (this.rescan) {
        this.rescan = false;
        await this.walk();
        continue;
      }
      const next = this.queue.values().next();
      if (!next.done) {
        // a batch of vectors is computed (onnxruntime's threads) while this thread chunks the next files
        if (!this.embedding && this.embedder && this.unembedded >= (this.options.batchSize ?? DEFAULT_BATCH)) {
          this.embedding = this.embedBatch()
            .catch(() => {}) // a failure is handled inside; a closed store only ends the batch
            .finally(() => {
              this.embedding = null;
            });
        }
        this.queue.delete(next.value);
        try {
          await this.indexPath(next.value);
        } catch {
          // one unreadable or unparsable file does not stop the rest; it is tried again when it changes
          this.leftOut.add(next.value);
        }
        this.report(false);
        continue;
      }
      if (this.embedding) {
        await this.embedding;
        continue;
      }
      if (this.pendingVectors()) {
        await this.embedBatch();
        this.report(false);
        continue;
      }
      return;
    }
  }

  /** Queues every file the walk finds and forgets indexed files that are gone or now ignored. */
  private async walk(): Promise<void> {
    this.walking = true;
    try {
      this.rules.invalidate();
      const { files } = await walkFiles(this.root, this.rules, this.options.maxFiles ?? DEFAULT_MAX_FILES);
      const excluded = this.aiIgnore.matcher(); // .aiignore read once for the whole walk
      const kept = files.filter((path) => !excluded(path));
      this.filesTotal = kept.length;
      this.leftOut.clear();
      const present = new Set(kept);
      for (const path of this.store.indexedPaths()) if (!present.has(path)) this.store.removePath(path);
      for (const path of kept) this.queue.add(path);
    } finally {
      this.walking = false;
    }
  }

  private async indexPath(path: string): Promise<void> {
    if (this.rules.isIgnored(path, false) || this.aiIgnore.excludes(path)) {
      this.store.removePath(path);
      return;
    }
    const absolute = join(this.root, path);
    const info = await stat(absolute).catch(() => null);
    if (!info) {
      this.store.removePath(path); // deleted: the file, or every file under the folder
      return;
    }
    if (info.isDirectory()) {
      // a folder appeared (moved in, checked out): its files are walked with the rest
      this.rescan = true;
      return;
    }
    if (!info.isFile() || info.size > (this.options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES)) {
      this.leftOut.add(path);
      this.store.removePath(path);
      return;
    }
    const known = this.store.fileStat(path);
    if (known && known.size === info.size && known.mtimeMs === info.mtimeMs) return;
    const bytes = await readFile(absolute).catch(() => null);
    if (!bytes || inspectText(bytes).binary) {
      this.leftOut.add(path);
      this.store.removePath(path);
      return;
    }
    this.leftOut.delete(path);
    const hash = contentHash(bytes.toString('latin1'));
    const stamp = { size: info.size, mtimeMs: info.mtimeMs };
    if (known?.hash === hash) {
      this.store.touchFile(path, stamp);
      return;
    }
    const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
    const chunks = await this.chunker.chunk(path, text);
    if (this.closed) return;
    this.unembedded += this.store.replaceFile(path, stamp, hash, chunks);
    this.runFiles++;
  }

  private async embedBatch(): Promise<void> {
    const embedder = this.embedder;
    if (!embedder) return;
    const batch = this.store.pendingBodies(this.options.batchSize ?? DEFAULT_BATCH);
    this.unembedded = Math.max(0, this.unembedded - batch.length);
    if (batch.length === 0) return;
    const signal = this.embedAbort.signal;
    let vectors: Float32Array[];
    try {
      vectors = await embedder.embed(
        batch.map((body) => body.text),
        signal,
      );
    } catch (error) {
      if (signal.aborted || this.embedder !== embedder) return;
      // a model that fails on real text (a broken export, out of memory) leaves search on keywords, saying why
      const reason = error instanceof Error ? error.message : String(error);
      this.embedder = null;
      this.embeddingsNote = `The embedding model failed (${reason.slice(0, 300)}); search uses keywords only. Choose another model in the Codebase view.`;
      return;
    }
    if (signal.aborted || this.embedder !== embedder) return; // another model now: its vectors are made afresh
    this.store.putVectors(batch.map((body, index) => ({ id: body.id, vector: vectors[index] as Float32Array })));
  }

  /** Sends the status now (`force`) or when the last report is STATUS_EVERY_MS old (a timer catches the rest). */
  private report(force: boolean): void {
    const onStatus = this.options.onStatus;
    if (!onStatus || this.closed) return;
    const since = this.now - this.lastStatus;
    if (force || since >= STATUS_EVERY_MS) {
      if (this.statusTimer) clearTimeout(this.statusTimer);
      this.statusTimer = null;
      this.lastStatus = this.now;
      onStatus(this.status(force));
      return;
    }
    this.statusTimer ??= setTimeout(() => {
      this.statusTimer = null;
      if (this.closed) return;
      this.lastStatus = this.now;
      onStatus(this.status(false));
    }, STATUS_EVERY_MS - since);
  }
}
