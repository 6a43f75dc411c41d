// What a GGUF header says, and whether a model fits this machine: node-llama-cpp's readGgufFileInfo (local files,
// or remote ones by range requests) and GgufInsights' configuration resolver (GPU layers, context size, RAM and
// VRAM it would take, a compatibility score).
import { freemem, totalmem } from 'node:os';
import type { GgufSummary, Hardware, ModelFit } from '@pa/shared';
import type { GgufFileInfo, Llama } from 'node-llama-cpp';

export async function readHeader(
  pathOrUrl: string,
  options: { signal?: AbortSignal; network?: boolean } = {},
): Promise<GgufFileInfo> {
  const { readGgufFileInfo } = await import('node-llama-cpp');
  return readGgufFileInfo(pathOrUrl, {
    sourceType: options.network ? 'network' : 'filesystem',
    signal: options.signal,
    logWarnings: false,
    // a remote header is a few range requests; a dead server fails soon rather than after minutes of retries
    fetchRetryOptions: { retries: 2, minTimeout: 200, maxTimeout: 1_000 },
  });
}

export async function summarize(info: GgufFileInfo): Promise<GgufSummary> {
  const { GgufFileType } = await import('node-llama-cpp');
  const general = info.metadata?.general;
  const tokenizer = info.metadata?.tokenizer?.ggml as Record<string, unknown> | undefined;
  const architecture = general?.architecture ?? null;
  const arch = architecture
    ? (info.metadata as unknown as Record<string, Record<string, unknown>>)[architecture]
    : null;
  const fileTypeNumber = general?.file_type;
  const fileTypeName = typeof fileTypeNumber === 'number' ? GgufFileType[fileTypeNumber] : undefined;
  const has = (key: string) => typeof tokenizer?.[key] === 'number';
  const number = (value: unknown) => (typeof value === 'number' ? value : null);
  return {
    architecture: architecture ?? null,
    name: typeof general?.name === 'string' ? general.name : null,
    fileType: fileTypeName ? fileTypeName.replace(/^MOSTLY_/, '') : null,
    trainContextSize: number(arch?.context_length),
    layers: number(arch?.block_count),
    parameters: null,
    fim:
      (has('fim_pre_token_id') && has('fim_suf_token_id') && has('fim_mid_token_id')) ||
      (has('prefix_token_id') && has('suffix_token_id') && has('middle_token_id')),
  };
}

export async function hardware(llama: Llama | null, freeDiskBytes: number): Promise<Hardware> {
  const vram = llama && llama.gpu !== false ? await llama.getVramState() : { total: 0, free: 0 };
  return {
    ramBytes: totalmem(),
    freeRamBytes: freemem(),
    gpu: llama?.gpu ?? false,
    vramBytes: vram.total,
    freeVramBytes: vram.free,
    freeDiskBytes,
  };
}

/** node-llama-cpp's own estimate for this file on this machine (its llama runtime: the GPU it would use). */
export async function fitOf(info: GgufFileInfo, llama: Llama, contextSize: number): Promise<ModelFit> {
  const { GgufInsights } = await import('node-llama-cpp');
  const insights = await GgufInsights.from(info, llama);
  const trained = insights.trainContextSize;
  const target = trained ? Math.min(trained, contextSize) : contextSize;
  const scored = await insights.configurationResolver.resolveAndScoreConfig({ targetContextSize: target });
  const values = scored.resolvedValues;
  return {
    fits: scored.compatibilityScore > 0,
    score: scored.compatibilityScore,
    gpuLayers: values.gpuLayers,
    totalLayers: insights.totalLayers,
    contextSize: values.contextSize,
    ramBytes: values.totalRamUsage,
    vramBytes: values.totalVramUsage,
    basis: 'insights',
  };
}

/**
 * Without the header (the catalog, offline): the weights take about their file size, a context of `contextSize`
 * takes roughly 1/8 of that again for these model sizes; all layers go to the GPU when VRAM holds them, else none.
 */
export function fitBySize(sizeBytes: number, hw: Hardware, contextSize: number): ModelFit {
  const contextBytes = Math.round(sizeBytes * 0.125 * (contextSize / 8192));
  const need = sizeBytes + contextBytes;
  const onGpu = hw.gpu !== false && need <= hw.freeVramBytes * 0.9;
  const ramNeed = onGpu ? Math.round(need * 0.1) : need;
  const fits = onGpu || ramNeed <= Math.max(hw.freeRamBytes, hw.ramBytes * 0.6) * 0.9;
  return {
    fits,
    score: null,
    gpuLayers: onGpu ? -1 : 0,
    totalLayers: null,
    contextSize,
    ramBytes: ramNeed,
    vramBytes: onGpu ? need : 0,
    basis: 'size',
  };
}
