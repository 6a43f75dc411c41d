// `pa mcp serve` driven by the SDK's own client over stdio, as Claude Code would: files (confined), search,
// workflows and the model router.
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEngine } from '../support/engine.js';
import { type LoopbackProvider, startLoopbackOpenAI } from '../support/loopback-providers.js';
import { paMcpServe } from '../support/pa-mcp-serve.js';
import { copyFixture } from '../support/workspace.js';
import { useLoopbackModel } from './workflow-harness.js';

const workspace = copyFixture('failing-tests-project');
const dataDir = mkdtempSync(join(tmpdir(), 'pa-mcp-data-'));
const outside = mkdtempSync(join(tmpdir(), 'pa-mcp-outside-'));
let provider: LoopbackProvider;
let client: Client;

beforeAll(async () => {
  provider = await startLoopbackOpenAI({ kind: 'ok', text: 'The answer is 42.' });
  // Configure the model (and trust the workspace, for run_workflow) once through a normal engine; `pa mcp serve`
  // shares the data dir.
  const engine = await startEngine({ dataDir, workspace: workspace.root });
  const rpc = await engine.connect();
  await useLoopbackModel(rpc, provider);
  await rpc.call('workflow.trust.set', { trusted: true });
  await engine.stop();
  writeFileSync(join(outside, 'secret.txt'), 'secret');
  symlinkSync(outside, join(workspace.root, 'escape'));
  client = new Client({ name: 'mcp-test', version: '1.0.0' });
  const serve = paMcpServe(workspace.root, dataDir);
  await client.connect(
    new StdioClientTransport({
      ...serve,
      env: { ...(process.env as Record<string, string>), ...serve.env },
      stderr: 'ignore',
    }),
  );
});

afterAll(async () => {
  await client?.close();
  await provider?.close();
  workspace.remove();
  rmSync(outside, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

async function call(name: string, args: Record<string, unknown>): Promise<{ text: string; isError: boolean }> {
  const result = await client.callTool({ name, arguments: args });
  const content = result.content as Array<{ type: string; text?: string }>;
  return { text: content.map((part) => part.text ?? '').join(''), isError: result.isError === true };
}

describe('pa mcp serve', () => {
  it('offers file, workflow and router tools', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual([
      'ask',
      'find_in_files',
      'list_workflows',
      'read_file',
      'run_workflow',
      'search_codebase',
      'search_files',
      'write_file',
    ]);
  });

  it("finds in files with the editor's own search, globs included", async () => {
    const found = await call('find_in_files', { query: 'return a + b', include: ['src/**'] });
    expect(found).toEqual({ text: 'src/math.js:3:3: return a + b;\nsrc/math.js:7:3: return a + b;', isError: false });
    expect((await call('find_in_files', { query: 'return a + b', exclude: ['src'] })).text).toBe('no matches');
    const cut = await call('find_in_files', { query: 'return', limit: 1 });
    expect(cut.text).toMatch(/\n\(cut at 1 matches\)$/);
    // a pattern a backtracking engine would take minutes on is linear here; a backreference is refused, typed
    writeFileSync(join(workspace.root, 'src/long2.txt'), `${'a'.repeat(50_000)}!\n`);
    expect(await call('find_in_files', { query: '(a+)+$', regex: true })).toEqual({
      text: 'no matches',
      isError: false,
    });
    const backreference = await call('find_in_files', { query: '(a)\\1', regex: true });
    expect(backreference.isError).toBe(true);
    expect(backreference.text).toMatch(/^E_BAD_REQUEST: /);
  });

  it("searches the workspace's codebase index, never leaving the folder", async () => {
    // the index builds in the background once the folder opens: ask until it has the file
    const deadline = Date.now() + 30_000;
    let found = await call('search_codebase', { query: 'multiply numbers' });
    while (!found.text.includes('src/math.js') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      found = await call('search_codebase', { query: 'multiply numbers' });
    }
    expect(found.isError).toBe(false);
    expect(found.text).toMatch(/^ranked by keywords only/);
    expect(found.text).toContain('src/math.js:');
    expect(found.text).toContain('export function multiply');
    const outside = await call('search_codebase', { query: 'secret', folder: '../..' });
    expect(outside.isError).toBe(true);
    expect(outside.text).toMatch(/^E_BAD_REQUEST: /);
  });

  it('reads, searches and writes workspace files', async () => {
    expect((await call('read_file', { path: 'src/math.js' })).text).toContain('export function multiply');
    const search = await call('search_files', { query: 'return a \\+ b', regex: true });
    expect(search.text.split('\n')).toEqual(['src/math.js:3: return a + b;', 'src/math.js:7: return a + b;']);
    expect((await call('write_file', { path: 'notes/todo.md', content: '- fix multiply\n' })).isError).toBe(false);
    expect(readFileSync(join(workspace.root, 'notes/todo.md'), 'utf8')).toBe('- fix multiply\n');
  });

  it('refuses paths that escape the workspace, through ".." or a symlink', async () => {
    for (const path of ['../secret.txt', 'escape/secret.txt', '/etc/passwd']) {
      const read = await call('read_file', { path });
      expect(read.isError, path).toBe(true);
      expect(read.text, path).toMatch(/^E_BAD_REQUEST: Path .* (climbs out|symlink|absolute)/);
    }
    const write = await call('write_file', { path: 'escape/planted.txt', content: 'x' });
    expect(write.isError).toBe(true);
    expect(() => readFileSync(join(outside, 'planted.txt'))).toThrow();
  });

  it('searches with a linear-time regex engine: (a+)+$ over a long line of a answers at once', async () => {
    writeFileSync(join(workspace.root, 'src/long.txt'), `${'a'.repeat(50_000)}!\n`);
    const started = performance.now();
    const search = await call('search_files', { query: '(a+)+$', regex: true });
    expect(performance.now() - started).toBeLessThan(5000);
    expect(search).toEqual({ text: 'no matches', isError: false });
    const backreference = await call('search_files', { query: '(a)\\1', regex: true });
    expect(backreference.isError).toBe(true);
    expect(backreference.text).toMatch(/^E_BAD_REQUEST: The regular expression cannot be used/);
  });

  it('never writes into .git, whatever its case or spelling', async () => {
    for (const path of ['.git/config', '.GIT/config', '.Git./hooks/post-checkout']) {
      const write = await call('write_file', { path, content: '[core]\n\tfsmonitor = touch pwned\n' });
      expect(write.isError, path).toBe(true);
      expect(write.text, path).toMatch(/^E_FORBIDDEN: .* is inside \.git/);
    }
    expect(() => readFileSync(join(workspace.root, '.git/config'))).toThrow();
    expect(() => readFileSync(join(workspace.root, '.GIT/config'))).toThrow();
  });

  it('lists and runs workflows to the end', async () => {
    const listed = JSON.parse((await call('list_workflows', {})).text) as Array<{ name: string; allowed: boolean }>;
    expect(listed.find((workflow) => workflow.name === 'test')).toMatchObject({ allowed: true });
    const run = JSON.parse((await call('run_workflow', { name: 'test' })).text);
    expect(run).toMatchObject({ workflow: 'test', state: 'failed' });
    expect(run.steps[0].output.failures).toEqual([expect.objectContaining({ file: 'test/math.test.js', line: 10 })]);
  });

  it('asks the model router', async () => {
    expect(await call('ask', { prompt: 'What is six times seven?' })).toEqual({
      text: 'The answer is 42.',
      isError: false,
    });
    expect(JSON.stringify(provider.requests.at(-1)?.body.messages)).toContain('six times seven');
  });
});
