// Files built to hurt: each one finishes, its chunks keep to the limits and cover it, and the event loop keeps
// running while it is chunked (the longest stretch without a turn is measured by a heartbeat on setImmediate; the
// bound is loose, for a slow CI machine: the chunker aims at a few milliseconds).
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type Chunk, type Chunker, createChunker } from './chunker.js';
import { chunkProblems } from './testing.js';

const STALL_MS = 1_000;
let chunker: Chunker;

beforeAll(async () => {
  chunker = await createChunker();
  // grammars load on first use: load them here so that their loading is not measured as a stall
  for (const path of ['a.ts', 'a.js', 'a.c', 'a.py']) await chunker.chunk(path, 'x\n');
});

afterAll(() => chunker.dispose());

/** Chunks `text`, and how long the event loop went without a turn meanwhile. */
async function chunkTimed(path: string, text: string, using = chunker): Promise<{ chunks: Chunk[]; stall: number }> {
  let stall = 0;
  let last = performance.now();
  let running = true;
  const beat = () => {
    const now = performance.now();
    stall = Math.max(stall, now - last);
    last = now;
    if (running) setImmediate(beat);
  };
  setImmediate(beat);
  try {
    const chunks = await using.chunk(path, text);
    return { chunks, stall };
  } finally {
    running = false;
  }
}

test('a 5 MB minified line is cut into pieces of at most maxChunkChars, between tokens', async () => {
  const unit = 'var a=function(b,c){return b+c*2},d=[1,2,3];';
  const text = unit.repeat(Math.ceil(5_000_000 / unit.length));
  const { chunks, stall } = await chunkTimed('dist/bundle.min.js', text);
  expect(chunks.length).toBeGreaterThanOrEqual(text.length / 2_000);
  expect(chunks.length).toBeLessThan((text.length / 2_000) * 1.5);
  expect(chunks.every((chunk) => chunk.startLine === 1 && chunk.endLine === 1 && chunk.kind === 'window')).toBe(true);
  // the cut falls after a separator when there is one near the end of a piece
  expect(chunks.slice(0, -1).every((chunk) => /[\s,;)\]}]$/.test(chunk.text))).toBe(true);
  expect(chunkProblems(text, chunks)).toEqual([]);
  expect(stall).toBeLessThan(STALL_MS);
});

test('200,000 tiny functions: over the parse size cap, windowed', async () => {
  const text = Array.from({ length: 200_000 }, (_, i) => `function f${i}() {}`).join('\n');
  const { chunks, stall } = await chunkTimed('gen/tiny.js', text);
  expect(chunks.every((chunk) => chunk.kind === 'window')).toBe(true);
  expect(chunks.length).toBeLessThan(200_000 / 40);
  expect(chunkProblems(text, chunks)).toEqual([]);
  expect(stall).toBeLessThan(STALL_MS);
});

test('20,000 tiny functions under the cap: parsed, one chunk each', async () => {
  const text = Array.from({ length: 20_000 }, (_, i) => `function f${i}(a) { return a + ${i}; }`).join('\n');
  expect(text.length).toBeLessThan(1_000_000);
  const { chunks, stall } = await chunkTimed('gen/tiny.js', text);
  expect(chunks).toHaveLength(20_000);
  expect(chunks[12_345]).toMatchObject({ kind: 'function', name: 'f12345', startLine: 12_346, endLine: 12_346 });
  expect(chunkProblems(text, chunks)).toEqual([]);
  expect(stall).toBeLessThan(STALL_MS);
});

test('brackets nested 10,000 deep, one to a line: parsed without overflowing a stack', async () => {
  const text = `const deep = ${'[\n'.repeat(10_000)}${']\n'.repeat(10_000)};\nexport function after() {}\n`;
  const { chunks, stall } = await chunkTimed('deep.ts', text);
  expect(chunks.length).toBeGreaterThan(20_000 / 60);
  expect(chunks[chunks.length - 1]).toMatchObject({ kind: 'function', name: 'after' });
  expect(chunkProblems(text, chunks)).toEqual([]);
  expect(stall).toBeLessThan(STALL_MS);
});

test('braces nested 10,000 deep on one line, and blocks nested 10,000 deep in a function', async () => {
  const line = `x = ${'{'.repeat(10_000)}${'}'.repeat(10_000)}`;
  const flat = await chunkTimed('flat.js', line);
  expect(chunkProblems(line, flat.chunks)).toEqual([]);
  const blocks = `function f() {\n${'if (a) {\n'.repeat(10_000)}${'}\n'.repeat(10_000)}}\n`;
  const nested = await chunkTimed('nested.js', blocks);
  expect(nested.chunks.every((chunk) => chunk.kind === 'function' && chunk.name === 'f')).toBe(true);
  expect(chunkProblems(blocks, nested.chunks)).toEqual([]);
  expect(Math.max(flat.stall, nested.stall)).toBeLessThan(STALL_MS);
});

test('containers nested 10,000 deep: opened to a bound, the rest windowed', async () => {
  const small = await createChunker({ maxChunkLines: 10 });
  const text = `${Array.from({ length: 10_000 }, (_, i) => `namespace N${i} {\n`).join('')}export function f() {}\n${'}\n'.repeat(10_000)}`;
  const { chunks, stall } = await chunkTimed('deep-namespaces.ts', text, small);
  expect(chunks.filter((chunk) => chunk.kind === 'module').length).toBeGreaterThan(10);
  expect(chunkProblems(text, chunks, { maxLines: 10, maxChars: 2_000 })).toEqual([]);
  expect(stall).toBeLessThan(STALL_MS);
  small.dispose();
});

test('preprocessor conditionals nested 10,000 deep', async () => {
  const text = `${'#ifdef A\n'.repeat(10_000)}int f(void) { return 1; }\n${'#endif\n'.repeat(10_000)}`;
  const { chunks, stall } = await chunkTimed('deep.h', text);
  expect(chunkProblems(text, chunks)).toEqual([]);
  expect(stall).toBeLessThan(STALL_MS);
});

test('binary-ish text: bytes of every value, lone surrogates, NULs', async () => {
  let seed = 7;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed;
  };
  const bytes = Buffer.from(Array.from({ length: 300_000 }, () => random() % 256));
  const latin1 = bytes.toString('latin1');
  const units = String.fromCharCode(...Array.from({ length: 50_000 }, () => random() % 0x10000));
  // without NULs and in short lines, garbage goes through the parser rather than straight to windows
  const inLines = (text: string) => (text.replace(/\0/g, '').match(/[\s\S]{1,80}/g) ?? []).join('\n');
  for (const [path, text] of [
    ['blob.bin', latin1],
    ['blob.ts', latin1],
    ['blob-lines.ts', inLines(latin1)],
    ['units.ts', units],
    ['units-lines.py', inLines(units)],
    ['units-lines.cpp', inLines(units)],
    ['code-with-nul.ts', 'export function f() {}\n\0\nexport function g() {}\n'],
  ] as const) {
    const { chunks, stall } = await chunkTimed(path, text);
    expect(chunkProblems(text, chunks), path).toEqual([]);
    expect(stall, path).toBeLessThan(STALL_MS);
  }
});

test('one long line in an otherwise ordinary file is cut in pieces within its function', async () => {
  const data = `'${'abcdefgh'.repeat(10_000)}'`;
  const ordinary = Array.from({ length: 3_000 }, (_, i) => `export const v${i} = ${i};`).join('\n');
  const text = `${ordinary}\nexport function blob() {\n  return ${data};\n}\n`;
  const { chunks } = await chunkTimed('blob.ts', text);
  const blob = chunks.filter((chunk) => chunk.name === 'blob');
  expect(blob.length).toBeGreaterThan(80_000 / 2_000);
  expect(blob.every((chunk) => chunk.kind === 'function')).toBe(true);
  expect(chunkProblems(text, chunks)).toEqual([]);
});

test('old Mac line ends, a megabyte of whitespace, a file of line breaks', async () => {
  const mac = Array.from({ length: 5_000 }, (_, i) => `line ${i}`).join('\r');
  const cases: [string, string][] = [
    ['mac.txt', mac],
    ['mac.ts', mac],
    ['spaces.ts', ' '.repeat(1_000_000)],
    ['breaks.py', '\r\n'.repeat(100_000)],
  ];
  for (const [path, text] of cases) {
    const { chunks, stall } = await chunkTimed(path, text);
    expect(chunkProblems(text, chunks), path).toEqual([]);
    expect(stall, path).toBeLessThan(STALL_MS);
  }
});
