// search.replace against the real engine: what search.text found is replaced (one match, a file, everything; regex
// groups), a file changed since the search is reported and left as it is, and hostile requests (a path out of the
// workspace, into .git, a symlink) replace nothing.
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ParamsIn, RpcClient, SearchFileMatches } from '@pa/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StartedEngine, startEngine } from '../support/engine.js';
import { TempFolders, writeBelow } from '../support/workspace.js';

let engine: StartedEngine;
let client: RpcClient;
let root: string;
let outside: string;
const temps = new TempFolders();
const write = (rel: string, content: string) => writeBelow(root, rel, content);
const read = (rel: string) => readFileSync(join(root, rel), 'utf8');

beforeAll(async () => {
  root = temps.make('pa-replace-');
  outside = temps.make('pa-replace-outside-');
  writeFileSync(join(outside, 'victim.txt'), 'foo\n');
  symlinkSync(join(outside, 'victim.txt'), join(root, 'link.txt'));
  engine = await startEngine({ workspace: root });
  client = await engine.connect();
}, 30_000);

afterAll(async () => {
  await engine?.stop();
  temps.removeAll();
});

async function found(params: ParamsIn<'search.text'>): Promise<SearchFileMatches[]> {
  const byPath = new Map<string, SearchFileMatches>();
  for await (const item of client.stream('search.text', params)) {
    const known = byPath.get(item.path);
    if (known) known.matches.push(...item.matches);
    else byPath.set(item.path, { path: item.path, matches: [...item.matches] });
  }
  return [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : 1));
}

describe('search.replace', () => {
  it('replaces every match in every file, and one match alone', async () => {
    write('all/a.txt', 'foo and foo\nno match\nFoo\n');
    write('all/b.txt', 'a foo\n');
    const query = { pattern: 'foo', isRegex: false, matchCase: false, wholeWord: false };
    const files = await found({ ...query, include: ['all'] });
    const result = await client.call('search.replace', { query, replacement: 'bar', files });
    expect(result.replaced.map((file) => [file.path, file.count])).toEqual([
      ['all/a.txt', 3],
      ['all/b.txt', 1],
    ]);
    expect(result.skipped).toEqual([]);
    expect(read('all/a.txt')).toBe('bar and bar\nno match\nbar\n');
    expect(read('all/b.txt')).toBe('a bar\n');

    write('one/c.txt', 'x1 x2 x3\r\nx4\r\n');
    const [file] = await found({ pattern: 'x\\d', isRegex: true, include: ['one'] });
    const second = file?.matches[1];
    expect(second?.text).toBe('x2');
    await client.call('search.replace', {
      query: { pattern: 'x\\d', isRegex: true },
      replacement: 'y',
      files: [{ path: 'one/c.txt', matches: [second as NonNullable<typeof second>] }],
    });
    expect(read('one/c.txt')).toBe('x1 y x3\r\nx4\r\n');
  });

  it('expands regex groups as JavaScript does', async () => {
    write('groups/d.ts', 'const alpha = 1;\nconst beta = 2;\n');
    const query = { pattern: 'const (\\w+) = (\\d)', isRegex: true, matchCase: true };
    const files = await found({ ...query, include: ['groups'] });
    expect(files[0]?.matches.map((match) => match.groups)).toEqual([
      ['alpha', '1'],
      ['beta', '2'],
    ]);
    await client.call('search.replace', { query, replacement: 'let $1 = $20 /* $& $$ */', files });
    expect(read('groups/d.ts')).toBe(
      'let alpha = 10 /* const alpha = 1 $ */;\nlet beta = 20 /* const beta = 2 $ */;\n',
    );
  });

  it('leaves a file that changed since the search and reports it', async () => {
    write('changed/e.txt', 'foo\n');
    write('changed/f.txt', 'foo\n');
    const query = { pattern: 'foo' };
    const files = await found({ ...query, include: ['changed'] });
    write('changed/e.txt', 'xfoo\n'); // the match moved
    const result = await client.call('search.replace', { query, replacement: 'bar', files });
    expect(result.replaced.map((file) => file.path)).toEqual(['changed/f.txt']);
    expect(result.skipped).toEqual([{ path: 'changed/e.txt', reason: expect.stringMatching(/changed since/) }]);
    expect(read('changed/e.txt')).toBe('xfoo\n');
    expect(read('changed/f.txt')).toBe('bar\n');
  });

  it('replaces nothing outside the workspace, in .git or through a symlink', async () => {
    write('.git/config', 'foo\n');
    const match = { line: 1, column: 0, endColumn: 3, text: 'foo' };
    const result = await client.call('search.replace', {
      query: { pattern: 'foo' },
      replacement: 'pwned',
      files: [
        { path: '.git/config', matches: [match] },
        { path: '../victim.txt', matches: [match] },
        { path: `${outside}/victim.txt`, matches: [match] },
        { path: 'link.txt', matches: [match] },
      ],
    });
    expect(result.replaced).toEqual([]);
    expect(result.skipped.map((file) => file.path)).toEqual([
      '.git/config',
      '../victim.txt',
      `${outside}/victim.txt`,
      'link.txt',
    ]);
    expect(result.skipped[0]?.reason).toMatch(/git folder/);
    expect(read('.git/config')).toBe('foo\n');
    expect(readFileSync(join(outside, 'victim.txt'), 'utf8')).toBe('foo\n');
  });
});
