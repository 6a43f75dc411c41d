// Splits a file into the chunks the codebase index embeds and keyword-indexes. Code in a language we have a
// grammar for is cut along its syntax (syntax.ts): a chunk per function, class, method, type; the code between them
// in blocks. Anything else, and code that cannot be parsed in reasonable time (too long, minified, binary-ish, a
// parse over its time budget), is cut into line windows. Every chunk is within maxChunkLines and maxChunkChars, and
// every non-blank line of the file is in at least one chunk.
//
// The work is bounded and shares the event loop: a parse runs in slices of a few milliseconds (tree-sitter resumes a
// cancelled parse where it stopped), the walk and the windowing let other work in as often, and a file's parsing
// stops at a time budget.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Language, Parser, type Tree } from 'web-tree-sitter';
import { type LanguageId, type LanguageSpec, languageOfPath, SPECS } from './languages.js';
import { Source, windows } from './lines.js';
import { markdownChunks } from './markdown.js';
import { type Pace, type RawChunk, syntaxChunks } from './syntax.js';
import type { Chunk, ChunkKind, Limits, Piece } from './types.js';

export type { Chunk, ChunkKind } from './types.js';

export interface ChunkerOptions {
  /** Most lines in a chunk (default 60). */
  maxChunkLines?: number;
  /** Most characters in a chunk (default 2,000: about what a 256-token embedding model reads of code). */
  maxChunkChars?: number;
  /** Lines shared by neighbouring line windows (default 10). */
  windowOverlap?: number;
  /** Longer files (in characters) are windowed without being parsed (default 1,000,000). */
  maxParseChars?: number;
  /** Parser time a file may take before it is windowed instead (default 2,000 ms). */
  parseTimeoutMs?: number;
}

export interface Chunker {
  chunk(path: string, text: string): Promise<Chunk[]>;
  /** The language a path is chunked as ('typescript', 'python', 'markdown'…), or null for line windows. */
  languageOf(path: string): string | null;
  /** Frees the parsers. A chunk call after this fails; one still parsing ends in line windows. */
  dispose(): void;
}

const DEFAULTS = { maxChunkLines: 60, maxChunkChars: 2_000, windowOverlap: 10, maxParseChars: 1_000_000 } as const;
const DEFAULT_PARSE_TIMEOUT_MS = 2_000;
/** How long the chunker works before letting the event loop run. */
const SLICE_MS = 5;
/** Mean characters a line past which a file is taken for minified or generated: its lines say nothing of structure. */
const MINIFIED_MEAN_LINE = 250;
/** A line's code, once a trailing comment is taken off: `}  // namespace store`, `end # class`. */
const TRAILING_COMMENT = /\s*(?:\/\/|#|\/\*|--).*$/;
const CLOSING_ONLY = /^(?:\s|[)}\];,]|\bend\b)*$/;
const CLOSING = /[)}\]]|\bend\b/;
const STARTS_CLOSING = /^\s*(?:[)}\];,]|end\b)/;

/** A chunk of closing brackets and `end`s alone says nothing: it joins the chunk above it when that fits. */
function isCloser(text: string): boolean {
  if (text.length > 200 || !STARTS_CLOSING.test(text)) return false;
  let closes = false;
  for (const line of text.split('\n')) {
    const code = line.replace(TRAILING_COMMENT, '');
    if (!CLOSING_ONLY.test(code)) return false;
    closes ||= CLOSING.test(code);
  }
  return closes;
}

const require = createRequire(import.meta.url);
let runtime: Promise<void> | null = null;
// grammars are loaded into the one tree-sitter runtime of the process and never unloaded: shared by all chunkers
const grammars = new Map<string, Promise<Language | null>>();

function initRuntime(): Promise<void> {
  // the engine is bundled into dist/ while web-tree-sitter stays in node_modules: its wasm is found by resolution,
  // not next to whatever script is running
  runtime ??= Parser.init({ locateFile: () => require.resolve('web-tree-sitter/web-tree-sitter.wasm') });
  return runtime;
}

/** A grammar, loaded on first use; null when it cannot be (the file is then windowed). */
function loadGrammar(name: string): Promise<Language | null> {
  let loading = grammars.get(name);
  if (!loading) {
    loading = (async () => {
      await initRuntime();
      const folder = join(dirname(require.resolve('@vscode/tree-sitter-wasm/package.json')), 'wasm');
      return Language.load(join(folder, `tree-sitter-${name}.wasm`));
    })().catch(() => null);
    grammars.set(name, loading);
  }
  return loading;
}

/** Runs tasks one after another: a parser holds a cancelled parse to resume, so two files must not share it. */
class Lane {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

interface Slot {
  parser: Parser;
  lane: Lane;
}

function whole(value: number | undefined, fallback: number, least: number, option: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < least) throw new RangeError(`${option} must be a number of at least ${least}`);
  return Math.floor(value);
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

function pacer(): Pace {
  let since = performance.now();
  return async () => {
    if (performance.now() - since < SLICE_MS) return;
    await nextTurn();
    since = performance.now();
  };
}

export async function createChunker(options: ChunkerOptions = {}): Promise<Chunker> {
  const maxLines = whole(options.maxChunkLines, DEFAULTS.maxChunkLines, 1, 'maxChunkLines');
  const maxChars = whole(options.maxChunkChars, DEFAULTS.maxChunkChars, 16, 'maxChunkChars');
  const overlap = whole(options.windowOverlap, DEFAULTS.windowOverlap, 0, 'windowOverlap');
  const limits: Limits = { maxLines, maxChars, overlap: Math.min(overlap, Math.floor(maxLines / 2)) };
  const maxParseChars = whole(options.maxParseChars, DEFAULTS.maxParseChars, 0, 'maxParseChars');
  const parseTimeoutMs = whole(options.parseTimeoutMs, DEFAULT_PARSE_TIMEOUT_MS, 0, 'parseTimeoutMs');
  const slots = new Map<string, Slot>();
  let disposed = false;

  async function parse(spec: LanguageSpec, text: string, pace: Pace): Promise<Tree | null> {
    const language = await loadGrammar(spec.grammar);
    if (!language || disposed) return null;
    let slot = slots.get(spec.grammar);
    if (!slot) {
      const parser = new Parser();
      parser.setLanguage(language);
      slot = { parser, lane: new Lane() };
      slots.set(spec.grammar, slot);
    }
    const { parser, lane } = slot;
    return lane
      .run(async () => {
        let spent = 0;
        try {
          for (;;) {
            if (disposed) break;
            const began = performance.now();
            // cancelled after a slice; the next call resumes it, after the event loop has had its turn
            const tree = parser.parse(text, null, { progressCallback: () => performance.now() - began > SLICE_MS });
            spent += performance.now() - began;
            if (tree) return tree;
            if (spent > parseTimeoutMs) break;
            await nextTurn();
          }
        } catch {
          // a parse that throws (out of wasm memory) leaves the file to line windows
        }
        parser.reset();
        return null;
      })
      .finally(pace);
  }

  /** Chunks from the syntax tree, or null to fall back on line windows. */
  async function bySyntax(spec: LanguageSpec, text: string, source: Source, pace: Pace): Promise<RawChunk[] | null> {
    if (text.length > maxParseChars) return null;
    if (text.length > limits.maxChars && text.length / source.rowCount > MINIFIED_MEAN_LINE) return null;
    // a NUL is no part of source code: a binary file, or one in UTF-16, whose tree would be noise
    if (text.includes('\0')) return null;
    const tree = await parse(spec, text, pace);
    if (!tree) return null;
    try {
      return await syntaxChunks(tree, source, spec, limits, pace);
    } catch {
      return null;
    } finally {
      tree.delete();
    }
  }

  async function collect(pieces: Iterable<Piece>, kind: ChunkKind, into: RawChunk[], pace: Pace): Promise<void> {
    let count = 0;
    for (const piece of pieces) {
      into.push({ ...piece, kind, name: null });
      if (++count % 64 === 0) await pace();
    }
  }

  return {
    languageOf: (path) => languageOfPath(path),

    async chunk(path, text) {
      if (disposed) throw new Error('the chunker was disposed');
      const pace = pacer();
      const source = await Source.of(text, pace);
      const language: LanguageId | null = languageOfPath(path);
      let raw: RawChunk[] | null = null;
      if (language === 'markdown') raw = await markdownChunks(source, limits, pace);
      else if (language) raw = await bySyntax(SPECS[language], text, source, pace);
      const fellBack = raw === null;
      if (!raw) {
        raw = [];
        const all = windows(source, 0, source.rowCount - 1, limits, { overlap: limits.overlap, overlapAtBreaks: true });
        await collect(all, 'window', raw, pace);
      }
      return finish(raw, source, limits, fellBack ? 'window' : 'block', pace);
    },

    dispose() {
      if (disposed) return;
      disposed = true;
      for (const { parser, lane } of slots.values()) void lane.run(async () => parser.delete());
      slots.clear();
    },
  };
}

const byPosition = (a: RawChunk, b: RawChunk) => a.start - b.start || a.end - b.end;

/**
 * In file order, with lone closing lines joined to the chunk above, any non-blank row no chunk holds put in one
 * (a safety net: the walk means to leave none), and rows counted from 1.
 */
async function finish(
  raw: RawChunk[],
  source: Source,
  limits: Limits,
  gapKind: ChunkKind,
  pace: Pace,
): Promise<Chunk[]> {
  raw.sort(byPosition);
  await pace();
  const merged: RawChunk[] = [];
  for (const [index, chunk] of raw.entries()) {
    if (index % 1_024 === 0) await pace();
    const previous = merged[merged.length - 1];
    if (
      previous &&
      isCloser(chunk.text) &&
      previous.end < chunk.start &&
      source.trim(previous.end + 1, chunk.start - 1) === null &&
      source.fits(previous.start, chunk.end, limits)
    ) {
      previous.end = chunk.end;
      previous.text = source.text(previous.start, chunk.end);
      continue;
    }
    merged.push(chunk);
  }

  const covered = new Uint8Array(source.rowCount);
  for (const chunk of merged) covered.fill(1, chunk.start, chunk.end + 1);
  let gapStart = -1;
  const gaps: RawChunk[] = [];
  for (let row = 0; row <= source.rowCount; row++) {
    if (row % 16_384 === 0) await pace();
    const open = row < source.rowCount && covered[row] === 0;
    if (open && gapStart < 0) gapStart = row;
    if (!open && gapStart >= 0) {
      if (source.trim(gapStart, row - 1)) {
        const pieces = windows(source, gapStart, row - 1, limits, { overlap: limits.overlap, overlapAtBreaks: true });
        for (const piece of pieces) gaps.push({ ...piece, kind: gapKind, name: null });
        await pace();
      }
      gapStart = -1;
    }
  }
  if (gaps.length > 0) {
    merged.push(...gaps);
    merged.sort(byPosition);
  }
  return merged.map((chunk) => ({
    startLine: chunk.start + 1,
    endLine: chunk.end + 1,
    kind: chunk.kind,
    name: chunk.name,
    text: chunk.text,
  }));
}
