// models.pull: one download through node-llama-cpp's ModelDownloader (ipull underneath: parallel range requests, a
// `<file>.ipull` partial file whose progress survives a crash or a cancel and is resumed by the next pull of the
// same source). Around it, what the downloader does not do: the source's scheme and redirects checked, the file
// name confined to the folder, the size against free disk before anything is fetched, a stall deadline (ipull
// retries a failing server for minutes), and afterwards the size, the GGUF header and the sha256 when known — a
// file that fails any of them is removed.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, statSync } from 'node:fs';
import { rm, statfs } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { ErrorCode, type ModelsPullParams, type ModelsPullProgress, type ModelsPullResult, PaError } from '@pa/shared';
import { protectedPath } from '@pa/shared/protected-paths';
import type { ModelDownloader } from 'node-llama-cpp';
import { readHeader, summarize } from './gguf.js';
import { confined, fileNameOfUrl, type Probe, parseSource, probe, safeFileName } from './source.js';

/** ipull's partial file: the bytes so far, then its progress record. */
export const PARTIAL_SUFFIX = '.ipull';
/** Room left on the disk beyond the file itself. */
const DISK_MARGIN_BYTES = 64 * 1024 * 1024;
const TICK_MS = 200;

export function sourceKey(source: string): string {
  return source.trim();
}

/** Free bytes for an unprivileged writer on the disk holding `dir` (its nearest existing ancestor when it is not there yet). */
export async function freeDiskBytes(dir: string): Promise<number> {
  let at = resolve(dir);
  for (;;) {
    try {
      const stats = await statfs(at);
      return stats.bavail * stats.bsize;
    } catch (error) {
      const up = dirname(at);
      if (up === at) throw error;
      at = up;
    }
  }
}

function modelsFolder(defaultDir: string, dir: string | undefined): string {
  if (dir !== undefined && !isAbsolute(dir)) {
    throw new PaError(ErrorCode.BAD_REQUEST, `The download folder "${dir}" is not absolute; give its full path.`);
  }
  const folder = resolve(dir ?? defaultDir);
  // a folder whose files make tools run code (.git/hooks, .vscode, .github/workflows…) holds no downloads
  const guarded = protectedPath(join(folder, 'model.gguf'));
  if (guarded?.kind === 'never') {
    throw new PaError(
      ErrorCode.FORBIDDEN,
      `Models are not downloaded into ${folder} (${guarded.reason}); pick another folder.`,
    );
  }
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  return folder;
}

const gb = (bytes: number) => `${(bytes / 1e9).toFixed(2)} GB`;

async function checkDisk(dir: string, needBytes: number): Promise<void> {
  const free = await freeDiskBytes(dir);
  if (needBytes + DISK_MARGIN_BYTES > free) {
    throw new PaError(
      ErrorCode.TOO_LARGE,
      `The model needs ${gb(needBytes)} and ${dir} has ${gb(free)} free; free some space or download into another folder.`,
      { needBytes, freeBytes: free },
    );
  }
}

async function sha256Of(path: string, signal: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20, signal })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** What cancels a running pull, by source. */
export interface RunningPull {
  controller: AbortController;
  deletePartial: boolean;
  path: string | null;
}

export interface PullOptions {
  defaultDir: string;
  running: Map<string, RunningPull>;
  /** Paths being written now (one pull per file). */
  writing: Set<string>;
}

function abortError(reason: unknown): PaError {
  return reason instanceof PaError
    ? reason
    : new PaError(ErrorCode.CANCELLED, 'The download was cancelled; pull it again to resume.');
}

/** `promise`, or the signal's abort error (the promise keeps running: the caller cancels what it started). */
function raced<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortError(signal.reason));
  return new Promise<T>((resolvePromise, reject) => {
    const onAbort = () => reject(abortError(signal.reason));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolvePromise(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function downloaderError(error: unknown, host: string): PaError {
  if (error instanceof PaError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/ENOSPC/.test(message))
    return new PaError(
      ErrorCode.TOO_LARGE,
      'The disk filled up during the download; free some space and pull again to resume.',
    );
  return new PaError(ErrorCode.PROVIDER, `The download from ${host} failed: ${message}. Pull again to resume.`);
}

export async function* pull(
  params: ModelsPullParams,
  callerSignal: AbortSignal,
  options: PullOptions,
): AsyncGenerator<ModelsPullProgress, ModelsPullResult, undefined> {
  const parsed = parseSource(params.source);
  const dir = modelsFolder(options.defaultDir, params.dir);
  const key = sourceKey(params.source);
  if (options.running.has(key)) {
    throw new PaError(ErrorCode.CONFLICT, `${params.source} is already downloading; wait for it or cancel it.`);
  }
  const controller = new AbortController();
  const onCallerAbort = () =>
    controller.abort(new PaError(ErrorCode.CANCELLED, 'The download was cancelled; pull it again to resume.'));
  callerSignal.addEventListener('abort', onCallerAbort, { once: true });
  if (callerSignal.aborted) onCallerAbort();
  const signal = controller.signal;
  const entry: RunningPull = { controller, deletePartial: false, path: null };
  options.running.set(key, entry);
  let downloader: ModelDownloader | null = null;
  let path: string | null = null;
  let holdsPath = false;
  let completed = false;
  const host = parsed.kind === 'hf' ? 'huggingface.co' : parsed.url.host;
  try {
    let fileName = params.fileName ? safeFileName(params.fileName) : null;
    const resolving = (): ModelsPullProgress => ({
      phase: 'resolving',
      fileName,
      downloadedBytes: 0,
      totalBytes: 0,
      resumedFromBytes: 0,
      bytesPerSecond: 0,
      etaSeconds: null,
    });
    yield resolving();

    let probed: Probe | null = null;
    let modelUri: string;
    if (parsed.kind === 'url') {
      // the redirect chain checked hop by hop, and the size against the disk before the downloader's first GET
      probed = await raced(probe(parsed.url, signal), signal);
      fileName ??= fileNameOfUrl(parsed.url);
      const target = confined(dir, fileName);
      const partial = existsSync(target + PARTIAL_SUFFIX) ? statSync(target + PARTIAL_SUFFIX).size : 0;
      if (probed.sizeBytes !== null) await checkDisk(dir, Math.max(0, probed.sizeBytes - partial));
      modelUri = probed.url;
    } else {
      modelUri = parsed.uri;
      // hf:user/repo/path/file.gguf is saved as file.gguf (as the catalog names it), not node-llama-cpp's hf_… name
      const named = /^hf:[^/]+\/[^/:]+\/(?:.+\/)?([^/#]+\.gguf)(?:#.*)?$/i.exec(parsed.uri)?.[1];
      if (named) fileName ??= safeFileName(named);
    }

    const { createModelDownloader } = await import('node-llama-cpp');
    // ipull retries an unreachable server for minutes: the stall deadline bounds resolving too
    const resolveDeadline = setTimeout(
      () =>
        controller.abort(
          new PaError(
            ErrorCode.TIMEOUT,
            `${host} did not answer within ${Math.round(params.stallTimeoutMs / 1000)} s; try again later.`,
          ),
        ),
      params.stallTimeoutMs,
    );
    const creating = createModelDownloader({
      modelUri,
      dirPath: dir,
      ...(fileName ? { fileName } : {}),
      skipExisting: true,
      deleteTempFileOnCancel: false,
      parallelDownloads: 4,
    });
    try {
      downloader = await raced(creating, signal);
    } catch (error) {
      creating.then(
        (late) => late.cancel({ deleteTempFile: false }),
        () => {},
      );
      throw downloaderError(error, host);
    } finally {
      clearTimeout(resolveDeadline);
    }

    // the file the downloader will write: a bare name inside the folder, whatever the source called it
    const entryPath = resolve(downloader.entrypointFilePath);
    if (dirname(entryPath) !== dir) {
      throw new PaError(ErrorCode.FORBIDDEN, `The download would be written outside ${dir}; refused.`);
    }
    fileName = safeFileName(basename(entryPath));
    path = confined(dir, fileName);
    if (path !== entryPath)
      throw new PaError(
        ErrorCode.FORBIDDEN,
        `The file name "${basename(entryPath)}" is not a plain model file name; refused.`,
      );
    if (options.writing.has(path)) throw new PaError(ErrorCode.CONFLICT, `${fileName} is already downloading.`);
    options.writing.add(path);
    holdsPath = true;
    entry.path = path;

    if (parsed.kind === 'hf') {
      // Hugging Face's answer to the resolve URL carries the LFS sha256 (x-linked-etag) and the size
      const resolved = (downloader as unknown as { _modelUrl?: unknown })._modelUrl;
      if (typeof resolved === 'string' && /^https?:/.test(resolved)) {
        probed = await raced(probe(new URL(resolved), signal), signal).catch((error: unknown) => {
          if (error instanceof PaError && (error.code === ErrorCode.FORBIDDEN || error.code === ErrorCode.CANCELLED))
            throw error;
          return null; // the checksum is a bonus; the size and header are still checked
        });
      }
    }

    const total = downloader.totalSize || probed?.sizeBytes || 0;
    if (probed?.sizeBytes && downloader.totalSize && probed.sizeBytes !== downloader.totalSize) {
      throw new PaError(
        ErrorCode.PROVIDER,
        `${host} gave two sizes for the file (${probed.sizeBytes} and ${downloader.totalSize} bytes); refused.`,
      );
    }
    const alreadyPresent =
      total > 0 && existsSync(path) && statSync(path).size === total && !existsSync(path + PARTIAL_SUFFIX);
    const resumedFromBytes = alreadyPresent
      ? 0
      : Math.min(downloader.downloadedSize, total || Number.POSITIVE_INFINITY);
    if (!alreadyPresent && total > 0) await checkDisk(dir, total - resumedFromBytes);

    const started = performance.now();
    let lastBytes = downloader.downloadedSize;
    let lastChange = started;
    const item = (): ModelsPullProgress => {
      const now = performance.now();
      const bytes = downloader?.downloadedSize ?? 0;
      const fresh = bytes - resumedFromBytes;
      const rate = now > started ? (fresh * 1000) / (now - started) : 0;
      return {
        phase: 'downloading',
        fileName,
        downloadedBytes: bytes,
        totalBytes: total,
        resumedFromBytes,
        bytesPerSecond: Math.round(rate),
        etaSeconds: rate > 0 && total > 0 ? Math.max(0, (total - bytes) / rate) : null,
      };
    };

    if (!alreadyPresent) {
      yield item();
      let finished = false;
      let failure: unknown = null;
      const downloading = downloader.download({ signal }).then(
        () => {
          finished = true;
        },
        (error: unknown) => {
          finished = true;
          failure = error;
        },
      );
      while (!finished) {
        await Promise.race([downloading, new Promise((wake) => setTimeout(wake, TICK_MS))]);
        if (finished) break;
        const now = performance.now();
        const bytes = downloader.downloadedSize;
        if (bytes !== lastBytes) {
          lastBytes = bytes;
          lastChange = now;
        } else if (now - lastChange > params.stallTimeoutMs && !signal.aborted) {
          controller.abort(
            new PaError(
              ErrorCode.TIMEOUT,
              `No data from ${host} for ${Math.round(params.stallTimeoutMs / 1000)} s; the partial file is kept, pull again to resume.`,
            ),
          );
        }
        yield item();
      }
      if (signal.aborted) throw abortError(signal.reason);
      if (failure) throw downloaderError(failure, host);
      yield item();
    }

    // verify: the size the server announced, a GGUF header, the sha256 when one is known
    yield { ...item(), phase: 'verifying' };
    const size = existsSync(path) ? statSync(path).size : -1;
    if (size < 0) throw new PaError(ErrorCode.PROVIDER, `The download from ${host} left no file; pull again.`);
    if (total > 0 && size !== total) {
      await rm(path, { force: true });
      throw new PaError(
        ErrorCode.PROVIDER,
        `${host} sent ${size} bytes of the ${total} it announced; the file was removed. Pull again, or try another source.`,
      );
    }
    let header: Awaited<ReturnType<typeof summarize>>;
    try {
      header = await summarize(await readHeader(path, { signal }));
    } catch {
      await rm(path, { force: true });
      throw new PaError(
        ErrorCode.BAD_REQUEST,
        `What ${host} sent is not a GGUF model file; it was removed. Check that the address points at a .gguf file.`,
      );
    }
    const expected = [params.sha256, probed?.sha256].filter((value): value is string => Boolean(value));
    let sha256: string | null = null;
    if (expected.length > 0) {
      const actual = await sha256Of(path, signal);
      for (const want of expected) {
        if (want !== actual) {
          await rm(path, { force: true });
          throw new PaError(
            ErrorCode.BAD_REQUEST,
            `The downloaded file's sha256 is ${actual}, not the expected ${want}; it was removed. Pull again; if it repeats, the source is not the file it claims to be.`,
          );
        }
      }
      sha256 = actual;
    }
    completed = true;
    return { path, fileName, sizeBytes: size, sha256, resumedFromBytes, alreadyPresent, header };
  } catch (error) {
    const failure = signal.aborted ? abortError(signal.reason) : error;
    throw failure;
  } finally {
    callerSignal.removeEventListener('abort', onCallerAbort);
    // stopped early (an error, a cancel, the caller went away mid-item): the downloader stops, the partial file stays
    if (!completed && !signal.aborted) controller.abort(new PaError(ErrorCode.CANCELLED, 'The download stopped.'));
    if (downloader && !completed) await downloader.cancel({ deleteTempFile: entry.deletePartial }).catch(() => {});
    if (entry.deletePartial && path) await rm(path + PARTIAL_SUFFIX, { force: true }).catch(() => {});
    if (options.running.get(key) === entry) options.running.delete(key);
    if (holdsPath && path) options.writing.delete(path);
  }
}
