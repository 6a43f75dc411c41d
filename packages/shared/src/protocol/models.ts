// The model manager: GGUF files in the data dir's `models` folder (or one the user picks), downloaded from a
// Hugging Face `hf:` URI or an http(s) URL with node-llama-cpp's downloader (resumable, parallel connections), size
// and free disk checked first, the checksum verified when the source gives one; a small curated catalog and what of
// it fits this machine (node-llama-cpp's GGUF insights). Owned by the models capability (apps/engine/src/models).
import { z } from 'zod';
import { method, stream } from '../rpc.js';

/** `hf:user/repo:quant`, `hf:user/repo/file.gguf#branch`, or an http(s) URL. Other schemes are refused. */
export const ModelSource = z.string().min(3).max(2048);

export const Sha256 = z
  .string()
  .regex(/^[0-9a-fA-F]{64}$/, 'a sha256 is 64 hex digits')
  .transform((value) => value.toLowerCase());

/** What the GGUF header says (null fields: the file does not say). */
export const GgufSummary = z.object({
  architecture: z.string().nullable(),
  name: z.string().nullable(),
  /** The quantisation (Q4_K_M, Q8_0, F16, …) when the header names it. */
  fileType: z.string().nullable(),
  trainContextSize: z.number().nullable(),
  layers: z.number().nullable(),
  parameters: z.number().nullable(),
  /** Whether the vocabulary has fill-in-the-middle tokens (prefix, suffix and middle). */
  fim: z.boolean(),
});
export type GgufSummary = z.infer<typeof GgufSummary>;

export const ModelsPullParams = z.strictObject({
  source: ModelSource,
  /** Absolute folder to download into; the data dir's `models` folder when omitted. */
  dir: z.string().min(1).max(4096).optional(),
  /** The file name to save as (a bare name: folders are stripped); from the source when omitted. */
  fileName: z.string().min(1).max(255).optional(),
  /** The expected sha256 (a plain URL rarely gives one; Hugging Face does, and its value is used then). */
  sha256: Sha256.optional(),
  /** Cancel (keeping the partial file) when no byte arrives for this long. */
  stallTimeoutMs: z.number().int().min(500).max(600_000).default(60_000),
});
export type ModelsPullParams = z.output<typeof ModelsPullParams>;

export const ModelsPullPhase = z.enum(['resolving', 'downloading', 'verifying']);

export const ModelsPullProgress = z.object({
  phase: ModelsPullPhase,
  fileName: z.string().nullable(),
  downloadedBytes: z.number(),
  /** 0 while unknown. */
  totalBytes: z.number(),
  /** Bytes already on disk from an earlier, interrupted download when this one started. */
  resumedFromBytes: z.number(),
  bytesPerSecond: z.number(),
  /** Seconds left at the current rate; null while unknown. */
  etaSeconds: z.number().nullable(),
});
export type ModelsPullProgress = z.infer<typeof ModelsPullProgress>;

export const ModelsPullResult = z.object({
  path: z.string(),
  fileName: z.string(),
  sizeBytes: z.number(),
  /** The sha256 checked against, or null when the source gave none (then size and header are what was checked). */
  sha256: z.string().nullable(),
  resumedFromBytes: z.number(),
  /** The file was already complete on disk: nothing was downloaded. */
  alreadyPresent: z.boolean(),
  header: GgufSummary,
});
export type ModelsPullResult = z.infer<typeof ModelsPullResult>;

export const ModelFile = z.object({
  fileName: z.string(),
  path: z.string(),
  sizeBytes: z.number(),
  /** An interrupted download (resume it with models.pull of the same source). */
  partial: z.boolean(),
  /** A pull of it is running now (in this engine). */
  downloading: z.boolean(),
  header: GgufSummary.nullable(),
  /** Why the header could not be read, for a complete file. */
  error: z.string().nullable(),
});
export type ModelFile = z.infer<typeof ModelFile>;

export const ModelPurpose = z.enum(['completion', 'chat', 'agent']);

export const CatalogEntry = z.object({
  id: z.string(),
  title: z.string(),
  source: z.string(),
  fileName: z.string(),
  /** Approximate download size (the server's figure is checked at download). */
  sizeBytes: z.number(),
  parameters: z.string(),
  licence: z.string(),
  purpose: z.array(ModelPurpose),
  description: z.string(),
  moe: z.boolean(),
});
export type CatalogEntry = z.infer<typeof CatalogEntry>;

export const Hardware = z.object({
  ramBytes: z.number(),
  freeRamBytes: z.number(),
  /** The GPU backend llama.cpp would use (cuda, vulkan, metal) or false for CPU only. */
  gpu: z.union([z.string(), z.literal(false)]),
  vramBytes: z.number(),
  freeVramBytes: z.number(),
  freeDiskBytes: z.number(),
});
export type Hardware = z.infer<typeof Hardware>;

export const ModelFit = z.object({
  fits: z.boolean(),
  /** node-llama-cpp's compatibility score, 0…1 (null when estimated from the size alone). */
  score: z.number().nullable(),
  /** Layers offloaded to the GPU; -1: all of them (an estimate that does not know the layer count). */
  gpuLayers: z.number(),
  totalLayers: z.number().nullable(),
  contextSize: z.number(),
  ramBytes: z.number(),
  vramBytes: z.number(),
  /** 'insights' (the GGUF header was read) or 'size' (estimated from the file size). */
  basis: z.enum(['insights', 'size']),
});
export type ModelFit = z.infer<typeof ModelFit>;

export const Recommendation = CatalogEntry.extend({
  fit: ModelFit,
  /** Where the file is when it is already downloaded into the models folder. */
  downloadedPath: z.string().nullable(),
  partialBytes: z.number(),
  /** The best entry of its purpose for this machine. */
  recommended: z.boolean(),
});
export type Recommendation = z.infer<typeof Recommendation>;

export const modelsMethods = {
  /**
   * Downloads a GGUF model. Items report progress; ends with ModelsPullResult, or an error: E_BAD_REQUEST (a
   * scheme other than hf/http/https, a bad name, not a GGUF, checksum mismatch — the file is removed), E_FORBIDDEN
   * (a redirect to another scheme), E_TOO_LARGE (not enough free disk: nothing is downloaded), E_CANCELLED
   * (models.cancel or the caller; the partial file is kept for resuming), E_TIMEOUT (stalled; kept), E_CONFLICT
   * (that file is already downloading), E_PROVIDER (the server failed).
   */
  'models.pull': stream(ModelsPullParams, ModelsPullProgress, ModelsPullResult),
  /** Cancels the running pull of `source`; `deletePartial` also removes what was downloaded so far. */
  'models.cancel': method(
    z.strictObject({ source: ModelSource, deletePartial: z.boolean().default(false) }),
    z.object({ cancelled: z.boolean() }),
  ),
  /** The GGUF files (and interrupted downloads) in the models folder, with their headers. */
  'models.list': method(
    z.strictObject({ dir: z.string().min(1).max(4096).optional() }).optional(),
    z.object({ dir: z.string(), models: z.array(ModelFile) }),
  ),
  /**
   * The curated catalog with what fits this machine (RAM, VRAM, GPU layers and context size it would get): by
   * node-llama-cpp's insights from the GGUF header for a downloaded file, or with `inspect` from the remote header
   * (a few range requests per model), else estimated from the size.
   */
  'models.recommend': method(
    z
      .strictObject({
        contextSize: z.number().int().min(256).max(1_048_576).default(8192),
        inspect: z.boolean().default(false),
      })
      .optional(),
    z.object({ hardware: Hardware, dir: z.string(), entries: z.array(Recommendation) }),
  ),
  /**
   * Reads a GGUF header without downloading the file (range requests for a remote source) and scores it for this
   * machine with node-llama-cpp's insights.
   */
  'models.inspect': method(
    z.strictObject({ source: ModelSource, contextSize: z.number().int().min(256).max(1_048_576).default(8192) }),
    z.object({ header: GgufSummary, sizeBytes: z.number(), fit: ModelFit }),
  ),
} as const;
