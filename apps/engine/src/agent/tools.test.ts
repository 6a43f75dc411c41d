import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyBlocks, BUILTIN_TOOLS, type ToolContext } from './tools.js';

const root = mkdtempSync(join(tmpdir(), 'pa-agent-tools-'));
const outside = mkdtempSync(join(tmpdir(), 'pa-agent-outside-'));
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});
const context: ToolContext = {
  root,
  dataDir: join(root, 'data'),
  signal: new AbortController().signal,
  excluded: () => false,
  beforeWrite: () => {},
};
const tool = (name: string) => {
  const found = BUILTIN_TOOLS.find((candidate) => candidate.name === name);
  if (!found) throw new Error(name);
  return found;
};

describe('agent tools, hostile arguments', () => {
  it('find_path answers a backtracking glob from the model in time', async () => {
    mkdirSync(join(root, 'a'.repeat(200)), { recursive: true });
    writeFileSync(join(root, 'a'.repeat(200), `${'a'.repeat(250)}.txt`), 'x');
    const started = performance.now();
    const result = await tool('find_path').run({ pattern: '*a*a*a*a*a*a*a*a*b' }, context);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(result.text).toBe('no files match');
    expect((await tool('find_path').run({ pattern: '**/*.txt' }, context)).text).toContain('.txt');
  });

  it('writes neither through a symlink out of the workspace nor into the data folder', async () => {
    symlinkSync(outside, join(root, 'out'));
    await expect(tool('create_file').run({ path: 'out/x.txt', content: 'x' }, context)).rejects.toThrow();
    mkdirSync(join(root, 'data'), { recursive: true });
    await expect(tool('create_file').run({ path: 'data/settings.json', content: '{}' }, context)).rejects.toThrow(
      /data folder/,
    );
    await expect(tool('create_file').run({ path: '.git/hooks/pre-commit', content: 'x' }, context)).rejects.toThrow(
      /\.git/,
    );
  });

  it('search/replace blocks need exactly one match', () => {
    expect(applyBlocks('a b a', [{ search: 'b', replace: 'c' }])).toBe('a c a');
    expect(() => applyBlocks('a b a', [{ search: 'a', replace: 'c' }])).toThrow(/more than once/);
    expect(() => applyBlocks('a b a', [{ search: 'z', replace: 'c' }])).toThrow(/not found/);
  });
});
