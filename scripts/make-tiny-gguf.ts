// Writes a deterministic tiny llama-architecture GGUF (seeded random F32 weights, a byte-fallback SentencePiece
// vocabulary with StarCoder-style fill-in-the-middle tokens) for tests and benchmarks, cached under .cache/
// (gitignored) — never committed as a binary.
// `node --import tsx scripts/make-tiny-gguf.ts` prints its path; tests call `ensureTinyGguf()`.
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from './paths.js';

export const TINY_GGUF_PATH = join(repoRoot, '.cache', 'tiny-llama-v2.gguf');

const N_EMBD = 64;
const N_LAYER = 2;
const N_HEAD = 4;
const N_FF = 128;
/** Long enough for the completion benchmarks' 2,000-token prefix. */
const CONTEXT = 4096;
const ALIGN = 32;

/** The fill-in-the-middle control tokens (StarCoder's spelling), last in the vocabulary. */
export const TINY_FIM_TOKENS = ['<fim_prefix>', '<fim_suffix>', '<fim_middle>'] as const;

/** <unk> <s> </s>, then the 256 byte tokens, then printable ASCII as whole tokens, then the FIM tokens. */
function vocabulary(): { tokens: string[]; types: number[]; scores: number[] } {
  const tokens = ['<unk>', '<s>', '</s>'];
  const types = [2, 3, 3];
  for (let byte = 0; byte < 256; byte++) {
    tokens.push(`<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`);
    types.push(6);
  }
  tokens.push('\u2581');
  types.push(1);
  for (let code = 0x21; code <= 0x7e; code++) {
    tokens.push(String.fromCharCode(code));
    types.push(1);
  }
  for (const token of TINY_FIM_TOKENS) {
    tokens.push(token);
    types.push(3); // control: never produced by tokenizing text, only placed by the infill prompt
  }
  return { tokens, types, scores: tokens.map((_, index) => -index) };
}

/** Mulberry32: the same weights on every machine (and the same fault mix in the router tests). */
export function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Writer {
  private readonly parts: Buffer[] = [];
  length = 0;
  push(buffer: Buffer): void {
    this.parts.push(buffer);
    this.length += buffer.length;
  }
  u32(value: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(value);
    this.push(b);
  }
  i32(value: number): void {
    const b = Buffer.alloc(4);
    b.writeInt32LE(value);
    this.push(b);
  }
  u64(value: number): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(value));
    this.push(b);
  }
  f32(value: number): void {
    const b = Buffer.alloc(4);
    b.writeFloatLE(value);
    this.push(b);
  }
  str(value: string): void {
    const bytes = Buffer.from(value, 'utf8');
    this.u64(bytes.length);
    this.push(bytes);
  }
  pad(): void {
    const rest = this.length % ALIGN;
    if (rest) this.push(Buffer.alloc(ALIGN - rest));
  }
  bytes(): Buffer {
    return Buffer.concat(this.parts);
  }
}

const T = { UINT32: 4, INT32: 5, FLOAT32: 6, BOOL: 7, STRING: 8, ARRAY: 9 } as const;
type Meta =
  | { type: 'u32'; value: number }
  | { type: 'f32'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'str'; value: string }
  | { type: 'strs'; value: string[] }
  | { type: 'f32s'; value: number[] }
  | { type: 'i32s'; value: number[] };

export function tinyGgufBytes(): Buffer {
  const { tokens, types, scores } = vocabulary();
  const nVocab = tokens.length;
  const meta: Array<[string, Meta]> = [
    ['general.architecture', { type: 'str', value: 'llama' }],
    ['general.name', { type: 'str', value: 'pa-tiny-llama' }],
    ['general.alignment', { type: 'u32', value: ALIGN }],
    ['llama.context_length', { type: 'u32', value: CONTEXT }],
    ['llama.embedding_length', { type: 'u32', value: N_EMBD }],
    ['llama.block_count', { type: 'u32', value: N_LAYER }],
    ['llama.feed_forward_length', { type: 'u32', value: N_FF }],
    ['llama.attention.head_count', { type: 'u32', value: N_HEAD }],
    ['llama.attention.head_count_kv', { type: 'u32', value: N_HEAD }],
    ['llama.rope.dimension_count', { type: 'u32', value: N_EMBD / N_HEAD }],
    ['llama.attention.layer_norm_rms_epsilon', { type: 'f32', value: 1e-5 }],
    ['llama.vocab_size', { type: 'u32', value: nVocab }],
    ['tokenizer.ggml.model', { type: 'str', value: 'llama' }],
    ['tokenizer.ggml.tokens', { type: 'strs', value: tokens }],
    ['tokenizer.ggml.scores', { type: 'f32s', value: scores }],
    ['tokenizer.ggml.token_type', { type: 'i32s', value: types }],
    ['tokenizer.ggml.unknown_token_id', { type: 'u32', value: 0 }],
    ['tokenizer.ggml.bos_token_id', { type: 'u32', value: 1 }],
    ['tokenizer.ggml.eos_token_id', { type: 'u32', value: 2 }],
    ['tokenizer.ggml.add_bos_token', { type: 'bool', value: true }],
    // the keys llama.cpp reads for llama_vocab_fim_pre/suf/mid (node-llama-cpp's model.tokens.infill)
    ['tokenizer.ggml.fim_pre_token_id', { type: 'u32', value: nVocab - 3 }],
    ['tokenizer.ggml.fim_suf_token_id', { type: 'u32', value: nVocab - 2 }],
    ['tokenizer.ggml.fim_mid_token_id', { type: 'u32', value: nVocab - 1 }],
  ];

  const random = seeded(20261125);
  const uniform = (count: number, scale: number) => {
    const values = new Float32Array(count);
    for (let i = 0; i < count; i++) values[i] = (random() * 2 - 1) * scale;
    return values;
  };
  const ones = (count: number) => new Float32Array(count).fill(1);
  // Control and byte tokens get zero output rows (logit 0) so greedy decoding emits readable characters and never
  // ends the answer early; the tests want a stream of a known length.
  const output = uniform(N_EMBD * nVocab, 0.5);
  output.fill(0, 0, 259 * N_EMBD);
  output.fill(0, (nVocab - TINY_FIM_TOKENS.length) * N_EMBD);
  const tensors: Array<{ name: string; dims: number[]; data: Float32Array }> = [
    { name: 'token_embd.weight', dims: [N_EMBD, nVocab], data: uniform(N_EMBD * nVocab, 0.5) },
    { name: 'output_norm.weight', dims: [N_EMBD], data: ones(N_EMBD) },
    { name: 'output.weight', dims: [N_EMBD, nVocab], data: output },
  ];
  for (let layer = 0; layer < N_LAYER; layer++) {
    const blk = (name: string, dims: number[], data: Float32Array) =>
      tensors.push({ name: `blk.${layer}.${name}`, dims, data });
    blk('attn_norm.weight', [N_EMBD], ones(N_EMBD));
    blk('attn_q.weight', [N_EMBD, N_EMBD], uniform(N_EMBD * N_EMBD, 0.1));
    blk('attn_k.weight', [N_EMBD, N_EMBD], uniform(N_EMBD * N_EMBD, 0.1));
    blk('attn_v.weight', [N_EMBD, N_EMBD], uniform(N_EMBD * N_EMBD, 0.1));
    blk('attn_output.weight', [N_EMBD, N_EMBD], uniform(N_EMBD * N_EMBD, 0.1));
    blk('ffn_norm.weight', [N_EMBD], ones(N_EMBD));
    blk('ffn_gate.weight', [N_EMBD, N_FF], uniform(N_EMBD * N_FF, 0.1));
    blk('ffn_up.weight', [N_EMBD, N_FF], uniform(N_EMBD * N_FF, 0.1));
    blk('ffn_down.weight', [N_FF, N_EMBD], uniform(N_FF * N_EMBD, 0.1));
  }

  const w = new Writer();
  w.push(Buffer.from('GGUF', 'ascii'));
  w.u32(3);
  w.u64(tensors.length);
  w.u64(meta.length);
  for (const [key, entry] of meta) {
    w.str(key);
    switch (entry.type) {
      case 'u32':
        w.u32(T.UINT32);
        w.u32(entry.value);
        break;
      case 'f32':
        w.u32(T.FLOAT32);
        w.f32(entry.value);
        break;
      case 'bool':
        w.u32(T.BOOL);
        w.push(Buffer.from([entry.value ? 1 : 0]));
        break;
      case 'str':
        w.u32(T.STRING);
        w.str(entry.value);
        break;
      case 'strs':
        w.u32(T.ARRAY);
        w.u32(T.STRING);
        w.u64(entry.value.length);
        for (const value of entry.value) w.str(value);
        break;
      case 'f32s':
        w.u32(T.ARRAY);
        w.u32(T.FLOAT32);
        w.u64(entry.value.length);
        for (const value of entry.value) w.f32(value);
        break;
      case 'i32s':
        w.u32(T.ARRAY);
        w.u32(T.INT32);
        w.u64(entry.value.length);
        for (const value of entry.value) w.i32(value);
        break;
    }
  }
  let offset = 0;
  for (const tensor of tensors) {
    w.str(tensor.name);
    w.u32(tensor.dims.length);
    for (const dim of tensor.dims) w.u64(dim);
    w.u32(0); // GGML_TYPE_F32
    w.u64(offset);
    offset += Math.ceil((tensor.data.length * 4) / ALIGN) * ALIGN;
  }
  w.pad();
  for (const tensor of tensors) {
    w.push(Buffer.from(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength));
    w.pad();
  }
  return w.bytes();
}

/** Returns the cached tiny model's path, writing it first when missing. */
export function ensureTinyGguf(path = TINY_GGUF_PATH): string {
  if (existsSync(path)) return path;
  mkdirSync(join(path, '..'), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, tinyGgufBytes());
  renameSync(temp, path);
  return path;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.stdout.write(`${ensureTinyGguf()}\n`);
}
