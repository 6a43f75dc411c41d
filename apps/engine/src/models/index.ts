// The models capability (loads on first use): downloads GGUF models into the data dir's `models` folder, lists
// what is there (with the headers), and recommends catalog models by what this machine holds. Pointing the local
// provider at a file stays the ai capability's (ai.providers.add with modelPath); the UI does that after a pull.
import { readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { ErrorCode, type ModelFile, type ModelFit, PaError, type Recommendation } from '@pa/shared';
import type { Llama } from 'node-llama-cpp';
import type { Capability, EngineContext } from '../context.js';
import type { PartialHandlers } from '../rpc/handlers.js';
import { CATALOG } from './catalog.js';
import { freeDiskBytes, PARTIAL_SUFFIX, pull, type RunningPull, sourceKey } from './download.js';
import { fitBySize, fitOf, hardware, readHeader, summarize } from './gguf.js';
import { installIpullGuard } from './ipull-guard.js';
import { holdNumberFormatMemo } from './number-format-memo.js';
import { parseSource } from './source.js';

export const MODELS_FOLDER = 'models';
/** How long models.recommend waits for one remote header. */
const INSPECT_TIMEOUT_MS = 10_000;

export function modelsDir(dataDir: string): string {
  return join(dataDir, MODELS_FOLDER);
}

async function llamaOrNull(): Promise<Llama | null> {
  try {
    const { sharedLlama } = await import('../ai/index.js');
    return await sharedLlama();
  } catch {
    return null; // no llama.cpp binary for this machine: estimates by size, CPU only
  }
}

export function createModels(context: EngineContext): Capability {
  const defaultDir = modelsDir(context.dataDir);
  const running = new Map<string, RunningPull>();
  const writing = new Set<string>();
  let removeGuard: (() => void) | null = null;
  let releaseMemo: (() => void) | null = null;

  const list = async (dirParam: string | undefined): Promise<{ dir: string; models: ModelFile[] }> => {
    if (dirParam !== undefined && !isAbsolute(dirParam)) {
      throw new PaError(ErrorCode.BAD_REQUEST, `"${dirParam}" is not an absolute folder.`);
    }
    const dir = resolve(dirParam ?? defaultDir);
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return { dir, models: [] };
    }
    const models: ModelFile[] = [];
    for (const name of names.sort()) {
      const partial = name.toLowerCase().endsWith(`.gguf${PARTIAL_SUFFIX}`);
      if (!partial && !name.toLowerCase().endsWith('.gguf')) continue;
      const path = join(dir, name);
      let size: number;
      try {
        const stats = statSync(path);
        if (!stats.isFile()) continue;
        size = stats.size;
      } catch {
        continue;
      }
      const finalPath = partial ? path.slice(0, -PARTIAL_SUFFIX.length) : path;
      let header: ModelFile['header'] = null;
      let error: string | null = null;
      if (!partial) {
        try {
          header = await summarize(await readHeader(path));
        } catch (failure) {
          error = `Not a readable GGUF file: ${failure instanceof Error ? failure.message : String(failure)}`;
        }
      }
      models.push({
        fileName: partial ? name.slice(0, -PARTIAL_SUFFIX.length) : name,
        path: finalPath,
        sizeBytes: size,
        partial,
        downloading: writing.has(finalPath),
        header,
        error,
      });
    }
    return { dir, models };
  };

  const handlers: PartialHandlers = {
    'models.pull': (params, ctx) => {
      removeGuard ??= installIpullGuard(context.log);
      releaseMemo ??= holdNumberFormatMemo();
      return pull(params, ctx.signal, { defaultDir, running, writing });
    },
    'models.cancel': async ({ source, deletePartial }) => {
      const entry = running.get(sourceKey(source));
      if (!entry) return { cancelled: false };
      entry.deletePartial = deletePartial;
      entry.controller.abort(
        new PaError(
          ErrorCode.CANCELLED,
          deletePartial
            ? 'The download was cancelled and its partial file removed.'
            : 'The download was cancelled; pull it again to resume.',
        ),
      );
      return { cancelled: true };
    },
    'models.list': async (params) => list(params?.dir),
    'models.recommend': async (params) => {
      const contextSize = params?.contextSize ?? 8192;
      const [llama, files] = await Promise.all([llamaOrNull(), list(undefined)]);
      const disk = await freeDiskBytes(files.dir).catch(() => 0);
      const hw = await hardware(llama, disk);
      const inspect = params?.inspect ?? false;
      // node-llama-cpp's insights where the header is at hand (downloaded, or read remotely when asked), else the size
      const fitFor = async (entry: (typeof CATALOG)[number], path: string | null): Promise<ModelFit> => {
        if (llama && (path || inspect)) {
          try {
            const signal = AbortSignal.timeout(INSPECT_TIMEOUT_MS);
            const info = await readHeader(path ?? entry.source, { network: !path, signal });
            return await fitOf(info, llama, contextSize);
          } catch {
            // offline, a gated repository, a moved file: the estimate stands
          }
        }
        return fitBySize(entry.sizeBytes, hw, contextSize);
      };
      const entries: Recommendation[] = await Promise.all(
        CATALOG.map(async (entry) => {
          const file = files.models.find((model) => model.fileName === entry.fileName);
          const downloadedPath = file && !file.partial && !file.error ? file.path : null;
          return {
            ...entry,
            fit: await fitFor(entry, downloadedPath),
            downloadedPath,
            partialBytes: file?.partial ? file.sizeBytes : 0,
            recommended: false,
          };
        }),
      );
      // per purpose, the largest model that fits is the one to get; completion on a CPU wants speed (≤ 2 GB)
      for (const purpose of ['completion', 'chat', 'agent'] as const) {
        const quickEnough = (entry: Recommendation) =>
          purpose !== 'completion' || entry.fit.gpuLayers !== 0 || entry.sizeBytes <= 2_000_000_000;
        const best = entries
          .filter((entry) => entry.purpose[0] === purpose && entry.fit.fits && quickEnough(entry))
          .sort((a, b) => b.sizeBytes - a.sizeBytes)[0];
        if (best) best.recommended = true;
      }
      return { hardware: hw, dir: files.dir, entries };
    },
    'models.inspect': async ({ source, contextSize }) => {
      const parsed = parseSource(source);
      const where = parsed.kind === 'hf' ? parsed.uri : parsed.url.href;
      let info: Awaited<ReturnType<typeof readHeader>>;
      try {
        info = await readHeader(where, { network: true });
      } catch (error) {
        throw new PaError(
          ErrorCode.PROVIDER,
          `Could not read the GGUF header of ${source}: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      const llama = await llamaOrNull();
      const header = await summarize(info);
      const { GgufInsights } = await import('node-llama-cpp');
      const sizeBytes = llama ? (await GgufInsights.from(info, llama)).modelSize : 0;
      const fit = llama
        ? await fitOf(info, llama, contextSize)
        : fitBySize(sizeBytes, await hardware(null, 0), contextSize);
      return { header, sizeBytes, fit };
    },
  };

  return {
    handlers,
    dispose() {
      for (const entry of running.values()) {
        entry.controller.abort(new PaError(ErrorCode.CANCELLED, 'The engine is shutting down; pull again to resume.'));
      }
      removeGuard?.();
      releaseMemo?.();
    },
  };
}
