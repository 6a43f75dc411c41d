import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkspaceProblem } from '@pa/shared';
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

describe('the diagnostics tool', () => {
  const problems: WorkspaceProblem[] = [
    { path: 'src/b.ts', severity: 'warning', line: 3, column: 1, message: 'unused x', source: 'ts' },
    {
      path: 'src/a.ts',
      severity: 'error',
      line: 9,
      column: 5,
      message: "Type 'string'\n  is not 'number'.",
      source: 'ts',
    },
    // the same problem the page published and the language server holds: one line
    {
      path: 'src/a.ts',
      severity: 'error',
      line: 9,
      column: 5,
      message: "Type 'string'\n  is not 'number'.",
      source: 'ts',
    },
    { path: 'secret/keys.ts', severity: 'error', line: 1, column: 1, message: 'const KEY = "hunter2"', source: 'ts' },
    { path: 'lib/c.py', severity: 'info', line: 2, column: 3, message: 'consider this', source: 'lsp.python' },
  ];
  const withProblems = (list: WorkspaceProblem[]): ToolContext => ({
    ...context,
    excluded: (path) => path.startsWith('secret/'),
    diagnostics: () => list,
  });

  it('answers the problems errors first, bounded, without .aiignored files', async () => {
    const result = await tool('diagnostics').run({}, withProblems(problems));
    expect(result.isError).toBe(false);
    expect(result.text.split('\n')).toEqual([
      '1 errors, 1 warnings, 1 infos',
      "src/a.ts:9:5: error: Type 'string' is not 'number'. (ts)",
      'src/b.ts:3:1: warning: unused x (ts)',
      'lib/c.py:2:3: info: consider this (lsp.python)',
    ]);
    expect(result.text).not.toContain('hunter2');
    const many = Array.from({ length: 700 }, (_, index) => ({ ...problems[0], line: index + 1 }) as WorkspaceProblem);
    const cut = await tool('diagnostics').run({ limit: 10 }, withProblems(many));
    expect(cut.text.split('\n')).toHaveLength(12);
    expect(cut.text).toContain('(690 more; give path or a larger limit)');
    const long = [{ ...problems[0], message: 'x'.repeat(100_000) } as WorkspaceProblem];
    expect((await tool('diagnostics').run({}, withProblems(long))).text.length).toBeLessThan(700);
  });

  it('narrows to a file or folder, and refuses one outside, in .git or .aiignored', async () => {
    const context = withProblems(problems);
    expect((await tool('diagnostics').run({ path: 'src/b.ts' }, context)).text).toBe(
      '0 errors, 1 warnings, 0 infos\nsrc/b.ts:3:1: warning: unused x (ts)',
    );
    expect((await tool('diagnostics').run({ path: 'src' }, context)).text).toContain('src/a.ts:9:5');
    expect((await tool('diagnostics').run({ path: 'sr' }, context)).text).toBe('no problems in sr');
    await expect(tool('diagnostics').run({ path: '../etc' }, context)).rejects.toThrow(/\.\./);
    await expect(tool('diagnostics').run({ path: '.git' }, context)).rejects.toThrow(/\.git/);
    await expect(tool('diagnostics').run({ path: 'secret/keys.ts' }, context)).rejects.toThrow(/aiignore/);
    await expect(tool('diagnostics').run({}, contextWithout())).rejects.toThrow(/not available/);
    expect(tool('diagnostics').args.safeParse({ limit: 10_000 }).success).toBe(false);
    expect(tool('diagnostics').args.safeParse({ path: 1 }).success).toBe(false);
    expect(tool('diagnostics').kind).toBe('read');
  });
});

function contextWithout(): ToolContext {
  return { ...context };
}
