import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, PaError } from '@pa/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbedder, createRawRunner, type Embedder } from './embedder.js';

// The model generator lives in scripts/, outside this package's tsconfig (rootDir src, where a static import of it
// fails the type check), so it is imported by path when the test runs and typed here by what the test uses.
interface TinyEmbedModel {
  modelPath: string;
  tokenizerPath: string;
  dim: number;
}
interface TinyEmbedScript {
  ensureTinyEmbedModel(): TinyEmbedModel;
  buildTinyEmbedModel(
    variant: { pooled?: boolean; tokenTypes?: boolean; idsOnly?: boolean },
    dir: string,
  ): TinyEmbedModel;
}
const { ensureTinyEmbedModel, buildTinyEmbedModel } = (await import(
  new URL('../../../../../scripts/make-tiny-onnx.ts', import.meta.url).href
)) as TinyEmbedScript;

const dot = (a: Float32Array, b: Float32Array) => {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] ?? 0) * (b[i] ?? 0);
  return sum;
};

const expectClose = (a: Float32Array, b: Float32Array) => {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
  expect(worst).toBeLessThan(1e-5);
};

async function rejection(promise: Promise<unknown>): Promise<PaError> {
  const error = await promise.then(
    () => null,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(PaError);
  return error as PaError;
}

const TEXTS = [
  'erase person',
  'removeAccount deletes a user',
  'parse json config',
  'function fetchUser(id) {\n  return http.get("/api/users/" + id);\n}',
  '',
  'a much longer text that pads the shorter ones in the same batch: '.repeat(6),
];

describe('embedder (tiny ONNX model)', () => {
  const tiny = ensureTinyEmbedModel();
  let embedder: Embedder;
  let scratch: string;

  beforeAll(async () => {
    embedder = await createEmbedder({ modelPath: tiny.modelPath, threads: 1 });
    scratch = mkdtempSync(join(tmpdir(), 'pa-embed-'));
  });
  afterAll(async () => {
    await embedder.dispose();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('reports the dimension and a stable model id', async () => {
    expect(embedder.dim).toBe(tiny.dim);
    expect(embedder.maxTokens).toBe(256);
    expect(embedder.modelId).toMatch(/^model\.onnx:[0-9a-f]{16}$/);
    const again = await createEmbedder({ modelPath: tiny.modelPath, threads: 1 });
    const shorter = await createEmbedder({ modelPath: tiny.modelPath, threads: 1, maxTokens: 64 });
    try {
      expect(again.modelId).toBe(embedder.modelId);
      // truncation changes the vectors of long texts, so it changes the id
      expect(shorter.modelId).not.toBe(embedder.modelId);
    } finally {
      await again.dispose();
      await shorter.dispose();
    }
  });

  it('returns one unit-length vector per text, the same on every call', async () => {
    const first = await embedder.embed(TEXTS);
    const second = await embedder.embed(TEXTS);
    expect(first).toHaveLength(TEXTS.length);
    for (const [index, vector] of first.entries()) {
      expect(vector).toBeInstanceOf(Float32Array);
      expect(vector.length).toBe(tiny.dim);
      expect(Math.abs(Math.sqrt(dot(vector, vector)) - 1)).toBeLessThan(1e-5);
      expect(Array.from(vector)).toEqual(Array.from(second[index] ?? []));
    }
    expect(await embedder.embed([])).toEqual([]);
  });

  it('gives a text the same vector alone as in a padded batch', async () => {
    const batched = await embedder.embed(TEXTS);
    for (const [index, text] of TEXTS.entries()) {
      const [alone] = await embedder.embed([text]);
      expectClose(alone ?? new Float32Array(), batched[index] ?? new Float32Array());
    }
  });

  it('puts synonyms closer than unrelated text', async () => {
    const [query, synonyms, unrelated] = await embedder.embed([
      'erase person',
      'removeAccount deletes a user',
      'parse json config',
    ]);
    if (!query || !synonyms || !unrelated) throw new Error('missing vectors');
    expect(dot(query, synonyms)).toBeGreaterThan(dot(query, unrelated) + 0.3);
    const [download, fetchCode, sortCode] = await embedder.embed([
      'download the settings',
      'async function fetchConfig() { return request(url).options; }',
      'list.sort((a, b) => a.rank - b.rank)',
    ]);
    if (!download || !fetchCode || !sortCode) throw new Error('missing vectors');
    expect(dot(download, fetchCode)).toBeGreaterThan(dot(download, sortCode));
  });

  it('truncates long text to maxTokens, keeping [CLS] and [SEP]', async () => {
    const long = 'delete the user account now '.repeat(400);
    const batch = embedder.tokenize([long, 'erase person']);
    expect(batch.cols).toBe(256);
    expect(Array.from(batch.lengths)).toEqual([256, 4]);
    expect(batch.inputIds[0]).toBe(2n); // [CLS]
    expect(batch.inputIds[255]).toBe(3n); // [SEP]
    expect(batch.inputIds[256]).toBe(2n);
    expect(batch.attentionMask[256 + 4]).toBe(0n);
    const [vector] = await embedder.embed([long]);
    expect(vector?.length).toBe(tiny.dim);
  });

  it('tokenizes only a prefix of long text, with the tokens the whole text would start with', async () => {
    const code = Array.from(
      { length: 80 },
      (_, index) => `  const user${index} = await db.users.remove({ id: ${index}, reason: "erase" });`,
    ).join('\n');
    const whole = await createEmbedder({ modelPath: tiny.modelPath, threads: 1, maxTokens: 100_000 });
    try {
      const full = Array.from(whole.tokenize([code]).inputIds);
      const cut = Array.from(embedder.tokenize([code]).inputIds);
      expect(full.length).toBeGreaterThan(256);
      expect(cut).toEqual([...full.slice(0, 255), 3n]);
      // long words: the first cut holds fewer tokens than the budget, so more of the text is read
      const prose = 'configuration '.repeat(200);
      expect(embedder.tokenize([prose]).lengths[0]).toBe(202);
      expect(Array.from(embedder.tokenize([prose]).inputIds)).toEqual(Array.from(whole.tokenize([prose]).inputIds));
    } finally {
      await whole.dispose();
    }
  });

  it('cuts a 5 MB text before tokenizing it', async () => {
    const huge = `function remove() {}\n${'x'.repeat(5 * 1024 * 1024)}`;
    const started = performance.now();
    const [vector] = await embedder.embed([huge]);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(vector?.length).toBe(tiny.dim);
  });

  it('embeds a batch of 64 and a thousand short chunks', async () => {
    const texts = Array.from({ length: 64 }, (_, index) => `const value${index} = parse(json[${index}]);`);
    const vectors = await embedder.embed(texts);
    expect(vectors).toHaveLength(64);
    const chunks = Array.from(
      { length: 1000 },
      (_, index) => `export function handler${index}(request) {\n  return fetch(request.url).then((r) => r.json());\n}`,
    );
    const many = await embedder.embed(chunks);
    expect(many).toHaveLength(1000);
    expect(many.every((vector) => vector.length === tiny.dim)).toBe(true);
  });

  it('stops between batches when aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(embedder.embed(['x'], controller.signal)).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('pools last_hidden_state itself when the model has no sentence_embedding, and fills token_type_ids', async () => {
    const variant = buildTinyEmbedModel({ pooled: false, tokenTypes: true }, join(scratch, 'unpooled'));
    const unpooled = await createEmbedder({ modelPath: variant.modelPath, threads: 1 });
    try {
      expect(unpooled.dim).toBe(tiny.dim);
      const theirs = await unpooled.embed(TEXTS);
      const ours = await embedder.embed(TEXTS);
      for (const [index, vector] of theirs.entries()) expectClose(vector, ours[index] ?? new Float32Array());
    } finally {
      await unpooled.dispose();
    }
  });

  it('finds model.onnx and the tokenizer from a model folder', async () => {
    const fromFolder = await createEmbedder({ modelPath: join(tiny.modelPath, '..'), threads: 1 });
    try {
      expect(fromFolder.modelId).toBe(embedder.modelId);
    } finally {
      await fromFolder.dispose();
    }
  });

  it('says what to do when the model is missing, not ONNX, or has no tokenizer', async () => {
    const missing = await rejection(createEmbedder({ modelPath: join(scratch, 'nope.onnx') }));
    expect(missing.code).toBe(ErrorCode.NOT_FOUND);
    expect(missing.message).toMatch(/Download an ONNX/);

    const garbageDir = join(scratch, 'garbage');
    buildTinyEmbedModel({}, garbageDir);
    writeFileSync(join(garbageDir, 'model.onnx'), 'this is not a protobuf, just text\n'.repeat(100));
    const garbage = await rejection(createEmbedder({ modelPath: join(garbageDir, 'model.onnx') }));
    expect(garbage.code).toBe(ErrorCode.BAD_REQUEST);
    expect(garbage.message).toMatch(/not an ONNX model/);

    const lonely = join(scratch, 'lonely');
    const built = buildTinyEmbedModel({}, lonely);
    rmSync(built.tokenizerPath);
    const noTokenizer = await rejection(createEmbedder({ modelPath: built.modelPath }));
    expect(noTokenizer.code).toBe(ErrorCode.NOT_FOUND);
    expect(noTokenizer.message).toMatch(/tokenizer\.json/);

    const useless = buildTinyEmbedModel({ idsOnly: true }, join(scratch, 'useless'));
    const noOutput = await rejection(createEmbedder({ modelPath: useless.modelPath }));
    expect(noOutput.code).toBe(ErrorCode.BAD_REQUEST);
    expect(noOutput.message).toMatch(/no output to embed with/);

    writeFileSync(built.tokenizerPath, '{"not": "a tokenizer"}');
    const badTokenizer = await rejection(createEmbedder({ modelPath: built.modelPath }));
    expect(badTokenizer.code).toBe(ErrorCode.BAD_REQUEST);
  });

  it('refuses to embed after dispose', async () => {
    const closing = await createEmbedder({ modelPath: tiny.modelPath, threads: 1 });
    await closing.dispose();
    const closed = await rejection(closing.embed(['x']));
    expect(closed.code).toBe(ErrorCode.UNAVAILABLE);
  });

  it('gives the raw runner the same model output for the same batch', async () => {
    const raw = await createRawRunner({ modelPath: tiny.modelPath, threads: 1 });
    try {
      const batch = embedder.tokenize(TEXTS);
      const output = await raw.run(batch);
      expect(output.length).toBe(TEXTS.length * tiny.dim);
      const vectors = await embedder.embed(TEXTS);
      // the tiny model normalises in the graph, so its pooled rows are the embedder's vectors
      for (const [index, vector] of vectors.entries()) {
        expectClose(output.subarray(index * tiny.dim, (index + 1) * tiny.dim), vector);
      }
    } finally {
      await raw.dispose();
    }
  });
});
