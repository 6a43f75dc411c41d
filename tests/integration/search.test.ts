// Find in files against the real engine over its WebSocket, with both engines (ripgrep and the built-in fallback,
// picked per request): known matches for literal, case, whole word, regex, globs and .gitignore on and off;
// maxResults; cancellation (rg is killed); and the hostile side: a symlink out of the workspace, globs that climb
// out, a catastrophic regex, a huge line that must come back in time, and a 20 MB line with 1.7 million matches
// that must not blow the engine's memory or hold its event loop.
import { execFileSync } from 'node:child_process';
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode, type ParamsIn, type RpcClient, type SearchFileMatches, type SearchTextResult } from '@pa/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StartedEngine, startEngine } from '../support/engine.js';
import { errorOf } from '../support/error-of.js';
import { TempFolders, writeBelow } from '../support/workspace.js';

let engine: StartedEngine;
let client: RpcClient;
let root: string;
let outside: string;

const MANY = 3_000;
const HUGE_LINE = 2 * 1024 * 1024;
/** One 20 MB line with a match every 12 bytes: rg prints it as one 120 MB JSON frame with 1.7 million submatches. */
const PATHOLOGICAL = 'abcd needle ';
const PATHOLOGICAL_REPEAT = 1_750_000;

const temps = new TempFolders();
const write = (rel: string, content: string | Buffer) => writeBelow(root, rel, content);

beforeAll(async () => {
  root = temps.make('pa-search-');
  outside = temps.make('pa-search-outside-');
  writeFileSync(join(outside, 'secret.txt'), 'foo outside the workspace\n');
  write('src/alpha.ts', 'const foo = 1;\nconst foobar = foo + 2;\nFOO();\n');
  write('src/beta.js', 'let x = foo;\n');
  write('src/uni.ts', 'é😀 foo\n');
  write('docs/readme.md', 'Foo bar\n');
  write('.gitignore', 'ignored/\n');
  write('ignored/skip.ts', 'foo ignored\n');
  write('.git/config', '[core]\n\tfoo = 1\n');
  write('bin.dat', Buffer.concat([Buffer.from('foo'), Buffer.alloc(16), Buffer.from('foo')]));
  write('bomb/aaa.txt', `${'a'.repeat(100_000)}b\n`);
  write('huge/line.txt', `${'x'.repeat(HUGE_LINE / 2)}needle${'y'.repeat(HUGE_LINE / 2)}\n`);
  write('pathological/line.txt', `${PATHOLOGICAL.repeat(PATHOLOGICAL_REPEAT)}\n`);
  // UTF-16 with a BOM: rg searches it transcoded, so its offsets are not the file's bytes
  const wide = Array.from({ length: 250 }, (_, i) => `line ${i} foo\n`).join('');
  write('utf16/wide.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(wide, 'utf16le')]));
  write('odd/we:ird\nname 1:2:3.txt', 'foo in an odd name\n');
  for (let i = 0; i < MANY; i++) write(`many/${String(i).padStart(4, '0')}.txt`, `cancelword ${i}\n`);
  symlinkSync(outside, join(root, 'linked-out'));
  symlinkSync(join(outside, 'secret.txt'), join(root, 'secret-link.txt'));
  engine = await startEngine({ workspace: root });
  client = await engine.connect();
}, 30_000);

afterAll(async () => {
  await engine?.stop();
  temps.removeAll();
});

async function search(params: ParamsIn<'search.text'>) {
  const items: SearchFileMatches[] = [];
  const stream = client.stream('search.text', params);
  for await (const item of stream) items.push(item);
  const result: SearchTextResult = await stream.result;
  // rg searches files in parallel: files in any order, each file's matches in order
  const byPath = [...items].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const hits = byPath.flatMap((item) => item.matches.map((m) => `${item.path}:${m.line}:${m.column}-${m.endColumn}`));
  return { items, result, hits };
}

/** Excludes the folders of the other tests, so each expectation lists what it is about. */
const NOISE = ['many', 'bomb', 'huge', 'pathological', 'utf16', 'odd'];

describe.each(['ripgrep', 'builtin'] as const)('search.text with the %s engine', (engineName) => {
  const base = { engine: engineName, exclude: NOISE };

  it('finds a literal in any case, file by file, with UTF-16 columns and previews', async () => {
    const { items, result, hits } = await search({ ...base, pattern: 'foo' });
    expect(hits).toEqual([
      'docs/readme.md:1:0-3',
      'src/alpha.ts:1:6-9',
      'src/alpha.ts:2:6-9',
      'src/alpha.ts:2:15-18',
      'src/alpha.ts:3:0-3',
      'src/beta.js:1:8-11',
      'src/uni.ts:1:4-7',
    ]);
    expect(result).toMatchObject({ files: 4, matches: 7, limitHit: false, engine: engineName });
    const uni = items.find((item) => item.path === 'src/uni.ts')?.matches[0];
    expect(uni?.preview).toEqual({ text: 'é😀 foo', start: 4, end: 7 });
    expect(uni?.text).toBe('foo');
  });

  it('matches case, whole words and regular expressions', async () => {
    expect((await search({ ...base, pattern: 'FOO', matchCase: true })).hits).toEqual(['src/alpha.ts:3:0-3']);
    expect((await search({ ...base, pattern: 'foo', wholeWord: true, include: ['alpha.ts'] })).hits).toEqual([
      'src/alpha.ts:1:6-9',
      'src/alpha.ts:2:15-18',
      'src/alpha.ts:3:0-3',
    ]);
    expect((await search({ ...base, pattern: '^const \\w+', isRegex: true, matchCase: true })).hits).toEqual([
      'src/alpha.ts:1:0-9',
      'src/alpha.ts:2:0-12',
    ]);
    // a literal's regex characters are literal
    expect((await search({ ...base, pattern: 'FOO()', matchCase: true })).hits).toEqual(['src/alpha.ts:3:0-5']);
  });

  it('includes and excludes by glob (names at any depth, folders, braces)', async () => {
    const files = async (globs: { include?: string[]; exclude?: string[] }) =>
      [...new Set((await search({ ...base, pattern: 'foo', ...globs })).items.map((item) => item.path))].sort();
    expect(await files({ include: ['*.ts'] })).toEqual(['src/alpha.ts', 'src/uni.ts']);
    expect(await files({ include: ['*.{md,js}'] })).toEqual(['docs/readme.md', 'src/beta.js']);
    expect(await files({ include: ['docs'] })).toEqual(['docs/readme.md']);
    expect(await files({ exclude: [...NOISE, 'src'] })).toEqual(['docs/readme.md']);
  });

  it('respects .gitignore unless told not to, and never searches .git or binary files', async () => {
    const on = await search({ ...base, pattern: 'foo ignored' });
    expect(on.hits).toEqual([]);
    const off = await search({ ...base, pattern: 'foo', useIgnoreFiles: false, wholeWord: true });
    expect(off.items.map((item) => item.path)).toContain('ignored/skip.ts');
    expect(off.items.map((item) => item.path).filter((path) => path.startsWith('.git/') || path === 'bin.dat')).toEqual(
      [],
    );
  });

  it('stops at maxResults and says so', async () => {
    const { result, hits } = await search({
      engine: engineName,
      pattern: 'cancelword',
      include: ['many'],
      maxResults: 10,
    });
    expect(hits).toHaveLength(10);
    expect(result).toMatchObject({ matches: 10, limitHit: true });
  });

  it('never follows a symlink out of the workspace', async () => {
    const { hits } = await search({ ...base, pattern: 'outside the workspace', useIgnoreFiles: false });
    expect(hits).toEqual([]);
  });

  it('refuses globs that climb out or are absolute, and regexes RE2 cannot run in linear time', async () => {
    for (const glob of ['../**', '/etc/**', 'src/../../x', '!src']) {
      const error = await errorOf(search({ ...base, pattern: 'foo', include: [glob] }));
      expect(error.code).toBe(ErrorCode.BAD_REQUEST);
    }
    const error = await errorOf(search({ ...base, pattern: '(a)\\1', isRegex: true }));
    expect(error.code).toBe(ErrorCode.BAD_REQUEST);
    expect(error.message).toMatch(/backreferences/);
  });

  it('answers a catastrophic-backtracking regex on a long line in time', async () => {
    const started = performance.now();
    const { hits } = await search({ engine: engineName, pattern: '(a+)+$', isRegex: true, include: ['bomb'] });
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(hits).toEqual([]); // the line ends in "b"
    const found = await search({ engine: engineName, pattern: '(a+)+b$', isRegex: true, include: ['bomb'] });
    expect(found.hits).toEqual(['bomb/aaa.txt:1:0-100001']);
    expect(found.items[0]?.matches[0]?.text.length).toBeLessThanOrEqual(1_000);
  });

  it('sends a short preview of a match in a 2 MB line', async () => {
    const { items, hits } = await search({ engine: engineName, pattern: 'needle', include: ['huge'] });
    expect(hits).toEqual([`huge/line.txt:1:${HUGE_LINE / 2}-${HUGE_LINE / 2 + 6}`]);
    const preview = items[0]?.matches[0]?.preview;
    expect(preview?.text.length).toBeLessThanOrEqual(1_000);
    expect(preview?.text.slice(preview.start, preview.end)).toBe('needle');
  });

  it('cuts a line with a million matches at maxResults, in items of bounded size', async () => {
    const started = performance.now();
    const { items, result } = await search({ engine: engineName, pattern: 'x', include: ['huge'], maxResults: 1_000 });
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(result).toMatchObject({ matches: 1_000, limitHit: true, files: 1 });
    expect(Math.max(...items.map((item) => item.matches.length))).toBeLessThanOrEqual(200);
  });

  it('reads a 20 MB line with 1.7 million matches in bounded memory, answering other calls meanwhile', async () => {
    const peakBefore = peakMemory();
    const started = performance.now();
    let done = false;
    const searched = search({ engine: engineName, pattern: 'needle', include: ['pathological'] }).finally(() => {
      done = true;
    });
    // the engine keeps answering while it reads the line: no stretch of it holds the event loop
    let slowestPing = 0;
    while (!done) {
      const sent = performance.now();
      await client.call('engine.ping', {});
      slowestPing = Math.max(slowestPing, performance.now() - sent);
    }
    const { items, result } = await searched;
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(slowestPing).toBeLessThan(1_000);
    expect(result).toMatchObject({ matches: 20_000, limitHit: true, files: 1 });
    expect(Math.max(...items.map((item) => item.matches.length))).toBeLessThanOrEqual(200);
    const last = items.at(-1)?.matches.at(-1);
    expect(last).toMatchObject({ line: 1, column: 12 * 19_999 + 5, endColumn: 12 * 19_999 + 11, text: 'needle' });
    expect(last?.preview.text.slice(last.preview.start, last.preview.end)).toBe('needle');
    expect(last?.preview.text.length).toBeLessThanOrEqual(1_000);
    // neither the 120 MB frame nor the decoded line with its matches is ever held: the line itself, and little more
    expect(peakMemory() - peakBefore).toBeLessThan(150 * 1024 * 1024);
    if (engineName === 'ripgrep') await until(() => ripgrepChildren().length === 0); // stopped once it had enough
  });

  it('stops when the reader cancels, and the next search answers', async () => {
    const stream = client.stream('search.text', { engine: engineName, pattern: 'cancelword', include: ['many'] });
    const iterator = stream[Symbol.asyncIterator]();
    expect((await iterator.next()).done).toBe(false);
    if (engineName === 'ripgrep') expect(ripgrepChildren()).toHaveLength(1); // held back by the unread stream
    stream.cancel();
    await expect(stream.result).rejects.toMatchObject({ code: ErrorCode.CANCELLED });
    if (engineName === 'ripgrep') await until(() => ripgrepChildren().length === 0);
    const { result } = await search({ ...base, pattern: 'foo' });
    expect(result.matches).toBe(7);
  });
});

describe('search.text with ripgrep, where rg matched other bytes than the file holds', () => {
  it('searches a UTF-16 file (which rg transcodes) again through --json: every match once, columns and previews right', async () => {
    const { items, result, hits } = await search({ engine: 'ripgrep', pattern: 'foo', include: ['utf16'] });
    expect(result).toMatchObject({ matches: 250, files: 1, limitHit: false });
    expect(new Set(hits).size).toBe(250);
    expect(hits[0]).toBe('utf16/wide.txt:1:7-10');
    expect(items[0]?.matches[0]?.preview).toEqual({ text: 'line 0 foo', start: 7, end: 10 });
    expect(items.at(-1)?.matches.at(-1)).toMatchObject({ line: 250, column: 9, text: 'foo' });
  });
});

describe.each(['ripgrep', 'builtin'] as const)('search.text with the %s engine and odd file names', (engineName) => {
  it('finds a file whose name holds a newline and colons', async () => {
    const { hits, items } = await search({ engine: engineName, pattern: 'foo', include: ['odd'] });
    expect(hits).toEqual(['odd/we:ird\nname 1:2:3.txt:1:0-3']);
    expect(items[0]?.matches[0]?.preview.text).toBe('foo in an odd name');
  });
});

/** The engine's peak resident memory so far, in bytes (Linux's VmHWM, where the test suite runs). */
function peakMemory(): number {
  const status = readFileSync(`/proc/${engine.process.pid}/status`, 'utf8');
  const kib = /^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1];
  if (kib === undefined) throw new Error('no VmHWM in /proc/<pid>/status');
  return Number(kib) * 1024;
}

/** rg processes the engine started that are still running. */
function ripgrepChildren(): string[] {
  let out = '';
  try {
    out = execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(engine.process.pid)], { encoding: 'utf8' });
  } catch {
    return []; // ps exits 1 when the engine has no child
  }
  return out
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.endsWith(' rg'));
}

/** Polls a condition the engine reaches on its own (a killed child is reaped), failing after 5 s. */
async function until(holds: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!holds()) {
    if (Date.now() > deadline) throw new Error('the condition did not hold within 5 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
