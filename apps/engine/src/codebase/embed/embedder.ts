// Sentence embeddings for the codebase index: a HuggingFace tokenizer.json (tokenised in pure JS) feeding an ONNX
// sentence-embedding model (all-MiniLM-L6-v2, bge-small… exported to ONNX) run by onnxruntime-node on the CPU.
// Texts are tokenised, sorted by length so a batch pads little, padded with an attention mask, run, pooled (the
// model's own `sentence_embedding` when it has one, else a masked mean of `last_hidden_state`) and L2-normalised,
// so a dot product is the cosine similarity.
// onnxruntime-node (a native addon) and the tokenizer load on the first createEmbedder, not at engine start.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { Tokenizer } from '@huggingface/tokenizers';
import { ErrorCode, PaError } from '@pa/shared';
import type { InferenceSession, Tensor } from 'onnxruntime-node';

export interface EmbedderOptions {
  /** The .onnx file, or a model folder holding model.onnx or onnx/model.onnx (the layout of Xenova's exports). */
  modelPath: string;
  /** Default: tokenizer.json beside the model, else in the folder above it (onnx/model.onnx layouts). */
  tokenizerPath?: string;
  /** onnxruntime's intra-op threads. Default: os.availableParallelism(). */
  threads?: number;
  /** Tokens per text, [CLS] and [SEP] included; longer texts are truncated. Default 256, capped by the tokenizer
   * config's model_max_length when it has one. */
  maxTokens?: number;
  /** Texts per model run. Default 32. */
  batchSize?: number;
}

/** Token ids of a padded batch, row-major [rows, cols], as the model's int64 inputs take them. */
export interface TokenBatch {
  readonly rows: number;
  readonly cols: number;
  readonly inputIds: BigInt64Array;
  readonly attentionMask: BigInt64Array;
  /** Real (unpadded) tokens per row. */
  readonly lengths: Int32Array;
}

export interface Embedder {
  readonly dim: number;
  /**
   * Names the vectors this embedder makes: the same id means the same vectors for the same text. A hash of the
   * model's and the tokenizer's sizes and first and last MiB, and of maxTokens, after the model's file name; it
   * survives a copy or a touch, and changes when the model, the tokenizer or the truncation does.
   */
  readonly modelId: string;
  /** The truncation length in effect. */
  readonly maxTokens: number;
  /** One unit-length vector per text, in order. */
  embed(texts: string[], signal?: AbortSignal): Promise<Float32Array[]>;
  /** The texts as one padded batch, in order, truncated as embed truncates (the benchmark's raw baseline feeds it
   * to a RawRunner). */
  tokenize(texts: string[]): TokenBatch;
  dispose(): Promise<void>;
}

/** Feeds pre-tokenised batches straight to session.run: the baseline that shows what the pipeline adds. */
export interface RawRunner {
  /** The model output the embedder reads, as onnxruntime returns it ([rows, dim] pooled or [rows, cols, dim]). */
  run(batch: TokenBatch): Promise<Float32Array>;
  dispose(): Promise<void>;
}

type Ort = typeof import('onnxruntime-node');

const DEFAULT_MAX_TOKENS = 256;
const DEFAULT_BATCH = 32;
/**
 * Tokenizing is most of an embedding's cost on the CPU (about a millisecond for 40 lines of code), and everything
 * past maxTokens is thrown away, so only a prefix is tokenized: first FIRST_CUT characters a token of budget, cut at
 * white space (so the prefix's tokens are the text's first tokens), which is enough for code and prose; when it is
 * not, at most LAST_CUT a token. A 5 MB text costs a 4 KB tokenization.
 */
const FIRST_CUT = 4;
const LAST_CUT = 16;
/** How far back from a cut to look for white space to cut at. */
const CUT_LOOKBACK = 200;
const MIB = 1024 * 1024;

let ortOnce: Promise<Ort> | undefined;

function loadOrt(): Promise<Ort> {
  ortOnce ??= import('onnxruntime-node').catch((error: unknown) => {
    ortOnce = undefined;
    throw new PaError(
      ErrorCode.UNAVAILABLE,
      `The ONNX runtime could not load on this machine (${messageOf(error)}). Reinstall the app, or turn semantic ` +
        'search off to index by keywords only.',
    );
  });
  return ortOnce;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The session and what the embedder learnt about its inputs and outputs. */
interface ModelRun {
  readonly session: InferenceSession;
  /** The output read: a pooled [batch, dim] one, or per-token [batch, seq, dim] ones to mean-pool. */
  readonly output: string;
  readonly pooled: boolean;
  /** From the output's metadata; null when the model leaves it symbolic (then the first run tells). */
  readonly dim: number | null;
  feeds(batch: TokenBatch): Record<string, Tensor>;
}

async function resolveModelFile(path: string): Promise<string> {
  const info = await stat(path).catch(() => null);
  if (!info) {
    throw new PaError(
      ErrorCode.NOT_FOUND,
      `No embedding model at ${path}. Download an ONNX sentence-embedding model (for example ` +
        'Xenova/all-MiniLM-L6-v2: onnx/model.onnx and tokenizer.json) and point the setting at its .onnx file.',
      { path },
    );
  }
  if (!info.isDirectory()) return path;
  for (const candidate of [join(path, 'model.onnx'), join(path, 'onnx', 'model.onnx')]) {
    if (existsSync(candidate)) return candidate;
  }
  throw new PaError(
    ErrorCode.NOT_FOUND,
    `The folder ${path} holds no model.onnx (nor onnx/model.onnx). Point the setting at the model's .onnx file.`,
    { path },
  );
}

function resolveTokenizerFile(modelFile: string, explicit: string | undefined): string {
  if (explicit) {
    if (existsSync(explicit)) return explicit;
    throw new PaError(
      ErrorCode.NOT_FOUND,
      `No tokenizer at ${explicit}. Use the tokenizer.json that came with the model.`,
      { path: explicit },
    );
  }
  const beside = join(dirname(modelFile), 'tokenizer.json');
  const above = join(dirname(dirname(modelFile)), 'tokenizer.json');
  if (existsSync(beside)) return beside;
  if (existsSync(above)) return above;
  throw new PaError(
    ErrorCode.NOT_FOUND,
    `No tokenizer.json beside ${modelFile}. Download the model's tokenizer.json into that folder, or set its path.`,
    { path: beside },
  );
}

async function openModel(modelFile: string, threads: number): Promise<ModelRun> {
  const ort = await loadOrt();
  let session: InferenceSession;
  try {
    session = await ort.InferenceSession.create(modelFile, {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      executionMode: 'sequential',
      // warnings (unused initializers and the like) are the model author's business, not the engine log's
      logSeverityLevel: 3,
    });
  } catch (error) {
    throw new PaError(
      ErrorCode.BAD_REQUEST,
      `${modelFile} is not an ONNX model onnxruntime can load (${messageOf(error)}). Use an ONNX export of a ` +
        'sentence-embedding model (a .onnx file, not .safetensors or .gguf).',
      { path: modelFile },
    );
  }
  try {
    return describeModel(ort, session, modelFile);
  } catch (error) {
    await session.release().catch(() => undefined);
    throw error;
  }
}

function describeModel(ort: Ort, session: InferenceSession, modelFile: string): ModelRun {
  const inputs = new Map(session.inputMetadata.map((meta) => [meta.name, meta]));
  if (!inputs.has('input_ids')) {
    throw new PaError(
      ErrorCode.BAD_REQUEST,
      `${basename(modelFile)} takes no input_ids (its inputs: ${session.inputNames.join(', ')}), so it is not a ` +
        'text-embedding model. Use a BERT-style sentence-embedding ONNX export.',
      { path: modelFile, inputs: session.inputNames },
    );
  }
  const known = new Set(['input_ids', 'attention_mask', 'token_type_ids']);
  const unknown = session.inputNames.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new PaError(
      ErrorCode.BAD_REQUEST,
      `${basename(modelFile)} needs inputs the embedder cannot fill (${unknown.join(', ')}). Use an export whose ` +
        'inputs are input_ids, attention_mask and optionally token_type_ids.',
      { path: modelFile, inputs: session.inputNames },
    );
  }
  const wantsInt32 = (name: string) => {
    const meta = inputs.get(name);
    return meta?.isTensor === true && meta.type === 'int32';
  };

  const outputs = session.outputMetadata.filter(
    (meta): meta is InferenceSession.TensorValueMetadata => meta.isTensor && meta.type === 'float32',
  );
  const byName = (name: string) => outputs.find((meta) => meta.name === name);
  const sentence = byName('sentence_embedding');
  const perToken =
    byName('last_hidden_state') ?? byName('token_embeddings') ?? outputs.find((meta) => meta.shape.length === 3);
  // another [batch, dim] output is used only when there is no per-token one to pool; pooler_output (BERT's [CLS]
  // through a dense layer and tanh) is not a sentence embedding and is never used
  const otherPooled = outputs.find((meta) => meta.shape.length === 2 && meta.name !== 'pooler_output');
  const chosen = sentence
    ? { meta: sentence, pooled: true }
    : perToken
      ? { meta: perToken, pooled: false }
      : { meta: otherPooled, pooled: true };
  if (!chosen.meta) {
    throw new PaError(
      ErrorCode.BAD_REQUEST,
      `${basename(modelFile)} has no output to embed with (its outputs: ${session.outputNames.join(', ')}). Use an ` +
        'export with a last_hidden_state or sentence_embedding float output.',
      { path: modelFile, outputs: session.outputNames },
    );
  }
  const last = chosen.meta.shape[chosen.meta.shape.length - 1];
  const dim = typeof last === 'number' && last > 0 ? last : null;

  // token_type_ids are all zeros (one segment), kept for the next batch; inputs are only read, never written
  let zeros = new BigInt64Array(0);
  const feeds = (batch: TokenBatch): Record<string, Tensor> => {
    const size = batch.rows * batch.cols;
    const shape = [batch.rows, batch.cols];
    const out: Record<string, Tensor> = {};
    for (const name of session.inputNames) {
      let data: BigInt64Array;
      if (name === 'input_ids') data = batch.inputIds;
      else if (name === 'attention_mask') data = batch.attentionMask;
      else {
        if (zeros.length < size) zeros = new BigInt64Array(size);
        data = zeros.subarray(0, size);
      }
      // the odd export takes int32 ids; a copy then, int64 (nearly all of them) is fed as it is
      out[name] = wantsInt32(name)
        ? new ort.Tensor('int32', Int32Array.from(data, Number), shape)
        : new ort.Tensor('int64', data, shape);
    }
    return out;
  };
  return { session, output: chosen.meta.name, pooled: chosen.pooled, dim, feeds };
}

async function runModel(model: ModelRun, batch: TokenBatch): Promise<Tensor> {
  let results: InferenceSession.OnnxValueMapType;
  try {
    results = await model.session.run(model.feeds(batch), [model.output]);
  } catch (error) {
    throw new PaError(
      ErrorCode.BAD_REQUEST,
      `The embedding model failed on a batch of ${batch.rows}×${batch.cols} tokens (${messageOf(error)}). Check ` +
        'that tokenizer.json belongs to this model, or lower maxTokens.',
    );
  }
  const tensor = results[model.output];
  if (tensor?.type !== 'float32') {
    throw new PaError(ErrorCode.BAD_REQUEST, `The embedding model returned no float32 ${model.output}.`);
  }
  return tensor;
}

/**
 * The vectors of one batch, each L2-normalised: the pooled output's rows, or the mean of the per-token rows that
 * the mask keeps (the rows' first `lengths[r]` tokens: padding is always at the end).
 */
function poolBatch(data: Float32Array, dims: readonly number[], batch: TokenBatch, pooled: boolean): Float32Array[] {
  const dim = dims[dims.length - 1] ?? 0;
  const vectors: Float32Array[] = [];
  const sum = new Float64Array(dim);
  for (let r = 0; r < batch.rows; r++) {
    const vector = new Float32Array(dim);
    if (pooled) {
      vector.set(data.subarray(r * dim, (r + 1) * dim));
    } else {
      const seq = dims[1] ?? batch.cols;
      const length = batch.lengths[r] ?? 0;
      sum.fill(0);
      for (let t = 0; t < length; t++) {
        const base = (r * seq + t) * dim;
        for (let d = 0; d < dim; d++) sum[d] = (sum[d] ?? 0) + (data[base + d] ?? 0);
      }
      const scale = 1 / Math.max(length, 1);
      for (let d = 0; d < dim; d++) vector[d] = (sum[d] ?? 0) * scale;
    }
    let norm = 0;
    for (let d = 0; d < dim; d++) norm += (vector[d] ?? 0) ** 2;
    norm = Math.sqrt(norm);
    if (norm > 1e-12) for (let d = 0; d < dim; d++) vector[d] = (vector[d] ?? 0) / norm;
    vectors.push(vector);
  }
  return vectors;
}

/** Hashes a file's size and its first and last MiB: cheap on a 100 MB model, and blind to its mtime. */
async function fingerprint(path: string, hash: ReturnType<typeof createHash>): Promise<void> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    hash.update(`${size}\n`);
    const head = Buffer.alloc(Math.min(size, MIB));
    await handle.read(head, 0, head.length, 0);
    hash.update(head);
    if (size > MIB) {
      const tail = Buffer.alloc(Math.min(size - MIB, MIB));
      await handle.read(tail, 0, tail.length, size - tail.length);
      hash.update(tail);
    }
  } finally {
    await handle.close();
  }
}

/** The tokenizer, with how many special tokens its post-processor puts before and after a text. */
interface TextTokenizer {
  encode(text: string): number[];
  readonly head: number;
  readonly tail: number;
  readonly padId: number;
  readonly modelMaxLength: number | null;
}

async function loadTokenizer(path: string): Promise<TextTokenizer> {
  const { Tokenizer: TokenizerClass } = await import('@huggingface/tokenizers');
  const bad = (why: string) =>
    new PaError(
      ErrorCode.BAD_REQUEST,
      `${path} is not a usable HuggingFace tokenizer.json (${why}). Use the tokenizer.json that came with the model.`,
      { path },
    );
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw bad(messageOf(error));
  }
  if (!isRecord(json) || !isRecord(json.model)) throw bad('no "model" section');
  // tokenizer_config.json is optional: it adds lowercasing flags and model_max_length for some models
  const configPath = join(dirname(path), 'tokenizer_config.json');
  let config: Record<string, unknown> = {};
  if (existsSync(configPath)) {
    try {
      const parsed: unknown = JSON.parse(await readFile(configPath, 'utf8'));
      if (isRecord(parsed)) config = parsed;
    } catch {
      // a broken optional file is as good as none: tokenizer.json alone defines the tokenization
    }
  }
  // files from older exporters may leave out sections; the library wants every key present
  const spec = {
    normalizer: null,
    pre_tokenizer: null,
    post_processor: null,
    decoder: null,
    added_tokens: [],
    ...json,
  };
  let tokenizer: Tokenizer;
  try {
    tokenizer = new TokenizerClass(spec, config);
  } catch (error) {
    throw bad(messageOf(error));
  }
  const encode = (text: string) => tokenizer.encode(text).ids;
  // where the post-processor's special tokens go ([CLS] … [SEP] for BERT, <s> … </s> for RoBERTa, none for some)
  const probe = 'a';
  const bare = tokenizer.encode(probe, { add_special_tokens: false }).ids;
  const full = encode(probe);
  let head = 0;
  for (let k = 0; k + bare.length <= full.length; k++) {
    if (bare.every((id, i) => full[k + i] === id)) {
      head = k;
      break;
    }
  }
  const tail = Math.max(0, full.length - head - bare.length);
  const padToken = typeof config.pad_token === 'string' ? config.pad_token : undefined;
  const padId =
    (padToken === undefined ? undefined : tokenizer.token_to_id(padToken)) ??
    tokenizer.token_to_id('[PAD]') ??
    tokenizer.token_to_id('<pad>') ??
    0;
  const maxLength = config.model_max_length;
  // some configs say 1e30 for "no limit"
  const modelMaxLength = typeof maxLength === 'number' && maxLength > 0 && maxLength < 1e6 ? maxLength : null;
  return { encode, head, tail, padId, modelMaxLength };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The start of `text`, about `limit` characters long, ended at white space when there is some near the limit
 * (`clean`: then its tokens are the first tokens of the whole text), and never inside a surrogate pair. */
function cut(text: string, limit: number): { prefix: string; clean: boolean } {
  for (let end = limit; end > limit - CUT_LOOKBACK && end > 0; end--) {
    const code = text.charCodeAt(end);
    if (code === 0x20 || code === 0x0a || code === 0x09 || code === 0x0d)
      return { prefix: text.slice(0, end), clean: true };
  }
  const end = (text.charCodeAt(limit - 1) & 0xfc00) === 0xd800 ? limit - 1 : limit;
  return { prefix: text.slice(0, end), clean: false };
}

/** Token ids of one text, at most maxTokens, the special tokens at both ends kept. */
function encodeTruncated(tokenizer: TextTokenizer, text: string, maxTokens: number): number[] {
  const { head, tail } = tokenizer;
  const keep = Math.max(0, maxTokens - head - tail);
  const truncate = (ids: number[]) =>
    ids.length <= maxTokens ? ids : [...ids.slice(0, head + keep), ...ids.slice(ids.length - tail)];
  const first = maxTokens * FIRST_CUT;
  if (text.length <= first) return truncate(tokenizer.encode(text));
  const short = cut(text, first);
  if (short.clean) {
    const ids = tokenizer.encode(short.prefix);
    // more tokens than the budget: the rest of the text would be cut off anyway
    if (ids.length > maxTokens) return truncate(ids);
  }
  const last = maxTokens * LAST_CUT;
  return truncate(tokenizer.encode(text.length <= last ? text : cut(text, last).prefix));
}

function padBatch(encoded: readonly number[][], padId: number): TokenBatch {
  const rows = encoded.length;
  let cols = 1;
  for (const ids of encoded) cols = Math.max(cols, ids.length);
  const inputIds = new BigInt64Array(rows * cols);
  const attentionMask = new BigInt64Array(rows * cols);
  const lengths = new Int32Array(rows);
  const pad = BigInt(padId);
  for (let r = 0; r < rows; r++) {
    const ids = encoded[r] ?? [];
    const base = r * cols;
    lengths[r] = ids.length;
    for (let c = 0; c < cols; c++) {
      const id = ids[c];
      if (id === undefined) {
        inputIds[base + c] = pad;
      } else {
        inputIds[base + c] = BigInt(id);
        attentionMask[base + c] = 1n;
      }
    }
  }
  return { rows, cols, inputIds, attentionMask, lengths };
}

/** Runs one thing at a time on the session: its threads already fill the cores, and a run in flight must finish
 * before dispose releases the session. */
function serial(): <T>(task: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>) => {
    const result = tail.then(task);
    tail = result.catch(() => undefined);
    return result;
  };
}

function disposedError(): PaError {
  return new PaError(ErrorCode.UNAVAILABLE, 'The embedder was closed. Create a new one to embed again.');
}

export async function createEmbedder(opts: EmbedderOptions): Promise<Embedder> {
  const modelFile = await resolveModelFile(opts.modelPath);
  const tokenizerFile = resolveTokenizerFile(modelFile, opts.tokenizerPath);
  const threads = Math.max(1, Math.floor(opts.threads ?? availableParallelism()));
  const batchSize = Math.max(1, Math.floor(opts.batchSize ?? DEFAULT_BATCH));
  const tokenizer = await loadTokenizer(tokenizerFile);
  let maxTokens = Math.floor(opts.maxTokens ?? DEFAULT_MAX_TOKENS);
  if (tokenizer.modelMaxLength !== null) maxTokens = Math.min(maxTokens, tokenizer.modelMaxLength);
  maxTokens = Math.max(tokenizer.head + tokenizer.tail + 1, maxTokens);

  const hash = createHash('sha256');
  await fingerprint(modelFile, hash);
  await fingerprint(tokenizerFile, hash);
  hash.update(`maxTokens=${maxTokens}\n`);
  const modelId = `${basename(modelFile)}:${hash.digest('hex').slice(0, 16)}`;

  const model = await openModel(modelFile, threads);
  const exclusive = serial();
  let disposed = false;

  const tokenize = (texts: string[]): TokenBatch =>
    padBatch(
      texts.map((text) => encodeTruncated(tokenizer, text, maxTokens)),
      tokenizer.padId,
    );

  const embedBatch = (batch: TokenBatch): Promise<Float32Array[]> =>
    exclusive(async () => {
      if (disposed) throw disposedError();
      const tensor = await runModel(model, batch);
      try {
        return poolBatch(tensor.data as Float32Array, tensor.dims, batch, model.pooled);
      } finally {
        tensor.dispose();
      }
    });

  let dim = model.dim;
  if (dim === null) {
    // the output leaves its width symbolic: one tiny run says what it is
    const [probe] = await embedBatch(tokenize(['']));
    dim = probe?.length ?? 0;
  }
  if (dim <= 0) {
    await model.session.release().catch(() => undefined);
    throw new PaError(ErrorCode.BAD_REQUEST, `${basename(modelFile)} returns empty embeddings.`, { path: modelFile });
  }

  return {
    dim,
    modelId,
    maxTokens,
    tokenize,
    async embed(texts, signal) {
      if (disposed) throw disposedError();
      signal?.throwIfAborted();
      const encoded = texts.map((text) => encodeTruncated(tokenizer, text, maxTokens));
      // shortest first, so each batch pads to a length close to all of its rows'
      const order = encoded
        .map((_, index) => index)
        .sort((a, b) => (encoded[a]?.length ?? 0) - (encoded[b]?.length ?? 0));
      const vectors: Float32Array[] = new Array(texts.length);
      for (let start = 0; start < order.length; start += batchSize) {
        signal?.throwIfAborted();
        const slice = order.slice(start, start + batchSize);
        const batch = padBatch(
          slice.map((index) => encoded[index] ?? []),
          tokenizer.padId,
        );
        const results = await embedBatch(batch);
        slice.forEach((index, row) => {
          const vector = results[row];
          if (vector) vectors[index] = vector;
        });
      }
      return vectors;
    },
    async dispose() {
      if (disposed) return;
      await exclusive(async () => {
        disposed = true;
        await model.session.release();
      });
    },
  };
}

/** A bare session on the same model with the same options as createEmbedder's, for the benchmark's baseline. */
export async function createRawRunner(opts: Pick<EmbedderOptions, 'modelPath' | 'threads'>): Promise<RawRunner> {
  const modelFile = await resolveModelFile(opts.modelPath);
  const model = await openModel(modelFile, Math.max(1, Math.floor(opts.threads ?? availableParallelism())));
  return {
    async run(batch) {
      const tensor = await runModel(model, batch);
      return tensor.data as Float32Array;
    },
    dispose: () => model.session.release(),
  };
}
