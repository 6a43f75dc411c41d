// The codebase index (owned by the codebase capability): a per-workspace index of the open folder's code, chunked
// by syntax, keyword-indexed (SQLite FTS5, BM25) and, when an embedding model is set, embedded (onnxruntime-node);
// queries mix both rankings. It lives in the engine's data folder and never leaves the machine.
import { z } from 'zod';
import { Empty, method, Ok } from '../rpc.js';
import { RelPath } from './files.js';

export const ChunkKind = z.enum([
  'function',
  'method',
  'class',
  'interface',
  'type',
  'enum',
  'module',
  'block',
  'window',
]);
export type ChunkKind = z.infer<typeof ChunkKind>;

export const IndexState = z.enum([
  /** No folder is open. */
  'off',
  /** Walking the folder or (re)indexing changed files. */
  'indexing',
  /** Every file is indexed; the watcher keeps it current. */
  'ready',
  /** The user paused it; queries answer from what is indexed. */
  'paused',
  /** Indexing stopped on an error (see `error`). */
  'error',
]);
export type IndexState = z.infer<typeof IndexState>;

export const IndexStatus = z.object({
  state: IndexState,
  /** Files the walk found that the index takes (not ignored, not binary, not too large). */
  filesTotal: z.number().int().nonnegative(),
  filesIndexed: z.number().int().nonnegative(),
  chunks: z.number().int().nonnegative(),
  /** Files per second over the current run (null when not indexing). */
  filesPerSecond: z.number().nullable(),
  /** The embedding model the vectors come from; null: keyword search only (`embeddingsNote` says why). */
  embeddingModel: z.string().nullable(),
  embeddingsNote: z.string().nullable(),
  /** Chunks that have a vector. */
  embedded: z.number().int().nonnegative(),
  error: z.string().nullable(),
});
export type IndexStatus = z.infer<typeof IndexStatus>;

export const CodebaseSearchParams = z.strictObject({
  query: z.string().min(1).max(2_000),
  limit: z.number().int().min(1).max(200).default(20),
  /** `hybrid` (default) mixes keyword and vector rankings; `keyword` uses BM25 alone. */
  mode: z.enum(['hybrid', 'keyword']).default('hybrid'),
  /** Only chunks of files under this folder (workspace-relative). */
  folder: RelPath.optional(),
});
export type CodebaseSearchParams = z.infer<typeof CodebaseSearchParams>;

/** Characters of a chunk's text a search hit carries. */
export const CODEBASE_PREVIEW_CHARS = 4_000;

export const CodebaseHit = z.object({
  path: z.string(),
  startLine: z.number().int().positive(),
  endLine: z.number().int().positive(),
  kind: ChunkKind,
  name: z.string().nullable(),
  /** The chunk's text, cut at CODEBASE_PREVIEW_CHARS. */
  text: z.string(),
  score: z.number(),
  /** Which rankings found it. */
  via: z.array(z.enum(['keyword', 'vector'])),
});
export type CodebaseHit = z.infer<typeof CodebaseHit>;

export const CodebaseSearchResult = z.object({
  hits: z.array(CodebaseHit),
  /** True when the vector ranking took part (a model is set and the query was embedded). */
  hybrid: z.boolean(),
  elapsedMs: z.number(),
});
export type CodebaseSearchResult = z.infer<typeof CodebaseSearchResult>;

export const codebaseMethods = {
  'codebase.status': method(Empty, IndexStatus),
  'codebase.search': method(CodebaseSearchParams, CodebaseSearchResult),
  'codebase.pause': method(Empty, Ok),
  'codebase.resume': method(Empty, Ok),
  /** Drops the index of the open folder and builds it again. */
  'codebase.rebuild': method(Empty, Ok),
  /** The ONNX embedding model the index uses (its tokenizer.json beside it); null: keyword search only. */
  'codebase.setModel': method(z.strictObject({ path: z.string().min(1).max(4096).nullable() }), IndexStatus),
} as const;

export const codebaseEvents = {
  /** The index's status changed (progress while indexing, at most a few times a second). */
  'codebase.changed': IndexStatus,
} as const;
