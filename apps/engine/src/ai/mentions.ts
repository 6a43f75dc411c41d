// A chat question's `@` mentions become context the model reads: `@file` the file's text, `@folder` and `@codebase`
// the indexed chunks that best match the question (in that folder, or anywhere), `@search` the chunks matching the
// given words. All of it is bounded (MAX_CONTEXT_CHARS in all), confined to the workspace, and never includes a file
// `.aiignore` excludes — a mentioned one is refused, a retrieved one is dropped (the index leaves them out too).
import { open, stat } from 'node:fs/promises';
import { type ContextMention, ErrorCode, PaError, type SentSource, type UsedContext } from '@pa/shared';
import { inspectText } from '@pa/shared/text-file';
import type { CodebaseService } from '../codebase/api.js';

/** All the context one question carries, in characters (about 6,000 tokens: room for a small local model's answer). */
export const MAX_CONTEXT_CHARS = 24_000;
/** The most of one mentioned file. */
const MAX_FILE_CHARS = 16_000;
/** Chunks `@codebase` and `@folder` bring. */
const RETRIEVED_CHUNKS = 8;
/** A mentioned file larger than this is read up to here. */
const MAX_READ_BYTES = 1024 * 1024;

export interface MentionDoors {
  codebase?: CodebaseService;
  /** Confines a workspace-relative path (throws a typed error outside it). */
  resolve(rel: string): string;
  excluded(path: string): boolean;
}

export interface ResolvedContext {
  /** The block put before the question; empty when nothing was added. */
  block: string;
  used: UsedContext[];
  /** The same pieces for the record of what was sent: path, lines and the UTF-8 bytes of each. */
  sources: SentSource[];
}

interface Piece extends UsedContext {
  text: string;
  language: string;
}

export async function resolveMentions(
  mentions: readonly ContextMention[],
  question: string,
  doors: MentionDoors,
): Promise<ResolvedContext> {
  const pieces: Piece[] = [];
  const seen = new Set<string>();
  const add = (piece: Piece) => {
    const key = `${piece.path}:${piece.startLine}-${piece.endLine}`;
    if (seen.has(key)) return;
    seen.add(key);
    pieces.push(piece);
  };
  for (const mention of mentions) {
    if (mention.kind === 'file') add(await fileContext(mention.path, doors));
    else {
      const index = doors.codebase;
      if (!index) throw new PaError(ErrorCode.UNAVAILABLE, 'The codebase index is not available in this engine.');
      const query = mention.kind === 'search' ? mention.query : question;
      if (!query.trim()) continue;
      const { hits } = await index.search({
        query: query.slice(0, 2_000),
        limit: RETRIEVED_CHUNKS,
        mode: mention.kind === 'search' ? 'keyword' : 'hybrid',
        ...(mention.kind === 'folder' && mention.path ? { folder: mention.path } : {}),
      });
      for (const hit of hits) {
        if (doors.excluded(hit.path)) continue;
        add({
          source: mention.kind,
          path: hit.path,
          startLine: hit.startLine,
          endLine: hit.endLine,
          name: hit.name,
          chars: hit.text.length,
          text: hit.text,
          language: languageOf(hit.path),
        });
      }
    }
  }
  // the budget: pieces in order (mentioned files first, as the user listed them), the last one cut to fit
  let left = MAX_CONTEXT_CHARS;
  const kept: Piece[] = [];
  for (const piece of pieces) {
    if (left <= 200) break;
    const text = piece.text.length > left ? piece.text.slice(0, left) : piece.text;
    left -= text.length;
    kept.push({ ...piece, text, chars: text.length });
  }
  if (kept.length === 0) return { block: '', used: [], sources: [] };
  const blocks = kept.map((piece) => {
    const fence = fenceFor(piece.text);
    const what = piece.name ? ` (${piece.name})` : '';
    return `${piece.path}:${piece.startLine}-${piece.endLine}${what}\n${fence}${piece.language}\n${piece.text}\n${fence}`;
  });
  const block = `Context from the workspace (cite files as path:line when you use them):\n\n${blocks.join('\n\n')}`;
  return {
    block,
    used: kept.map(({ text: _text, language: _language, ...used }) => used),
    sources: kept.map((piece) => ({
      path: piece.path,
      startLine: piece.startLine,
      endLine: piece.endLine,
      bytes: Buffer.byteLength(piece.text, 'utf8'),
    })),
  };
}

async function fileContext(path: string, doors: MentionDoors): Promise<Piece> {
  if (doors.excluded(path)) {
    throw new PaError(ErrorCode.FORBIDDEN, `${path} is excluded from AI by .aiignore; it was not sent.`, {
      reason: 'aiignore',
      path,
    });
  }
  const absolute = doors.resolve(path);
  const info = await stat(absolute).catch(() => null);
  if (!info?.isFile()) throw new PaError(ErrorCode.NOT_FOUND, `@${path}: no such file in the workspace.`);
  // only the start is read: a mentioned 2 GB log costs a megabyte
  const file = await open(absolute, 'r');
  let bytes: Buffer;
  try {
    const buffer = Buffer.alloc(Math.min(info.size, MAX_READ_BYTES));
    const { bytesRead } = await file.read(buffer, 0, buffer.length, 0);
    bytes = buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
  if (inspectText(bytes, bytes.length === info.size).binary) {
    throw new PaError(ErrorCode.BAD_REQUEST, `@${path} is a binary file; only text can be given to a model.`);
  }
  const full = bytes.toString('utf8');
  const text = full.slice(0, MAX_FILE_CHARS);
  const lines = text.split('\n').length;
  return {
    source: 'file',
    path,
    startLine: 1,
    endLine: Math.max(1, text.endsWith('\n') ? lines - 1 : lines),
    name: null,
    chars: text.length,
    text,
    language: languageOf(path),
  };
}

/** A fence longer than any backtick run inside the text, so the text cannot close it. */
function fenceFor(text: string): string {
  let longest = 0;
  let run = 0;
  for (let index = 0; index < text.length; index++) {
    run = text.charCodeAt(index) === 96 ? run + 1 : 0;
    if (run > longest) longest = run;
  }
  return '`'.repeat(Math.max(3, longest + 1));
}

const LANGUAGES: Record<string, string> = {
  ts: 'ts',
  tsx: 'tsx',
  js: 'js',
  jsx: 'jsx',
  mjs: 'js',
  cjs: 'js',
  py: 'python',
  go: 'go',
  rs: 'rust',
  java: 'java',
  cs: 'csharp',
  cpp: 'cpp',
  c: 'c',
  h: 'c',
  rb: 'ruby',
  php: 'php',
  sh: 'bash',
  css: 'css',
  md: 'markdown',
  json: 'json',
  yaml: 'yaml',
  yml: 'yaml',
};

function languageOf(path: string): string {
  const extension = path.split('.').at(-1)?.toLowerCase() ?? '';
  return LANGUAGES[extension] ?? '';
}
