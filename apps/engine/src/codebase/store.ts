// One workspace's index in its own SQLite file (the engine's data folder, `index/<hash of the folder>.sqlite`):
// files and their stat, chunks and where they are, chunk texts (bodies) deduplicated by content hash, the keyword
// index (FTS5, contentless: the words only) and the vectors (an ordinary table, searched in memory: flat-vectors.ts).
//
// A vector belongs to a body, not to a chunk: a file that changes keeps the vectors of the chunks whose text did not
// change (only new texts are embedded), and the same text in two files is embedded once.
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import type { ChunkKind } from '@pa/shared';
import Database from 'better-sqlite3';
import { FlatVectors } from './flat-vectors.js';
import { keywordText, quoteTerm } from './keywords.js';

export type Db = Database.Database;

const SCHEMA_VERSION = '2';
/** A word in more of the chunks than this says little about any of them (its BM25 weight is near 0). */
const COMMON_SHARE = 0.25;
/** ...and in more chunks than this (scoring fewer costs little; a small project's words are all "common"). */
const COMMON_MIN_ROWS = 5_000;
/** The most matching rows the OR part of a keyword query scores (its rarest word's rows are scored in any case). */
const OR_BUDGET = 10_000;
/** How long a term's chunk count is trusted, and how many terms are remembered. */
const DF_TTL_MS = 60_000;
const DF_CACHE_TERMS = 10_000;

export interface StoredChunk {
  startLine: number;
  endLine: number;
  kind: ChunkKind;
  name: string | null;
  text: string;
}

export interface ChunkRow {
  id: number;
  path: string;
  startLine: number;
  endLine: number;
  kind: ChunkKind;
  name: string | null;
  bodyId: number;
  text: string;
  mtimeMs: number;
}

export interface FileStat {
  size: number;
  mtimeMs: number;
}

export function contentHash(text: string): string {
  return createHash('sha1').update(text).digest('base64url');
}

export class IndexStore {
  db: Db;
  private vectorDim: number | null = null;
  private vectors: FlatVectors | null = null;
  private readonly frequencies = new Map<string, { doc: number; at: number }>();

  constructor(file: string) {
    this.db = this.openDatabase(file);
    const version = this.meta('schema');
    if (version !== null && version !== SCHEMA_VERSION) {
      // an index an older engine wrote: it is only a cache of the folder, so it is made again
      this.close();
      this.statements.clear();
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
      this.db = this.openDatabase(file);
    }
    this.setMeta('schema', SCHEMA_VERSION);
    const dim = this.meta('vector_dim');
    if (dim !== null) {
      this.vectorDim = Number(dim);
      this.loadVectors();
    }
  }

  private openDatabase(file: string): Db {
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    db.exec(`
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS files (
        path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ms REAL NOT NULL, hash TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS bodies (
        id INTEGER PRIMARY KEY, hash TEXT NOT NULL UNIQUE, text TEXT NOT NULL, embedded INTEGER NOT NULL DEFAULT 0);
      CREATE INDEX IF NOT EXISTS bodies_pending ON bodies (embedded) WHERE embedded = 0;
      CREATE TABLE IF NOT EXISTS chunks (
        id INTEGER PRIMARY KEY, path TEXT NOT NULL, start_line INTEGER NOT NULL, end_line INTEGER NOT NULL,
        kind TEXT NOT NULL, name TEXT, body_id INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS chunks_path ON chunks (path);
      CREATE INDEX IF NOT EXISTS chunks_body ON chunks (body_id);
      CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts USING fts5 (
        name, path, body, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2');
      CREATE VIRTUAL TABLE IF NOT EXISTS chunks_vocab USING fts5vocab (chunks_fts, 'row');
    `);
    return db;
  }

  /** Statements are prepared once (a file's replacement runs six of them; preparing is a parse each time). */
  private readonly statements = new Map<string, Database.Statement>();

  private sql<P extends unknown[] = unknown[], R = unknown>(source: string): Database.Statement<P, R> {
    let statement = this.statements.get(source);
    if (!statement) {
      statement = this.db.prepare(source);
      this.statements.set(source, statement);
    }
    return statement as unknown as Database.Statement<P, R>;
  }

  meta(key: string): string | null {
    const row = this.sql<[string], { value: string }>('SELECT value FROM meta WHERE key = ?').get(key);
    return row?.value ?? null;
  }

  setMeta(key: string, value: string): void {
    this.sql('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = ?').run(
      key,
      value,
      value,
    );
  }

  /**
   * Makes the vectors belong to `modelId` (of `dim` dimensions): when another model made them, they are dropped and
   * every body waits to be embedded again.
   */
  useModel(modelId: string | null, dim: number | null): void {
    const current = this.meta('vector_model');
    if (modelId !== null && current === modelId && this.vectorDim === dim) return;
    this.statements.clear(); // statements on the vectors table it drops
    this.db.transaction(() => {
      this.db.exec('DROP TABLE IF EXISTS vectors');
      this.db.exec('UPDATE bodies SET embedded = 0');
      if (modelId !== null && dim !== null) {
        this.db.exec('CREATE TABLE vectors (id INTEGER PRIMARY KEY, embedding BLOB NOT NULL)');
        this.setMeta('vector_model', modelId);
        this.setMeta('vector_dim', String(dim));
        this.vectorDim = dim;
        this.vectors = new FlatVectors(dim);
      } else {
        this.sql('DELETE FROM meta WHERE key IN (?, ?)').run('vector_model', 'vector_dim');
        this.vectorDim = null;
        this.vectors = null;
      }
    })();
  }

  hasVectors(): boolean {
    return this.vectorDim !== null;
  }

  fileStat(path: string): (FileStat & { hash: string }) | null {
    const row = this.sql<[string], { size: number; mtime_ms: number; hash: string }>(
      'SELECT size, mtime_ms, hash FROM files WHERE path = ?',
    ).get(path);
    return row ? { size: row.size, mtimeMs: row.mtime_ms, hash: row.hash } : null;
  }

  indexedPaths(): string[] {
    return this.sql<[], { path: string }>('SELECT path FROM files')
      .all()
      .map((row) => row.path);
  }

  /** A file whose text did not change (a touch, a checkout of the same content): only its stat is new. */
  touchFile(path: string, stat: FileStat): void {
    this.sql('UPDATE files SET size = ?, mtime_ms = ? WHERE path = ?').run(stat.size, stat.mtimeMs, path);
  }

  /**
   * Replaces the chunks of one file. Bodies already known keep their id (and vector); returns how many bodies are
   * new (they wait to be embedded).
   */
  replaceFile(path: string, stat: FileStat, hash: string, chunks: readonly StoredChunk[]): number {
    let added = 0;
    this.db.transaction(() => {
      const old = this.removeChunks(path);
      const insertBody = this.sql<[string, string]>(
        'INSERT INTO bodies (hash, text) VALUES (?, ?) ON CONFLICT (hash) DO NOTHING',
      );
      const bodyId = this.sql<[string], { id: number }>('SELECT id FROM bodies WHERE hash = ?');
      const insertChunk = this.sql(
        'INSERT INTO chunks (path, start_line, end_line, kind, name, body_id) VALUES (?, ?, ?, ?, ?, ?)',
      );
      const insertFts = this.sql('INSERT INTO chunks_fts (rowid, name, path, body) VALUES (?, ?, ?, ?)');
      const pathWords = keywordText(path);
      for (const chunk of chunks) {
        const bodyHash = contentHash(chunk.text);
        if (insertBody.run(bodyHash, chunk.text).changes > 0) added++;
        const body = bodyId.get(bodyHash)?.id as number;
        const { lastInsertRowid } = insertChunk.run(path, chunk.startLine, chunk.endLine, chunk.kind, chunk.name, body);
        insertFts.run(lastInsertRowid, chunk.name ? keywordText(chunk.name) : '', pathWords, keywordText(chunk.text));
      }
      this.sql(
        'INSERT INTO files (path, size, mtime_ms, hash) VALUES (?, ?, ?, ?) ON CONFLICT (path) DO UPDATE SET size = excluded.size, mtime_ms = excluded.mtime_ms, hash = excluded.hash',
      ).run(path, stat.size, stat.mtimeMs, hash);
      this.collect(old);
    })();
    return added;
  }

  /** Forgets a file, or every file under a folder that went away. */
  removePath(path: string): void {
    this.db.transaction(() => {
      const paths = this.sql<[string, string, string], { path: string }>(
        'SELECT path FROM files WHERE path = ? OR (path > ? AND path < ?)',
      )
        .all(path, `${path}/`, `${path}0`)
        .map((row) => row.path);
      // (the range is "starts with path/": '0' sorts right after '/')
      for (const file of paths) {
        this.collect(this.removeChunks(file));
        this.sql('DELETE FROM files WHERE path = ?').run(file);
      }
    })();
  }

  /** Deletes one file's chunks and their keyword rows; returns the bodies they used. */
  private removeChunks(path: string): number[] {
    const rows = this.sql<[string], { id: number; body_id: number }>(
      'SELECT id, body_id FROM chunks WHERE path = ?',
    ).all(path);
    const deleteFts = this.sql('DELETE FROM chunks_fts WHERE rowid = ?');
    for (const row of rows) deleteFts.run(row.id);
    this.sql('DELETE FROM chunks WHERE path = ?').run(path);
    return rows.map((row) => row.body_id);
  }

  /** Deletes the bodies (and vectors) no chunk uses any more. */
  private collect(bodyIds: readonly number[]): void {
    if (bodyIds.length === 0) return;
    const unused = this.sql<[number], { n: number }>('SELECT COUNT(*) AS n FROM chunks WHERE body_id = ?');
    const deleteBody = this.sql('DELETE FROM bodies WHERE id = ?');
    const deleteVector = this.vectorDim !== null ? this.sql('DELETE FROM vectors WHERE id = ?') : null;
    for (const id of new Set(bodyIds)) {
      if ((unused.get(id)?.n ?? 0) > 0) continue;
      deleteBody.run(id);
      deleteVector?.run(id);
      this.vectors?.remove(id);
    }
  }

  /** Bodies still waiting for a vector, oldest first. */
  pendingBodies(limit: number): { id: number; text: string }[] {
    return this.sql<[number], { id: number; text: string }>(
      'SELECT id, text FROM bodies WHERE embedded = 0 ORDER BY id LIMIT ?',
    ).all(limit);
  }

  pendingCount(): number {
    return this.sql<[], { n: number }>('SELECT COUNT(*) AS n FROM bodies WHERE embedded = 0').get()?.n ?? 0;
  }

  /** Stores vectors (bodies deleted meanwhile are skipped). */
  putVectors(items: readonly { id: number; vector: Float32Array }[]): void {
    if (this.vectorDim === null) return;
    const exists = this.sql<[number], { id: number }>('SELECT id FROM bodies WHERE id = ?');
    const insert = this.sql('INSERT OR REPLACE INTO vectors (id, embedding) VALUES (?, ?)');
    const mark = this.sql('UPDATE bodies SET embedded = 1 WHERE id = ?');
    this.db.transaction(() => {
      for (const { id, vector } of items) {
        if (!exists.get(id)) continue;
        insert.run(id, Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength));
        mark.run(id);
        this.vectors?.put(id, vector);
      }
    })();
  }

  counts(): { files: number; chunks: number; embedded: number } {
    const one = (sql: string) => this.sql<[], { n: number }>(sql).get()?.n ?? 0;
    return {
      files: one('SELECT COUNT(*) AS n FROM files'),
      chunks: one('SELECT COUNT(*) AS n FROM chunks'),
      // the chunks whose body still waits are few once indexing settles (the partial index on pending bodies)
      embedded:
        this.vectorDim === null
          ? 0
          : one('SELECT COUNT(*) AS n FROM chunks') -
            one('SELECT COUNT(*) AS n FROM bodies JOIN chunks ON chunks.body_id = bodies.id WHERE bodies.embedded = 0'),
    };
  }

  /**
   * Chunk ids by BM25 (best first); name and path words weigh more than the body's. BM25 is computed for every row
   * that matches, so a word found in most chunks (`store` in a store's code) would cost a score for each of them and
   * rank nothing: words in more than COMMON_SHARE (and COMMON_MIN_ROWS) of the chunks are left out (unless all are; then the rarest
   * stays), chunks holding all the remaining words come first, then (unless there are `enough` of those) chunks
   * holding any of the rarest ones, as far as OR_BUDGET rows.
   */
  keywordSearch(terms: readonly string[], limit: number, enough = limit): { id: number; score: number }[] {
    const total = this.sql<[], { n: number }>('SELECT COUNT(*) AS n FROM chunks').get()?.n ?? 0;
    if (terms.length === 0 || total === 0) return [];
    const frequency = this.documentFrequencies(terms);
    // a count may be up to DF_TTL_MS old: a word not seen then is taken as rare (scoring it costs nothing), never
    // as absent, so a file saved a moment ago is found by its new words
    const known = [...terms].sort((a, b) => (frequency.get(a) as number) - (frequency.get(b) as number));
    const common = (term: string) => {
      const rows = frequency.get(term) as number;
      return rows > total * COMMON_SHARE && rows > COMMON_MIN_ROWS;
    };
    const useful = known.filter((term) => !common(term));
    if (useful.length === 0) {
      // only common words: scoring each of their rows would rank nothing; any of them will do (the vector ranking,
      // the path and name boosts order them)
      const [rarest] = known;
      if (rarest === undefined) return [];
      return this.sql<[string, number], { id: number }>(
        'SELECT rowid AS id FROM chunks_fts WHERE chunks_fts MATCH ? LIMIT ?',
      )
        .all(quoteTerm(rarest), limit)
        .map((row) => ({ id: row.id, score: 0 }));
    }
    const kept = useful;
    const run = (expression: string, count: number) =>
      this.sql<[string, number], { id: number; score: number }>(
        'SELECT rowid AS id, bm25(chunks_fts, 4.0, 2.0, 1.0) AS score FROM chunks_fts WHERE chunks_fts MATCH ? ORDER BY score LIMIT ?',
      ).all(expression, count);
    const quoted = kept.map(quoteTerm);
    const hits = kept.length > 1 ? run(quoted.join(' AND '), limit) : [];
    // chunks with every word are the answer when there are `enough` of them; the OR rows would only pad the fusion
    if (hits.length >= enough) return hits;
    let rows = 0;
    const rarest: string[] = [];
    for (const [index, term] of kept.entries()) {
      rows += frequency.get(term) as number;
      if (rarest.length > 0 && rows > OR_BUDGET) break;
      rarest.push(quoted[index] as string);
    }
    const seen = new Set(hits.map((hit) => hit.id));
    for (const hit of run(rarest.join(' OR '), limit)) {
      if (hits.length >= limit) break;
      if (!seen.has(hit.id)) hits.push(hit);
    }
    return hits;
  }

  /**
   * How many chunks hold each term. fts5vocab answers a term in about a millisecond, and a term's share of the
   * chunks only decides whether it is too common to score, so answers are kept for DF_TTL_MS (emptied with the index).
   */
  private documentFrequencies(terms: readonly string[]): Map<string, number> {
    const now = Date.now();
    const lookup = this.sql<[string], { doc: number }>('SELECT doc FROM chunks_vocab WHERE term = ?');
    const frequencies = new Map<string, number>();
    for (const term of terms) {
      let known = this.frequencies.get(term);
      if (!known || now - known.at > DF_TTL_MS) {
        known = { doc: lookup.get(term)?.doc ?? 0, at: now };
        if (this.frequencies.size >= DF_CACHE_TERMS) this.frequencies.clear();
        this.frequencies.set(term, known);
      }
      frequencies.set(term, known.doc);
    }
    return frequencies;
  }

  /** Body ids nearest to `vector` (cosine distance, nearest first). */
  vectorSearch(vector: Float32Array, limit: number): { bodyId: number; distance: number }[] {
    return this.vectors?.nearest(vector, limit) ?? [];
  }

  /** The in-memory copy of the vectors table, read when the index opens. */
  private loadVectors(): void {
    const dim = this.vectorDim as number;
    const vectors = new FlatVectors(dim);
    for (const [id, blob] of this.db.prepare('SELECT id, embedding FROM vectors').raw().iterate() as Iterable<
      [number, Buffer]
    >) {
      if (blob.byteLength !== dim * 4) continue; // not one of ours: it is made again when its body is embedded
      vectors.put(id, new Float32Array(blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength)));
    }
    this.vectors = vectors;
  }

  chunksByIds(ids: readonly number[]): ChunkRow[] {
    if (ids.length === 0) return [];
    return this.selectChunks(`chunks.id IN (${ids.map(() => '?').join(',')})`, ids);
  }

  chunksByBodies(bodyIds: readonly number[]): ChunkRow[] {
    if (bodyIds.length === 0) return [];
    return this.selectChunks(`chunks.body_id IN (${bodyIds.map(() => '?').join(',')})`, bodyIds);
  }

  private selectChunks(where: string, args: readonly number[]): ChunkRow[] {
    return this.db
      .prepare<
        number[],
        {
          id: number;
          path: string;
          start_line: number;
          end_line: number;
          kind: ChunkKind;
          name: string | null;
          body_id: number;
          text: string;
          mtime_ms: number;
        }
      >(
        `SELECT chunks.id, chunks.path, start_line, end_line, kind, name, body_id, bodies.text, files.mtime_ms
         FROM chunks JOIN bodies ON bodies.id = chunks.body_id JOIN files ON files.path = chunks.path WHERE ${where}`,
      )
      .all(...args)
      .map((row) => ({
        id: row.id,
        path: row.path,
        startLine: row.start_line,
        endLine: row.end_line,
        kind: row.kind,
        name: row.name,
        bodyId: row.body_id,
        text: row.text,
        mtimeMs: row.mtime_ms,
      }));
  }

  /** Empties the index (a rebuild), keeping the model's table. */
  clear(): void {
    this.db.transaction(() => {
      this.db.exec('DELETE FROM chunks; DELETE FROM bodies; DELETE FROM files');
      this.db.exec("INSERT INTO chunks_fts (chunks_fts) VALUES ('delete-all')");
      if (this.vectorDim !== null) this.db.exec('DELETE FROM vectors');
      this.vectors?.clear();
      this.frequencies.clear();
    })();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
