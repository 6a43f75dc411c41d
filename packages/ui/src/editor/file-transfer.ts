// Whole-file reads and writes of any size the editor opens: one message when the file fits in one, parts when it
// does not (files.readChunk; files.writeBegin, writeChunk, writeCommit), so no message comes near the engine's
// 16 MiB limit. A write that fails part way is aborted, so the engine drops its temp file at once.
import {
  type EngineClient,
  ErrorCode,
  type FileContent,
  type FileStat,
  PaError,
  type ParamsIn,
  WRITE_CHUNK_CHARS,
} from '@pa/shared';

type Caller = Pick<EngineClient, 'call'>;

/** Texts up to this many UTF-16 units go in one files.write (at most 6 bytes each in JSON: 6 MiB). */
export const SINGLE_WRITE_CHARS = 1024 * 1024;
/** Parts sent before the first one's answer: the page encodes the next while the engine writes the last. */
const PARTS_IN_FLIGHT = 4;

export async function readWholeFile(client: Caller, path: string): Promise<FileContent> {
  try {
    return await client.call('files.read', { path });
  } catch (error) {
    if (!isReadInChunks(error)) throw error;
  }
  const parts: string[] = [];
  let part = await client.call('files.readChunk', { path, offset: 0 });
  const { size, mtimeMs } = part;
  parts.push(part.text);
  while (part.nextOffset < size) {
    part = await client.call('files.readChunk', { path, offset: part.nextOffset, expectedMtimeMs: mtimeMs });
    parts.push(part.text);
  }
  return { path, content: parts.join(''), binary: false, size, mtimeMs };
}

export async function writeWholeFile(client: Caller, params: ParamsIn<'files.write'>): Promise<FileStat> {
  const { path, content, expectedMtimeMs } = params;
  if (content.length <= SINGLE_WRITE_CHARS) return client.call('files.write', params);
  const parts = splitText(content, WRITE_CHUNK_CHARS);
  const encoder = new TextEncoder();
  // counted into one reused buffer (3 bytes per UTF-16 unit at most): no copy of the file is kept as bytes
  const scratch = new Uint8Array(3 * WRITE_CHUNK_CHARS);
  const lengths = parts.map((part) => encoder.encodeInto(part, scratch).written);
  const size = lengths.reduce((sum, length) => sum + length, 0);
  const { uploadId } = await client.call('files.writeBegin', {
    path,
    size,
    ...(expectedMtimeMs === undefined ? {} : { expectedMtimeMs }),
  });
  try {
    // the engine handles a connection's messages in order, so parts in flight still land in order
    const inFlight: Array<Promise<unknown>> = [];
    let offset = 0;
    for (const [index, data] of parts.entries()) {
      const sent = client.call('files.writeChunk', { uploadId, offset, data });
      sent.catch(() => undefined); // awaited below; a refusal is not an unhandled rejection meanwhile
      inFlight.push(sent);
      offset += lengths[index] as number;
      if (inFlight.length >= PARTS_IN_FLIGHT) await inFlight.shift();
    }
    await Promise.all(inFlight);
    return await client.call('files.writeCommit', { uploadId });
  } catch (error) {
    // the engine has usually dropped the upload already (a refused part or commit); this covers the rest
    await client.call('files.writeAbort', { uploadId }).catch(() => undefined);
    throw error;
  }
}

/** `text` in pieces of at most `size` UTF-16 units, never splitting a surrogate pair (one character). */
export function splitText(text: string, size: number): string[] {
  const parts: string[] = [];
  for (let start = 0; start < text.length; ) {
    let end = Math.min(start + size, text.length);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end -= 1;
    parts.push(text.slice(start, end));
    start = end;
  }
  return parts;
}

function isReadInChunks(error: unknown): boolean {
  if (!(error instanceof PaError) || error.code !== ErrorCode.TOO_LARGE) return false;
  const data = error.data as { reason?: unknown } | null | undefined;
  return data?.reason === 'read_in_chunks';
}
