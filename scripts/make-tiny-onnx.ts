// Writes a deterministic tiny sentence-embedding model for tests and benchmarks: a real ONNX graph (written with
// onnx-proto) and a real BERT-style WordPiece tokenizer.json, cached under .cache/tiny-embed/ (gitignored) — never
// committed as a binary. Its embedding table is made to mean something: the words of a synonym group (delete, remove,
// erase, drop…) share one direction, so a query can find code that uses none of its words, which is what the
// codebase index's vector path must show it does better than keywords.
// `node --import tsx scripts/make-tiny-onnx.ts` prints the directory; tests call `ensureTinyEmbedModel()`.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import onnxProto from 'onnx-proto';
import { seeded } from './make-tiny-gguf.js';
import { repoRoot } from './paths.js';

const { onnx } = onnxProto;

export const TINY_EMBED_DIR = join(repoRoot, '.cache', 'tiny-embed');
/** Bump when the graph, the vocabulary or the weights change, so stale caches are rebuilt. */
export const TINY_EMBED_VERSION = 1;
export const TINY_EMBED_DIM = 64;
const STAMP = 'stamp.json';

export interface TinyEmbedModel {
  modelPath: string;
  tokenizerPath: string;
  dim: number;
}

export interface TinyEmbedVariant {
  /** Also output `sentence_embedding` (mean pooling + L2 norm in the graph). Default true. */
  pooled?: boolean;
  /** Declare a `token_type_ids` input (BERT's segment embedding; row 0 is zeros, so zeros change nothing). */
  tokenTypes?: boolean;
  /** Output nothing an embedder can use (only the token ids, through Identity): for the error path. */
  idsOnly?: boolean;
}

/** A list written as words separated by white space. */
const words = (text: string): readonly string[] => text.trim().split(/\s+/);

// Synonym groups: every word (and its inflections, and its `##` continuation piece) gets the group's direction plus
// a little noise. The lists are disjoint; a word in two groups would keep the first.
const GROUPS: readonly (readonly string[])[] = [
  'delete remove erase drop destroy purge unlink del rm discard wipe',
  'fetch download get request retrieve http pull obtain',
  'parse decode read deserialize deserialise unmarshal interpret scan',
  'serialize serialise encode write stringify marshal dump format',
  'error exception failure fault err throw raise panic crash fail',
  'user account person member customer profile people owner',
  'config settings options preferences configuration prefs cfg setting option',
  'create add insert make spawn generate construct append',
  'update modify change edit patch alter mutate replace',
  'search find lookup query locate seek grep match',
  'start begin launch init initialize initialise boot setup open',
  'stop end halt terminate kill shutdown close exit abort cancel quit',
  'log logger logging print trace debug console warn',
  'auth login authenticate signin credential password token session logon',
  'cache memo memoize lru buffer cached',
  'save store persist commit flush keep record',
  'send emit post publish dispatch notify push broadcast transmit',
  'sort order rank arrange compare ordering',
  'validate check verify assert ensure sanitize sanitise valid',
  'time date timestamp clock timer duration timeout deadline delay',
  'file path directory folder dir filesystem fs filename',
  'json xml yaml csv toml ini',
  'network socket connection connect port tcp websocket server',
  'run execute exec invoke call apply perform',
  'sum total count aggregate accumulate tally',
].map(words);

// Code and English words with a direction of their own: common enough in code that tokenizing a chunk rarely falls
// back to single letters.
const WORDS = words(`
  function class return const let var if else while do switch case break continue import export default async
  await new this self true false null undefined none nil void string number boolean bool int float double char str
  list dict map set array object interface type enum struct impl trait fn def lambda yield public private
  protected static final extends implements super try catch finally typeof instanceof package module require from
  as pub mut value values key keys name id data result results item items index size length line lines text
  message content body header headers response url api client service handler callback event events listener state
  props context node tree graph queue stack element window document view model controller router route database db
  table row column sql select where join group limit offset page image color style width height input output
  source target test tests expect mock spec describe it should main app util utils helper helpers math max min
  random hash crypto email address phone order price cart product payment invoice report task job worker thread
  process memory cpu disk vector matrix train loss layer tensor batch embedding chunk byte bytes bit chars word
  words token next prev first last all any each every some not no yes ok old empty full only also when then there
  here how what why who up down out over into after before again more less other same such can will may must need
  use using used uses returns given numbers strings objects react python java rust go javascript typescript html
  css dom component render hook effect promise future stream pipe filter reduce foreach loop iter iterator range
  split trim concat slice substring upper lower regex pattern template schema field fields property attribute
  method param params arg args argument variable constant global local scope env environment version build compile
  deploy release docker git branch merge diff repo license readme doc docs todo fixme hello world foo bar baz
  example sample demo handle wait sleep retry attempt success status code codes audio video upload sync lock mutex
  atomic shared unique primary
`);

// Words that carry little meaning: a short vector, so they barely move a text's mean.
const STOPWORDS = words(`
  a an the of to in on at by is are was be and or with that which for its we you i my our your their them they he
  she his her
`);

// Inflection and derivation pieces: WordPiece splits "deletes" into delete + ##s, so they must exist and stay quiet.
const SUFFIXES = words(`
  s es ed d ing er ers ly ion tion ation able ible ment ness al ize ise ity ful less ive or ors y ies
`);

const PUNCTUATION = [...'!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~'];
const DIGITS = [...'0123456789'];
const LETTERS = [...'abcdefghijklmnopqrstuvwxyz'];
const SPECIALS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;

/** The word and its regular inflections: delete → deletes, deleted, deleting. */
function inflections(word: string): string[] {
  const forms = [word, `${word}s`];
  if (word.endsWith('e')) forms.push(`${word}d`, `${word.slice(0, -1)}ing`);
  else forms.push(`${word}ed`, `${word}ing`, `${word}er`);
  return forms;
}

/** How each token's row is made: its group's direction, a random direction of its own (of a length), or a copy. */
type Row = { kind: 'group'; group: number } | { kind: 'own'; norm: number } | { kind: 'copy'; of: number };

function vocabulary(): { tokens: string[]; rows: Row[] } {
  const tokens: string[] = [];
  const rows: Row[] = [];
  const seen = new Set<string>();
  const add = (token: string, row: Row) => {
    if (seen.has(token)) return;
    seen.add(token);
    tokens.push(token);
    rows.push(row);
  };
  for (const special of SPECIALS) add(special, { kind: 'own', norm: 0.1 });
  for (const mark of PUNCTUATION) add(mark, { kind: 'own', norm: 0.15 });
  for (const digit of DIGITS) add(digit, { kind: 'own', norm: 0.3 });
  for (const letter of LETTERS) add(letter, { kind: 'own', norm: 0.5 });
  for (const digit of DIGITS) add(`##${digit}`, { kind: 'own', norm: 0.3 });
  for (const letter of LETTERS) add(`##${letter}`, { kind: 'own', norm: 0.5 });
  for (const suffix of SUFFIXES) add(`##${suffix}`, { kind: 'own', norm: 0.1 });
  for (const word of STOPWORDS) add(word, { kind: 'own', norm: 0.15 });
  const words: Array<[string, Row]> = [];
  GROUPS.forEach((group, index) => {
    for (const word of group) for (const form of inflections(word)) words.push([form, { kind: 'group', group: index }]);
  });
  for (const word of WORDS) words.push([word, { kind: 'own', norm: 1 }]);
  for (const [word, row] of words) add(word, row);
  // a word's `##` piece means what the word means (its group's direction, or a copy of its own row), so camelCase
  // that the lowercasing normaliser joins (removeAccount → remove ##account) still means what its parts mean
  const indexOf = new Map(tokens.map((token, index) => [token, index]));
  for (const word of [...words.map(([word]) => word), ...STOPWORDS]) {
    const index = indexOf.get(word);
    const row = index === undefined ? undefined : rows[index];
    if (index !== undefined && row) add(`##${word}`, row.kind === 'group' ? row : { kind: 'copy', of: index });
  }
  return { tokens, rows };
}

/** A standard normal sample (Box–Muller) from the seeded generator. */
function gaussian(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

function unitVector(random: () => number, dim: number): Float32Array {
  const v = new Float32Array(dim);
  let norm = 0;
  for (let i = 0; i < dim; i++) {
    const x = gaussian(random);
    v[i] = x;
    norm += x * x;
  }
  norm = Math.sqrt(norm);
  for (let i = 0; i < dim; i++) v[i] = (v[i] ?? 0) / norm;
  return v;
}

/** The [vocab, dim] table. Group rows: the group's direction plus noise of a third of its length, unit length. */
function embeddingTable(rows: Row[], dim: number): Float32Array {
  const random = seeded(20260516);
  const groupDirections = GROUPS.map(() => unitVector(random, dim));
  const table = new Float32Array(rows.length * dim);
  rows.forEach((row, index) => {
    const out = table.subarray(index * dim, (index + 1) * dim);
    if (row.kind === 'copy') {
      out.set(table.subarray(row.of * dim, (row.of + 1) * dim));
      return;
    }
    const noise = unitVector(random, dim);
    if (row.kind === 'own') {
      for (let i = 0; i < dim; i++) out[i] = (noise[i] ?? 0) * row.norm;
      return;
    }
    const direction = groupDirections[row.group] ?? noise;
    let norm = 0;
    for (let i = 0; i < dim; i++) {
      const x = (direction[i] ?? 0) + 0.33 * (noise[i] ?? 0);
      out[i] = x;
      norm += x * x;
    }
    norm = Math.sqrt(norm);
    for (let i = 0; i < dim; i++) out[i] = (out[i] ?? 0) / norm;
  });
  return table;
}

/** The HuggingFace tokenizer.json of a BERT-style uncased WordPiece tokenizer over `tokens`. */
export function tinyTokenizerJson(tokens: string[]): unknown {
  const id = (token: string) => tokens.indexOf(token);
  const special = (content: string) => ({
    id: id(content),
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  });
  const vocab: Record<string, number> = {};
  tokens.forEach((token, index) => {
    vocab[token] = index;
  });
  const single = (token: string) => ({ SpecialToken: { id: token, type_id: 0 } });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIALS.map(special),
    normalizer: {
      type: 'BertNormalizer',
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: null,
      lowercase: true,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [single('[CLS]'), { Sequence: { id: 'A', type_id: 0 } }, single('[SEP]')],
      pair: [
        single('[CLS]'),
        { Sequence: { id: 'A', type_id: 0 } },
        single('[SEP]'),
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: Object.fromEntries(
        ['[CLS]', '[SEP]'].map((token) => [token, { id: token, ids: [id(token)], tokens: [token] }]),
      ),
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab,
    },
  };
}

const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;

function floatTensor(name: string, dims: number[], data: Float32Array): onnxProto.onnx.ITensorProto {
  return {
    name,
    dataType: FLOAT,
    dims,
    rawData: new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)),
  };
}

function int64Tensor(name: string, values: number[]): onnxProto.onnx.ITensorProto {
  const data = new BigInt64Array(values.map((value) => BigInt(value)));
  return { name, dataType: INT64, dims: [values.length], rawData: new Uint8Array(data.buffer) };
}

function valueInfo(name: string, elemType: number, dims: Array<string | number>): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((dim) => (typeof dim === 'string' ? { dimParam: dim } : { dimValue: dim })) },
      },
    },
  };
}

type Attr = { name: string; i: number } | { name: string; f: number } | { name: string; ints: number[] };

function node(opType: string, inputs: string[], outputs: string[], attrs: Attr[] = []): onnxProto.onnx.INodeProto {
  const A = onnx.AttributeProto.AttributeType;
  return {
    opType,
    input: inputs,
    output: outputs,
    name: outputs[0] ?? opType,
    attribute: attrs.map((attr) =>
      'i' in attr
        ? { name: attr.name, type: A.INT, i: attr.i }
        : 'f' in attr
          ? { name: attr.name, type: A.FLOAT, f: attr.f }
          : { name: attr.name, type: A.INTS, ints: attr.ints },
    ),
  };
}

/** The ONNX bytes: Gather → (+ token type) → MatMul → Tanh = last_hidden_state; masked mean + L2 = sentence_embedding. */
export function tinyEmbedOnnxBytes(variant: TinyEmbedVariant = {}): { bytes: Uint8Array; tokens: string[] } {
  const pooled = variant.pooled ?? true;
  const dim = TINY_EMBED_DIM;
  const { tokens, rows } = vocabulary();
  const table = embeddingTable(rows, dim);
  const random = seeded(20260517);
  // a near-identity projection: a real layer whose output keeps the table's geometry (tanh is near-linear here)
  const projection = new Float32Array(dim * dim);
  for (let r = 0; r < dim; r++)
    for (let c = 0; c < dim; c++) projection[r * dim + c] = (r === c ? 1.5 : 0) + (random() * 2 - 1) * 0.02;
  // segment 0 adds nothing, so feeding zeros (what an embedder does) leaves the vectors as without the input
  const typeTable = new Float32Array(2 * dim);
  for (let i = dim; i < 2 * dim; i++) typeTable[i] = (random() * 2 - 1) * 0.5;

  const initializer: onnxProto.onnx.ITensorProto[] = [
    floatTensor('embeddings.word', [tokens.length, dim], table),
    floatTensor('encoder.projection', [dim, dim], projection),
  ];
  const inputs = [
    valueInfo('input_ids', INT64, ['batch', 'seq']),
    valueInfo('attention_mask', INT64, ['batch', 'seq']),
  ];
  const nodes: onnxProto.onnx.INodeProto[] = [
    node('Gather', ['embeddings.word', 'input_ids'], ['word_rows'], [{ name: 'axis', i: 0 }]),
  ];
  let hidden = 'word_rows';
  if (variant.tokenTypes) {
    initializer.push(floatTensor('embeddings.token_type', [2, dim], typeTable));
    inputs.push(valueInfo('token_type_ids', INT64, ['batch', 'seq']));
    nodes.push(
      node('Gather', ['embeddings.token_type', 'token_type_ids'], ['type_rows'], [{ name: 'axis', i: 0 }]),
      node('Add', ['word_rows', 'type_rows'], ['embedded']),
    );
    hidden = 'embedded';
  }
  nodes.push(
    node('MatMul', [hidden, 'encoder.projection'], ['projected']),
    node('Tanh', ['projected'], ['last_hidden_state']),
  );
  const outputs = [valueInfo('last_hidden_state', FLOAT, ['batch', 'seq', dim])];
  if (pooled) {
    initializer.push(
      int64Tensor('axes.seq', [1]),
      int64Tensor('axes.last', [2]),
      floatTensor('epsilon.count', [], new Float32Array([1e-9])),
      floatTensor('epsilon.norm', [], new Float32Array([1e-12])),
    );
    nodes.push(
      node('Cast', ['attention_mask'], ['mask_float'], [{ name: 'to', i: FLOAT }]),
      node('Unsqueeze', ['mask_float', 'axes.last'], ['mask_3d']),
      node('Mul', ['last_hidden_state', 'mask_3d'], ['masked']),
      node('ReduceSum', ['masked', 'axes.seq'], ['summed'], [{ name: 'keepdims', i: 0 }]),
      node('ReduceSum', ['mask_3d', 'axes.seq'], ['counted'], [{ name: 'keepdims', i: 0 }]),
      node('Max', ['counted', 'epsilon.count'], ['count_safe']),
      node('Div', ['summed', 'count_safe'], ['mean']),
      node(
        'ReduceL2',
        ['mean'],
        ['norm'],
        [
          { name: 'axes', ints: [1] },
          { name: 'keepdims', i: 1 },
        ],
      ),
      node('Max', ['norm', 'epsilon.norm'], ['norm_safe']),
      node('Div', ['mean', 'norm_safe'], ['sentence_embedding']),
    );
    outputs.push(valueInfo('sentence_embedding', FLOAT, ['batch', dim]));
  }
  if (variant.idsOnly) {
    nodes.push(node('Identity', ['input_ids'], ['token_ids']));
    outputs.splice(0, outputs.length, valueInfo('token_ids', INT64, ['batch', 'seq']));
  }
  const model: onnxProto.onnx.IModelProto = {
    irVersion: 8,
    producerName: 'pa-make-tiny-onnx',
    producerVersion: String(TINY_EMBED_VERSION),
    opsetImport: [{ domain: '', version: 17 }],
    graph: { name: 'pa-tiny-embed', node: nodes, initializer, input: inputs, output: outputs },
  };
  return { bytes: onnx.ModelProto.encode(onnx.ModelProto.fromObject(model)).finish(), tokens };
}

/** Writes model.onnx and tokenizer.json of a variant into `dir` (created when missing). */
export function buildTinyEmbedModel(variant: TinyEmbedVariant, dir: string): TinyEmbedModel {
  mkdirSync(dir, { recursive: true });
  const { bytes, tokens } = tinyEmbedOnnxBytes(variant);
  const modelPath = join(dir, 'model.onnx');
  const tokenizerPath = join(dir, 'tokenizer.json');
  writeFileSync(modelPath, bytes);
  writeFileSync(tokenizerPath, `${JSON.stringify(tinyTokenizerJson(tokens))}\n`);
  return { modelPath, tokenizerPath, dim: TINY_EMBED_DIM };
}

function isCurrent(dir: string): boolean {
  try {
    const stamp = JSON.parse(readFileSync(join(dir, STAMP), 'utf8')) as { version?: unknown };
    return (
      stamp.version === TINY_EMBED_VERSION &&
      existsSync(join(dir, 'model.onnx')) &&
      existsSync(join(dir, 'tokenizer.json'))
    );
  } catch {
    return false;
  }
}

/**
 * The cached default model (pooled, no token types), built once. The files are written into a temporary folder
 * renamed into place, so a parallel test process sees either no model or a whole one.
 */
export function ensureTinyEmbedModel(dir = TINY_EMBED_DIR): TinyEmbedModel {
  const result = {
    modelPath: join(dir, 'model.onnx'),
    tokenizerPath: join(dir, 'tokenizer.json'),
    dim: TINY_EMBED_DIM,
  };
  if (isCurrent(dir)) return result;
  const temp = `${dir}.${process.pid}.tmp`;
  rmSync(temp, { recursive: true, force: true });
  buildTinyEmbedModel({}, temp);
  writeFileSync(join(temp, STAMP), `${JSON.stringify({ version: TINY_EMBED_VERSION })}\n`);
  if (existsSync(dir) && !isCurrent(dir)) rmSync(dir, { recursive: true, force: true });
  try {
    renameSync(temp, dir);
  } catch (error) {
    // another process renamed its copy in first: theirs is as good as ours
    rmSync(temp, { recursive: true, force: true });
    if (!isCurrent(dir)) throw error;
  }
  return result;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.stdout.write(`${ensureTinyEmbedModel().modelPath.replace(/[\\/]model\.onnx$/, '')}\n`);
}
